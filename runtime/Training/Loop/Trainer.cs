using System;
using System.Collections.Generic;
using System.Globalization;
using System.Diagnostics;
using System.Threading;
using RnnGen.IO;

namespace RnnGen.Training
{
    /// <summary>
    /// The training loop for any generated model: batches in (<see cref="ITrainingData{TInput}"/>), then
    /// <c>Forward</c> → loss → <c>Backward</c> → clip → optimiser step, with progress reports (loss, gradient norm,
    /// tokens/s), validation every N steps, atomic checkpoints every N steps (resumable, optimiser state included),
    /// a divergence guard (a step whose loss or gradient is not finite is skipped, and many in a row stop the run)
    /// and early stopping on the validation loss.
    /// </summary>
    /// <typeparam name="TInput"><c>float</c> features or <c>int</c> token ids, as the model takes.</typeparam>
    /// <example>
    /// <code>
    /// var model = new CharModel();
    /// model.InitializeParameters(new Random(1));
    /// var trainer = new Trainer&lt;int&gt;(model, new Adam(model.PackedParameters.Length, learningRate: 2e-3f),
    ///     new TrainerOptions(Steps: 2000) { ValidateEvery = 250, CheckpointEvery = 250, CheckpointPath = "char.safetensors", Resume = true });
    /// TrainingResult result = trainer.Run(new RandomWindows(train), new RandomWindows(valid),
    ///     new Progress&lt;TrainingReport&gt;(r => Console.WriteLine($"{r.Step}: loss {r.Loss:F3}, {r.TokensPerSecond:N0} tokens/s")));
    /// </code>
    /// </example>
    /// <remarks>
    /// A training step allocates nothing (the buffers are made once, for the model's largest batch); reports are
    /// value types handed to the progress sink on the training thread. One trainer drives one model at a time.
    /// </remarks>
    public sealed class Trainer<TInput>
        where TInput : unmanaged
    {
        private readonly IRecurrentNetwork<TInput> model;
        private readonly Optimizer optimizer;
        private readonly TrainerOptions options;
        private readonly TrainingLoss loss;
        private readonly TrainingBatch<TInput> batch;
        private readonly float[] outputs;
        private readonly float[] outputGradients;
        private readonly float[] gradients;
        private readonly float[] rowMask;
        private readonly TrainerSteps steps;

        /// <summary>Prepares training; nothing runs until <see cref="Run"/>.</summary>
        /// <param name="model">The model, initialised (or to be resumed from <see cref="TrainerOptions.CheckpointPath"/>).</param>
        /// <param name="optimizer">The optimiser over <c>model.PackedParameters</c> (its <c>ParameterCount</c> must be that length).</param>
        /// <param name="options">The settings.</param>
        /// <param name="loss">The loss; null picks <see cref="TrainingLoss.For"/> the model's head.</param>
        /// <exception cref="ArgumentException">The optimiser does not cover the model's parameters, or an option is out of range.</exception>
        public Trainer(IRecurrentNetwork<TInput> model, Optimizer optimizer, TrainerOptions options, TrainingLoss? loss = null)
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentNullException.ThrowIfNull(optimizer);
            ArgumentNullException.ThrowIfNull(options);
            options.Validate();
            NetworkDescription description = model.Description;
            optimizer.RequireParameterCount(description.PackedParameterLength, nameof(optimizer));

            this.model = model;
            this.optimizer = optimizer;
            this.options = options;
            this.loss = loss ?? TrainingLoss.For(description);
            batch = new TrainingBatch<TInput>(description);
            outputs = new float[batch.Targets.Length];
            outputGradients = new float[outputs.Length];
            gradients = new float[description.PackedParameterLength];
            rowMask = new float[batch.TokenTargets.Length];
            steps = new CpuSteps(this);
        }

