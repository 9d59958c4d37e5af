using System;

namespace RnnGen.Gpu
{
    /// <summary>
    /// Every generated <c>CudaModel</c>: <see cref="ICudaTrainable{TInput}"/> plus the calls that mirror the CPU model's
    /// state and gradient API, so code can drive any model on a GPU without naming its generated type.
    /// </summary>
    /// <typeparam name="TInput"><see cref="float"/> for float inputs, <see cref="int"/> for token ids.</typeparam>
    /// <example>
    /// <code>
    /// // Runs a batch on whichever model it is given and returns the first layer's final hidden state.
    /// static float[] FinalHidden&lt;TInput&gt;(ICudaNetwork&lt;TInput&gt; gpu, TInput[] inputs, float[] outputs, int batch, int units)
    ///     where TInput : unmanaged
    /// {
    ///     gpu.Forward(inputs, default, outputs, batch, continueState: false);
    ///     var hidden = new float[batch * units];
    ///     gpu.CopyFinalState(0, hidden);
    ///     return hidden;
    /// }
    /// </code>
    /// </example>
    public interface ICudaNetwork<TInput> : ICudaTrainable<TInput>
        where TInput : unmanaged
    {
        /// <summary>The device gradients in the packed parameter layout, which <c>Backward</c> adds into.</summary>
        DeviceBuffer GradientBuffer { get; }

        /// <summary>Sets a layer's initial state for the next <c>Forward</c> with <c>continueState</c>, as the CPU model's.</summary>
        /// <param name="layer">Recurrent layer index (a bidirectional layer's reverse state follows its forward one).</param>
        /// <param name="hidden">[batchSize][units].</param>
        /// <param name="cell">[batchSize][units] for an LSTM layer; empty otherwise.</param>
        void SetInitialState(int layer, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell = default);

        /// <summary>Copies a layer's final state after the last <c>Forward</c>, as the CPU model's.</summary>
        /// <param name="layer">Recurrent layer index, as in <see cref="SetInitialState"/>.</param>
        /// <param name="hidden">Receives [batchSize][units].</param>
        /// <param name="cell">Receives [batchSize][units] for an LSTM layer; empty otherwise.</param>
        void CopyFinalState(int layer, Span<float> hidden, Span<float> cell = default);

        /// <summary>BPTT after the last <c>Forward</c> from host dL/dy, adding into <see cref="GradientBuffer"/> on the device.</summary>
        /// <param name="outputGradients">dL/d(outputs), shaped as the last <c>Forward</c>'s outputs.</param>
        void Backward(ReadOnlySpan<float> outputGradients);

        /// <summary>As <see cref="Backward(ReadOnlySpan{float})"/>, then adds the gradients into a host buffer too.</summary>
        /// <param name="outputGradients">dL/d(outputs), shaped as the last <c>Forward</c>'s outputs.</param>
        /// <param name="gradients">[PackedParameterLength] floats the gradients are added into.</param>
        void Backward(ReadOnlySpan<float> outputGradients, Span<float> gradients);

        /// <summary>Sets dL/d(final state) of a layer for the next <c>Backward</c>, as the CPU model's.</summary>
        /// <param name="layer">Recurrent layer index.</param>
        /// <param name="hidden">[batchSize][units].</param>
        /// <param name="cell">[batchSize][units] for an LSTM layer; empty otherwise.</param>
        void SetFinalStateGradient(int layer, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell = default);

        /// <summary>Copies dL/d(initial state) of a layer after the last <c>Backward</c>, as the CPU model's.</summary>
        /// <param name="layer">Recurrent layer index.</param>
        /// <param name="hidden">Receives [batchSize][units].</param>
        /// <param name="cell">Receives [batchSize][units] for an LSTM layer; empty otherwise.</param>
        void InitialStateGradient(int layer, Span<float> hidden, Span<float> cell = default);
    }
}
