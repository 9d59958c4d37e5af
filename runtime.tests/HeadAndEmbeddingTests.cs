using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using Xunit;

namespace RnnGen.Runtime.Tests
{
    /// <summary>Embedding input, dense heads with every activation, mixed widths and last-step outputs.</summary>
    public sealed class HeadAndEmbeddingTests
    {
        [Fact]
        public void Embedding_LSTM_softmax_matches_PyTorch()
        {
            var fixture = PyTorchFixture.Load("embedding_lstm_softmax");
            var model = new EmbeddingLstmSoftmax();
            var lcg = new Lcg(fixture.Seed);
            var scale = (float)(1.0 / Math.Sqrt(16));
            Import(EmbeddingLstmSoftmax.PyTorchTensors, model.ImportPyTorch, lcg, name => name == "embedding.weight" ? 1f : scale);
            var tokens = fixture.Ints("tokens");
            Assert.Equal(tokens, lcg.Tokens(tokens.Length, EmbeddingLstmSoftmax.VocabularySize));

            var outputs = new float[tokens.Length * EmbeddingLstmSoftmax.OutputSize];
            model.Forward(tokens, outputs, fixture.Batch);
            Tolerance.AssertClose(outputs, fixture.Doubles("output"), "Forward");

            // Streaming the first sequence token by token gives the same probabilities.
            var state = model.CreateState();
            var row = new float[EmbeddingLstmSoftmax.OutputSize];
            for (var t = 0; t < fixture.Steps; t++)
            {
                model.Step(state, tokens[t * fixture.Batch], row);
                Tolerance.AssertClose(row, fixture.Doubles("output").AsSpan(t * fixture.Batch * row.Length, row.Length), $"Step {t}");
                Assert.Equal(1.0, row.Sum(), 5);
            }
        }

        [Fact]
        public void GRU_reset_before_with_mixed_widths_returns_the_last_step_through_a_sigmoid_head()
        {
            var model = new GruLastStepSigmoid();
            var weights = Import(GruLastStepSigmoid.PyTorchTensors, model.ImportPyTorch, new Lcg(3), _ => 0.4f);
            var config = new ModelConfig("gru", "gru", 6, 20, 2, true, false);
            const int steps = 9, batch = 5;
            var inputs = new Lcg(4).Uniform(steps * batch * 6, 1f);
            var outputs = new float[batch * GruLastStepSigmoid.OutputSize];
            model.Forward(inputs, outputs, batch);

            var reference = new ScalarReference(config, weights, 20, 7);
            var sequence = reference.Forward(inputs, batch);
            var last = sequence.AsSpan((steps - 1) * batch * 7, batch * 7).ToArray();
            var expected = ScalarReference.Dense(last, 7, weights["head.weight"], weights["head.bias"], 5, Activation.Sigmoid);
            Tolerance.AssertClose(outputs, expected, "Forward");
        }

        [Fact]
        public void SimpleRNN_without_biases_feeds_a_tanh_head_and_uses_the_default_limits()
        {
            Assert.Equal(128, RnnTanhHead.MaxSequenceLength);
            Assert.Equal(1, RnnTanhHead.MaxBatchSize);
            Assert.Equal((18 * 3) + (18 * 18) + (2 * 18), RnnTanhHead.ParameterCount);
            Assert.DoesNotContain(RnnTanhHead.PyTorchTensors, t => t.Name.StartsWith("bias", StringComparison.Ordinal) || t.Name == "head.bias");

            var model = new RnnTanhHead();
            var weights = Import(RnnTanhHead.PyTorchTensors, model.ImportPyTorch, new Lcg(8), _ => 0.3f);
            var inputs = new Lcg(9).Uniform(128 * 3, 1f);
            var outputs = new float[128 * 2];
            model.Forward(inputs, outputs);
            var sequence = new ScalarReference(new ModelConfig("rnn", "rnn_tanh", 3, 18, 1, false, true), weights).Forward(inputs, 1);
            Tolerance.AssertClose(outputs, ScalarReference.Dense(sequence, 18, weights["head.weight"], null, 2, Activation.Tanh), "Forward");
        }

        [Fact]
        public void Stacked_LSTM_without_a_head_outputs_the_last_hidden_state()
        {
            var model = new LstmLastStep();
            var weights = Import(LstmLastStep.PyTorchTensors, model.ImportPyTorch, new Lcg(11), _ => 0.2f);
            var inputs = new Lcg(12).Uniform(3 * 2 * 4, 1f);
            var outputs = new float[2 * 40];
            model.Forward(inputs, outputs, batchSize: 2);
            var reference = new ScalarReference(new ModelConfig("lstm", "lstm", 4, 24, 2, true, true), weights, 24, 40);
            var sequence = reference.Forward(inputs, 2);
            Tolerance.AssertClose(outputs, sequence.AsSpan(2 * 2 * 40, 2 * 40), "Forward");

            // The streaming state exposes each layer's h and c after the steps.
            var state = model.CreateState();
            var row = new float[40];
            for (var t = 0; t < 3; t++)
            {
                model.Step(state, inputs.AsSpan(t * 2 * 4, 4), row);
            }

            Tolerance.AssertClose(state.Hidden(0).ToArray(), reference.FinalHidden[0][0], "h of layer 0");
            Tolerance.AssertClose(state.Cell(1).ToArray(), reference.FinalCell[1][0], "c of layer 1");
            Tolerance.AssertClose(row, reference.FinalHidden[1][0], "Step output");
        }

        [Fact]
        public void Relu_and_linear_heads_match_the_reference()
        {
            var gru = new GruReluHead();
            var gruWeights = Import(GruReluHead.PyTorchTensors, gru.ImportPyTorch, new Lcg(21), _ => 0.7f);
            var lstm = new LstmLinearHead();
            var lstmWeights = Import(LstmLinearHead.PyTorchTensors, lstm.ImportPyTorch, new Lcg(22), _ => 0.5f);
            var inputs = new Lcg(23).Uniform(3 * 2 * 2, 1f);

            var gruOut = new float[3 * 2 * 3];
            gru.Forward(inputs, gruOut, 2);
            var gruSeq = new ScalarReference(new ModelConfig("gru", "gru", 2, 5, 1, true, true), gruWeights).Forward(inputs, 2);
            Tolerance.AssertClose(gruOut, ScalarReference.Dense(gruSeq, 5, gruWeights["head.weight"], gruWeights["head.bias"], 3, Activation.Relu), "relu head");

            var lstmOut = new float[3 * 2 * 35];
            lstm.Forward(inputs, lstmOut, 2);
            var lstmSeq = new ScalarReference(new ModelConfig("lstm", "lstm", 2, 9, 1, true, true), lstmWeights).Forward(inputs, 2);
            Tolerance.AssertClose(lstmOut, ScalarReference.Dense(lstmSeq, 9, lstmWeights["head.weight"], lstmWeights["head.bias"], 35, Activation.Linear), "linear head");
        }

        /// <summary>Draws every tensor from the LCG in PyTorch's order, imports it, and returns the values by name.</summary>
        internal static Dictionary<string, float[]> Import(IReadOnlyList<TensorInfo> tensors, ImportTensor import, Lcg lcg, Func<string, float> scale)
        {
            var weights = new Dictionary<string, float[]>();
            foreach (var tensor in tensors)
            {
                var values = lcg.Uniform(tensor.Length, scale(tensor.Name));
                import(tensor.Name, values);
                weights[tensor.Name] = values;
            }

            return weights;
        }

        internal delegate void ImportTensor(string name, ReadOnlySpan<float> values);
    }
}