        /// <summary>
        /// Prepares training on a GPU: every step (Forward, loss, Backward, clipping, the optimiser) runs on
        /// <paramref name="device"/>, and the rest of the loop (validation, checkpoints, the divergence guard, early
        /// stopping, reports, cancellation) is the CPU loop's. <paramref name="model"/> stays the source of truth between
        /// runs: <see cref="Run"/> uploads its parameters and <paramref name="optimizer"/>'s state to the device (after
        /// resuming from a checkpoint, if asked), and copies both back before every checkpoint and when it returns, so a
        /// checkpoint written on the GPU resumes on the CPU and the other way round.
        /// </summary>
        /// <param name="model">The CPU model (its <c>ToCuda</c> made <paramref name="device"/>); checkpoints are saved and loaded through it.</param>
        /// <param name="device">The model's <c>CudaModel</c> (every one implements <see cref="Gpu.ICudaTrainable{TInput}"/>); made by this model's <c>ToCuda</c>, it draws the same dropout masks as the CPU model would.</param>
        /// <param name="optimizer">An <see cref="Adam"/>, <see cref="Sgd"/>, <see cref="RmsProp"/> or <see cref="AdaGrad"/> over the model's packed parameters: its rule runs on the device, and it holds the state for checkpoints.</param>
        /// <param name="options">The settings.</param>
        /// <param name="loss">The loss (softmax cross-entropy, binary cross-entropy, or mean squared error through Linear, Tanh, Sigmoid or Relu); null picks <see cref="TrainingLoss.For"/> the model's head.</param>
        /// <exception cref="ArgumentException">The optimiser or the device model does not cover the model's parameters, or an option is out of range.</exception>
        /// <exception cref="NotSupportedException">A custom loss (the device runs the built-in ones).</exception>
        public Trainer(IRecurrentNetwork<TInput> model, Gpu.ICudaTrainable<TInput> device, Optimizer optimizer, TrainerOptions options, TrainingLoss? loss = null)
            : this(model, optimizer, options, loss)
        {
            ArgumentNullException.ThrowIfNull(device);
            if (device.Training.ParameterCount != model.Description.PackedParameterLength)
            {
                throw new ArgumentException($"The device model has {device.Training.ParameterCount} parameters; the CPU model has {model.Description.PackedParameterLength}: pass the CudaModel made by this model's ToCuda.", nameof(device));
            }

            if (this.loss.Kind == TrainingLossKind.Custom)
            {
                throw new NotSupportedException($"{this.loss} runs on the CPU only; the GPU trainer takes the built-in losses.");
            }

            steps = new CudaSteps(this, device);
        }

        /// <summary>The checkpoint metadata key of the last validation loss before the save (when validated).</summary>
        public const string ValidationLossKey = "validation_loss";

        /// <summary>The loss being minimised.</summary>
        public TrainingLoss Loss => loss;

        /// <summary>
        /// Trains until the optimiser's step count reaches <see cref="TrainerOptions.Steps"/>, the token is signalled,
        /// validation stops improving or training diverges; resumes from the checkpoint first when asked to.
        /// </summary>
        /// <param name="training">The training batches.</param>
        /// <param name="validation">Validation batches (<see cref="TrainerOptions.ValidationBatches"/> per pass), or null.</param>
        /// <param name="progress">Receives reports, or null.</param>
        /// <param name="cancellation">Stops the run after the current step; the final checkpoint is still written.</param>
        /// <returns>What the run achieved.</returns>
        /// <exception cref="CheckpointException">Resuming found a checkpoint that does not match the model or optimiser.</exception>
        /// <exception cref="InvalidOperationException">A data source set an invalid batch shape.</exception>
        public TrainingResult Run(ITrainingData<TInput> training, ITrainingData<TInput>? validation = null, IProgress<TrainingReport>? progress = null, CancellationToken cancellation = default)
        {
            ArgumentNullException.ThrowIfNull(training);
            if (options.Resume && System.IO.File.Exists(options.CheckpointPath))
            {
                TrainingCheckpoint.Load(options.CheckpointPath!, model, optimizer);
            }

            bool wasTraining = model.Training;
            steps.Begin();
            try
            {
                return RunSteps(training, validation, progress, cancellation);
            }
            finally
            {
                steps.End(); // the CPU model and optimiser hold the result
                model.Training = wasTraining;
            }
        }

