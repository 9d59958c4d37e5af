using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using RnnGen.Samples.Common;
using RnnGen.Training;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>The settings of one training run.</summary>
    /// <param name="Steps">Optimiser steps to take in this run.</param>
    /// <param name="LearningRate">Adam's peak learning rate; a cosine schedule takes it down to a tenth by the last step.</param>
    /// <param name="ClipNorm">The largest global gradient norm; larger gradients are scaled down to it.</param>
    /// <param name="EvaluateEvery">Steps between validation scores (and checkpoint saves).</param>
    /// <param name="LogEvery">Steps between plain progress lines when the output is not a terminal.</param>
    /// <param name="Seed">The seed of the batch sampler.</param>
    /// <param name="CheckpointPath">Where the checkpoint is saved.</param>
    /// <param name="Metadata">Extra checkpoint metadata (size, corpus, seed).</param>
    /// <param name="Stateful">Train on contiguous tracks with the state carried between batches (<see cref="TrackBatches"/>) instead of random windows from a zero state.</param>
    public sealed record TrainingSettings(
        int Steps,
        float LearningRate,
        float ClipNorm,
        int EvaluateEvery,
        int LogEvery,
        int Seed,
        string CheckpointPath,
        IReadOnlyDictionary<string, string> Metadata,
        bool Stateful = false);

    /// <summary>What a training run achieved.</summary>
    /// <param name="Steps">Optimiser steps taken in this run.</param>
    /// <param name="FinalStep">The step count after the run (all runs together).</param>
    /// <param name="TrainingTime">Time spent in training steps (validation and checkpoints excluded).</param>
    /// <param name="WallTime">Time the whole run took.</param>
    /// <param name="ValidationBitsPerCharacter">The last validation score on the fixed windows.</param>
    /// <param name="SkippedSteps">Steps skipped because the gradient was not finite.</param>
    /// <param name="Stopped">Whether the run was stopped early (Ctrl+C).</param>
    public sealed record TrainingSummary(int Steps, long FinalStep, TimeSpan TrainingTime, TimeSpan WallTime, double ValidationBitsPerCharacter, int SkippedSteps, bool Stopped)
    {
        /// <summary>Characters trained on per second of training time.</summary>
        public double TokensPerSecond => TrainingTime.TotalSeconds > 0 ? (double)Steps * TrainingDefaults.BatchSize * TrainingDefaults.SequenceLength / TrainingTime.TotalSeconds : 0;
    }

    /// <summary>
    /// The training loop: random windows (or, stateful, the next chunk of each track with the state carried) →
    /// <c>Forward</c> → softmax cross-entropy → <c>Backward</c> → clip → Adam, with periodic validation and checkpoints.
    /// </summary>
    /// <typeparam name="TModel">The generated model class.</typeparam>
    /// <typeparam name="TState">Its state class.</typeparam>
    public sealed class TrainingSession<TModel, TState>
        where TModel : ICharNetwork<TState>
        where TState : class
    {
        private readonly TModel model;
        private readonly Adam optimizer;
        private readonly CorpusSplit corpus;
        private readonly Validation validation;
        private readonly TrainingSettings settings;

        /// <summary>Prepares a run; nothing is trained until <see cref="Run"/>.</summary>
        /// <param name="model">The model, initialised or restored.</param>
        /// <param name="optimizer">The optimiser over <c>model.PackedParameters</c>, fresh or restored.</param>
        /// <param name="corpus">The training and validation ids.</param>
        /// <param name="validation">The validation measure.</param>
        /// <param name="settings">The settings.</param>
        public TrainingSession(TModel model, Adam optimizer, CorpusSplit corpus, Validation validation, TrainingSettings settings)
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentNullException.ThrowIfNull(optimizer);
            ArgumentNullException.ThrowIfNull(corpus);
            ArgumentNullException.ThrowIfNull(validation);
            ArgumentNullException.ThrowIfNull(settings);
            this.model = model;
            this.optimizer = optimizer;
            this.corpus = corpus;
            this.validation = validation;
            this.settings = settings;
        }

        /// <summary>Trains for <see cref="TrainingSettings.Steps"/> steps or until <paramref name="stop"/> is signalled, then saves.</summary>
        /// <param name="progress">Receives progress and validation lines.</param>
        /// <param name="stop">Stops the run after the current step (the checkpoint is still saved).</param>
        /// <returns>The summary.</returns>
        /// <exception cref="InvalidOperationException">Training diverged (the gradient stayed non-finite).</exception>
        public TrainingSummary Run(ITrainingProgress<TrainingStatus> progress, CancellationToken stop)
        {
            ArgumentNullException.ThrowIfNull(progress);
            const int batch = TrainingDefaults.BatchSize;
            const int vocabulary = CharacterSet.Size;
            var startStep = optimizer.StepCount;

            // Cosine decay over this run, positioned on the global step count, so a resumed run continues the curve
            // (warmly restarting from where the global step lies in the longer schedule).
            var schedule = new CosineAnnealingSchedule(settings.LearningRate, startStep + settings.Steps, settings.LearningRate / 10);
            IBatchSource sampler = settings.Stateful
                ? new TrackBatches(corpus.Training, startStep)
                : new BatchSampler(corpus.Training, new Random(unchecked(settings.Seed + ((int)startStep * 7919))));
            var probabilities = new float[TrainingDefaults.SequenceLength * batch * vocabulary];
            var logitGradients = new float[probabilities.Length];
            var gradients = new float[model.PackedParameters.Length];

            var wall = Stopwatch.StartNew();
            var training = new Stopwatch();
            double lossSum = 0;
            var lossCount = 0;
            var guard = new DivergenceGuard();
            var lastBits = double.NaN;
            var done = 0;
            var evaluatedAt = 0;
            var lastRate = optimizer.LearningRate;
            var carried = false;
            void Report()
            {
                var tokensPerSecond = done * (double)batch * TrainingDefaults.SequenceLength / training.Elapsed.TotalSeconds;
                progress.Update(new TrainingStatus(optimizer.StepCount, done, settings.Steps, lossSum / lossCount, lastRate, tokensPerSecond, wall.Elapsed));
                lossSum = 0;
                lossCount = 0;
            }

            while (done < settings.Steps && !stop.IsCancellationRequested)
            {
                training.Start();
                sampler.Next();
                // Stateful batches carry the state of this session's previous training Forward; validation runs its own
                // Forward calls in between, so the batch after one starts again from zero.
                model.Forward(sampler.Inputs, probabilities, batch, continueState: carried && sampler.ContinuesState);
                carried = true;
                var loss = Losses.SoftmaxCrossEntropy(probabilities, sampler.Targets, vocabulary, logitGradients);
                gradients.AsSpan().Clear(); // Backward accumulates
                model.Backward(logitGradients, gradients);
                var norm = GradientClipping.ClipByGlobalNorm(gradients, settings.ClipNorm);
                if (!guard.Accept(loss, norm, optimizer.StepCount))
                {
                    training.Stop();
                    continue;
                }

                lastRate = schedule.Apply(optimizer);
                optimizer.Step(model.PackedParameters, gradients);
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
                    lastBits = EvaluateAndSave(progress);
                    evaluatedAt = done;
                    carried = false;
                }
            }

            if (lossCount > 0)
            {
                Report(); // stopped between two reports
            }

            if (done > 0 && evaluatedAt != done)
            {
                lastBits = EvaluateAndSave(progress);
            }

            return new TrainingSummary(done, optimizer.StepCount, training.Elapsed, wall.Elapsed, lastBits, guard.Skipped, stop.IsCancellationRequested);
        }

        private double EvaluateAndSave(ITrainingProgress<TrainingStatus> progress)
        {
            var clock = Stopwatch.StartNew();
            var bits = validation.Windows(model).BitsPerToken;
            var metadata = new Dictionary<string, string>(settings.Metadata, StringComparer.Ordinal)
            {
                [Checkpoint.ValidationKey] = bits.ToString("F4", CultureInfo.InvariantCulture),
                ["learning_rate"] = settings.LearningRate.ToString(CultureInfo.InvariantCulture),
            };
            Checkpoint.Save<TModel, TState>(settings.CheckpointPath, model, optimizer, metadata);
            // Under 80 columns: a wrapped line would confuse the live progress display in a narrow terminal.
            progress.WriteLine($"step {optimizer.StepCount,6:N0}  validation {bits:F3} bits/char, checkpoint saved ({clock.Elapsed.TotalSeconds:F1} s)");
            return bits;
        }
    }
}
