using System;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Robustness;
using RnnGen.Threading;
using Xunit;

namespace RnnGen.Runtime.Tests.InputGradients
{
    /// <summary>
    /// Large enough that the dL/dx product of each direction (W_ihᵀ · dG over 6 × 37 rows: 28 tiles of 8 rows, each
    /// 2 · 8 · 16 · 6 blocks · 3 gates · 16 ≈ 74 kFLOP) is split across cores by PackedGradients.
    /// </summary>
    [RecurrentNetwork(InputSize = 16, SequenceLength = 6, BatchSize = 37)]
    [Gru(96, Bidirectional = true, MergeMode = MergeMode.Sum, Dropout = 0.2f)]
    [Lstm(24)]
    public sealed partial class ThreadedInputGradientModel { }

    /// <summary>dL/dx must be bit-identical for any thread count, with dropout and variable lengths.</summary>
    [Collection(nameof(SerialTestCollection))] // RowParallel.MaxThreads is process-wide
    public sealed class InputGradientThreadTests
    {
        private const int Batch = 37; // leaves a partial row tile
        private const int Steps = 6;

        [Fact]
        public void Input_gradients_do_not_depend_on_the_thread_count()
        {
            var saved = RowParallel.MaxThreads;
            try
            {
                var one = InputGradients(1);
                Assert.Contains(one, g => g != 0);
                foreach (var threads in new[] { 2, 3, 8 })
                {
                    Assert.Equal(one, InputGradients(threads));
                }
            }
            finally
            {
                RowParallel.MaxThreads = saved;
            }
        }

        private static float[] InputGradients(int threads)
        {
            RowParallel.MaxThreads = threads;
            var model = new ThreadedInputGradientModel { Training = true };
            model.InitializeParameters(new Random(3));
            model.SeedDropout(11);
            var inputs = new Lcg(4).Uniform(Steps * Batch * ThreadedInputGradientModel.InputSize, 1f);
            var lengths = new int[Batch];
            for (var b = 0; b < Batch; b++)
            {
                lengths[b] = 1 + ((b * 5) % Steps);
            }

            var outputs = new float[Steps * Batch * ThreadedInputGradientModel.OutputSize];
            model.Forward(inputs, lengths, outputs, Batch);
            var inputGradients = new float[inputs.Length];
            model.Backward(new Lcg(5).Uniform(outputs.Length, 1f), new float[ThreadedInputGradientModel.PackedParameterLength], inputGradients);
            return inputGradients;
        }
    }
}
