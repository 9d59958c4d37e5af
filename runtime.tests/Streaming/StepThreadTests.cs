using System;
using System.Linq;
using System.Threading.Tasks;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Robustness;
using Xunit;

namespace RnnGen.Runtime.Tests.Streaming
{
    /// <summary>
    /// A wide layer's <c>Step</c> splits its unit blocks across the threads (each core keeps its part of W_hh in its
    /// own L2), through a job held by the state: the same bits as on one thread and as <c>Forward</c>, nothing
    /// allocated on any thread, and distinct states stepping at once on different threads.
    /// </summary>
    [Collection(nameof(SerialTestCollection))] // RowParallel.MaxThreads is process-wide
    public sealed class StepThreadTests
    {
        private const int Steps = 4; // BlockSplitModel's SequenceLength

        [Fact]
        public void A_wide_step_gives_the_same_bits_on_any_thread_count_and_as_Forward()
        {
            Assert.NotNull(typeof(BlockSplitModel).GetMethod("RunStepBlocks", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance));
            var model = NewModel();
            var inputs = new Lcg(5).Uniform(Steps * BlockSplitModel.InputSize, 1f);
            var forward = new float[Steps * BlockSplitModel.OutputSize];
            using (ThreadCap.Set(1))
            {
                model.Forward(inputs, forward, 1);
            }

            foreach (var threads in new[] { 1, 2, 3, 8 })
            {
                using var cap = ThreadCap.Set(threads);
                var stepped = StepAll(model, model.CreateState(), inputs);
                Assert.Equal(forward, stepped);
            }
        }

        [Fact]
        public void A_wide_step_allocates_nothing_on_any_thread()
        {
            using var cap = ThreadCap.Set(2);
            var model = NewModel();
            var state = model.CreateState();
            var input = new float[BlockSplitModel.InputSize];
            var output = new float[BlockSplitModel.OutputSize];
            input[0] = 0.5f;
            for (var i = 0; i < 200; i++)
            {
                model.Step(state, input, output);
            }

            var least = long.MaxValue;
            for (var attempt = 0; attempt < 20 && least != 0; attempt++)
            {
                var before = GC.GetTotalAllocatedBytes(precise: true);
                for (var i = 0; i < 100; i++)
                {
                    model.Step(state, input, output);
                }

                least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
            }

            Assert.Equal(0, least);
            Assert.All(output, o => Assert.True(float.IsFinite(o)));
        }

        [Fact]
        public void Distinct_states_step_a_wide_model_on_several_threads_at_once()
        {
            using var cap = ThreadCap.Set(2);
            var model = NewModel();
            var streams = Enumerable.Range(0, 4).Select(i => new Lcg(10 + (uint)i).Uniform(200 * BlockSplitModel.InputSize, 1f)).ToArray();
            var alone = streams.Select(inputs => StepAll(model, model.CreateState(), inputs)).ToArray();
            var together = new float[streams.Length][];
            Parallel.For(0, streams.Length, new ParallelOptions { MaxDegreeOfParallelism = streams.Length }, i => together[i] = StepAll(model, model.CreateState(), streams[i]));
            for (var i = 0; i < streams.Length; i++)
            {
                Assert.Equal(alone[i], together[i]);
            }
        }

        private static BlockSplitModel NewModel()
        {
            var model = new BlockSplitModel();
            model.InitializeParameters(new Random(7));
            return model;
        }

        private static float[] StepAll(BlockSplitModel model, BlockSplitModel.State state, float[] inputs)
        {
            var steps = inputs.Length / BlockSplitModel.InputSize;
            var outputs = new float[steps * BlockSplitModel.OutputSize];
            for (var t = 0; t < steps; t++)
            {
                model.Step(state, inputs.AsSpan(t * BlockSplitModel.InputSize, BlockSplitModel.InputSize), outputs.AsSpan(t * BlockSplitModel.OutputSize, BlockSplitModel.OutputSize));
            }

            return outputs;
        }
    }
}
