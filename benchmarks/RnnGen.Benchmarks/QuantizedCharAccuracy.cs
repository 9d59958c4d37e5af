using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using RnnGen.Text;
using RnnGen.Training;

namespace RnnGen.Benchmarks
{
    /// <summary>The character model of <see cref="QuantizedCharAccuracy"/>, trained as it is (Forward and Backward are fp32).</summary>
    [RecurrentNetwork(SequenceLength = 64, BatchSize = 32, Weights = WeightFormat.Int8)]
    [Embedding(98, 32)]
    [Lstm(256)]
    [Dense(98, Activation.Softmax)]
    public sealed partial class CharInt8
    {
    }

    /// <summary><see cref="CharInt8"/> with bfloat16 weights in Step.</summary>
    [RecurrentNetwork(SequenceLength = 64, BatchSize = 32, Weights = WeightFormat.BFloat16)]
    [Embedding(98, 32)]
    [Lstm(256)]
    [Dense(98, Activation.Softmax)]
    public sealed partial class CharBFloat16
    {
    }

    /// <summary><see cref="CharInt8"/> with fp32 weights in Step: the reference.</summary>
    [RecurrentNetwork(SequenceLength = 64, BatchSize = 32)]
    [Embedding(98, 32)]
    [Lstm(256)]
    [Dense(98, Activation.Softmax)]
    public sealed partial class CharFloat32
    {
    }

    /// <summary>
    /// <c>--quantized-char-accuracy [iterations]</c>: trains a character LSTM (embedding 32, LSTM 256, softmax) on
    /// data/tinyshakespeare.txt with Adam, then scores the held-out 10 % with Step in fp32, bfloat16 and int8 and
    /// prints bits per character: what the smaller weights cost a trained model.
    /// </summary>
    public static class QuantizedCharAccuracy
    {
        public static void Run(int iterations, string corpusPath)
        {
            const int steps = 64, batch = 32, scored = 20000;
            var text = File.ReadAllText(corpusPath);
            var characters = new string(Enumerable.Range(32, 95).Select(c => (char)c).Append('\n').ToArray());
            var vocabulary = CharVocabulary.FromCharacters(characters);
            var ids = vocabulary.Encode(text);
            var split = ids.Length * 9 / 10;
            var model = new CharInt8();
            model.InitializeParameters(new Random(3));
            var adam = new Adam(model.PackedParameters.Length, learningRate: 3e-3f);
            var schedule = new CosineAnnealingSchedule(3e-3f, iterations, 3e-4f);
            var gradients = new float[CharInt8.PackedParameterLength];
            var tokens = new int[steps * batch];
            var targets = new int[steps * batch];
            var outputs = new float[steps * batch * CharInt8.OutputSize];
            var logitGradients = new float[outputs.Length];
            var random = new Random(4);
            var clock = Stopwatch.StartNew();
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
                var loss = Losses.SoftmaxCrossEntropy(outputs, targets, CharInt8.OutputSize, logitGradients);
                gradients.AsSpan().Clear();
                model.Backward(logitGradients, gradients);
                GradientClipping.ClipByGlobalNorm(gradients, 5f);
                schedule.Apply(adam);
                adam.Step(model.PackedParameters, gradients);
                if ((iteration + 1) % 250 == 0)
                {
                    Console.WriteLine($"iteration {iteration + 1}: training loss {loss / Math.Log(2):F3} bits/char ({clock.Elapsed.TotalSeconds:F0} s)");
                }
            }

            var fp32 = new CharFloat32();
            var bf16 = new CharBFloat16();
            model.PackedParameters.CopyTo(fp32.PackedParameters);
            model.PackedParameters.CopyTo(bf16.PackedParameters);
            var held = ids.AsSpan(split, scored + 1).ToArray();
            var bits32 = Score(held, fp32.CreateState(), (s, t, y) => fp32.Step(s, t, y));
            var bits16 = Score(held, bf16.CreateState(), (s, t, y) => bf16.Step(s, t, y));
            var bits8 = Score(held, model.CreateState(), (s, t, y) => model.Step(s, t, y));
            Console.WriteLine($"held-out bits/char over {scored:N0} characters after {iterations} iterations: fp32 {bits32:F4}, bf16 {bits16:F4} ({bits16 - bits32:F4}), int8 {bits8:F4} ({bits8 - bits32:F4})");
        }

        private static double Score<TState>(int[] ids, TState state, Action<TState, int, float[]> step)
        {
            var probabilities = new float[CharInt8.OutputSize];
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
