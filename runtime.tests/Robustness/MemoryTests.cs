using System;
using Xunit;

namespace RnnGen.Runtime.Tests.Robustness
{
    /// <summary>
    /// A model costs what its use needs: Step-only use pays for the weights and the states; the Forward workspace
    /// (which is also the training tape) appears on the first Forward; Backward's buffers on the first Backward.
    /// </summary>
    public sealed class MemoryTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        private Xunit.Abstractions.ITestOutputHelper Output { get; } = output;

        private const long WeightBytes = NpcController.PackedParameterLength * sizeof(float);

        [Fact]
        public void Step_only_use_costs_at_most_one_and_a_half_times_the_weights()
        {
            Warm();
            var input = new float[NpcController.InputSize];
            var output = new float[NpcController.OutputSize];
            var before = GC.GetAllocatedBytesForCurrentThread();
            var model = new NpcController();
            model.InitializeParameters(new Random(42));
            var state = model.CreateState();
            for (var t = 0; t < 100; t++)
            {
                model.Step(state, input, output);
            }

            var used = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(used <= WeightBytes * 3 / 2, $"construct + initialise + CreateState + 100 Steps allocated {used:N0} bytes for {WeightBytes:N0} bytes of weights");
        }

        [Fact]
        public void The_workspace_appears_on_the_first_Forward_and_costs_nothing_after()
        {
            Warm();
            var model = new NpcController();
            var inputs = new float[10 * NpcController.InputSize];
            var outputs = new float[10 * NpcController.OutputSize];
            var before = GC.GetAllocatedBytesForCurrentThread();
            model.Forward(inputs, outputs);
            var first = GC.GetAllocatedBytesForCurrentThread() - before;
            long second = -1;
            for (var round = 0; round < 30 && second != 0; round++) // steady state: see ModelRunner.MeasureAllocations
            {
                before = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < 10; i++)
                {
                    model.Forward(inputs, outputs);
                }

                second = GC.GetAllocatedBytesForCurrentThread() - before;
            }

            Assert.True(first > WeightBytes, $"the first Forward allocated only {first:N0} bytes: where is the workspace?");
            Assert.Equal(0, second);
        }

        [Fact]
        public void A_model_that_only_predicts_does_not_allocate_the_fused_layers_tape()
        {
            Warm();
            var inputs = new float[10 * NpcController.InputSize];
            var outputs = new float[10 * NpcController.OutputSize];
            var before = GC.GetAllocatedBytesForCurrentThread();
            new NpcController().Forward(inputs, outputs);
            var forward = GC.GetAllocatedBytesForCurrentThread() - before;
            before = GC.GetAllocatedBytesForCurrentThread();
            new NpcController().Predict(inputs, outputs);
            var predict = GC.GetAllocatedBytesForCurrentThread() - before;

            // LSTM 64 reading 16 features fuses its projection into Predict's steps, so Predict needs none of its
            // gate rows: [256 steps x 1 sequence][4 gates x 64 units] floats, 256 KiB.
            const long tape = (long)NpcController.MaxSequenceLength * NpcController.MaxBatchSize * 4 * 64 * sizeof(float);
            Assert.InRange(forward - predict, tape - 64, tape + 64);
            Output.WriteLine($"weights {WeightBytes:N0} B, first Forward +{forward:N0} B, first Predict +{predict:N0} B");
        }

        [Fact]
        public void SetInitialState_before_any_Forward_works_and_applies()
        {
            var model = new NpcController();
            model.InitializeParameters(new Random(4));
            var hidden = new float[NpcController.Layer0Units];
            var cell = new float[NpcController.Layer0Units];
            hidden.AsSpan().Fill(0.5f);
            cell.AsSpan().Fill(-0.25f);
            model.SetInitialState(0, hidden, cell);
            var input = new float[NpcController.InputSize];
            var fromStaged = new float[NpcController.OutputSize];
            model.Forward(input, fromStaged);

            var state = model.CreateState();
            state.Set(0, hidden, cell);
            var stepped = new float[NpcController.OutputSize];
            model.Step(state, input, stepped);
            Assert.Equal(stepped, fromStaged);
        }

        /// <summary>JIT and type loading allocate too; run everything once first so only the instance is counted.</summary>
        private static void Warm()
        {
            var model = new NpcController();
            model.InitializeParameters(new Random(1));
            var state = model.CreateState();
            model.Step(state, new float[NpcController.InputSize], new float[NpcController.OutputSize]);
            model.Forward(new float[NpcController.InputSize], new float[NpcController.OutputSize]);
        }
    }
}
