using System;
using RnnGen.Generator.Emit;
using RnnGen.Generator.Emit.Cpu;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using RnnGen.Generator.Tests.Helpers;
using Xunit;

namespace RnnGen.Generator.Tests
{
    /// <summary>
    /// Where Predict runs a unit with its input projection fused in, that unit's gate rows are the last region of the
    /// Forward workspace, so Predict's workspace is the prefix before them; and a fused kernel only ever reduces a
    /// projection of one column chunk, the one case in which it gives the projection's bits.
    /// </summary>
    public sealed class PredictWorkspaceTests
    {
        [Fact]
        public void A_fused_units_gate_rows_go_last_and_the_total_does_not_change()
        {
            var spec = Spec("[RecurrentNetwork(InputSize = 16, SequenceLength = 256)] [Lstm(64)] [Dense(4, Activation.Softmax)]");

            var plan = Planner.Create(spec, LayerKernels.FusesProjection);
            var unordered = Planner.Create(spec);

            Assert.True(LayerKernels.FusesProjection(plan.Layers[0]));
            Assert.Equal(plan.Forward.PredictLength, plan.Forward.Layers[0].Gates);
            Assert.Equal(plan.Forward.Length - (256 * 4 * 64), plan.Forward.PredictLength);
            Assert.Equal(unordered.Forward.Length, plan.Forward.Length);
            Assert.Equal(unordered.Sizes, plan.Sizes);
            Assert.Equal(unordered.Forward.Length, unordered.Forward.PredictLength);
        }

        [Theory]
        [InlineData("[RecurrentNetwork(InputSize = 16, SequenceLength = 32)] [Gru(64, ResetAfter = false)]")] // two kernels a step
        [InlineData("[RecurrentNetwork(InputSize = 16, SequenceLength = 32)] [Gru(272)]")] // W_hh in two column chunks
        [InlineData("[RecurrentNetwork(InputSize = 32, SequenceLength = 32)] [Gru(256)]")] // a 48 KiB slab and 6 KiB of W_ih: over L1
        [InlineData("[RecurrentNetwork(InputSize = 32, SequenceLength = 32)] [Lstm(176)]")] // a 44 KiB slab and 8 KiB: fused, 24-31 % slower
        [InlineData("[RecurrentNetwork(SequenceLength = 32)] [Embedding(50, 8)] [Lstm(64)]")] // token input
        [InlineData("[RecurrentNetwork(InputSize = 256, SequenceLength = 32)] [Lstm(256)]")] // W_ih block over 16 KiB
        [InlineData("[RecurrentNetwork(InputSize = 16, SequenceLength = 32)] [Lstm(64, Dropout = 0.25f)]")]
        public void A_model_without_fused_units_gives_Predict_the_whole_workspace(string attributes)
        {
            var plan = Planner.Create(Spec(attributes), LayerKernels.FusesProjection);

            Assert.False(LayerKernels.FusesProjection(plan.Layers[0]));
            Assert.Equal(plan.Forward.Length, plan.Forward.PredictLength);
        }

        [Fact]
        public void A_fused_GRUs_aux_rows_go_last_too()
        {
            var plan = Planner.Create(Spec("[RecurrentNetwork(InputSize = 16, SequenceLength = 32)] [Gru(64)]"), LayerKernels.FusesProjection);

            Assert.True(LayerKernels.FusesProjection(plan.Layers[0]));
            var tape = plan.Forward.Layers[0];
            Assert.Equal(plan.Forward.PredictLength, tape.Gates);
            Assert.Equal(tape.Gates + (32 * 3 * 64), tape.Aux);
            Assert.Equal(plan.Forward.Length, tape.Aux + (32 * 64));
        }

        [Fact]
        public void Only_the_first_layer_of_a_stack_fuses_when_the_second_reads_a_wide_input()
        {
            var plan = Planner.Create(Spec("[RecurrentNetwork(InputSize = 32, SequenceLength = 16, BatchSize = 4)] [Lstm(256)] [Lstm(256)]"), LayerKernels.FusesProjection);

            Assert.True(LayerKernels.FusesProjection(plan.Layers[0]));
            Assert.False(LayerKernels.FusesProjection(plan.Layers[1]));
            Assert.Equal(plan.Forward.PredictLength, plan.Forward.Layers[0].Gates);
            Assert.True(plan.Forward.Layers[1].Gates < plan.Forward.PredictLength);
        }

        [Fact]
        public void A_fused_kernel_refuses_a_projection_of_several_column_chunks()
        {
            // Not reachable through FusesProjection (its 16 KiB bound keeps one chunk); this guards the emitter itself.
            var plan = Planner.Create(Spec("[RecurrentNetwork(InputSize = 256, SequenceLength = 8)] [Lstm(256)]"));
            var kernel = LayerKernels.RecurrentFromInput(plan.Layers[0]);

            var error = Assert.Throws<InvalidOperationException>(() => KernelEmitter.Emit(new SourceWriter(), kernel));
            Assert.Contains("column chunks", error.Message, StringComparison.Ordinal);
        }

        private static ModelSpec Spec(string attributes)
        {
            var run = GeneratorTestHelper.Run($"using RnnGen; {attributes} partial class Model {{ }}");
            return Assert.IsType<ModelSpec>(Assert.Single(run.StepOutputs(TrackingNames.Spec)).Value);
        }
    }
}
