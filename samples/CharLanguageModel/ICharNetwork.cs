using System;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>
    /// What the training loop, the checkpoints and the text generator need from a generated character model: the
    /// runtime's <see cref="IRecurrentNetwork{TInput, TState}"/> (description, parameters, Forward, Backward, Step),
    /// plus the token-id overloads every generated token model has. The generated members implement it as they are.
    /// </summary>
    /// <typeparam name="TState">The model's generated <c>State</c> class (one per generated stream).</typeparam>
    public interface ICharNetwork<TState> : IRecurrentNetwork<int, TState>
        where TState : class
    {
        /// <summary>Runs whole sequences (generated): tokens <c>[steps][batch]</c>, outputs <c>[steps][batch][vocabulary]</c>.</summary>
        /// <param name="tokens">Time-major token ids.</param>
        /// <param name="outputs">Receives the softmax probabilities.</param>
        /// <param name="batchSize">Sequences in the batch.</param>
        /// <param name="continueState">Start from the previous <c>Forward</c>'s final state instead of zero.</param>
        void Forward(ReadOnlySpan<int> tokens, Span<float> outputs, int batchSize, bool continueState);

        /// <summary>Runs whole sequences for inference only (generated): Forward's outputs bit for bit, no dropout, nothing kept for Backward.</summary>
        /// <param name="tokens">Time-major token ids.</param>
        /// <param name="outputs">Receives the softmax probabilities.</param>
        /// <param name="batchSize">Sequences in the batch.</param>
        /// <param name="continueState">Start from the previous call's final state instead of zero.</param>
        void Predict(ReadOnlySpan<int> tokens, Span<float> outputs, int batchSize, bool continueState);

        /// <summary>Advances one stream by one token (generated).</summary>
        /// <param name="state">The stream's state.</param>
        /// <param name="token">The token id.</param>
        /// <param name="output">Receives the next-token probabilities.</param>
        void Step(TState state, int token, Span<float> output);

        /// <summary>A copy of the model on a GPU (its generated <c>ToCuda</c>), for training there.</summary>
        /// <param name="device">The GPU.</param>
        /// <returns>The model's <c>CudaModel</c>; dispose it before the device.</returns>
        RnnGen.Gpu.ICudaTrainable<int> ToCudaTrainable(RnnGen.Gpu.GpuDevice device);
    }
}
