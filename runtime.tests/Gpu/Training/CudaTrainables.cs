using System;
using RnnGen.Gpu;

namespace RnnGen.Runtime.Tests.Gpu.Training
{
    /// <summary>A float-input CUDA test model behind a non-generic face, for the loss tests.</summary>
    internal interface ICudaTrainable : IDisposable
    {
        int Steps { get; }

        int Batch { get; }

        int InputSize { get; }

        int Width { get; }

        bool ReturnsSequences { get; }

        int OutputRows { get; }

        CudaTraining Training { get; }

        /// <summary>The CUDA model's Forward over a full batch (lengths empty: every sequence is full length).</summary>
        void Forward(float[] inputs, int[] lengths, float[] outputs);
    }

    internal static class CudaTrainables
    {
        /// <summary>Seeds <paramref name="model"/>'s weights and moves it to <paramref name="device"/>.</summary>
        public static ICudaTrainable Create(object model, GpuDevice device) => model switch
        {
            GpuSimpleReluHead m => Adapt(m, device, (x, d) => x.ToCuda(d), (x, r) => x.InitializeParameters(r), GpuSimpleReluHead.MaxSequenceLength, GpuSimpleReluHead.MaxBatchSize, GpuSimpleReluHead.InputSize, GpuSimpleReluHead.OutputSize, GpuSimpleReluHead.ReturnsSequences, g => g.Training, (g, i, l, o, b) => g.Forward(i, l, o, b)),
            GpuBidirectionalMultiplyAverage m => Adapt(m, device, (x, d) => x.ToCuda(d), (x, r) => x.InitializeParameters(r), GpuBidirectionalMultiplyAverage.MaxSequenceLength, GpuBidirectionalMultiplyAverage.MaxBatchSize, GpuBidirectionalMultiplyAverage.InputSize, GpuBidirectionalMultiplyAverage.OutputSize, GpuBidirectionalMultiplyAverage.ReturnsSequences, g => g.Training, (g, i, l, o, b) => g.Forward(i, l, o, b)),
            GpuGruResetAfter m => Adapt(m, device, (x, d) => x.ToCuda(d), (x, r) => x.InitializeParameters(r), GpuGruResetAfter.MaxSequenceLength, GpuGruResetAfter.MaxBatchSize, GpuGruResetAfter.InputSize, GpuGruResetAfter.OutputSize, GpuGruResetAfter.ReturnsSequences, g => g.Training, (g, i, l, o, b) => g.Forward(i, l, o, b)),
            GpuWideBatch m => Adapt(m, device, (x, d) => x.ToCuda(d), (x, r) => x.InitializeParameters(r), GpuWideBatch.MaxSequenceLength, GpuWideBatch.MaxBatchSize, GpuWideBatch.InputSize, GpuWideBatch.OutputSize, GpuWideBatch.ReturnsSequences, g => g.Training, (g, i, l, o, b) => g.Forward(i, l, o, b)),
            _ => throw new ArgumentException($"{model.GetType().Name} is not registered here.", nameof(model)),
        };

        private static ICudaTrainable Adapt<TModel, TGpu>(
            TModel model,
            GpuDevice device,
            Func<TModel, GpuDevice, TGpu> toCuda,
            Action<TModel, Random> initialize,
            int steps,
            int batch,
            int inputSize,
            int width,
            bool returnsSequences,
            Func<TGpu, CudaTraining> training,
            Action<TGpu, float[], int[], float[], int> forward)
            where TGpu : IDisposable
        {
            initialize(model, new Random(9));
            return new Trainable<TGpu>(toCuda(model, device), steps, batch, inputSize, width, returnsSequences, training, forward);
        }

        private sealed class Trainable<TGpu>(TGpu gpu, int steps, int batch, int inputSize, int width, bool returnsSequences, Func<TGpu, CudaTraining> training, Action<TGpu, float[], int[], float[], int> forward) : ICudaTrainable
            where TGpu : IDisposable
        {
            public int Steps => steps;

            public int Batch => batch;

            public int InputSize => inputSize;

            public int Width => width;

            public bool ReturnsSequences => returnsSequences;

            public int OutputRows => returnsSequences ? steps * batch : batch;

            public CudaTraining Training => training(gpu);

            public void Forward(float[] inputs, int[] lengths, float[] outputs) => forward(gpu, inputs, lengths, outputs, batch);

            public void Dispose() => gpu.Dispose();
        }
    }
}
