using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RnnGen.Runtime.Tests.Dropout;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using Xunit;

namespace RnnGen.Runtime.Tests.InputGradients
{
    /// <summary>
    /// dL/dx from <c>Backward(outputGradients, gradients, inputGradients)</c>: against central finite differences of the
    /// double-precision reference (perturbing the inputs) for every conformance model (every cell variant, direction,
    /// merge mode and depth), with variable lengths, through input and recurrent dropout, behind heads and last-step
    /// outputs; against PyTorch autograd's x.grad; its checks, its cost (no allocation, the same parameter gradients as
    /// the old overload) and a chain of two generated networks trained end to end. The loss is L = Σ c ⊙ output.
    /// </summary>
    public sealed class InputGradientTests
    {
        private const int Steps = 5;
        private const int Batch = 4;
        private const double Epsilon = 1e-5;

        /// <summary>Max |analytic - numeric| over the checked inputs, divided by the largest |numeric|.</summary>
        private const double Tolerance = 1e-4;

        public static TheoryData<string> AllModels() => new(ConformanceModels.Names);

        [Theory]
        [MemberData(nameof(AllModels))]
        public void Input_gradients_match_finite_differences_and_leave_the_parameter_gradients_unchanged(string name)
        {
            var runner = ConformanceModels.Create(name);
            var config = runner.Config;
            var weights = runner.LoadLcgWeights(81);
            var inputs = runner.NextInputs(Steps * Batch * config.Input);
            var coefficients = new Lcg(82).Uniform(Steps * Batch * config.OutputWidth, 1f);
            var (analytic, parameters) = runner.InputGradients(inputs, Batch, null, coefficients);

            var reference = new ScalarReference(config, weights);
            AssertMatchesFiniteDifferences(analytic, inputs, x => Dot(reference.Forward(x, Batch), coefficients), name, HasKink(config));

            // Asking for dL/dx changes nothing else: the parameter gradients are the old overload's, bit for bit.
            var old = runner.Gradients(inputs, Batch, coefficients);
            foreach (var (tensor, values) in old)
            {
                Assert.Equal(values, parameters[tensor]);
            }
        }

        public static TheoryData<string> LengthModels() => new(
            "lstm_i3_h17_l2", "gru_i3_h17_l2", "grubefore_i5_h17_l1", "rnn_tanh_i3_h17_l2", "lstm_cifg_peephole_l2", "gru_minimal_l2",
            "bi_lstm_i3_h16_l2", "bi_grubefore_sum_l2", "bi_lstm_multiply_l2", "bi_rnn_average", "back_lstm_l2", "back_grubefore");

        [Theory]
        [MemberData(nameof(LengthModels))]
        public void With_variable_lengths_padded_steps_get_exact_zeros_and_the_rest_matches_finite_differences(string name)
        {
            const int batch = 3; // 15 rows: one tile of 4 plus leftovers in the products
            int[] lengths = { Steps, 2, 4 };
            var runner = ConformanceModels.Create(name);
            var config = runner.Config;
            var weights = runner.LoadLcgWeights(83);
            var inputs = runner.NextInputs(Steps * batch * config.Input);
            var coefficients = new Lcg(84).Uniform(Steps * batch * config.OutputWidth, 1f);
            var (analytic, _) = runner.InputGradients(inputs, batch, lengths, coefficients);

            for (var i = 0; i < analytic.Length; i++)
            {
                var (t, b) = (i / config.Input / batch, i / config.Input % batch);
                if (t >= lengths[b])
                {
                    Assert.True(analytic[i] == 0f, $"{name}: dL/dx at padded step {t} of sequence {b} is {analytic[i]}, not 0.");
                }
            }

            var reference = new ScalarReference(config, weights) { Lengths = lengths };
            AssertMatchesFiniteDifferences(analytic, inputs, x => Dot(reference.Forward(x, batch), coefficients), $"{name} with lengths", HasKink(config), batch);
        }

        public static TheoryData<string> Fixtures() => new(
            Directory.GetFiles(Path.Combine(PyTorchFixture.Directory, "input_gradients"), "*.json").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal)!);

