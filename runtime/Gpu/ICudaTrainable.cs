using System;

namespace RnnGen.Gpu
{
    /// <summary>
    /// What a training loop needs of a generated <c>CudaModel</c> with a device <c>Backward</c>: implemented by every
    /// such <c>CudaModel</c>, so <see cref="RnnGen.Training.Trainer{TInput}"/> can run its steps on the GPU with the
    /// CPU loop's validation, checkpoints, divergence guard and early stopping.
    /// </summary>
    /// <typeparam name="TInput"><see cref="float"/> for float inputs, <see cref="int"/> for token ids.</typeparam>
    public interface ICudaTrainable<TInput> : IDisposable
        where TInput : unmanaged
    {
        /// <summary>The loss, gradient buffers, clipping and optimisers on the device; its <c>Gradients</c> are what <see cref="Backward"/> writes.</summary>
        CudaTraining Training { get; }

        /// <summary>Runs a batch on the device and leaves the tape for one <see cref="Backward"/> (the CPU model's <c>Forward</c> contract).</summary>
        /// <param name="inputs">Time-major [steps][batchSize][features] (or token ids).</param>
        /// <param name="lengths">Valid steps per sequence, or empty for full length.</param>
        /// <param name="outputs">Receives the outputs, as the CPU model's.</param>
        /// <param name="batchSize">Sequences in the batch.</param>
        /// <param name="continueState">Start from the previous call's final state instead of zero.</param>
        void Forward(ReadOnlySpan<TInput> inputs, ReadOnlySpan<int> lengths, Span<float> outputs, int batchSize, bool continueState);

        /// <summary>
        /// Whether <see cref="Forward"/> applies the network's dropout (fresh masks per call, differentiated by
        /// <see cref="Backward"/>): the CPU model's <c>Training</c>. Ignored by a network without dropout.
        /// </summary>
        bool ApplyDropout { get; set; }

        /// <summary>Zeroes the device gradients (<c>Training.Gradients</c>).</summary>
        void ClearGradients();

        /// <summary>BPTT on the device from the dL/dz the last <c>Training.ComputeLoss</c> wrote, adding into <c>Training.Gradients</c>.</summary>
        void Backward();

        /// <summary>Uploads packed parameters (the CPU model's <c>PackedParameters</c>).</summary>
        /// <param name="packed">[PackedParameterLength] floats.</param>
        void UpdateParameters(ReadOnlySpan<float> packed);

        /// <summary>Downloads the device parameters in the packed layout.</summary>
        /// <param name="packed">Receives [PackedParameterLength] floats.</param>
        void DownloadParameters(Span<float> packed);
    }
}
