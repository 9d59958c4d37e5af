using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests
{
    /// <summary>
    /// Generated BPTT against central finite differences of the double-precision scalar reference, for every cell,
    /// both GRU variants, depths 1 to 3, with and without biases. The loss is L = Σ c ⊙ output with fixed random c,
    /// so dL/doutput = c is what Backward receives.
    /// </summary>
    public sealed class GradientTests
    {
        private const int Steps = 5;
        private const int Batch = 4; // one tile of 4 rows in the backward products

        private const int InitialBatch = 3; // rows one at a time
        private const int ElementsPerTensor = 10;
        private const double Epsilon = 1e-5;

        /// <summary>Max |analytic - numeric| over a tensor's checked elements, divided by its largest |numeric|.</summary>
        private const double Tolerance = 1e-4;

        public static TheoryData<string> AllModels() => new(ConformanceModels.Names);

        [Theory]
        [MemberData(nameof(AllModels))]
        public void Backward_matches_finite_differences(string name)
        {
            var runner = ConformanceModels.Create(name);
            var weights = runner.LoadLcgWeights(77);
            var inputs = runner.NextInputs(Steps * Batch * runner.Config.Input);
            var coefficients = new Lcg(5).Uniform(Steps * Batch * runner.Config.OutputWidth, 1f);
            var analytic = runner.Gradients(inputs, Batch, coefficients);

            var exact = weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            double Loss() => Dot(new ScalarReference(runner.Config, exact).Forward(inputs, Batch), coefficients);
            AssertMatchesFiniteDifferences(analytic, exact, Loss, name, HasKink(runner.Config));
        }

        [Theory]
        [InlineData("lstm_i5_h17_l1", 9, 3, 5)] // overlapping windows, k2 > k1
        [InlineData("gru_i3_h17_l2", 9, 3, 3)] // consecutive chunks
        [InlineData("lstm_cifg_peephole_l2", 10, 4, 2)] // k2 < k1: forward-only warm-up in each stride
        [InlineData("grubefore_i7_h16_l3", 8, 2, 5)]
        [InlineData("rnn_tanh_i5_h3_l1", 7, 1, 3)]
        public void Truncated_BPTT_matches_finite_differences_with_the_carried_state_held(string name, int steps, int stride, int depth)
        {
            var runner = ConformanceModels.Create(name);
            var config = runner.Config;
            var weights = runner.LoadLcgWeights(79);
            var inputs = runner.NextInputs(steps * Batch * config.Input);
            var coefficients = new Lcg(7).Uniform(steps * Batch * config.OutputWidth, 1f);
            var schedule = new TruncatedBptt(steps, stride, depth);
            var analytic = runner.TruncatedGradients(inputs, Batch, schedule, coefficients);

            // TBPTT treats the state a window starts from as a constant: computed once, from the unperturbed weights.
            var exact = weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            var windows = new List<(BpttWindow Window, double[][][] Hidden, double[][][] Cell)>();
            foreach (var window in schedule)
            {
                var start = new ScalarReference(config, exact);
                if (window.Start > 0)
                {
                    start.Forward(StepRange(inputs, config.Input, 0, window.Start), Batch);
                }

                windows.Add((window, window.Start > 0 ? start.FinalHidden : Zeros(config, Batch), window.Start > 0 && config.Cell == "lstm" ? start.FinalCell : Zeros(config, Batch)));
            }

            double Loss()
            {
                var sum = 0.0;
                foreach (var (window, hidden, cell) in windows)
                {
                    var reference = new ScalarReference(config, exact) { InitialHidden = hidden, InitialCell = cell };
                    var outputs = reference.Forward(StepRange(inputs, config.Input, window.Start, window.Length), Batch);
                    var counted = window.LossOffset * Batch * config.OutputWidth;
                    sum += Dot(outputs[counted..], coefficients.AsSpan((window.Start * Batch * config.OutputWidth) + counted, outputs.Length - counted).ToArray());
                }

                return sum;
            }

            AssertMatchesFiniteDifferences(analytic, exact, Loss, $"{name} TBPTT({stride}, {depth})", HasKink(config));
        }

        /// <summary>Central differences of <paramref name="loss"/> for picked elements of every tensor against the analytic gradient.</summary>
        private static void AssertMatchesFiniteDifferences(Dictionary<string, float[]> analytic, Dictionary<string, double[]> exact, Func<double> loss, string what, bool kink)
        {
            foreach (var (tensor, values) in exact)
            {
                var picks = Pick(values.Length, tensor);
                var numeric = new double[picks.Length];
                for (var i = 0; i < picks.Length; i++)
                {
                    var original = values[picks[i]];
                    values[picks[i]] = original + Epsilon;
                    var plus = loss();
                    values[picks[i]] = original - Epsilon;
                    var minus = loss();
                    values[picks[i]] = original;
                    numeric[i] = (plus - minus) / (2 * Epsilon);
                }

                // relu has a kink at 0: where a pre-activation is within float rounding of 0, the float model and
                // the double reference can disagree on the mask, so relu models get a looser (still failing-if-wrong) bound.
                AssertClose(picks.Select(i => (double)analytic[tensor][i]).ToArray(), numeric, $"{what} {tensor}", kink ? 1e-3 : Tolerance);
            }
        }

        /// <summary>Steps [start, start + count) of time-major rows [steps][Batch][width].</summary>
        private static float[] StepRange(float[] rows, int width, int start, int count) =>
            rows.AsSpan(start * Batch * width, count * Batch * width).ToArray();

        [Theory]
        [InlineData("lstm_i5_h17_l1")]
        [InlineData("gru_i3_h17_l2")]
        [InlineData("grubefore_i7_h16_l3")]
        [InlineData("rnn_tanh_i5_h3_l1")]
        public void Initial_state_gradients_match_finite_differences(string name)
        {
            var runner = ConformanceModels.Create(name);
            var config = runner.Config;
            var weights = runner.LoadLcgWeights(78);
            var inputs = runner.NextInputs(Steps * InitialBatch * config.Input);
            var coefficients = new Lcg(6).Uniform(Steps * InitialBatch * config.Hidden, 1f);
            runner.Gradients(inputs, InitialBatch, coefficients);

            var lstm = config.Cell == "lstm";
            var reference = new ScalarReference(config, weights)
            {
                InitialHidden = Zeros(config),
                InitialCell = Zeros(config),
            };
            for (var layer = 0; layer < config.Layers; layer++)
            {
                var (hidden, cell) = runner.InitialStateGradient(layer, InitialBatch, lstm);
                foreach (var (state, analytic) in lstm ? new[] { (reference.InitialHidden, hidden), (reference.InitialCell, cell) } : new[] { (reference.InitialHidden, hidden) })
                {
                    var numeric = new double[analytic.Length];
                    for (var i = 0; i < analytic.Length; i++)
                    {
                        var (b, j) = (i / config.Hidden, i % config.Hidden);
                        state[layer][b][j] = Epsilon;
                        var plus = Dot(reference.Forward(inputs, InitialBatch), coefficients);
                        state[layer][b][j] = -Epsilon;
                        var minus = Dot(reference.Forward(inputs, InitialBatch), coefficients);
                        state[layer][b][j] = 0;
                        numeric[i] = (plus - minus) / (2 * Epsilon);
                    }

                    AssertClose(analytic.Select(v => (double)v).ToArray(), numeric, $"{name} layer {layer} initial state");
                }
            }
        }

        [Theory]
        [InlineData("lstm_i5_h64_l1")]
        [InlineData("gru_i3_h17_l2")]
        [InlineData("grubefore_i7_h16_l3")]
        [InlineData("rnn_relu_i5_h129_l1")]
        [InlineData("lstm_cifg_peephole_l2")]
        [InlineData("gru_minimal_l2")]
        [InlineData("gru_minimal_hardsigmoid_bi")]
        [InlineData("bi_lstm_multiply_l2")]
        [InlineData("back_grubefore")]
        [InlineData("lstm_relu_hardsigmoid")]
        public void Forward_and_Backward_allocate_nothing_once_warm(string name)
        {
            var runner = ConformanceModels.Create(name);
            runner.LoadLcgWeights(5);
            Assert.Equal(0, runner.MeasureTrainingAllocations(runner.NextInputs(8 * 4 * runner.Config.Input), 4));
        }

        [Fact]
        public void Backward_without_a_Forward_is_an_error_and_gradients_accumulate()
        {
            var model = new Fx_lstm_i5_h16_l1();
            var gradients = new float[Fx_lstm_i5_h16_l1.PackedParameterLength];
            Assert.Throws<InvalidOperationException>(() => model.Backward(new float[16], gradients));

            model.InitializeParameters(new Random(1));
            var inputs = new Lcg(3).Uniform(4 * 2 * 5, 1f);
            var outputs = new float[4 * 2 * 16];
            model.Forward(inputs, outputs, 2);
            var seed = new Lcg(4).Uniform(outputs.Length, 1f);
            model.Backward(seed, gradients);
            var once = gradients.ToArray();
            Assert.Throws<InvalidOperationException>(() => model.Backward(seed, gradients)); // the tape is consumed
            model.Forward(inputs, outputs, 2);
            model.Backward(seed, gradients);
            var largest = once.Max(Math.Abs);
            Assert.All(once.Zip(gradients), pair => Assert.True(Math.Abs(pair.Second - (2 * pair.First)) <= 1e-5 * largest, "gradients add up"));
            Assert.Contains(once, v => v != 0);

            model.Forward(inputs, outputs, 2);
            var error = Assert.Throws<ArgumentException>(() => model.Backward(new float[3], gradients));
            Assert.Equal("outputGradients", error.ParamName);
            model.Forward(inputs, outputs, 2);
            Assert.Throws<ArgumentException>(() => model.Backward(seed, new float[10]));
        }

        [Fact]
        public void ContinueState_carries_the_final_state_into_the_next_chunk()
        {
            var model = new Fx_lstm_i3_h17_l2();
            model.InitializeParameters(new Random(9));
            var inputs = new Lcg(10).Uniform(8 * 2 * 3, 1f);
            var whole = new float[8 * 2 * 17];
            model.Forward(inputs, whole, 2);

            var first = new float[5 * 2 * 17];
            var second = new float[3 * 2 * 17];
            model.Forward(inputs.AsSpan(0, 5 * 2 * 3), first, 2);
            model.Backward(first, new float[Fx_lstm_i3_h17_l2.PackedParameterLength]); // truncated BPTT: backward per chunk
            model.Forward(inputs.AsSpan(5 * 2 * 3), second, 2, continueState: true);
            Assert.Equal(whole.AsSpan(0, first.Length).ToArray(), first);
            Assert.Equal(whole.AsSpan(first.Length).ToArray(), second);

            Assert.Throws<InvalidOperationException>(() => model.Forward(inputs.AsSpan(0, 3), new float[17], 1, continueState: true));
            Assert.Throws<InvalidOperationException>(() => new Fx_lstm_i3_h17_l2().Forward(inputs.AsSpan(0, 6), new float[34], 2, continueState: true));
        }

        private static double[][][] Zeros(ModelConfig config, int batch = InitialBatch) =>
            Enumerable.Range(0, config.Layers).Select(_ => Enumerable.Range(0, batch).Select(_ => new double[config.Hidden]).ToArray()).ToArray();

        /// <summary>Relu and hard sigmoid have kinks where float and double may take different sides.</summary>
        private static bool HasKink(ModelConfig config) =>
            config.Cell == "rnn_relu" || config.Activation is Activation.Relu or Activation.HardSigmoid || config.RecurrentActivation is Activation.Relu or Activation.HardSigmoid;

        private static int[] Pick(int length, string tensor)
        {
            if (length <= ElementsPerTensor)
            {
                return Enumerable.Range(0, length).ToArray();
            }

            var lcg = new Lcg((uint)tensor.GetHashCode(StringComparison.Ordinal));
            return Enumerable.Range(0, ElementsPerTensor).Select(i => i == 0 ? 0 : i == 1 ? length - 1 : (int)(lcg.Next() % (uint)length)).ToArray();
        }

        private static double Dot(double[] outputs, float[] coefficients)
        {
            var sum = 0.0;
            for (var i = 0; i < outputs.Length; i++)
            {
                sum += outputs[i] * coefficients[i];
            }

            return sum;
        }

        private static void AssertClose(double[] analytic, double[] numeric, string what, double tolerance = Tolerance)
        {
            var scale = Math.Max(numeric.Select(Math.Abs).DefaultIfEmpty(0).Max(), 1e-3);
            var worst = analytic.Zip(numeric, (a, n) => Math.Abs(a - n)).DefaultIfEmpty(0).Max() / scale;
            Assert.True(worst <= tolerance, $"{what}: max error {worst:E3} (relative to the largest gradient {scale:E3}) exceeds {tolerance:E0}.");
        }
    }
}