        [Theory]
        [MemberData(nameof(Fixtures))]
        public void Input_gradients_match_PyTorch_autograd(string name)
        {
            var fixture = PyTorchFixture.Load(Path.Combine("input_gradients", name));
            var runner = ConformanceModels.Create(fixture.Text("model"));
            runner.LoadLcgWeights(fixture.Seed);
            var inputs = runner.NextInputs(fixture.Steps * fixture.Batch * runner.Config.Input);
            var coefficients = new Lcg(fixture.Seed + 1000).Uniform(fixture.Steps * fixture.Batch * runner.Config.OutputWidth, 1f);
            var lengths = fixture.Has("lengths") ? fixture.Ints("lengths") : null;
            var (analytic, _) = runner.InputGradients(inputs, fixture.Batch, lengths, coefficients);

            var expected = fixture.Doubles("x_grad");
            Assert.Equal(expected.Length, analytic.Length);
            var scale = Math.Max(expected.Select(Math.Abs).Max(), 1e-3);
            var worst = analytic.Zip(expected, (a, e) => Math.Abs(a - e)).Max() / scale;
            Assert.True(worst <= 1e-5, $"{name} dL/dx: max error {worst:E3} relative to the largest gradient {scale:E3}.");
            Assert.All(analytic.Zip(expected).Where(pair => pair.Second == 0), pair => Assert.Equal(0f, pair.First)); // padded steps
        }

        public static TheoryData<string> DropoutCases() => new("lstm", "gru", "gru_before", "rnn");

        [Theory]
        [MemberData(nameof(DropoutCases))]
        public void Through_input_and_recurrent_dropout_input_gradients_match_finite_differences(string name)
        {
            var c = DropoutTests.Case(name);
            var weights = c.LoadWeights(85);
            var inputs = new Lcg(86).Uniform(Steps * Batch * c.Config.Input, 1f);
            var coefficients = new Lcg(87).Uniform(Steps * Batch * c.Config.Hidden, 1f);
            c.Seed(88);
            var analytic = c.InputGradients(inputs, Batch, coefficients);
            var masks = c.Masks(Batch);
            if (masks.Input[0] is { } mask)
            {
                // The first layer's mask multiplies dL/dx: dropped features get exactly 0.
                Assert.Contains(mask, m => m == 0f);
                for (var i = 0; i < analytic.Length; i++)
                {
                    var (b, k) = (i / c.Config.Input % Batch, i % c.Config.Input);
                    Assert.True(mask[(b * c.Config.Input) + k] != 0f || analytic[i] == 0f, $"{name}: dropped input {i} has gradient {analytic[i]}.");
                }
            }

            var reference = c.Reference(weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray()), masks);
            AssertMatchesFiniteDifferences(analytic, inputs, x => Dot(reference.Forward(x, Batch), coefficients), $"{name} with dropout", false);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Through_a_bidirectional_first_layer_with_its_own_dropout_mask_per_direction(bool variableLengths)
        {
            const int steps = 5, batch = 4;
            var model = new BiLstmDropout { Training = true };
            var weights = HeadAndEmbeddingTests.Import(BiLstmDropout.PyTorchTensors, model.ImportPyTorch, new Lcg(331), _ => 0.4f);
            var inputs = new Lcg(332).Uniform(steps * batch * 5, 1f);
            var c = new Lcg(333).Uniform(steps * batch * 2, 1f);
            int[]? lengths = variableLengths ? new[] { 3, steps, 1, 4 } : null;
            model.Forward(inputs, lengths, new float[steps * batch * 2], batch);
            var analytic = new float[inputs.Length];
            model.Backward(c, new float[BiLstmDropout.PackedParameterLength], analytic);

            float[] Mask(DropoutSite site, int state, int width)
            {
                var mask = new float[batch * width];
                model.CopyDropoutMask(site, state, mask);
                return mask;
            }

            var inputMasks = new[] { Mask(DropoutSite.LayerInput, 0, 5), Mask(DropoutSite.LayerInput, 1, 5) };
            var recurrentMasks = new[] { Mask(DropoutSite.Recurrent, 0, 9), Mask(DropoutSite.Recurrent, 1, 9) };
            var head = Mask(DropoutSite.HeadInput, 0, 18);
            var config = new ModelConfig("bi", "lstm", 5, 9, 1, true, true) { Bidirectional = true };
            var exact = weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            var reference = new ScalarReference(config, exact) { InputMasks = inputMasks, RecurrentMasks = recurrentMasks, Lengths = lengths };
            double Loss(double[] x)
            {
                var h = ScalarReference.Mask(reference.Forward(x, batch), head, batch, 18);
                var z = ScalarReference.Dense(h, 18, exact["head.weight"], exact["head.bias"], 2, Activation.Linear);
                var sum = 0.0;
                for (var i = 0; i < z.Length; i++)
                {
                    var (t, b) = (i / 2 / batch, i / 2 % batch);
                    sum += lengths is null || t < lengths[b] ? z[i] * c[i] : 0; // padded steps have no loss
                }

                return sum;
            }

            for (var i = 0; i < analytic.Length; i++)
            {
                var (t, b, k) = (i / 5 / batch, i / 5 % batch, i % 5);
                var dropped = inputMasks[0][(b * 5) + k] == 0f && inputMasks[1][(b * 5) + k] == 0f;
                var padded = lengths is not null && t >= lengths[b];
                Assert.True(!(dropped || padded) || analytic[i] == 0f, $"dL/dx[{i}] = {analytic[i]} where {(padded ? "the step is padded" : "both directions dropped the input")}.");
            }

            AssertMatchesFiniteDifferences(analytic, inputs, Loss, $"bi-LSTM with dropout{(variableLengths ? " and lengths" : string.Empty)}", false, batch);
        }

