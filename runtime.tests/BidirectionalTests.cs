using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using Xunit;

namespace RnnGen.Runtime.Tests
{
    /// <summary>
    /// Reversed and bidirectional layers with token input, stacking, heads, last-step merges and dropout, against the
    /// double-precision reference and its finite differences. (Float-input stacks against PyTorch and the reference
    /// are in ConformanceTests and GradientTests, which include the bi_* and back_* models.)
    /// </summary>
    public sealed class BidirectionalTests
    {
        [Fact]
        public void Tokens_into_a_bidirectional_LSTM_then_a_reversed_GRU_and_a_softmax_head()
        {
            const int steps = 5, batch = 3, vocabulary = 11;
            var model = new BiEmbeddingBackwardsGru();
            var weights = HeadAndEmbeddingTests.Import(BiEmbeddingBackwardsGru.PyTorchTensors, model.ImportPyTorch, new Lcg(301), n => n == "embedding.weight" ? 1f : 0.35f);
            var tokens = new Lcg(302).Tokens(steps * batch, vocabulary);
            var c = new Lcg(303).Uniform(steps * batch * vocabulary, 1f);
            var outputs = new float[steps * batch * vocabulary];
            model.Forward(tokens, outputs, batch);
            var gradients = new float[BiEmbeddingBackwardsGru.PackedParameterLength];
            model.Backward(c, gradients);

            var bi = new ModelConfig("bi", "lstm", 4, 8, 1, true, true) { Bidirectional = true };
            var back = new ModelConfig("back", "gru", 16, 6, 1, true, true) { GoBackwards = true };
            double[] Logits(Dictionary<string, double[]> w, Activation activation)
            {
                var x = tokens.SelectMany(t => w["embedding.weight"].Skip(t * 4).Take(4)).ToArray();
                var h0 = new ScalarReference(bi, w).Forward(x, batch);
                var renamed = w.Where(p => p.Key.EndsWith("_l1", StringComparison.Ordinal)).ToDictionary(p => p.Key.Replace("_l1", "_l0", StringComparison.Ordinal), p => p.Value);
                var h1 = new ScalarReference(back, renamed).Forward(h0, batch);
                return ScalarReference.Dense(h1, 6, w["head.weight"], w["head.bias"], vocabulary, activation);
            }

            var exact = weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            Tolerance.AssertClose(outputs, Logits(exact, Activation.Softmax), "Forward");
            HeadGradientTests.CheckAll(weights, gradients, BiEmbeddingBackwardsGru.ExportPyTorchGradient, w => Dot(Logits(w, Activation.Linear), c), "embedding/bi-LSTM/backwards GRU");
        }

        [Fact]
        public void Last_step_of_a_bidirectional_layer_merges_both_final_states()
        {
            const int steps = 6, batch = 3;
            var model = new BiGruLastStep();
            var weights = HeadAndEmbeddingTests.Import(BiGruLastStep.PyTorchTensors, model.ImportPyTorch, new Lcg(311), _ => 0.4f);
            var inputs = new Lcg(312).Uniform(steps * batch * 4, 1f);
            var c = new Lcg(313).Uniform(batch * 3, 1f);
            var outputs = new float[batch * 3];
            model.Forward(inputs, outputs, batch);
            var gradients = new float[BiGruLastStep.PackedParameterLength];
            model.Backward(c, gradients);

            var config = new ModelConfig("bi", "gru", 4, 7, 1, true, true) { Bidirectional = true, MergeMode = MergeMode.Average };
            double[] Outputs(Dictionary<string, double[]> w, Activation activation)
            {
                var reference = new ScalarReference(config, w);
                reference.Forward(inputs, batch);
                var merged = Enumerable.Range(0, batch).SelectMany(b => reference.FinalHidden[0][b].Zip(reference.FinalHidden[1][b], (f, r) => (f + r) / 2)).ToArray();
                return ScalarReference.Dense(merged, 7, w["head.weight"], w["head.bias"], 3, activation);
            }

            var exact = weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            Tolerance.AssertClose(outputs, Outputs(exact, Activation.Sigmoid), "Forward");
            HeadGradientTests.CheckAll(weights, gradients, BiGruLastStep.ExportPyTorchGradient, w => Dot(Outputs(w, Activation.Linear), c), "bi-GRU last step");
        }

