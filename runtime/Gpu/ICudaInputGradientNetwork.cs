using System;

namespace RnnGen.Gpu
{
    /// <summary>A generated <c>CudaModel</c> with float inputs: <c>Backward</c> can also return dL/dx, as the CPU model's <see cref="IInputGradientNetwork"/>.</summary>
    public interface ICudaInputGradientNetwork : ICudaNetwork<float>
    {
        /// <summary>As <see cref="ICudaNetwork{TInput}.Backward(ReadOnlySpan{float}, Span{float})"/>, and writes dL/d(inputs).</summary>
        /// <param name="outputGradients">dL/d(outputs), shaped as the last <c>Forward</c>'s outputs.</param>
        /// <param name="gradients">[PackedParameterLength] floats the gradients are added into.</param>
        /// <param name="inputGradients">Receives dL/d(inputs), shaped as the last <c>Forward</c>'s inputs.</param>
        void Backward(ReadOnlySpan<float> outputGradients, Span<float> gradients, Span<float> inputGradients);
    }
}