        [Fact]
        public void Behind_a_sigmoid_head_on_the_last_step_of_a_reset_before_GRU_stack()
        {
            const int steps = 4, batch = 2;
            var model = new GruLastStepSigmoid();
            var weights = HeadAndEmbeddingTests.Import(GruLastStepSigmoid.PyTorchTensors, model.ImportPyTorch, new Lcg(41), _ => 0.4f);
            var inputs = new Lcg(42).Uniform(steps * batch * 6, 1f);
            var c = new Lcg(43).Uniform(batch * 5, 1f);
            model.Forward(inputs, new float[batch * 5], batch);
            var analytic = new float[inputs.Length];
            model.Backward(c, new float[GruLastStepSigmoid.PackedParameterLength], analytic);

            var config = new ModelConfig("gru", "gru", 6, 20, 2, true, false);
            var exact = weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            double Loss(double[] x)
            {
                var h = new ScalarReference(config, exact, 20, 7).Forward(x, batch);
                return Dot(ScalarReference.Dense(h.Skip((steps - 1) * batch * 7).ToArray(), 7, exact["head.weight"], exact["head.bias"], 5, Activation.Linear), c);
            }

            AssertMatchesFiniteDifferences(analytic, inputs, Loss, "GRU/sigmoid head", false);
        }

        [Fact]
        public void Through_a_tanh_head_without_biases_and_an_LSTM_stack_returning_its_last_step()
        {
            var rnn = new RnnTanhHead();
            var rnnWeights = HeadAndEmbeddingTests.Import(RnnTanhHead.PyTorchTensors, rnn.ImportPyTorch, new Lcg(51), _ => 0.3f);
            var rnnInputs = new Lcg(52).Uniform(6 * 3, 1f);
            var rnnC = new Lcg(53).Uniform(6 * 2, 1f);
            rnn.Forward(rnnInputs, new float[6 * 2], 1);
            var rnnAnalytic = new float[rnnInputs.Length];
            rnn.Backward(rnnC, new float[RnnTanhHead.PackedParameterLength], rnnAnalytic);
            var rnnConfig = new ModelConfig("rnn", "rnn_tanh", 3, 18, 1, false, true);
            var rnnExact = rnnWeights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            AssertMatchesFiniteDifferences(rnnAnalytic, rnnInputs, x => Dot(ScalarReference.Dense(new ScalarReference(rnnConfig, rnnExact).Forward(x, 1), 18, rnnExact["head.weight"], null, 2, Activation.Linear), rnnC), "SimpleRNN/tanh head", false);

            const int steps = 4, batch = 2;
            var lstm = new LstmLastStep();
            var lstmWeights = HeadAndEmbeddingTests.Import(LstmLastStep.PyTorchTensors, lstm.ImportPyTorch, new Lcg(61), _ => 0.2f);
            var lstmInputs = new Lcg(62).Uniform(steps * batch * 4, 1f);
            var lstmC = new Lcg(63).Uniform(batch * 40, 1f);
            lstm.Forward(lstmInputs, new float[batch * 40], batch);
            var lstmAnalytic = new float[lstmInputs.Length];
            lstm.Backward(lstmC, new float[LstmLastStep.PackedParameterLength], lstmAnalytic);
            var lstmConfig = new ModelConfig("lstm", "lstm", 4, 24, 2, true, true);
            var lstmReference = new ScalarReference(lstmConfig, lstmWeights, 24, 40);
            AssertMatchesFiniteDifferences(lstmAnalytic, lstmInputs, x => Dot(lstmReference.Forward(x, batch).Skip((steps - 1) * batch * 40).ToArray(), lstmC), "LSTM last step", false);
        }

