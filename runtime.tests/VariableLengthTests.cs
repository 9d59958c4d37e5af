using System.Collections.Generic;
using System.Linq;
using System;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using Xunit;

namespace RnnGen.Runtime.Tests
{
    /// <summary>
    /// Batches of different lengths: against PyTorch's packed sequences (outputs, final states, autograd), against
    /// the reference run sequence by sequence and its finite differences (every direction, merge mode and cell),
    /// plus the errors and the allocation check.
    /// </summary>
    public sealed class VariableLengthTests
    {
        private const int Steps = 5;
        private const int Batch = 4;
        private static readonly int[] Lengths = { 5, 2, 1, 4 };

        public static TheoryData<string> PackedFixtures() => new(PyTorchFixture.Names().Where(n => n.StartsWith("packed_", StringComparison.Ordinal)));

        [Theory]
        [MemberData(nameof(PackedFixtures))]
        public void Packed_sequences_match_PyTorch(string name)
        {
            var fixture = PyTorchFixture.Load(name);
            var runner = ConformanceModels.Create(fixture.Text("model"));
            runner.LoadLcgWeights(fixture.Seed);
            var inputs = runner.NextInputs(fixture.Steps * fixture.Batch * runner.Config.Input);
            var lengths = fixture.Ints("lengths");
            Tolerance.AssertClose(runner.Forward(inputs, fixture.Batch, lengths), fixture.Doubles("output"), $"{name} output");
            var lstm = runner.Config.Cell == "lstm";
            var (hidden, cell) = runner.FinalState(fixture.Batch, lstm);
            Tolerance.AssertClose(hidden, fixture.Doubles("h_n"), $"{name} h_n");
            if (lstm)
            {
                Tolerance.AssertClose(cell, fixture.Doubles("c_n"), $"{name} c_n");
            }

            var coefficients = new Lcg(fixture.Seed + 1000).Uniform(fixture.Steps * fixture.Batch * runner.Config.OutputWidth, 1f);
            var gradients = runner.Gradients(inputs, fixture.Batch, lengths, coefficients);
            foreach (var tensor in runner.Tensors)
            {
                var expected = fixture.Gradient(tensor.Name);
                var scale = Math.Max(expected.Select(Math.Abs).Max(), 1e-3);
                var worst = gradients[tensor.Name].Zip(expected, (a, e) => Math.Abs(a - e)).Max() / scale;
                Assert.True(worst <= 1e-4, $"{name} {tensor.Name}: max error {worst:E3} relative to the largest gradient {scale:E3}.");
            }
        }

        [Theory]
        [InlineData("lstm_i3_h17_l2")]
        [InlineData("grubefore_i3_h17_l2")]
        [InlineData("gru_sigmoid_hardsigmoid")]
        [InlineData("bi_grubefore_sum_l2")]
        [InlineData("bi_lstm_multiply_l2")]
        [InlineData("bi_rnn_average")]
        [InlineData("back_lstm_l2")]
        [InlineData("back_grubefore")]
        [InlineData("lstm_cifg_peephole_l2")]
        [InlineData("gru_minimal_l2")]
        public void Variable_lengths_match_the_reference_and_its_finite_differences(string name)
        {
            var runner = ConformanceModels.Create(name);
            var weights = runner.LoadLcgWeights(401);
            var inputs = runner.NextInputs(Steps * Batch * runner.Config.Input);
            var exact = weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            ScalarReference Reference() => new(runner.Config, exact) { Lengths = Lengths };
            Tolerance.AssertClose(runner.Forward(inputs, Batch, Lengths), Reference().Forward(inputs, Batch), $"{name} Forward");

            var coefficients = new Lcg(402).Uniform(Steps * Batch * runner.Config.OutputWidth, 1f);
            var analytic = runner.Gradients(inputs, Batch, Lengths, coefficients);
            double Loss() => Reference().Forward(inputs, Batch).Select((v, i) => v * coefficients[i]).Sum();
            var kinked = runner.Config.Activation is Activation.Relu or Activation.HardSigmoid || runner.Config.RecurrentActivation is Activation.Relu or Activation.HardSigmoid;
            foreach (var (tensor, values) in exact)
            {
                var worst = 0.0;
                var scale = 1e-3;
                var lcg = new Lcg((uint)values.Length);
                foreach (var i in Enumerable.Range(0, 8).Select(k => k == 0 ? 0 : (int)(lcg.Next() % (uint)values.Length)))
                {
                    var original = values[i];
                    values[i] = original + 1e-5;
                    var plus = Loss();
                    values[i] = original - 1e-5;
                    var minus = Loss();
                    values[i] = original;
                    var numeric = (plus - minus) / 2e-5;
                    scale = Math.Max(scale, Math.Abs(numeric));
                    worst = Math.Max(worst, Math.Abs(numeric - analytic[tensor][i]));
                }

                Assert.True(worst / scale <= (kinked ? 1e-3 : 1e-4), $"{name} {tensor}: max error {worst / scale:E3} relative to the largest gradient {scale:E3}.");
            }
        }

