using System;

namespace RnnGen
{
    /// <summary>
    /// A generated network with float inputs, whose <c>Backward</c> can also return dL/dx, so it can sit behind another
    /// trainable module (a feature extractor, a second generated network, a user's attention layer). Every model with
    /// <c>InputSize</c> implements it; token models do not (their input gradient is the embedding's, in the packed gradients).
    /// </summary>
    /// <example>
    /// <code>
    /// // A two-stage pipeline trained end to end: the second network's dL/dx is the first one's dL/d(output).
    /// second.Backward(dLoss, secondGradients, inputGradients: dFirstOutputs);
    /// first.Backward(dFirstOutputs, firstGradients);
    /// </code>
    /// </example>
    public interface IInputGradientNetwork : IRecurrentNetwork<float>
    {
        /// <summary>Backpropagation through time over the last <c>Forward</c>: adds dL/dθ to <paramref name="gradients"/> and writes dL/dx.</summary>
        /// <param name="outputGradients">dL/d(output), as for <see cref="IRecurrentNetwork.Backward"/>.</param>
        /// <param name="gradients">The packed gradient buffer (added to).</param>
        /// <param name="inputGradients">Receives dL/dx, time-major like the inputs, <c>[steps][batch][InputSize]</c> of the last Forward (written, not added to; padded steps get zeros).</param>
        void Backward(ReadOnlySpan<float> outputGradients, Span<float> gradients, Span<float> inputGradients);
    }
}
