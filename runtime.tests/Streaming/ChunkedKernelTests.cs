using System;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Robustness;
using RnnGen.Threading;
using Xunit;

namespace RnnGen.Runtime.Tests.Streaming
{
    // 200 LSTM units: each block's W_hh (and the head's input) is 51 KiB, so the kernels run it in two column chunks,
    // and a batch of 45 is two groups of rows (32 + 13).
    [RecurrentNetwork(InputSize = 6, SequenceLength = 4, BatchSize = 45)]
    [Lstm(200)]
    [Dense(5, Activation.Tanh)]
    public sealed partial class ChunkedKernelModel { }

    /// <summary>
    /// Kernels whose weights are read in column chunks (a block's slab beyond L1) and rows in groups: each row's
    /// arithmetic is the same whatever its group, tile or thread, so Forward, Step and any thread count agree bit for
    /// bit (the numerics against the scalar reference are ConformanceTests' wide models).
    /// </summary>
    [Collection(nameof(SerialTestCollection))] // RowParallel.MaxThreads is process-wide
    public sealed class ChunkedKernelTests
    {
        private const int Batch = 45;
        private const int Steps = 4;

        [Fact]
        public void Each_sequence_of_two_row_groups_gets_what_it_gets_alone_and_from_Step()
        {
            var model = new ChunkedKernelModel();
            model.InitializeParameters(new Random(3));
            var inputs = new Lcg(4).Uniform(Steps * Batch * ChunkedKernelModel.InputSize, 1f);
            var outputs = new float[Steps * Batch * ChunkedKernelModel.OutputSize];
            model.Forward(inputs, outputs, Batch);
            var alone = new float[Steps * ChunkedKernelModel.OutputSize];
            var input = new float[Steps * ChunkedKernelModel.InputSize];
            var stepped = new float[ChunkedKernelModel.OutputSize];
            foreach (var b in new[] { 0, 31, 32, 44 })
            {
                var state = model.CreateState();
                for (var t = 0; t < Steps; t++)
                {
                    inputs.AsSpan(((t * Batch) + b) * ChunkedKernelModel.InputSize, ChunkedKernelModel.InputSize).CopyTo(input.AsSpan(t * ChunkedKernelModel.InputSize));
                }

                model.Forward(input, alone, 1);
                for (var t = 0; t < Steps; t++)
                {
                    var expected = outputs.AsSpan(((t * Batch) + b) * ChunkedKernelModel.OutputSize, ChunkedKernelModel.OutputSize).ToArray();
                    Assert.Equal(expected, alone.AsSpan(t * ChunkedKernelModel.OutputSize, ChunkedKernelModel.OutputSize).ToArray());
                    model.Step(state, input.AsSpan(t * ChunkedKernelModel.InputSize, ChunkedKernelModel.InputSize), stepped);
                    Assert.Equal(expected, stepped);
                }
            }

            Assert.Contains(outputs, v => v != 0f);
        }

        // W_hh is 4 × 208 × 208 floats (692 KiB), so on more than one thread each step's 13 unit blocks are split
        // across the threads (RunBlocks) rather than the batch's rows; on one thread the rows run in one loop.
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Forward_and_final_state_do_not_depend_on_the_thread_count(bool variableLengths)
        {
            var saved = RowParallel.MaxThreads;
            try
            {
                var lengths = new int[Batch];
                for (var b = 0; b < Batch; b++)
                {
                    lengths[b] = 1 + (b % Steps);
                }

                (float[] Outputs, float[] Hidden, float[] Cell) Run(int threads)
                {
                    RowParallel.MaxThreads = threads;
                    var model = new ChunkedKernelModel();
                    model.InitializeParameters(new Random(5));
                    var outputs = new float[Steps * Batch * ChunkedKernelModel.OutputSize];
                    var inputs = new Lcg(6).Uniform(Steps * Batch * ChunkedKernelModel.InputSize, 1f);
                    model.Forward(inputs, variableLengths ? lengths : default, outputs, Batch);
                    var hidden = new float[Batch * 200];
                    var cell = new float[Batch * 200];
                    model.CopyFinalState(0, hidden, cell);
                    return (outputs, hidden, cell);
                }

                var one = Run(1);
                Assert.Contains(one.Hidden, v => v != 0f);
                foreach (var threads in new[] { 2, 3 })
                {
                    var many = Run(threads);
                    Assert.Equal(one.Outputs, many.Outputs);
                    Assert.Equal(one.Hidden, many.Hidden);
                    Assert.Equal(one.Cell, many.Cell);
                }
            }
            finally
            {
                RowParallel.MaxThreads = saved;
            }
        }
    }
}