        private TrainingResult RunSteps(ITrainingData<TInput> training, ITrainingData<TInput>? validation, IProgress<TrainingReport>? progress, CancellationToken cancellation)
        {
            var run = new RunState(Stopwatch.StartNew());
            TrainingStopReason reason = TrainingStopReason.Completed;
            bool carried = false;
            while (optimizer.StepCount < options.Steps)
            {
                if (cancellation.IsCancellationRequested)
                {
                    reason = TrainingStopReason.Cancelled;
                    break;
                }

                run.Training.Start();
                bool applied = TrainStep(training, carried, ref run);
                run.Training.Stop();
                carried = applied;
                if (!applied)
                {
                    if (run.ConsecutiveSkips >= options.MaxConsecutiveSkips)
                    {
                        reason = TrainingStopReason.Diverged;
                        break;
                    }

                    continue;
                }

                long step = optimizer.StepCount;
                if (step % options.ReportEvery == 0)
                {
                    Report(progress, ref run, TrainingReportKind.Progress, double.NaN, checkpointSaved: false);
                }

                bool validate = validation is not null && options.ValidateEvery > 0 && step % options.ValidateEvery == 0;
                bool save = options.CheckpointPath is not null && options.CheckpointEvery > 0 && step % options.CheckpointEvery == 0;
                if (validate && ValidateAndCheckStop(validation!, progress, save, ref run))
                {
                    reason = TrainingStopReason.EarlyStopped;
                    break;
                }

                if (validate)
                {
                    carried = false; // validation ran its own Forward calls: the next batch starts from zero
                }
                else if (save)
                {
                    SaveCheckpoint(ref run);
                }
            }

            if (run.LossCount > 0)
            {
                Report(progress, ref run, TrainingReportKind.Progress, double.NaN, checkpointSaved: false);
            }

            if (validation is not null && run.StepsTaken > 0 && run.ValidatedAt != optimizer.StepCount && reason != TrainingStopReason.EarlyStopped)
            {
                ValidateAndCheckStop(validation, progress, save: false, ref run);
            }

            if (options.CheckpointPath is not null && run.SavedAt != optimizer.StepCount)
            {
                SaveCheckpoint(ref run);
            }

            double tokensPerSecond = run.Training.Elapsed.TotalSeconds > 0 ? run.Tokens / run.Training.Elapsed.TotalSeconds : 0;
            return new TrainingResult(reason, run.StepsTaken, optimizer.StepCount, run.Skipped, run.LastLoss, run.LastValidation, run.BestValidation, tokensPerSecond, run.Training.Elapsed);
        }

        /// <summary>The mean loss over <see cref="TrainerOptions.ValidationBatches"/> batches of <paramref name="validation"/>, with dropout off.</summary>
        /// <param name="validation">The validation batches.</param>
        /// <returns>The mean loss (each batch weighted by its tokens).</returns>
        public double Validate(ITrainingData<TInput> validation)
        {
            ArgumentNullException.ThrowIfNull(validation);
            bool wasTraining = model.Training;
            model.Training = false;
            try
            {
                double sum = 0;
                double weight = 0;
                for (int i = 0; i < options.ValidationBatches; i++)
                {
                    NextBatch(validation);
                    double tokens = batch.TokenCount;
                    sum += steps.Evaluate() * tokens;
                    weight += tokens;
                }

                return weight > 0 ? sum / weight : 0;
            }
            finally
            {
                model.Training = wasTraining;
            }
        }

        private bool TrainStep(ITrainingData<TInput> training, bool carried, ref RunState run)
        {
            NextBatch(training);
            model.Training = true;
            bool applied = steps.Step(carried && batch.ContinuesState, out float value, out float norm, out float learningRate);
            run.GradientNorm = norm;
            if (!applied)
            {
                // Never applied: the weights stay those of the last finite step.
                run.Skipped++;
                run.ConsecutiveSkips++;
                return false;
            }

            run.ConsecutiveSkips = 0;
            run.LearningRate = learningRate;
            run.StepsTaken++;
            run.Tokens += batch.TokenCount;
            run.LossSum += value;
            run.LossCount++;
            return true;
        }

        private void NextBatch(ITrainingData<TInput> data)
        {
            batch.HasLengths = false;
            batch.HasRowWeights = false;
            batch.ContinuesState = false;
            data.Next(batch);
            batch.Validate();
        }

