using System.Linq;
using System;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using Xunit;

namespace RnnGen.Runtime.Tests
{
    /// <summary>
    /// SetInitialState / CopyFinalState / State.Set misuse: each is reported with the argument and the shape, and a
    /// failed call leaves nothing staged. (Numerics against PyTorch are in ConformanceTests.)
    /// </summary>
    public sealed class StateTransferTests
    {
        [Fact]
        public void Initial_state_shapes_and_kinds_are_checked()
        {
            var lstm = new Fx_lstm_i3_h17_l2();
            var wrong = Assert.Throws<ArgumentException>(() => lstm.SetInitialState(0, new float[20], new float[20]));
            Assert.Equal("hidden", wrong.ParamName);
            Assert.Contains("[batchSize][17]", wrong.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => lstm.SetInitialState(0, new float[17 * 5], new float[17 * 5])); // BatchSize is 4
            var noCell = Assert.Throws<ArgumentException>(() => lstm.SetInitialState(0, new float[17 * 2]));
            Assert.Equal("cell", noCell.ParamName);
            Assert.Throws<ArgumentOutOfRangeException>(() => lstm.SetInitialState(2, new float[17], new float[17]));

            var gru = new Fx_gru_i3_h17_l2();
            var cellOnGru = Assert.Throws<ArgumentException>(() => gru.SetInitialState(1, new float[17], new float[17]));
            Assert.Equal("cell", cellOnGru.ParamName);
        }

        [Fact]
        public void Staged_states_must_agree_with_each_other_and_with_the_next_Forward()
        {
            var model = new Fx_gru_i3_h17_l2();
            var inputs = new float[6 * 2 * 3];
            var outputs = new float[6 * 2 * 17];
            model.SetInitialState(0, new float[2 * 17]);
            var mixed = Assert.Throws<ArgumentException>(() => model.SetInitialState(1, new float[3 * 17]));
            Assert.Contains("same batch", mixed.Message, StringComparison.Ordinal);

            var batch = Assert.Throws<ArgumentException>(() => model.Forward(new float[6 * 3], new float[6 * 17], 1));
            Assert.Equal("batchSize", batch.ParamName);

            model.Forward(inputs, outputs, 2);
            model.SetInitialState(0, new float[2 * 17]);
            Assert.Throws<InvalidOperationException>(() => model.Forward(inputs, outputs, 2, continueState: true));
        }

        [Fact]
        public void Only_some_layers_staged_leaves_the_others_at_zero()
        {
            var model = new Fx_gru_i3_h17_l2();
            var inputs = new Helpers.Lcg(3).Uniform(6 * 2 * 3, 1f);
            var zero = new float[6 * 2 * 17];
            model.Forward(inputs, zero, 2);
            var staged = new float[zero.Length];
            model.SetInitialState(1, new float[2 * 17]); // an explicit zero state for layer 1 only
            model.Forward(inputs, staged, 2);
            Assert.Equal(zero, staged);
        }

        [Fact]
        public void Final_state_needs_a_Forward_and_the_right_shape()
        {
            var model = new Fx_lstm_i3_h17_l2();
            Assert.Throws<InvalidOperationException>(() => model.CopyFinalState(0, new float[17]));
            model.Forward(new float[2 * 3 * 3], new float[2 * 3 * 17], 3);
            var shape = Assert.Throws<ArgumentException>(() => model.CopyFinalState(0, new float[17]));
            Assert.Equal("hidden", shape.ParamName);
            model.CopyFinalState(1, new float[3 * 17]); // the cell state is optional when reading
            var gru = new Fx_gru_i3_h17_l2();
            gru.Forward(new float[3], new float[17]);
            Assert.Throws<ArgumentException>(() => gru.CopyFinalState(0, new float[17], new float[17]));
        }

        [Fact]
        public void CarryStateFrom_resumes_the_next_Forward_part_way_through_the_last()
        {
            var model = new Fx_lstm_i3_h17_l2();
            model.InitializeParameters(new Random(11));
            var inputs = new Helpers.Lcg(12).Uniform(8 * 2 * 3, 1f);
            var whole = new float[8 * 2 * 17];
            model.Forward(inputs, whole, 2);

            var tail = new float[5 * 2 * 17];
            model.CarryStateFrom(3); // the state after steps 0..2 of every layer
            model.Forward(inputs.AsSpan(3 * 2 * 3), tail, 2);
            Assert.Equal(whole.AsSpan(3 * 2 * 17).ToArray(), tail);

            var h = new Helpers.Lcg(13).Uniform(2 * 17, 0.5f);
            var c = new Helpers.Lcg(14).Uniform(2 * 17, 0.5f);
            model.SetInitialState(0, h, c);
            model.SetInitialState(1, c, h);
            var fromState = new float[whole.Length];
            model.Forward(inputs, fromState, 2);
            model.CarryStateFrom(0); // the state that call started from
            var again = new float[whole.Length];
            model.Forward(inputs, again, 2);
            Assert.Equal(fromState, again);
            Assert.NotEqual(whole, again);

            model.CarryStateFrom(8); // = continueState
            var next = new float[2 * 2 * 17];
            model.Forward(inputs.AsSpan(0, 2 * 2 * 3), next, 2);
            var continued = new float[next.Length];
            model.SetInitialState(0, h, c);
            model.SetInitialState(1, c, h);
            model.Forward(inputs, again, 2);
            model.Forward(inputs.AsSpan(0, 2 * 2 * 3), continued, 2, continueState: true);
            Assert.Equal(continued, next);
        }

