using System;

namespace RnnGen.Gpu
{
    /// <summary>A generated <c>CudaModel</c> whose network can stream (no reversed or bidirectional layer): many streams step at once.</summary>
    /// <typeparam name="TInput"><see cref="float"/> for float inputs, <see cref="int"/> for token ids.</typeparam>
    public interface ICudaStreamingNetwork<TInput> : ICudaNetwork<TInput>
        where TInput : unmanaged
    {
        /// <summary>Advances <paramref name="streams"/> streams by one step, their states kept on the device.</summary>
        /// <param name="inputs">[streams] steps' inputs: [streams][InputSize] floats or [streams] token ids.</param>
        /// <param name="outputs">Receives [streams][OutputSize].</param>
        /// <param name="streams">Streams, 1..MaxBatchSize; the same count until <see cref="ResetStreams"/>.</param>
        void Step(ReadOnlySpan<TInput> inputs, Span<float> outputs, int streams);

        /// <summary>Starts every stream from zero at the next <see cref="Step"/> (which may then change the stream count).</summary>
        void ResetStreams();
    }
}
