using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using Xunit;

namespace RnnGen.Runtime.Tests.Dropout
{
    /// <summary>
    /// Dropout on embedded token rows and on the dense head's input (every step, and the last step only): Forward and
    /// Backward against the double-precision reference given the model's own masks.
    /// </summary>
    public sealed class HeadDropoutTests
    {
        [Fact]
        public void Embedding_recurrent_and_head_dropout_forward_and_gradients()
        {
            const int steps = 5, batch = 3, vocabulary = 11;
            var model = new DropoutEmbeddingSoftmax { Training = true };
            var weights = HeadAndEmbeddingTests.Import(DropoutEmbeddingSoftmax.PyTorchTensors, model.ImportPyTorch, new Lcg(131), n => n == "embedding.weight" ? 1f : 0.3f);
            var tokens = new Lcg(132).Tokens(steps * batch, vocabulary);
            var c = new Lcg(133).Uniform(steps * batch * vocabulary, 1f);
            var outputs = new float[steps * batch * vocabulary];
            model.Forward(tokens, outputs, batch);
            var gradients = new float[DropoutEmbeddingSoftmax.PackedParameterLength];
            model.Backward(c, gradients);

            var input = Mask(model.CopyDropoutMask, DropoutSite.LayerInput, 0, batch * 4);
            var recurrent = Mask(model.CopyDropoutMask, DropoutSite.Recurrent, 0, batch * 16);
            var head = Mask(model.CopyDropoutMask, DropoutSite.HeadInput, 0, batch * 16);
            Assert.Contains(0f, input.Concat(recurrent).Concat(head));
            var config = new ModelConfig("lstm", "lstm", 4, 16, 1, true, true);
            double[] Logits(Dictionary<string, double[]> w, Activation activation)
            {
                var x = tokens.SelectMany(t => w["embedding.weight"].Skip(t * 4).Take(4)).ToArray();
                var h = new ScalarReference(config, w) { InputMasks = new[] { input }, RecurrentMasks = new[] { recurrent } }.Forward(x, batch);
                return ScalarReference.Dense(ScalarReference.Mask(h, head, batch, 16), 16, w["head.weight"], w["head.bias"], vocabulary, activation);
            }

            var exact = weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            Tolerance.AssertClose(outputs, Logits(exact, Activation.Softmax), "training Forward");
            HeadGradientTests.CheckAll(weights, gradients, DropoutEmbeddingSoftmax.ExportPyTorchGradient, w => DropoutTests.Dot(Logits(w, Activation.Linear), c), "embedding/LSTM/softmax with dropout");
        }

        [Fact]
        public void Head_dropout_on_the_last_step_forward_and_gradients()
        {
            const int steps = 4, batch = 5;
            var model = new DropoutLastStepHead { Training = true };
            var weights = HeadAndEmbeddingTests.Import(DropoutLastStepHead.PyTorchTensors, model.ImportPyTorch, new Lcg(141), _ => 0.4f);
            var inputs = new Lcg(142).Uniform(steps * batch * 6, 1f);
            var c = new Lcg(143).Uniform(batch * 5, 1f);
            var outputs = new float[batch * 5];
            model.Forward(inputs, outputs, batch);
            var gradients = new float[DropoutLastStepHead.PackedParameterLength];
            model.Backward(c, gradients);
            var head = Mask(model.CopyDropoutMask, DropoutSite.HeadInput, 0, batch * 7);
            Assert.Contains(0f, head);

            var layer0 = new ModelConfig("gru", "gru", 6, 20, 1, true, false);
            var layer1 = new ModelConfig("gru", "gru", 20, 7, 1, true, true);
            double[] Outputs(Dictionary<string, double[]> w, Activation activation)
            {
                var h0 = new ScalarReference(layer0, w).Forward(inputs, batch);
                var renamed = w.Where(p => p.Key.EndsWith("_l1", StringComparison.Ordinal)).ToDictionary(p => p.Key.Replace("_l1", "_l0", StringComparison.Ordinal), p => p.Value);
                var h1 = new ScalarReference(layer1, renamed).Forward(h0, batch);
                var last = h1.Skip((steps - 1) * batch * 7).ToArray();
                return ScalarReference.Dense(ScalarReference.Mask(last, head, batch, 7), 7, w["head.weight"], w["head.bias"], 5, activation);
            }

            var exact = weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            Tolerance.AssertClose(outputs, Outputs(exact, Activation.Sigmoid), "training Forward");
            HeadGradientTests.CheckAll(weights, gradients, DropoutLastStepHead.ExportPyTorchGradient, w => DropoutTests.Dot(Outputs(w, Activation.Linear), c), "GRU last step with head dropout");
        }

        private delegate void CopyMask(DropoutSite site, int layer, Span<float> destination);

        private static float[] Mask(CopyMask copy, DropoutSite site, int layer, int length)
        {
            var mask = new float[length];
            copy(site, layer, mask);
            return mask;
        }
    }
}
