using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using Xunit;

namespace RnnGen.Runtime.Tests
{
    /// <summary>
    /// Backward through dense heads, last-step outputs, mixed widths, no-bias layers and the embedding, against
    /// central finite differences of the double-precision reference. The loss is L = Σ c ⊙ z, where z is the head's
    /// pre-activation (or h without a head), so Backward receives dL/dz = c.
    /// </summary>
    public sealed class HeadGradientTests
    {
        private const double Epsilon = 1e-5;
        private const double Tolerance = 1e-4;

        [Fact]
        public void Embedding_two_LSTM_layers_and_a_softmax_head()
        {
            const int steps = 5, batch = 3;
            var model = new EmbeddingLstmSoftmax();
            var weights = HeadAndEmbeddingTests.Import(EmbeddingLstmSoftmax.PyTorchTensors, model.ImportPyTorch, new Lcg(31), n => n == "embedding.weight" ? 1f : 0.25f);
            var tokens = new Lcg(32).Tokens(steps * batch, EmbeddingLstmSoftmax.VocabularySize);
            var c = new Lcg(33).Uniform(steps * batch * 11, 1f);
            var gradients = Train(model.Forward, model.Backward, tokens, steps * batch * 11, batch, c, EmbeddingLstmSoftmax.PackedParameterLength);
            var config = new ModelConfig("lstm", "lstm", 4, 16, 2, true, true);
            double Loss(Dictionary<string, double[]> w)
            {
                var x = tokens.SelectMany(t => w["embedding.weight"].Skip(t * 4).Take(4)).ToArray();
                var h = new ScalarReference(config, w).Forward(x, batch);
                return Dot(ScalarReference.Dense(h, 16, w["head.weight"], w["head.bias"], 11, Activation.Linear), c);
            }

            CheckAll(weights, gradients, EmbeddingLstmSoftmax.ExportPyTorchGradient, Loss, "embedding/LSTM/softmax");
        }

        [Fact]
        public void GRU_reset_before_mixed_widths_last_step_and_a_sigmoid_head()
        {
            const int steps = 4, batch = 2;
            var model = new GruLastStepSigmoid();
            var weights = HeadAndEmbeddingTests.Import(GruLastStepSigmoid.PyTorchTensors, model.ImportPyTorch, new Lcg(41), _ => 0.4f);
            var inputs = new Lcg(42).Uniform(steps * batch * 6, 1f);
            var c = new Lcg(43).Uniform(batch * 5, 1f);
            var gradients = Train(model.Forward, model.Backward, inputs, batch * 5, batch, c, GruLastStepSigmoid.PackedParameterLength);
            var config = new ModelConfig("gru", "gru", 6, 20, 2, true, false);
            double Loss(Dictionary<string, double[]> w)
            {
                var h = new ScalarReference(config, w, 20, 7).Forward(inputs, batch);
                var last = h.Skip((steps - 1) * batch * 7).ToArray();
                return Dot(ScalarReference.Dense(last, 7, w["head.weight"], w["head.bias"], 5, Activation.Linear), c);
            }

            CheckAll(weights, gradients, GruLastStepSigmoid.ExportPyTorchGradient, Loss, "GRU/sigmoid head");
        }

        [Fact]
        public void SimpleRNN_without_biases_and_a_tanh_head_without_bias()
        {
            const int steps = 6, batch = 1;
            var model = new RnnTanhHead();
            var weights = HeadAndEmbeddingTests.Import(RnnTanhHead.PyTorchTensors, model.ImportPyTorch, new Lcg(51), _ => 0.3f);
            var inputs = new Lcg(52).Uniform(steps * 3, 1f);
            var c = new Lcg(53).Uniform(steps * 2, 1f);
            var gradients = Train(model.Forward, model.Backward, inputs, steps * 2, batch, c, RnnTanhHead.PackedParameterLength);
            var config = new ModelConfig("rnn", "rnn_tanh", 3, 18, 1, false, true);
            double Loss(Dictionary<string, double[]> w) =>
                Dot(ScalarReference.Dense(new ScalarReference(config, w).Forward(inputs, batch), 18, w["head.weight"], null, 2, Activation.Linear), c);

            CheckAll(weights, gradients, RnnTanhHead.ExportPyTorchGradient, Loss, "SimpleRNN/tanh head");
        }