        [Fact]
        public void Dropout_in_both_directions_forward_and_gradients()
        {
            const int steps = 5, batch = 4;
            var model = new BiLstmDropout { Training = true };
            var weights = HeadAndEmbeddingTests.Import(BiLstmDropout.PyTorchTensors, model.ImportPyTorch, new Lcg(321), _ => 0.4f);
            var inputs = new Lcg(322).Uniform(steps * batch * 5, 1f);
            var c = new Lcg(323).Uniform(steps * batch * 2, 1f);
            var outputs = new float[steps * batch * 2];
            model.Forward(inputs, outputs, batch);
            var gradients = new float[BiLstmDropout.PackedParameterLength];
            model.Backward(c, gradients);

            float[] Mask(DropoutSite site, int state, int width)
            {
                var mask = new float[batch * width];
                model.CopyDropoutMask(site, state, mask);
                return mask;
            }

            var inputMasks = new[] { Mask(DropoutSite.LayerInput, 0, 5), Mask(DropoutSite.LayerInput, 1, 5) };
            var recurrentMasks = new[] { Mask(DropoutSite.Recurrent, 0, 9), Mask(DropoutSite.Recurrent, 1, 9) };
            var head = Mask(DropoutSite.HeadInput, 0, 18);
            Assert.NotEqual(inputMasks[0], inputMasks[1]); // each direction draws its own
            var config = new ModelConfig("bi", "lstm", 5, 9, 1, true, true) { Bidirectional = true };
            double[] Outputs(Dictionary<string, double[]> w)
            {
                var h = new ScalarReference(config, w) { InputMasks = inputMasks, RecurrentMasks = recurrentMasks }.Forward(inputs, batch);
                return ScalarReference.Dense(ScalarReference.Mask(h, head, batch, 18), 18, w["head.weight"], w["head.bias"], 2, Activation.Linear);
            }

            var exact = weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            Tolerance.AssertClose(outputs, Outputs(exact), "training Forward");
            HeadGradientTests.CheckAll(weights, gradients, BiLstmDropout.ExportPyTorchGradient, w => Dot(Outputs(w), c), "bi-LSTM with dropout");
        }

        [Fact]
        public void Bidirectional_names_and_sizes_follow_PyTorch_and_Keras()
        {
            Assert.Equal(
                new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse", "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse" },
                Bi_lstm_i3_h16_l2.PyTorchTensors.Select(t => t.Name));
            Assert.Equal("weight_ih_l1 [64][32]", Bi_lstm_i3_h16_l2.PyTorchTensors[8].Name + " " + Bi_lstm_i3_h16_l2.PyTorchTensors[8].Shape);
            Assert.Equal(
                new[] { "layer0/forward/kernel", "layer0/forward/recurrent_kernel", "layer0/forward/bias", "layer0/backward/kernel", "layer0/backward/recurrent_kernel", "layer0/backward/bias" },
                Bi_gru_i5_h17_l1.KerasTensors.Select(t => t.Name));
            Assert.Equal(2, Bi_lstm_i3_h16_l2.LayerCount);
            Assert.Equal(4, Bi_lstm_i3_h16_l2.StateCount);
            Assert.Equal(32, Bi_lstm_i3_h16_l2.OutputSize);
            Assert.Equal(17, Bi_lstm_multiply.OutputSize);
        }

        private static double Dot(double[] values, float[] coefficients)
        {
            Assert.Equal(coefficients.Length, values.Length);
            return values.Select((v, i) => v * coefficients[i]).Sum();
        }
    }
}