        [Fact]
        public void The_last_step_output_is_each_sequence_s_last_valid_step_and_head_rows_of_padding_are_zero()
        {
            var last = new LstmLastStep();
            var weights = HeadAndEmbeddingTests.Import(LstmLastStep.PyTorchTensors, last.ImportPyTorch, new Lcg(405), _ => 0.3f);
            var inputs = new Lcg(406).Uniform(4 * 2 * 4, 1f);
            var lengths = new[] { 2, 4 };
            var outputs = new float[2 * 40];
            last.Forward(inputs, lengths, outputs, 2);
            var exact = weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            var reference = new ScalarReference(new ModelConfig("lstm", "lstm", 4, 24, 2, true, true), exact, 24, 40) { Lengths = lengths };
            reference.Forward(inputs, 2);
            Tolerance.AssertClose(outputs, reference.FinalHidden[1].SelectMany(h => h).ToArray(), "last valid step");

            var head = new GruReluHead();
            HeadAndEmbeddingTests.Import(GruReluHead.PyTorchTensors, head.ImportPyTorch, new Lcg(407), _ => 0.5f);
            var rows = new float[3 * 2 * 3];
            head.Forward(new Lcg(408).Uniform(3 * 2 * 2, 1f), new[] { 3, 1 }, rows, 2);
            Assert.All(rows.Skip(((1 * 2) + 1) * 3).Take(3).Concat(rows.Skip(((2 * 2) + 1) * 3).Take(3)), v => Assert.Equal(0f, v));
            Assert.Contains(rows.Take(3), v => v != 0f);
        }

        [Fact]
        public void Full_lengths_give_exactly_what_no_lengths_give()
        {
            var runner = ConformanceModels.Create("bi_lstm_i3_h16_l2");
            runner.LoadLcgWeights(403);
            var inputs = runner.NextInputs(Steps * Batch * runner.Config.Input);
            Assert.Equal(runner.Forward(inputs, Batch), runner.Forward(inputs, Batch, Enumerable.Repeat(Steps, Batch).ToArray()));
        }

        [Fact]
        public void Lengths_are_checked()
        {
            var model = new Bi_gru_i3_h16_l2();
            var inputs = new float[Steps * Batch * 3];
            var outputs = new float[Steps * Batch * 32];
            var count = Assert.Throws<ArgumentException>(() => model.Forward(inputs, new[] { 5, 5 }, outputs, Batch));
            Assert.Equal("lengths", count.ParamName);
            var range = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(inputs, new[] { 5, 0, 1, 1 }, outputs, Batch));
            Assert.Contains("lengths[1] = 0", range.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(inputs, new[] { 6, 1, 1, 1 }, outputs, Batch));
        }

        [Fact]
        public void A_variable_length_training_step_allocates_nothing()
        {
            var model = new Bi_lstm_i3_h16_l2();
            var inputs = new Lcg(404).Uniform(Steps * Batch * 3, 1f);
            var outputs = new float[Steps * Batch * 32];
            var gradients = new float[Bi_lstm_i3_h16_l2.PackedParameterLength];
            Assert.Equal(0, Allocations.SteadyState(() =>
            {
                for (var i = 0; i < 5; i++)
                {
                    model.Forward(inputs, Lengths, outputs, Batch);
                    model.Backward(outputs, gradients);
                }
            }));
        }
    }
}
