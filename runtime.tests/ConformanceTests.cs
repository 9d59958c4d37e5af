using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using Xunit;

namespace RnnGen.Runtime.Tests
{
    /// <summary>
    /// Generated networks against PyTorch (fixtures) and against the scalar reference, for every cell, both GRU
    /// variants, depths 1 to 3 and sizes 1, 3, 16, 17, 33, 64, 129.
    /// </summary>
    public sealed class ConformanceTests
    {
        public static TheoryData<string> FloatFixtures() => new(PyTorchFixture.Names().Where(n => !n.StartsWith("embedding", StringComparison.Ordinal) && !n.StartsWith("packed", StringComparison.Ordinal)));

        public static TheoryData<string> AllModels() => new(ConformanceModels.Names);

        [Theory]
        [MemberData(nameof(FloatFixtures))]
        public void Forward_and_Step_match_PyTorch(string name)
        {
            var fixture = PyTorchFixture.Load(name);
            var runner = ConformanceModels.Create(name);
            runner.LoadLcgWeights(fixture.Seed);
            var inputs = runner.NextInputs(fixture.Steps * fixture.Batch * runner.Config.Input);

            Tolerance.AssertClose(runner.Forward(inputs, fixture.Batch), fixture.Doubles("output"), $"{name} Forward");
            if (runner.CanStream)
            {
                Tolerance.AssertClose(runner.StepEachStream(inputs, fixture.Batch), fixture.Doubles("output"), $"{name} Step");
            }
        }

        [Theory]
        [MemberData(nameof(FloatFixtures))]
        public void Final_state_matches_PyTorch_h_n(string name)
        {
            var fixture = PyTorchFixture.Load(name);
            var runner = ConformanceModels.Create(name);
            runner.LoadLcgWeights(fixture.Seed);
            var inputs = runner.NextInputs(fixture.Steps * fixture.Batch * runner.Config.Input);
            runner.Forward(inputs, fixture.Batch);
            var lstm = runner.Config.Cell == "lstm";
            var (hidden, cell) = runner.FinalState(fixture.Batch, lstm);
            Tolerance.AssertClose(hidden, fixture.Doubles("h_n"), $"{name} h_n");
            if (lstm)
            {
                Tolerance.AssertClose(cell, fixture.Doubles("c_n"), $"{name} c_n");
            }
        }

        [Theory]
        [MemberData(nameof(FloatFixtures))]
        public void Forward_and_Step_from_an_initial_state_match_PyTorch(string name)
        {
            var fixture = PyTorchFixture.Load(name);
            var runner = ConformanceModels.Create(name);
            runner.LoadLcgWeights(fixture.Seed);
            var inputs = runner.NextInputs(fixture.Steps * fixture.Batch * runner.Config.Input);
            var lstm = runner.Config.Cell == "lstm";
            var h0 = fixture.Doubles("h0");
            var c0 = lstm ? fixture.Doubles("c0") : null;
            Tolerance.AssertClose(runner.ForwardFrom(inputs, fixture.Batch, h0, c0), fixture.Doubles("output_h0"), $"{name} Forward from h0");
            var (hidden, cell) = runner.FinalState(fixture.Batch, lstm);
            Tolerance.AssertClose(hidden, fixture.Doubles("h_n_h0"), $"{name} h_n from h0");
            if (lstm)
            {
                Tolerance.AssertClose(cell, fixture.Doubles("c_n_h0"), $"{name} c_n from h0");
            }

            // The staged state applies to one call: the next Forward starts from zero again.
            Tolerance.AssertClose(runner.Forward(inputs, fixture.Batch), fixture.Doubles("output"), $"{name} Forward after the staged call");
            if (runner.CanStream)
            {
                Tolerance.AssertClose(runner.ForwardFrom(inputs, fixture.Batch, h0, c0, stepping: true), fixture.Doubles("output_h0"), $"{name} Step from State.Set");
            }
        }

        [Theory]
        [MemberData(nameof(FloatFixtures))]
        public void Initial_state_gradients_match_PyTorch_autograd(string name)
        {
            var fixture = PyTorchFixture.Load(name);
            var runner = ConformanceModels.Create(name);
            runner.LoadLcgWeights(fixture.Seed);
            var inputs = runner.NextInputs(fixture.Steps * fixture.Batch * runner.Config.Input);
            var lstm = runner.Config.Cell == "lstm";
            var coefficients = new Lcg(fixture.Seed + 1000).Uniform(fixture.Steps * fixture.Batch * runner.Config.OutputWidth, 1f);
            var (hidden, cell) = runner.InitialStateGradients(inputs, fixture.Batch, fixture.Doubles("h0"), lstm ? fixture.Doubles("c0") : null, coefficients);
            AssertGradient(hidden, fixture.Doubles("h0_grad"), $"{name} dL/dh0");
            if (lstm)
            {
                AssertGradient(cell, fixture.Doubles("c0_grad"), $"{name} dL/dc0");
            }
        }