        [Fact]
        public void Two_generated_networks_in_a_chain_train_end_to_end()
        {
            const int steps = 6, batch = 3;
            var features = new ChainFeatures();
            var classifier = new ChainClassifier();
            var featureWeights = HeadAndEmbeddingTests.Import(ChainFeatures.PyTorchTensors, features.ImportPyTorch, new Lcg(91), _ => 0.4f);
            var classifierWeights = HeadAndEmbeddingTests.Import(ChainClassifier.PyTorchTensors, classifier.ImportPyTorch, new Lcg(92), _ => 0.4f);
            var inputs = new Lcg(93).Uniform(steps * batch * ChainFeatures.InputSize, 1f);
            var c = new Lcg(94).Uniform(batch * ChainClassifier.OutputSize, 1f);

            // A → B forward; B's Backward hands dL/d(A's outputs) to A's Backward.
            var hidden = new float[steps * batch * ChainFeatures.OutputSize];
            features.Forward(inputs, hidden, batch);
            classifier.Forward(hidden, new float[batch * ChainClassifier.OutputSize], batch);
            var classifierGradients = new float[ChainClassifier.PackedParameterLength];
            var hiddenGradients = new float[hidden.Length];
            classifier.Backward(c, classifierGradients, hiddenGradients);
            var featureGradients = new float[ChainFeatures.PackedParameterLength];
            var inputGradients = new float[inputs.Length];
            features.Backward(hiddenGradients, featureGradients, inputGradients);

            var featureConfig = new ModelConfig("lstm", "lstm", 3, 7, 1, true, true);
            var classifierConfig = new ModelConfig("gru", "gru", 7, 6, 1, true, false);
            var featureExact = featureWeights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            var classifierExact = classifierWeights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            double Loss(Dictionary<string, double[]> a, Dictionary<string, double[]> b, double[] x)
            {
                var h = new ScalarReference(featureConfig, a).Forward(x, batch);
                var g = new ScalarReference(classifierConfig, b).Forward(h, batch);
                return Dot(ScalarReference.Dense(g.Skip((steps - 1) * batch * 6).ToArray(), 6, b["head.weight"], b["head.bias"], 2, Activation.Linear), c);
            }

            var x0 = inputs.Select(v => (double)v).ToArray();
            HeadGradientTests.CheckAll(featureWeights, featureGradients, ChainFeatures.ExportPyTorchGradient, a => Loss(a, classifierExact, x0), "chain: A's parameters through B's dL/dx");
            HeadGradientTests.CheckAll(classifierWeights, classifierGradients, ChainClassifier.ExportPyTorchGradient, b => Loss(featureExact, b, x0), "chain: B's parameters");
            AssertMatchesFiniteDifferences(inputGradients, inputs, x => Loss(featureExact, classifierExact, x), "chain: dL/dx of A", false);
        }

        [Fact]
        public void A_wrong_inputGradients_length_is_rejected_before_the_tape_is_touched()
        {
            var model = new Fx_lstm_i5_h16_l1();
            model.InitializeParameters(new Random(1));
            var inputs = new Lcg(3).Uniform(4 * 2 * 5, 1f);
            var outputs = new float[4 * 2 * 16];
            var seed = new Lcg(4).Uniform(outputs.Length, 1f);
            var gradients = new float[Fx_lstm_i5_h16_l1.PackedParameterLength];
            Assert.Throws<InvalidOperationException>(() => model.Backward(seed, gradients, new float[inputs.Length]));

            model.Forward(inputs, outputs, 2);
            foreach (var length in new[] { 0, inputs.Length - 1, inputs.Length + 5, 6 * 2 * 5 })
            {
                var error = Assert.Throws<ArgumentException>(() => model.Backward(seed, gradients, new float[length]));
                Assert.Equal("inputGradients", error.ParamName);
                Assert.Contains("[4][2][5]", error.Message, StringComparison.Ordinal);
            }

            Assert.All(gradients, g => Assert.Equal(0f, g)); // nothing was added

            // The tape survived: the corrected call gives what a fresh Forward + Backward gives.
            var first = new float[inputs.Length];
            model.Backward(seed, gradients, first);
            Assert.Throws<InvalidOperationException>(() => model.Backward(seed, gradients, first)); // consumed
            model.Forward(inputs, outputs, 2);
            var second = Enumerable.Repeat(123f, inputs.Length).ToArray(); // written, not added to
            model.Backward(seed, new float[gradients.Length], second);
            Assert.Equal(first, second);
            Assert.Contains(first, v => v != 0);
        }