        [Fact]
        public void CarryStateFrom_part_way_carries_a_finished_sequence_s_final_state()
        {
            // Batch of two, lengths 8 and 3: after 5 steps sequence 0 is mid-way and sequence 1 has finished.
            var model = new Fx_lstm_i3_h17_l2();
            model.InitializeParameters(new Random(15));
            var inputs = new Helpers.Lcg(16).Uniform(8 * 2 * 3, 1f);
            model.Forward(inputs, [8, 3], new float[8 * 2 * 17], 2);
            var (finalH, finalC) = (new float[2][], new float[2][]);
            for (var layer = 0; layer < 2; layer++)
            {
                (finalH[layer], finalC[layer]) = (new float[2 * 17], new float[2 * 17]);
                model.CopyFinalState(layer, finalH[layer], finalC[layer]);
            }

            // Sequence 0 alone over its first 5 steps gives its state at step 5.
            var first5 = new float[5 * 3];
            for (var t = 0; t < 5; t++)
            {
                inputs.AsSpan(t * 2 * 3, 3).CopyTo(first5.AsSpan(t * 3));
            }

            var alone = new Fx_lstm_i3_h17_l2();
            model.PackedParameters.CopyTo(alone.PackedParameters);
            alone.Forward(first5, new float[5 * 17], 1);
            var expectedH = new float[2][];
            var expectedC = new float[2][];
            for (var layer = 0; layer < 2; layer++)
            {
                (expectedH[layer], expectedC[layer]) = (new float[2 * 17], new float[2 * 17]);
                alone.CopyFinalState(layer, expectedH[layer].AsSpan(0, 17), expectedC[layer].AsSpan(0, 17));
                finalH[layer].AsSpan(17, 17).CopyTo(expectedH[layer].AsSpan(17)); // sequence 1: its final state
                finalC[layer].AsSpan(17, 17).CopyTo(expectedC[layer].AsSpan(17));
            }

            // Forward the model on long: [8, 3] ran again, then carried from step 5, versus the expected states staged.
            var next = new Helpers.Lcg(17).Uniform(2 * 2 * 3, 1f);
            var carried = new float[2 * 2 * 17];
            model.Forward(inputs, [8, 3], new float[8 * 2 * 17], 2);
            model.CarryStateFrom(5);
            model.Forward(next, carried, 2);
            var staged = new float[carried.Length];
            for (var layer = 0; layer < 2; layer++)
            {
                model.SetInitialState(layer, expectedH[layer], expectedC[layer]);
            }

            model.Forward(next, staged, 2);
            Helpers.Tolerance.AssertClose(staged, carried.Select(v => (double)v).ToArray(), "carried vs staged");
        }

        [Fact]
        public void CarryStateFrom_checks_the_step_and_the_next_call()
        {
            var model = new Fx_gru_i3_h17_l2();
            Assert.Throws<InvalidOperationException>(() => model.CarryStateFrom(0));
            var inputs = new float[4 * 2 * 3];
            var outputs = new float[4 * 2 * 17];
            model.Forward(inputs, outputs, 2);
            var tooFar = Assert.Throws<ArgumentOutOfRangeException>(() => model.CarryStateFrom(5));
            Assert.Equal("step", tooFar.ParamName);
            Assert.Contains("[0, 4]", tooFar.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => model.CarryStateFrom(-1));

            model.CarryStateFrom(2);
            Assert.Throws<InvalidOperationException>(() => model.Forward(inputs, outputs, 2, continueState: true));
            model.CarryStateFrom(2);
            Assert.Equal("batchSize", Assert.Throws<ArgumentException>(() => model.Forward(new float[4 * 3], new float[4 * 17], 1)).ParamName);
        }

        [Fact]
        public void State_Set_checks_its_arguments_and_loads_the_stream()
        {
            var model = new Fx_lstm_i3_h17_l2();
            var state = model.CreateState();
            Assert.Throws<ArgumentException>(() => state.Set(0, new float[16], new float[17]));
            Assert.Throws<ArgumentException>(() => state.Set(0, new float[17]));
            Assert.Throws<ArgumentOutOfRangeException>(() => state.Set(-1, new float[17], new float[17]));
            var h = new Helpers.Lcg(4).Uniform(17, 0.5f);
            var c = new Helpers.Lcg(5).Uniform(17, 0.5f);
            state.Set(1, h, c);
            Assert.Equal(h, state.Hidden(1).ToArray());
            Assert.Equal(c, state.Cell(1).ToArray());
            Assert.Throws<ArgumentException>(() => new Fx_gru_i3_h17_l2().CreateState().Set(0, new float[17], new float[17]));
        }

        [Fact]
        public void Staging_and_reading_state_allocate_nothing()
        {
            var model = new Fx_lstm_i3_h17_l2();
            var inputs = new float[6 * 4 * 3];
            var outputs = new float[6 * 4 * 17];
            var h = new float[4 * 17];
            var c = new float[4 * 17];
            Assert.Equal(0, Allocations.SteadyState(() =>
            {
                for (var i = 0; i < 10; i++)
                {
                    Round();
                }
            }));

            void Round()
            {
                model.SetInitialState(0, h, c);
                model.SetInitialState(1, h, c);
                model.Forward(inputs, outputs, 4);
                model.CopyFinalState(0, h, c);
                model.CopyFinalState(1, h, c);
                model.CarryStateFrom(3);
                model.Forward(inputs, outputs, 4);
            }
        }
    }
}
