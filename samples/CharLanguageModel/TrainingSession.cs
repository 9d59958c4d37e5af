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
    /// One training run of the sample on the runtime's <see cref="Trainer{TInput}"/>: random windows (or, stateful, the
    /// next chunk of each track with the state carried) → <c>Forward</c> → softmax cross-entropy → <c>Backward</c> → clip
    /// → Adam on a cosine schedule, validated on fixed windows and checkpointed every <see cref="TrainingSettings.EvaluateEvery"/>
    /// steps. What is left here is the sample's own: its batches, its validation windows and its progress display.
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
        private readonly RnnGen.Gpu.ICudaTrainable<int>? device;

        /// <summary>Prepares a run; nothing is trained until <see cref="Run"/>.</summary>
        /// <param name="model">The model, initialised or restored.</param>
        /// <param name="optimizer">The optimiser over <c>model.PackedParameters</c>, fresh or restored.</param>
        /// <param name="corpus">The training and validation ids.</param>
        /// <param name="validation">The validation measure.</param>
        /// <param name="settings">The settings.</param>
        /// <param name="device">The model's copy on a GPU to run the steps there (validation and checkpoints as on the CPU), or null for the CPU.</param>
        public TrainingSession(TModel model, Adam optimizer, CorpusSplit corpus, Validation validation, TrainingSettings settings, RnnGen.Gpu.ICudaTrainable<int>? device = null)
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
            this.device = device;
        }

        /// <summary>Trains for <see cref="TrainingSettings.Steps"/> steps or until <paramref name="stop"/> is signalled, then saves.</summary>
        /// <param name="progress">Receives progress and validation lines.</param>
        /// <param name="stop">Stops the run after the current step (the checkpoint is still saved).</param>
        /// <returns>The summary.</returns>
        /// <exception cref="InvalidOperationException">Training diverged (the gradient stayed non-finite).</exception>
        public TrainingSummary Run(ITrainingProgress<TrainingStatus> progress, CancellationToken stop)
        {
            ArgumentNullException.ThrowIfNull(progress);
            var startStep = optimizer.StepCount;
            var wall = Stopwatch.StartNew();
            IBatchSource sampler = settings.Stateful
                ? new TrackBatches(corpus.Training, startStep)
                : new BatchSampler(corpus.Training, new Random(unchecked(settings.Seed + ((int)startStep * 7919))));
            var metadata = Checkpoint.Metadata(settings.Metadata);
            metadata["learning_rate"] = settings.LearningRate.ToString(CultureInfo.InvariantCulture);
            var options = new TrainerOptions(startStep + settings.Steps)
            {
                ClipNorm = settings.ClipNorm,

                // Cosine decay over this run, positioned on the global step count, so a resumed run continues the curve
                // (warmly restarting from where the global step lies in the longer schedule).
                Schedule = new CosineAnnealingSchedule(settings.LearningRate, startStep + settings.Steps, settings.LearningRate / 10),
                ReportEvery = progress.UpdateEvery,
                ValidateEvery = settings.EvaluateEvery,
                ValidationBatches = validation.BatchCount,
                CheckpointEvery = settings.EvaluateEvery,
                CheckpointPath = settings.CheckpointPath,
                Metadata = metadata,
            };
            var trainer = device is null
                ? new Trainer<int>(model, optimizer, options, TrainingLoss.SoftmaxCrossEntropy)
                : new Trainer<int>(model, device, optimizer, options, TrainingLoss.SoftmaxCrossEntropy);
            var result = trainer.Run(new SampledBatches(sampler), validation.AsTrainingData(), new StatusReports(progress, startStep, settings.Steps), stop);
            if (result.Reason == TrainingStopReason.Diverged)
            {
                throw new InvalidOperationException($"Training diverged: the loss or the gradient was not finite for {options.MaxConsecutiveSkips} steps in a row (step {result.FinalStep}). Try a lower --learning-rate.");
            }

            var bits = result.LastValidationLoss / Math.Log(2);
            return new TrainingSummary((int)result.StepsTaken, result.FinalStep, result.TrainingTime, wall.Elapsed, bits, result.SkippedSteps, result.Reason == TrainingStopReason.Cancelled);
        }

        /// <summary>The sample's batch sources as the trainer's data: inputs and next-character targets, and whether the state carries.</summary>
        private sealed class SampledBatches(IBatchSource source) : ITrainingData<int>
        {
            public void Next(TrainingBatch<int> batch)
            {
                source.Next();
                source.Inputs.CopyTo(batch.Inputs, 0);
                source.Targets.CopyTo(batch.TokenTargets, 0);
                batch.ContinuesState = source.ContinuesState;
            }
        }

        /// <summary>Turns the trainer's reports into the sample's status line and validation lines.</summary>
        private sealed class StatusReports(ITrainingProgress<TrainingStatus> progress, long startStep, int steps) : IProgress<TrainingReport>
        {
            public void Report(TrainingReport value)
            {
                if (value.Kind == TrainingReportKind.Progress)
                {
                    progress.Update(new TrainingStatus(value.Step, (int)(value.Step - startStep), steps, value.Loss, value.LearningRate, value.TokensPerSecond, value.Elapsed));
                    return;
                }

                // Under 80 columns: a wrapped line would confuse the live progress display in a narrow terminal.
                var saved = value.CheckpointSaved ? ", checkpoint saved" : string.Empty;
                progress.WriteLine($"step {value.Step,6:N0}  validation {value.ValidationLoss / Math.Log(2):F3} bits/char{saved}");
            }
        }
    }
}
