using System;
using RnnGen.Numerics;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Robustness;
using RnnGen.Threading;
using Xunit;

namespace RnnGen.Runtime.Tests.Training
{
    /// <summary>Large enough that Backward's weight-gradient GEMMs (by unit blocks) and Wᵀ·dG (by row tiles) split across cores.</summary>
    [RecurrentNetwork(InputSize = 16, SequenceLength = 6, BatchSize = 37)]
    [Lstm(96)]
    [Gru(80, Bidirectional = true)]
    [Dense(5)]
    public sealed partial class ThreadedBackwardModel { }

    /// <summary>
    /// Backward's products split across cores (PackedGradients through RowParallel) must give bit-identical gradients
    /// for any thread count, and the split products must equal the serial ones.
    /// </summary>
    [Collection(nameof(SerialTestCollection))] // RowParallel.MaxThreads is process-wide
    public sealed class BackwardThreadTests
    {
        private const int Batch = 37; // leaves a partial row tile
        private const int Steps = 6;

        [Fact]
        public void Gradients_do_not_depend_on_the_thread_count()
        {
            var saved = RowParallel.MaxThreads;
            try
            {
                var one = Gradients(1);
                Assert.Contains(one, g => g != 0);
                foreach (var threads in new[] { 2, 3, 8 })
                {
                    Assert.Equal(one, Gradients(threads));
                }
            }
            finally
            {
                RowParallel.MaxThreads = saved;
            }
        }

        [Fact]
        public void Split_products_equal_the_serial_ones_and_allocate_nothing()
        {
            var saved = RowParallel.MaxThreads;
            try
            {
                var tensor = new PackedShape(Blocks: 12, Columns: 70, Gates: 4);
                var gateRows = new GateRows(Stride: 12 * 4 * 16, GatesPerBlock: 4);
                var gates = new GateSlice(0, 0, 4);
                const int rows = 203;
                var lcg = new Lcg(9);
                var dg = lcg.Uniform(rows * gateRows.Stride, 1f);
                var x = lcg.Uniform(rows * 70, 1f);
                var w = lcg.Uniform(12 * 70 * 4 * 16, 1f);

                RowParallel.MaxThreads = 1;
                var dwSerial = new float[w.Length];
                var dxSerial = new float[rows * 70];
                PackedGradients.AccumulateWeights(dwSerial, tensor, dg, gateRows, gates, x, 70, rows);
                PackedGradients.AccumulateTransposed(dxSerial, 70, w, tensor, dg, gateRows, gates, rows);

                RowParallel.MaxThreads = 2;
                var dw = new float[w.Length];
                var dx = new float[rows * 70];
                PackedGradients.AccumulateWeights(dw, tensor, dg, gateRows, gates, x, 70, rows);
                PackedGradients.AccumulateTransposed(dx, 70, w, tensor, dg, gateRows, gates, rows);
                Assert.Equal(dwSerial, dw);
                Assert.Equal(dxSerial, dx);

                var bytes = Allocations.SteadyState(() =>
                {
                    PackedGradients.AccumulateWeights(dw, tensor, dg, gateRows, gates, x, 70, rows);
                    PackedGradients.AccumulateTransposed(dx, 70, w, tensor, dg, gateRows, gates, rows);
                });
                Assert.Equal(0, bytes);
            }
            finally
            {
                RowParallel.MaxThreads = saved;
            }
        }

        private static float[] Gradients(int threads)
        {
            RowParallel.MaxThreads = threads;
            var model = new ThreadedBackwardModel();
            model.InitializeParameters(new Random(3));
            var inputs = new Lcg(4).Uniform(Steps * Batch * ThreadedBackwardModel.InputSize, 1f);
            var outputs = new float[Steps * Batch * ThreadedBackwardModel.OutputSize];
            model.Forward(inputs, outputs, Batch);
            var dOutputs = new Lcg(5).Uniform(outputs.Length, 1f);
            var gradients = new float[ThreadedBackwardModel.PackedParameterLength];
            model.Backward(dOutputs, gradients);
            return gradients;
        }
    }
}
