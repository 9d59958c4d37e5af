using System;
using System.Text;
using RnnGen.Runtime.Tests.Gpu.Interpreter;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Runtime.Tests.Gpu.Training
{
    /// <summary>
    /// A character language model with the char-LM sample's shape (embedding, two LSTM layers, softmax over the
    /// characters; here with dropout too), scaled down so the PTX interpreter can run it, trained by the
    /// <see cref="Trainer{TInput}"/> on the device and on the CPU from the same weights: both reach the same validation
    /// loss, well below a uniform guess. What <c>samples/CharLanguageModel --device cuda</c> runs, on the interpreter.
    /// </summary>
    public sealed class GpuCharLanguageModelTests(ITestOutputHelper output)
    {
        private const int Steps = 40;

        [Fact]
        public void The_char_model_trains_on_the_device_to_the_validation_loss_of_the_CPU()
        {
            var text = Corpus();
            var cpu = new GpuTinyCharModel();
            cpu.InitializeParameters(new Random(5));
            var onGpu = new GpuTinyCharModel();
            cpu.PackedParameters.CopyTo(onGpu.PackedParameters);
            using var device = new PtxInterpreterDevice(6);
            using var gpu = onGpu.ToCuda(device);
            var options = new TrainerOptions(Steps: Steps) { ClipNorm = 5f, ValidateEvery = 20, ValidationBatches = 4 };
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var cpuResult = new Trainer<int>(cpu, new Adam(GpuTinyCharModel.PackedParameterLength, learningRate: 1e-2f), options).Run(new Windows(text, 0, 7), new Windows(text, text.Length * 4 / 5, 8));
            var gpuResult = new Trainer<int>(onGpu, gpu, new Adam(GpuTinyCharModel.PackedParameterLength, learningRate: 1e-2f), options).Run(new Windows(text, 0, 7), new Windows(text, text.Length * 4 / 5, 8));
            output.WriteLine($"validation loss after {Steps} steps: CPU {cpuResult.LastValidationLoss:F6}, GPU (interpreter) {gpuResult.LastValidationLoss:F6}; uniform guess {Math.Log(GpuTinyCharModel.VocabularySize):F4}; {watch.Elapsed.TotalSeconds:F1} s");

            Assert.Equal(Steps, gpuResult.StepsTaken);
            Assert.True(cpuResult.LastValidationLoss < Math.Log(GpuTinyCharModel.VocabularySize) - 0.3, $"the CPU run did not learn: {cpuResult.LastValidationLoss}");
            Assert.True(Math.Abs(gpuResult.LastValidationLoss - cpuResult.LastValidationLoss) <= 1e-4 * cpuResult.LastValidationLoss, $"validation loss: CPU {cpuResult.LastValidationLoss}, GPU {gpuResult.LastValidationLoss}");
            Assert.True(Math.Abs(gpuResult.LastLoss - cpuResult.LastLoss) <= 1e-4 * cpuResult.LastLoss, $"training loss: CPU {cpuResult.LastLoss}, GPU {gpuResult.LastLoss}");
        }

        /// <summary>Deterministic English-like text over a 24-symbol alphabet (letters a-w and space).</summary>
        private static int[] Corpus()
        {
            string[] words = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "and", "runs", "away", "to", "its", "den"];
            var random = new Random(3);
            var text = new StringBuilder();
            while (text.Length < 6000)
            {
                text.Append(words[random.Next(words.Length)]).Append(' ');
            }

            var ids = new int[text.Length];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = text[i] == ' ' ? 0 : 1 + Math.Min(text[i] - 'a', GpuTinyCharModel.VocabularySize - 2);
            }

            return ids;
        }

        /// <summary>Batches of windows from one part of the text (training: the first 80 %; validation: the rest), the next character as target.</summary>
        private sealed class Windows(int[] text, int start, int seed) : ITrainingData<int>
        {
            private readonly Random _random = new(seed);

            public void Next(TrainingBatch<int> batch)
            {
                batch.Steps = GpuTinyCharModel.MaxSequenceLength;
                batch.BatchSize = GpuTinyCharModel.MaxBatchSize;
                var end = start == 0 ? text.Length * 4 / 5 : text.Length;
                for (var b = 0; b < batch.BatchSize; b++)
                {
                    var at = start + _random.Next(end - start - batch.Steps - 1);
                    for (var t = 0; t < batch.Steps; t++)
                    {
                        batch.Inputs[(t * batch.BatchSize) + b] = text[at + t];
                        batch.TokenTargets[(t * batch.BatchSize) + b] = text[at + t + 1];
                    }
                }
            }
        }
    }

    [RecurrentNetwork(SequenceLength = 12, BatchSize = 4, Cuda = true)]
    [Embedding(24, 8)]
    [Lstm(16, RecurrentDropout = 0.1f)]
    [Lstm(16, Dropout = 0.1f)]
    [Dense(24, Activation.Softmax)]
    public sealed partial class GpuTinyCharModel { }
}
