using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using RnnGen.Gpu;
using RnnGen.Training;

namespace RnnGen.GpuCheck
{
    /// <summary>The char-LM of issue 14's training measurement: 96 characters, 2 × LSTM(256), up to batch 128 of 64 steps.</summary>
    [RecurrentNetwork(SequenceLength = TrainBench.SequenceLength, BatchSize = 128, Cuda = true)]
    [Embedding(TrainBench.Vocabulary, 32)]
    [Lstm(256)]
    [Lstm(256)]
    [Dense(TrainBench.Vocabulary, Activation.Softmax)]
    internal sealed partial class TrainCharLm { }

    /// <summary>
    /// Training steps on the GPU through <see cref="Trainer{TInput}"/> (Forward, softmax cross-entropy, the device
    /// Backward, clip 5, Adam; the loss and the norm read back every step) in tokens per second, for gpu_peer.py's
    /// cuDNN numbers (<c>--train</c>) on the same shapes.
    /// </summary>
    internal static class TrainBench
    {
        public const int Vocabulary = 96;

        public const int SequenceLength = 64;

        public const int TimedSteps = 64;

        private const int WarmUpSteps = 4;

        public static readonly int[] Batches = [32, 128];

        public const string Header = "model,batch,seq,steps,rnngen_gpu_tokens_per_s,first_loss,last_loss";

        /// <summary>Trains each batch size from the same seed; writes the CSV to stdout and to <paramref name="csvPath"/> if given.</summary>
        /// <returns>0, or 1 when a run failed or its loss was not finite.</returns>
        public static int Run(GpuDevice device, string? csvPath)
        {
            var rows = new List<string> { Header };
            Console.WriteLine(Header);
            var status = 0;
            foreach (var batch in Batches)
            {
                string row;
                try
                {
                    var model = new TrainCharLm();
                    model.InitializeParameters(new Random(1));
                    using var gpu = model.ToCuda(device);
                    var adam = new Adam(model.PackedParameters.Length, learningRate: 2e-3f);
                    var data = new RandomText(batch, seed: 5);
                    var warmUp = new Trainer<int>(model, gpu, adam, new TrainerOptions(Steps: WarmUpSteps) { ClipNorm = 5f }).Run(data);
                    var timed = new Trainer<int>(model, gpu, adam, new TrainerOptions(Steps: WarmUpSteps + TimedSteps) { ClipNorm = 5f, ReportEvery = TimedSteps }).Run(data);
                    var finite = double.IsFinite(warmUp.LastLoss) && double.IsFinite(timed.LastLoss) && timed.SkippedSteps == 0;
                    if (!finite)
                    {
                        Console.Error.WriteLine($"batch {batch}: the loss was not finite ({timed.SkippedSteps} steps skipped).");
                        status = 1;
                    }

                    row = FormattableString.Invariant($"lstm2x256,{batch},{SequenceLength},{timed.StepsTaken},{timed.TokensPerSecond:F0},{warmUp.LastLoss:F4},{timed.LastLoss:F4}");
                }
                catch (Exception e) when (e is NotSupportedException or CudaException or InvalidOperationException)
                {
                    Console.Error.WriteLine($"batch {batch}: {e.GetType().Name}: {e.Message}");
                    row = FormattableString.Invariant($"lstm2x256,{batch},{SequenceLength},0,,,");
                    status = 1;
                }

                rows.Add(row);
                Console.WriteLine(row);
            }

            if (csvPath is not null)
            {
                File.WriteAllLines(csvPath, rows);
            }

            return status;
        }

        /// <summary>Uniform random characters with next-character targets (the speed does not depend on the text).</summary>
        private sealed class RandomText(int batchSize, int seed) : ITrainingData<int>
        {
            private readonly Random _random = new(seed);

            public void Next(TrainingBatch<int> batch)
            {
                batch.Steps = SequenceLength;
                batch.BatchSize = batchSize;
                var count = SequenceLength * batchSize;
                for (var i = 0; i < count; i++)
                {
                    batch.Inputs[i] = _random.Next(Vocabulary);
                    batch.TokenTargets[i] = _random.Next(Vocabulary);
                }
            }
        }
    }
}