        [Theory]
        [InlineData("lstm_i5_h64_l1")]
        [InlineData("grubefore_i7_h16_l3")]
        [InlineData("lstm_cifg_peephole_l2")]
        [InlineData("gru_minimal_hardsigmoid_bi")]
        [InlineData("bi_lstm_multiply_l2")]
        [InlineData("back_grubefore")]
        [InlineData("rnn_relu_i5_h129_l1")]
        public void Backward_with_input_gradients_allocates_nothing_once_warm(string name)
        {
            var runner = ConformanceModels.Create(name);
            runner.LoadLcgWeights(5);
            Assert.Equal(0, runner.MeasureInputGradientAllocations(runner.NextInputs(8 * 4 * runner.Config.Input), 4));
        }

        [Theory]
        [MemberData(nameof(DropoutCases))]
        public void Backward_with_input_gradients_through_dropout_allocates_nothing_once_warm(string name)
        {
            var c = DropoutTests.Case(name);
            c.LoadWeights(5);
            Assert.Equal(0, c.MeasureInputGradientAllocations(new Lcg(6).Uniform(8 * 4 * c.Config.Input, 1f), 4));
        }

        /// <summary>Central differences of <paramref name="loss"/> in the inputs against the analytic dL/dx.</summary>
        internal static void AssertMatchesFiniteDifferences(float[] analytic, float[] inputs, Func<double[], double> loss, string what, bool kink, int batch = Batch)
        {
            Assert.Equal(inputs.Length, analytic.Length);
            Assert.DoesNotContain(analytic, float.IsNaN);
            var x = inputs.Select(v => (double)v).ToArray();
            var picks = Pick(x.Length);
            var worst = 0.0;
            var scale = 1e-3;
            foreach (var i in picks)
            {
                var original = x[i];
                x[i] = original + Epsilon;
                var plus = loss(x);
                x[i] = original - Epsilon;
                var minus = loss(x);
                x[i] = original;
                var numeric = (plus - minus) / (2 * Epsilon);
                scale = Math.Max(scale, Math.Abs(numeric));
                worst = Math.Max(worst, Math.Abs(numeric - analytic[i]));
            }

            // relu and hard sigmoid have kinks where float and double may take different sides (as in GradientTests).
            var tolerance = kink ? 1e-3 : Tolerance;
            Assert.True(worst / scale <= tolerance, $"{what} dL/dx: max error {worst / scale:E3} (relative to the largest gradient {scale:E3}) exceeds {tolerance:E0} (batch {batch}).");
        }

        /// <summary>Every input when there are few; else the first, the last and 46 more.</summary>
        private static int[] Pick(int length)
        {
            if (length <= 48)
            {
                return Enumerable.Range(0, length).ToArray();
            }

            var lcg = new Lcg((uint)length);
            return Enumerable.Range(0, 48).Select(i => i == 0 ? 0 : i == 1 ? length - 1 : (int)(lcg.Next() % (uint)length)).ToArray();
        }

        private static bool HasKink(ModelConfig config) =>
            config.Cell == "rnn_relu" || config.Activation is Activation.Relu or Activation.HardSigmoid || config.RecurrentActivation is Activation.Relu or Activation.HardSigmoid;

        internal static double Dot(double[] outputs, float[] coefficients)
        {
            Assert.Equal(coefficients.Length, outputs.Length);
            var sum = 0.0;
            for (var i = 0; i < outputs.Length; i++)
            {
                sum += outputs[i] * coefficients[i];
            }

            return sum;
        }
    }
}
