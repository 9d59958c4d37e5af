using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using RnnGen.Samples.Common;
using RnnGen.Training;

namespace RnnGen.Samples.Seq2Seq
{
    /// <summary>How the pair is trained.</summary>
    /// <param name="Steps">Adam steps, each on a fresh batch of random dates.</param>
    /// <param name="Batch">Dates per step.</param>
    /// <param name="LearningRate">Adam's peak learning rate (cosine decay to a tenth of it).</param>
    /// <param name="ClipNorm">The bound on the global gradient norm of both networks together.</param>
    /// <param name="EvaluateEvery">Steps between validation scores.</param>
    /// <param name="Seed">Seed of the training dates.</param>
    public sealed record TrainingSettings(int Steps, int Batch, float LearningRate, float ClipNorm, int EvaluateEvery, int Seed);

    /// <summary>What a training run did.</summary>
    /// <param name="Steps">Steps taken.</param>
    /// <param name="TrainingTime">Time spent in training steps (validation excluded).</param>
    /// <param name="WallTime">Wall time of the whole run, validation included.</param>
    /// <param name="FinalLoss">Mean training loss over the last reported steps (nats per output character).</param>
    /// <param name="SkippedSteps">Steps skipped because the loss or the gradient was not finite.</param>
    /// <param name="Stopped">Whether Ctrl+C stopped the run early.</param>
    public sealed record TrainingSummary(int Steps, TimeSpan TrainingTime, TimeSpan WallTime, double FinalLoss, int SkippedSteps, bool Stopped);

    /// <summary>
    /// The training loop: random dates (never a held-out one) → encoder <c>Forward</c> → decoder <c>Forward</c> from the
    /// encoder's state → softmax cross-entropy → decoder <c>Backward</c> → <c>InitialStateGradient</c> → encoder
    /// <c>Backward</c> → clip both by one global norm → Adam on each.
    /// </summary>
    public static class Trainer
    {

        /// <summary>Trains <paramref name="pair"/> in place.</summary>
        /// <typeparam name="TEncoder">The encoder.</typeparam>
        /// <typeparam name="TDecoder">The decoder.</typeparam>
        /// <typeparam name="TState">The decoder's state.</typeparam>
        /// <param name="pair">The networks, initialised.</param>
        /// <param name="settings">Steps, batch, learning rate, clipping, seed.</param>
        /// <param name="heldOut">Day numbers of the held-out dates, never drawn for training.</param>
        /// <param name="validation">Held-out examples scored every <see cref="TrainingSettings.EvaluateEvery"/> steps.</param>
        /// <param name="progress">Receives progress and validation lines.</param>
        /// <param name="stop">Stops the run after the current step.</param>
        /// <returns>The summary.</returns>
        /// <exception cref="InvalidOperationException">Training diverged (the gradient stayed non-finite).</exception>
        public static TrainingSummary Run<TEncoder, TDecoder, TState>(
            DatePair<TEncoder, TDecoder, TState> pair,
            TrainingSettings settings,
            IReadOnlySet<int> heldOut,
            IReadOnlyList<DateExample> validation,
            ITrainingProgress<TrainingStatus> progress,
            CancellationToken stop)
            where TEncoder : class, IEncoderNetwork, new()
            where TDecoder : class, IDecoderNetwork<TState>, new()
            where TState : class
        {
            ArgumentNullException.ThrowIfNull(pair);
            ArgumentNullException.ThrowIfNull(settings);
            ArgumentNullException.ThrowIfNull(heldOut);
            ArgumentNullException.ThrowIfNull(validation);
            ArgumentNullException.ThrowIfNull(progress);
            var encoderAdam = new Adam(pair.Encoder.PackedParameters.Length, settings.LearningRate);
            var decoderAdam = new Adam(pair.Decoder.PackedParameters.Length, settings.LearningRate);
            var schedule = new CosineAnnealingSchedule(settings.LearningRate, Math.Max(settings.Steps, 1), settings.LearningRate / 10);
            var random = new Random(settings.Seed + 1);
            var examples = new DateExample[settings.Batch];
            var batch = new Seq2SeqBatch(settings.Batch);

            var wall = Stopwatch.StartNew();
            var training = new Stopwatch();
            double lossSum = 0;
            var lossCount = 0;
            var lastLoss = double.NaN;
            var guard = new DivergenceGuard();
            var done = 0;
            var rate = settings.LearningRate;
            void Report()
            {
                lastLoss = lossSum / lossCount;
                var perSecond = done * (double)settings.Batch / training.Elapsed.TotalSeconds;
                progress.Update(new TrainingStatus(done, settings.Steps, lastLoss, rate, perSecond, wall.Elapsed));
                lossSum = 0;
                lossCount = 0;
            }

            while (done < settings.Steps && !stop.IsCancellationRequested)
            {
                training.Start();
                for (var i = 0; i < examples.Length; i++)
                {
                    examples[i] = DateTask.Next(random, heldOut);
                }

                batch.Fill(examples, 0, examples.Length);
                var loss = pair.ComputeGradients(batch);
                var norm = GradientClipping.ClipByGlobalNorm(settings.ClipNorm, pair.EncoderGradients, pair.DecoderGradients);
                if (!guard.Accept(loss, norm, done))
                {
                    training.Stop();
                    continue;
                }

                rate = schedule.Apply(encoderAdam);
                schedule.Apply(decoderAdam);
                encoderAdam.Step(pair.Encoder.PackedParameters, pair.EncoderGradients);
                decoderAdam.Step(pair.Decoder.PackedParameters, pair.DecoderGradients);
                training.Stop();
                done++;
                lossSum += loss;
                lossCount++;

                if (done % progress.UpdateEvery == 0 || done == settings.Steps)
                {
                    Report();
                }

                if (done % settings.EvaluateEvery == 0 && done < settings.Steps)
                {
                    var score = Evaluation.Run(pair, validation);
                    progress.WriteLine($"step {done,5:N0}  validation: exact match {score.ExactMatch:P1}, characters {score.CharacterAccuracy:P2}");
                }
            }

            if (lossCount > 0)
            {
                Report(); // stopped between two reports
            }

            return new TrainingSummary(done, training.Elapsed, wall.Elapsed, lastLoss, guard.Skipped, stop.IsCancellationRequested);
        }
    }
}
