using System;
using System.IO;
using System.Linq;
using RnnGen.Text;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Runtime.Tests.Quantization
{
    /// <summary>
    /// A character LSTM trained briefly on tinyshakespeare, then scored with Step in fp32, bfloat16 and int8: the
    /// bits per character the smaller weights cost on held-out text.
    /// </summary>
    public sealed class CharModelQuantizationTests
    {
        private readonly ITestOutputHelper _output;

        public CharModelQuantizationTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Smaller_weights_cost_a_trained_char_model_almost_no_bits_per_character()
        {
            const int steps = 32, batch = 16, iterations = 400, scored = 4000;
            var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "tinyshakespeare.txt"));
            var characters = new string(Enumerable.Range(32, 95).Select(c => (char)c).Append('\n').ToArray());
            var vocabulary = CharVocabulary.FromCharacters(characters);
            Assert.Equal(Q8CharModel.VocabularySize, vocabulary.Count);
            var ids = vocabulary.Encode(text);
            var split = ids.Length * 9 / 10;

            // Trained as an Int8 model: Forward and Backward run on the fp32 master weights, which Adam updates.
            var model = new Q8CharModel();
            model.InitializeParameters(new Random(3));
            var adam = new Adam(model.PackedParameters.Length, learningRate: 4e-3f);
            var gradients = new float[Q8CharModel.PackedParameterLength];
            var tokens = new int[steps * batch];
            var targets = new int[steps * batch];
            var outputs = new float[steps * batch * Q8CharModel.OutputSize];
            var logitGradients = new float[outputs.Length];
            var random = new Random(4);
            for (var iteration = 0; iteration < iterations; iteration++)
            {
                for (var b = 0; b < batch; b++)
                {
                    var offset = random.Next(split - steps - 1);
                    for (var t = 0; t < steps; t++)
                    {
                        tokens[(t * batch) + b] = ids[offset + t];
                        targets[(t * batch) + b] = ids[offset + t + 1];
                    }
                }

                model.Forward(tokens, outputs, batch);
                Losses.SoftmaxCrossEntropy(outputs, targets, Q8CharModel.OutputSize, logitGradients);
                gradients.AsSpan().Clear();
                model.Backward(logitGradients, gradients);
                GradientClipping.ClipByGlobalNorm(gradients, 5f);
                adam.Step(model.PackedParameters, gradients);
            }

            var fp32 = new F32CharModel();
            var bf16 = new Q16CharModel();
            model.PackedParameters.CopyTo(fp32.PackedParameters);
            model.PackedParameters.CopyTo(bf16.PackedParameters);
            var held = ids.AsSpan(split, scored + 1).ToArray();
            var bits32 = BitsPerCharacter(held, fp32.CreateState(), (s, t, y) => fp32.Step(s, t, y));
            var bits16 = BitsPerCharacter(held, bf16.CreateState(), (s, t, y) => bf16.Step(s, t, y));
            var bits8 = BitsPerCharacter(held, model.CreateState(), (s, t, y) => model.Step(s, t, y));
            _output.WriteLine($"held-out bits/char over {scored} characters: fp32 {bits32:F4}, bf16 {bits16:F4} (difference {bits16 - bits32:F4}), int8 {bits8:F4} (difference {bits8 - bits32:F4})");

            Assert.True(bits32 < 3.3, $"the model did not learn: {bits32:F3} bits/char (unigram frequencies cost about 4.8)");
            Assert.True(Math.Abs(bits16 - bits32) <= 0.01, $"bf16 {bits16:F4} vs fp32 {bits32:F4} bits/char");
            Assert.True(Math.Abs(bits8 - bits32) <= 0.03, $"int8 {bits8:F4} vs fp32 {bits32:F4} bits/char");
        }

        private static double BitsPerCharacter<TState>(int[] ids, TState state, Action<TState, int, float[]> step)
        {
            var probabilities = new float[Q8CharModel.OutputSize];
            var bits = 0.0;
            for (var i = 0; i + 1 < ids.Length; i++)
            {
                step(state, ids[i], probabilities);
                bits -= Math.Log2(Math.Max(probabilities[ids[i + 1]], 1e-30f));
            }

            return bits / (ids.Length - 1);
        }
    }
}