        [Fact]
        public void Stacked_LSTM_of_different_widths_returning_the_last_step_without_a_head()
        {
            const int steps = 4, batch = 2;
            var model = new LstmLastStep();
            var weights = HeadAndEmbeddingTests.Import(LstmLastStep.PyTorchTensors, model.ImportPyTorch, new Lcg(61), _ => 0.2f);
            var inputs = new Lcg(62).Uniform(steps * batch * 4, 1f);
            var c = new Lcg(63).Uniform(batch * 40, 1f);
            var gradients = Train(model.Forward, model.Backward, inputs, batch * 40, batch, c, LstmLastStep.PackedParameterLength);
            var config = new ModelConfig("lstm", "lstm", 4, 24, 2, true, true);
            double Loss(Dictionary<string, double[]> w) =>
                Dot(new ScalarReference(config, w, 24, 40).Forward(inputs, batch).Skip((steps - 1) * batch * 40).ToArray(), c);

            CheckAll(weights, gradients, LstmLastStep.ExportPyTorchGradient, Loss, "LSTM last step");
        }

        [Fact]
        public void GRU_with_a_relu_head_and_LSTM_with_a_linear_head()
        {
            const int steps = 3, batch = 2;
            var gru = new GruReluHead();
            var gruWeights = HeadAndEmbeddingTests.Import(GruReluHead.PyTorchTensors, gru.ImportPyTorch, new Lcg(71), _ => 0.7f);
            var inputs = new Lcg(72).Uniform(steps * batch * 2, 1f);
            var gruC = new Lcg(73).Uniform(steps * batch * 3, 1f);
            var gruGradients = Train(gru.Forward, gru.Backward, inputs, steps * batch * 3, batch, gruC, GruReluHead.PackedParameterLength);
            var gruConfig = new ModelConfig("gru", "gru", 2, 5, 1, true, true);
            CheckAll(gruWeights, gruGradients, GruReluHead.ExportPyTorchGradient, w => Dot(ScalarReference.Dense(new ScalarReference(gruConfig, w).Forward(inputs, batch), 5, w["head.weight"], w["head.bias"], 3, Activation.Linear), gruC), "GRU/relu head");

            var lstm = new LstmLinearHead();
            var lstmWeights = HeadAndEmbeddingTests.Import(LstmLinearHead.PyTorchTensors, lstm.ImportPyTorch, new Lcg(74), _ => 0.5f);
            var lstmC = new Lcg(75).Uniform(steps * batch * 35, 1f);
            var lstmGradients = Train(lstm.Forward, lstm.Backward, inputs, steps * batch * 35, batch, lstmC, LstmLinearHead.PackedParameterLength);
            var lstmConfig = new ModelConfig("lstm", "lstm", 2, 9, 1, true, true);
            CheckAll(lstmWeights, lstmGradients, LstmLinearHead.ExportPyTorchGradient, w => Dot(ScalarReference.Dense(new ScalarReference(lstmConfig, w).Forward(inputs, batch), 9, w["head.weight"], w["head.bias"], 35, Activation.Linear), lstmC), "LSTM/linear head");
        }

        private delegate void ForwardPass<T>(ReadOnlySpan<T> inputs, Span<float> outputs, int batchSize, bool continueState);

        private delegate void BackwardPass(ReadOnlySpan<float> outputGradients, Span<float> gradients);

        internal delegate void ExportGradient(string name, ReadOnlySpan<float> gradients, Span<float> destination);

        private static float[] Train<T>(ForwardPass<T> forward, BackwardPass backward, T[] inputs, int outputLength, int batch, float[] outputGradients, int parameters)
        {
            forward(inputs, new float[outputLength], batch, false);
            var gradients = new float[parameters];
            backward(outputGradients, gradients);
            return gradients;
        }

        internal static void CheckAll(Dictionary<string, float[]> weights, float[] gradients, ExportGradient export, Func<Dictionary<string, double[]>, double> loss, string what)
        {
            var exact = weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            foreach (var (tensor, values) in exact)
            {
                var analytic = new float[values.Length];
                export(tensor, gradients, analytic);
                var lcg = new Lcg((uint)values.Length);
                var picks = values.Length <= 12 ? Enumerable.Range(0, values.Length).ToArray() : Enumerable.Range(0, 12).Select(_ => (int)(lcg.Next() % (uint)values.Length)).ToArray();
                var worst = 0.0;
                var scale = 1e-3;
                foreach (var i in picks)
                {
                    var original = values[i];
                    values[i] = original + Epsilon;
                    var plus = loss(exact);
                    values[i] = original - Epsilon;
                    var minus = loss(exact);
                    values[i] = original;
                    var numeric = (plus - minus) / (2 * Epsilon);
                    scale = Math.Max(scale, Math.Abs(numeric));
                    worst = Math.Max(worst, Math.Abs(numeric - analytic[i]));
                }

                Assert.True(worst / scale <= Tolerance, $"{what} {tensor}: max error {worst / scale:E3} (relative to the largest gradient {scale:E3}).");
            }
        }

        private static double Dot(double[] values, float[] coefficients)
        {
            Assert.Equal(coefficients.Length, values.Length);
            var sum = 0.0;
            for (var i = 0; i < values.Length; i++)
            {
                sum += values[i] * coefficients[i];
            }

            return sum;
        }
    }
}