        private bool ValidateAndCheckStop(ITrainingData<TInput> validation, IProgress<TrainingReport>? progress, bool save, ref RunState run)
        {
            double value = Validate(validation);
            run.ValidatedAt = optimizer.StepCount;
            run.LastValidation = value;
            if (double.IsNaN(run.BestValidation) || value < run.BestValidation)
            {
                run.BestValidation = value;
                run.WithoutImprovement = 0;
            }
            else
            {
                run.WithoutImprovement++;
            }

            if (save)
            {
                SaveCheckpoint(ref run);
            }

            Report(progress, ref run, TrainingReportKind.Validation, value, save);
            return options.EarlyStoppingPatience > 0 && run.WithoutImprovement >= options.EarlyStoppingPatience;
        }

        private void SaveCheckpoint(ref RunState run)
        {
            Dictionary<string, string> metadata = new(options.Metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            if (!double.IsNaN(run.LastValidation))
            {
                metadata[ValidationLossKey] = run.LastValidation.ToString("R", CultureInfo.InvariantCulture);
            }

            steps.Synchronize(); // a GPU run's parameters and optimiser state into the CPU model and optimiser
            TrainingCheckpoint.Save(options.CheckpointPath!, model, optimizer, metadata);
            run.SavedAt = optimizer.StepCount;
        }

        private void Report(IProgress<TrainingReport>? progress, ref RunState run, TrainingReportKind kind, double validationLoss, bool checkpointSaved)
        {
            if (kind == TrainingReportKind.Progress)
            {
                run.LastLoss = run.LossCount > 0 ? run.LossSum / run.LossCount : double.NaN;
                run.LossSum = 0;
                run.LossCount = 0;
            }

            double seconds = run.Training.Elapsed.TotalSeconds;
            progress?.Report(new TrainingReport(
                kind,
                optimizer.StepCount,
                options.Steps,
                run.LastLoss,
                run.GradientNorm,
                run.LearningRate,
                seconds > 0 ? run.Tokens / seconds : 0,
                run.Wall.Elapsed,
                validationLoss,
                run.BestValidation,
                checkpointSaved));
        }

        /// <summary>Where the work of a step runs: the CPU model, or its CudaModel. The loop around it is shared.</summary>
        private abstract class TrainerSteps(Trainer<TInput> trainer)
        {
            protected Trainer<TInput> Trainer { get; } = trainer;

            /// <summary>Before the first step of a run (after resuming).</summary>
            public virtual void Begin()
            {
            }

            /// <summary>When a run ends, however it ends.</summary>
            public virtual void End()
            {
            }

            /// <summary>Before a checkpoint: the CPU model and optimiser get the run's parameters and state.</summary>
            public virtual void Synchronize()
            {
            }

            /// <summary>
            /// One step on the current batch: Forward, loss, Backward, clip, optimiser. False when the loss or the
            /// gradient norm is not finite: then nothing was applied.
            /// </summary>
            public abstract bool Step(bool continueState, out float loss, out float norm, out float learningRate);

            /// <summary>The loss of the current batch with dropout off (validation).</summary>
            public abstract float Evaluate();

            /// <summary>The learning rate the schedule sets for the next step (applied to the optimiser).</summary>
            protected float ScheduledRate() => Trainer.options.Schedule?.Apply(Trainer.optimizer) ?? Trainer.optimizer.LearningRate;
        }

        /// <summary>Every step on the CPU model.</summary>
        private sealed class CpuSteps(Trainer<TInput> trainer) : TrainerSteps(trainer)
        {
            public override bool Step(bool continueState, out float loss, out float norm, out float learningRate)
            {
                Trainer<TInput> t = Trainer;
                TrainingBatch<TInput> batch = t.batch;
                int length = batch.OutputLength;
                t.model.Forward(batch.InputSpan, batch.LengthSpan, t.outputs.AsSpan(0, length), batch.BatchSize, continueState);
                loss = t.loss.Compute<TInput>(t.outputs.AsSpan(0, length), batch, t.outputGradients.AsSpan(0, length), t.rowMask);
                Array.Clear(t.gradients); // Backward accumulates
                t.model.Backward(t.outputGradients.AsSpan(0, length), t.gradients);
                norm = t.options.ClipNorm is { } clip && float.IsFinite(clip)
                    ? GradientClipping.ClipByGlobalNorm(t.gradients, clip)
                    : GradientClipping.GlobalNorm(t.gradients);
                learningRate = float.NaN;
                if (!float.IsFinite(loss) || !float.IsFinite(norm))
                {
                    return false;
                }

                learningRate = ScheduledRate();
                t.optimizer.Step(t.model.PackedParameters, t.gradients);
                return true;
            }

            public override float Evaluate()
            {
                Trainer<TInput> t = Trainer;
                int length = t.batch.OutputLength;
                t.model.Forward(t.batch.InputSpan, t.batch.LengthSpan, t.outputs.AsSpan(0, length), t.batch.BatchSize);
                return t.loss.Compute<TInput>(t.outputs.AsSpan(0, length), t.batch, t.outputGradients.AsSpan(0, length), t.rowMask);
            }
        }

        /// <summary>
        /// Every step on the CudaModel: Forward, the loss into the device's output gradients, the device Backward into
        /// the gradients the optimiser reads, then clipping and the update guarded by the norm on the device. The host
        /// reads two floats per step (the loss and the norm).
        /// </summary>
        private sealed class CudaSteps(Trainer<TInput> trainer, Gpu.ICudaTrainable<TInput> device) : TrainerSteps(trainer)
        {
            private Gpu.CudaOptimizer? deviceOptimizer;

            public override void Begin()
            {
                // The CPU model and optimiser are the source of truth between runs (and after a resume).
                device.UpdateParameters(Trainer.model.PackedParameters);
                deviceOptimizer = device.Training.CreateOptimizer(Trainer.optimizer);
            }

            public override void End()
            {
                if (deviceOptimizer is null)
                {
                    return;
                }

                Synchronize();
                deviceOptimizer.Dispose();
                deviceOptimizer = null;
            }

            public override void Synchronize()
            {
                if (deviceOptimizer is null)
                {
                    // Outside a run the CPU model is current: the device takes its parameters (for Validate).
                    device.UpdateParameters(Trainer.model.PackedParameters);
                    return;
                }

                deviceOptimizer.DownloadState();
                device.DownloadParameters(Trainer.model.PackedParameters);
            }

            public override bool Step(bool continueState, out float loss, out float norm, out float learningRate)
            {
                Trainer<TInput> t = Trainer;
                TrainingBatch<TInput> batch = t.batch;
                Gpu.CudaTraining training = device.Training;
                device.ApplyDropout = t.model.Training; // dropout on the device too, with the masks Backward differentiates
                device.Forward(batch.InputSpan, batch.LengthSpan, t.outputs.AsSpan(0, batch.OutputLength), batch.BatchSize, continueState);
                training.ComputeLoss(t.loss, batch);
                device.ClearGradients(); // Backward accumulates
                device.Backward();
                loss = training.ReadLoss();
                learningRate = float.NaN;
                if (!float.IsFinite(loss))
                {
                    training.ComputeGradientNorm(); // reported as on the CPU; nothing is applied
                    norm = training.ReadGradientNorm();
                    return false;
                }

                float rate = ScheduledRate();
                float maxNorm = t.options.ClipNorm is { } clip && float.IsFinite(clip) ? clip : float.PositiveInfinity;
                if (!deviceOptimizer!.TryStep(maxNorm, out norm))
                {
                    return false; // a non-finite norm: the device wrote nothing
                }

                learningRate = rate;
                return true;
            }

            public override float Evaluate()
            {
                if (deviceOptimizer is null)
                {
                    Synchronize(); // Validate outside Run: the device takes the CPU model's parameters
                }

                Trainer<TInput> t = Trainer;
                TrainingBatch<TInput> batch = t.batch;
                device.ApplyDropout = t.model.Training; // false while validating
                device.Forward(batch.InputSpan, batch.LengthSpan, t.outputs.AsSpan(0, batch.OutputLength), batch.BatchSize, false);
                device.Training.ComputeLoss(t.loss, batch);
                return device.Training.ReadLoss();
            }
        }

        /// <summary>The counters of one run.</summary>
        private struct RunState(Stopwatch wall)
        {
            public readonly Stopwatch Wall = wall;
            public readonly Stopwatch Training = new();
            public long StepsTaken;
            public long Tokens;
            public int Skipped;
            public int ConsecutiveSkips;
            public double LossSum;
            public int LossCount;
            public double LastLoss = double.NaN;
            public float GradientNorm = float.NaN;
            public float LearningRate;
            public double LastValidation = double.NaN;
            public double BestValidation = double.NaN;
            public int WithoutImprovement;
            public long ValidatedAt = -1;
            public long SavedAt = -1;
        }
    }
}