        private static void AssertGradient(float[] actual, double[] expected, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            var scale = Math.Max(expected.Select(Math.Abs).Max(), 1e-3);
            var worst = actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max() / scale;
            Assert.True(worst <= 1e-4, $"{what}: max error {worst:E3} relative to the largest gradient {scale:E3}.");
        }

        public static TheoryData<string> GradientFixtures() => new(PyTorchFixture.Names().Where(n => !n.StartsWith("embedding", StringComparison.Ordinal) && !n.StartsWith("packed", StringComparison.Ordinal) && PyTorchFixture.Load(n).Has("gradients")));

        [Theory]
        [MemberData(nameof(GradientFixtures))]
        public void Backward_matches_PyTorch_autograd(string name)
        {
            var fixture = PyTorchFixture.Load(name);
            var runner = ConformanceModels.Create(name);
            runner.LoadLcgWeights(fixture.Seed);
            var inputs = runner.NextInputs(fixture.Steps * fixture.Batch * runner.Config.Input);
            var coefficients = new Lcg(fixture.Seed + 1000).Uniform(fixture.Steps * fixture.Batch * runner.Config.OutputWidth, 1f);
            var gradients = runner.Gradients(inputs, fixture.Batch, coefficients);
            foreach (var tensor in runner.Tensors)
            {
                var expected = fixture.Gradient(tensor.Name);
                var scale = Math.Max(expected.Select(Math.Abs).Max(), 1e-3);
                var worst = gradients[tensor.Name].Zip(expected, (a, e) => Math.Abs(a - e)).Max() / scale;
                Assert.True(worst <= 1e-4, $"{name} {tensor.Name}: max error {worst:E3} relative to the largest gradient {scale:E3}.");
            }
        }

        [Theory]
        [MemberData(nameof(AllModels))]
        public void Forward_matches_the_scalar_reference(string name)
        {
            var runner = ConformanceModels.Create(name);
            var weights = runner.LoadLcgWeights(1234);
            var reference = new ScalarReference(runner.Config, weights);
            foreach (var (steps, batch) in new[] { (8, 4), (1, 1), (5, 3) })
            {
                var inputs = runner.NextInputs(steps * batch * runner.Config.Input);
                var expected = reference.Forward(inputs, batch);
                Tolerance.AssertClose(runner.Forward(inputs, batch), expected, $"{name} Forward {steps}x{batch}");
                if (runner.CanStream)
                {
                    Tolerance.AssertClose(runner.StepEachStream(inputs, batch), expected, $"{name} Step {steps}x{batch}");
                }
            }
        }

        [Theory]
        [MemberData(nameof(AllModels))]
        public void PyTorch_tensors_round_trip_through_the_packed_layout(string name)
        {
            var runner = ConformanceModels.Create(name);
            var weights = runner.LoadLcgWeights(99);
            Assert.Equal(weights.Keys, runner.Tensors.Select(t => t.Name));
            foreach (var (tensor, values) in weights)
            {
                Assert.Equal(values, runner.Export(tensor));
            }
        }

        [Theory]
        [InlineData("lstm_i5_h64_l1")]
        [InlineData("gru_i3_h17_l2")]
        [InlineData("grubefore_i7_h16_l3")]
        [InlineData("rnn_relu_i5_h129_l1")]
        [InlineData("lstm_peephole_l2")]
        [InlineData("lstm_cifg")]
        [InlineData("gru_minimal_l2")]
        [InlineData("rnn_hardsigmoid")]
        [InlineData("bi_gru_i3_h16_l2")]
        public void Forward_and_Step_allocate_nothing_once_warm(string name)
        {
            var runner = ConformanceModels.Create(name);
            runner.LoadLcgWeights(5);
            var (forward, step) = runner.MeasureAllocations(runner.NextInputs(8 * 4 * runner.Config.Input), 4);
            Assert.Equal(0, forward);
            Assert.Equal(0, step);
        }
    }
}
