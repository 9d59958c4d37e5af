using System;
using System.IO;
using System.Linq;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using RnnGen.Text;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests
{
    /// <summary>
    /// End-to-end training with the generated Forward/Backward and the runtime's loss and optimiser: tests that fail
    /// if any piece (gradients, packed layout, optimiser, loss) is wrong, because the loss would not fall.
    /// </summary>
    public sealed class TrainingTests
    {
        [Fact]
        public void An_LSTM_learns_to_echo_the_token_from_two_steps_back()
        {
            const int steps = 12, batch = 16, delay = 2;
            var model = new EchoModel();
            model.InitializeParameters(new Random(1));
            var adam = new Adam(model.PackedParameters.Length, learningRate: 1e-2f);
            var gradients = new float[EchoModel.PackedParameterLength];
            var tokens = new int[steps * batch];
            var targets = new int[steps * batch];
            var mask = new float[steps * batch];
            var outputs = new float[steps * batch * 6];
            var logitGradients = new float[outputs.Length];
            var random = new Random(2);
            var loss = float.NaN;
            for (var iteration = 0; iteration < 400; iteration++)
            {
                for (var t = 0; t < steps; t++)
                {
                    for (var b = 0; b < batch; b++)
                    {
                        tokens[(t * batch) + b] = random.Next(2, 6);
                    }
                }

                for (var row = 0; row < tokens.Length; row++)
                {
                    var t = row / batch;
                    targets[row] = t >= delay ? tokens[row - (delay * batch)] : 0;
                    mask[row] = t >= delay ? 1 : 0;
                }

                model.Forward(tokens, outputs, batch);
                loss = Losses.SoftmaxCrossEntropy(outputs, targets, 6, logitGradients, mask);
                gradients.AsSpan().Clear();
                model.Backward(logitGradients, gradients);
                GradientClipping.ClipByGlobalNorm(gradients, 5f);
                adam.Step(model.PackedParameters, gradients);
            }

            // Chance is ln 4 = 1.39 nats; a model that remembers two steps gets close to 0.
            Assert.True(loss < 0.05f, $"final loss {loss}");
        }

        [Fact]
        public void Overlapping_TBPTT_windows_learn_a_delay_longer_than_the_stride_that_chunks_cannot()
        {
            // Stride 4, echo 6 steps back: with chunks of 4 the source token is always in an earlier chunk, so no
            // gradient reaches it; windows of 10 hold every counted step's source, so the delay can be learnt.
            var chunks = TrainLongEcho(depth: 4);
            var overlapping = TrainLongEcho(depth: 10);
            Assert.True(overlapping < 0.1f, $"TBPTT(4, 10) final loss {overlapping}, chunks {chunks}");
            Assert.True(chunks > 1.0f, $"TBPTT(4, 4) final loss {chunks}: chance is ln 4 = 1.39"); // nothing to learn from
        }

        [Fact]
        public void A_character_LSTM_on_tinyshakespeare_gets_below_2_4_nats_in_400_steps()
        {
            const int steps = 32, batch = 16;
            var text = File.ReadAllText(RepositoryData("tinyshakespeare.txt"));
            var characters = new string(Enumerable.Range(32, 95).Select(c => (char)c).Append('\n').ToArray());
            var vocabulary = CharVocabulary.FromCharacters(characters);
            Assert.Equal(TinyCharModel.VocabularySize, vocabulary.Count);
            var ids = vocabulary.Encode(text);
            var split = ids.Length * 9 / 10;

            var model = new TinyCharModel();
            model.InitializeParameters(new Random(3));
            var adam = new Adam(model.PackedParameters.Length, learningRate: 4e-3f);
            var gradients = new float[TinyCharModel.PackedParameterLength];
            var tokens = new int[steps * batch];
            var targets = new int[steps * batch];
            var outputs = new float[steps * batch * TinyCharModel.OutputSize];
            var logitGradients = new float[outputs.Length];
            var random = new Random(4);

            void Sample(int start, int length)
            {
                for (var b = 0; b < batch; b++)
                {
                    var offset = start + random.Next(length - steps - 1);
                    for (var t = 0; t < steps; t++)
                    {
                        tokens[(t * batch) + b] = ids[offset + t];
                        targets[(t * batch) + b] = ids[offset + t + 1];
                    }
                }
            }

            for (var iteration = 0; iteration < 400; iteration++)
            {
                Sample(0, split);
                model.Forward(tokens, outputs, batch);
                Losses.SoftmaxCrossEntropy(outputs, targets, TinyCharModel.OutputSize, logitGradients);
                gradients.AsSpan().Clear();
                model.Backward(logitGradients, gradients);
                GradientClipping.ClipByGlobalNorm(gradients, 5f);
                adam.Step(model.PackedParameters, gradients);
            }

            var validation = 0.0;
            for (var i = 0; i < 8; i++)
            {
                Sample(split, ids.Length - split);
                model.Forward(tokens, outputs, batch);
                validation += Losses.SoftmaxCrossEntropy(outputs, targets, TinyCharModel.OutputSize, logitGradients) / 8.0;
            }

            // Uniform guessing costs ln 98 = 4.58 nats; unigram frequencies about 3.3.
            Assert.True(validation < 2.4, $"validation cross-entropy {validation:F3} nats");
        }

        /// <summary>Trains <see cref="LongEchoModel"/> over 24-step sequences by TBPTT(4, depth); the mean loss of the last 20 sequences.</summary>
        private static float TrainLongEcho(int depth)
        {
            const int steps = 24, batch = 16, delay = 6, classes = 6;
            var model = new LongEchoModel();
            model.InitializeParameters(new Random(5));
            var adam = new Adam(model.PackedParameters.Length, learningRate: 1e-2f);
            var gradients = new float[LongEchoModel.PackedParameterLength];
            var schedule = new TruncatedBptt(steps, stride: 4, depth);
            var tokens = new int[steps * batch];
            var targets = new int[steps * batch];
            var mask = new float[steps * batch];
            var outputs = new float[LongEchoModel.MaxSequenceLength * batch * classes];
            var logitGradients = new float[outputs.Length];
            var random = new Random(6);
            var recent = 0.0;
            const int iterations = 1000, averaged = 20;
            for (var iteration = 0; iteration < iterations; iteration++)
            {
                for (var row = 0; row < tokens.Length; row++)
                {
                    tokens[row] = random.Next(2, 6);
                    targets[row] = row >= delay * batch ? tokens[row - (delay * batch)] : 0;
                }

                double sequenceLoss = 0;
                var counted = 0;
                foreach (var window in schedule)
                {
                    if (!window.IsFirst)
                    {
                        model.CarryStateFrom(window.ResumeAfter);
                    }

                    var rows = window.Length * batch;
                    var first = window.Start * batch;
                    model.Forward(tokens.AsSpan(first, rows), outputs.AsSpan(0, rows * classes), batch);
                    for (var row = 0; row < rows; row++)
                    {
                        var t = window.Start + (row / batch);
                        mask[row] = t >= window.LossStart && t >= delay ? 1 : 0;
                    }

                    if (window.End <= delay)
                    {
                        continue; // nothing counted yet: the state moves on, no update
                    }

                    var loss = Losses.SoftmaxCrossEntropy(outputs.AsSpan(0, rows * classes), targets.AsSpan(first, rows), classes, logitGradients.AsSpan(0, rows * classes), mask.AsSpan(0, rows));
                    sequenceLoss += loss;
                    counted++;
                    gradients.AsSpan().Clear();
                    model.Backward(logitGradients.AsSpan(0, rows * classes), gradients);
                    GradientClipping.ClipByGlobalNorm(gradients, 5f);
                    adam.Step(model.PackedParameters, gradients);
                }

                if (iteration >= iterations - averaged)
                {
                    recent += sequenceLoss / counted / averaged;
                }
            }

            return (float)recent;
        }

        /// <summary>The repository's data/ folder, copied beside the test assembly at build time.</summary>
        private static string RepositoryData(string file)
        {
            var candidate = Path.Combine(AppContext.BaseDirectory, "data", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }

            throw new FileNotFoundException($"data/{file} was not copied beside the test assembly; it is committed in the repository's data/ folder.", candidate);
        }
    }
}
