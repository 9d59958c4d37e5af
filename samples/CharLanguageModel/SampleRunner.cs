using System;
using System.Diagnostics;
using System.IO;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using RnnGen.IO;
using RnnGen.Samples.Common;
using RnnGen.Training;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>The sample from start to end: choose the model, load or initialise it, train, score, generate.</summary>
    public static class SampleRunner
    {
        /// <summary>How much of the validation text the final streamed score reads (characters).</summary>
        public const int StreamedValidationCharacters = 100_000;

        /// <summary>Runs the sample.</summary>
        /// <param name="options">The parsed command line.</param>
        /// <returns>The exit code: 0, or 1 after an error message.</returns>
        public static int Run(SampleOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            try
            {
                return ResolveSize(options) switch
                {
                    ModelSize.Large => Run<LargeCharModel, LargeCharModel.State>(options, ModelSize.Large),
                    _ => Run<SmallCharModel, SmallCharModel.State>(options, ModelSize.Small),
                };
            }
            catch (Exception error) when (error is CheckpointException or IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                ConsoleUi.Error(error.Message);
                return 1;
            }
        }

        /// <summary>The size asked for; when resuming, the checkpoint's (an explicit different <c>--size</c> is an error).</summary>
        private static ModelSize ResolveSize(SampleOptions options)
        {
            if (!options.Resume)
            {
                return options.Size ?? ModelSize.Small;
            }

            var metadata = Checkpoint.ReadMetadata(options.CheckpointPath);
            if (!metadata.TryGetValue(Checkpoint.SizeKey, out var saved) || !Enum.TryParse<ModelSize>(saved, ignoreCase: true, out var savedSize))
            {
                return options.Size ?? ModelSize.Small;
            }

            if (options.Size is { } given && given != savedSize)
            {
                throw new CheckpointException(
                    $"Checkpoint '{options.CheckpointPath}' holds a {saved} model ({metadata.GetValueOrDefault("architecture", "?")}), but --size {given.ToString().ToLowerInvariant()} was given. Resume without --size, or train a new model with another --checkpoint.",
                    options.CheckpointPath,
                    null);
            }

            return savedSize;
        }

        private static int Run<TModel, TState>(SampleOptions options, ModelSize size)
            where TModel : class, ICharNetwork<TState>, new()
            where TState : class
        {
            var sizeName = size.ToString().ToLowerInvariant();
            var model = new TModel();
            ConsoleUi.Heading($"Model ({sizeName}): {model.Description.Architecture}, {model.Description.ParameterCount:N0} parameters");
            var optimizer = new Adam(model.PackedParameters.Length, options.LearningRate);
            if (options.Resume)
            {
                var metadata = Checkpoint.Load(options.CheckpointPath, model, options.Steps > 0 ? optimizer : null);
                var score = Checkpoint.ValidationBits(metadata) is { } bits ? $", validation {bits:F4} bits/char" : string.Empty;
                var step = metadata.TryGetValue(Checkpoint.StepTensor, out var savedStep) ? savedStep : optimizer.StepCount.ToString(CultureInfo.InvariantCulture);
                ConsoleUi.Info($"Resumed from {Path.GetFullPath(options.CheckpointPath)} (step {step}{score})");
            }
            else
            {
                ParameterInitialization.Apply<TModel, TState>(model, options.Seed);
            }

            if (options.Steps > 0)
            {
                Train<TModel, TState>(model, optimizer, options, sizeName);
            }
            else if (!options.Resume)
            {
                ConsoleUi.Warning("--steps 0 without --resume: generating from untrained weights.");
            }

            if (options.Generate > 0)
            {
                var generator = new TextGenerator<TState>(model, options.Temperature, options.TopK, options.Seed);
                var topK = options.TopK > 0 ? $", top-k {options.TopK}" : string.Empty;
                ConsoleUi.Heading($"Generated {options.Generate} characters (temperature {options.Temperature}{topK}):");
                GeneratedTextOutput.Write(options.Prompt, generator.Generate(options.Prompt, options.Generate));
            }

            return 0;
        }

        /// <summary>The GPU for <c>--device cuda</c>, or null: the CPU (asked for, or no GPU, said in one line).</summary>
        private static RnnGen.Gpu.CudaDevice? OpenGpu(string device)
        {
            if (!string.Equals(device, "cuda", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            if (RnnGen.Gpu.CudaDevice.TryOpen(out var gpu, out var why))
            {
                return gpu;
            }

            ConsoleUi.Warning($"No CUDA GPU ({why}); training on the CPU.");
            return null;
        }

        private static void Train<TModel, TState>(TModel model, Adam optimizer, SampleOptions options, string sizeName)
            where TModel : ICharNetwork<TState>
            where TState : class
        {
            var clock = Stopwatch.StartNew();
            var corpus = CorpusLoader.Load(options.CorpusPath);
            var split = CorpusLoader.Split(corpus, TrainingDefaults.SequenceLength + 1);
            var validation = new Validation(split.Validation);
            ConsoleUi.Info($"Corpus: {corpus.Description}");
            ConsoleUi.Info($"        {corpus.Text.Length:N0} characters: {split.Training.Length:N0} for training, {split.Validation.Length:N0} for validation (loaded in {clock.Elapsed.TotalSeconds:F1} s)");
            if (optimizer.StepCount == 0)
            {
                ConsoleUi.Info($"Untrained: validation {validation.Windows(model).BitsPerToken:F3} bits/char (uniform over {CharacterSet.Size} ids would be {Math.Log2(CharacterSet.Size):F3})");
            }

            var characters = (double)options.Steps * TrainingDefaults.BatchSize * TrainingDefaults.SequenceLength;
            ConsoleUi.Info($"Training {options.Steps:N0} steps of {TrainingDefaults.BatchSize} × {TrainingDefaults.SequenceLength} characters ({characters / split.Training.Length:F1} passes over the training text), Adam {options.LearningRate} with cosine decay, clip 5.");
            ConsoleUi.Info(options.Stateful
                ? $"Batches: {TrainingDefaults.BatchSize} contiguous tracks, each row's state carried into the next batch (truncated BPTT over {TrainingDefaults.SequenceLength} characters)."
                : $"Batches: {TrainingDefaults.BatchSize} windows at random offsets, each from a zero state.");
            ConsoleUi.Info($"Validation every {options.EvaluateEvery:N0} steps on {validation.WindowCount:N0} windows of {TrainingDefaults.SequenceLength} characters. Ctrl+C stops early and saves.");
            var settings = new TrainingSettings(
                options.Steps,
                options.LearningRate,
                ClipNorm: 5f,
                options.EvaluateEvery,
                options.LogEvery,
                options.Seed,
                options.CheckpointPath,
                new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [Checkpoint.SizeKey] = sizeName,
                    ["corpus"] = corpus.Description,
                    ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
                    ["sequence_length"] = TrainingDefaults.SequenceLength.ToString(CultureInfo.InvariantCulture),
                    ["batch_size"] = TrainingDefaults.BatchSize.ToString(CultureInfo.InvariantCulture),
                    ["batches"] = options.Stateful ? "stateful tracks" : "random windows",
                },
                options.Stateful);
            using var gpu = OpenGpu(options.Device);
            using var onGpu = gpu is null ? null : model.ToCudaTrainable(gpu);
            if (onGpu is not null)
            {
                ConsoleUi.Info($"Training on the GPU: {gpu!.Name}.");
            }

            var session = new TrainingSession<TModel, TState>(model, optimizer, split, validation, settings, onGpu);

            using var stop = new CancellationTokenSource();
            void OnCancel(object? sender, ConsoleCancelEventArgs e)
            {
                if (!stop.IsCancellationRequested)
                {
                    e.Cancel = true; // the first Ctrl+C finishes the step, saves and generates; a second one ends the program
                    stop.Cancel();
                }
            }

            Console.CancelKeyPress += OnCancel;
            TrainingSummary? summary = null;
            try
            {
                TrainingProgress.Run<TrainingStatus>(options.Steps, options.LogEvery, status => status.Describe(), status => status.LogLine(), progress => summary = session.Run(progress, stop.Token));
            }
            finally
            {
                Console.CancelKeyPress -= OnCancel;
            }

            if (summary is null)
            {
                return;
            }

            DivergenceGuard.WarnAfterRun(summary.Stopped, summary.Steps, options.Steps, summary.SkippedSteps);

            ConsoleUi.Result($"Trained {summary.Steps:N0} steps ({(double)summary.Steps * TrainingDefaults.BatchSize * TrainingDefaults.SequenceLength:N0} characters) in {summary.TrainingTime:m\\:ss}: {summary.TokensPerSecond:N0} characters/s ({summary.WallTime:m\\:ss} with validation and checkpoints); now at step {summary.FinalStep:N0}.");
            if (summary.Steps > 0)
            {
                clock.Restart();
                var streamed = validation.Streamed(model, StreamedValidationCharacters);
                ConsoleUi.Result($"Validation: {summary.ValidationBitsPerCharacter:F3} bits/char on {validation.WindowCount:N0} windows of {TrainingDefaults.SequenceLength}; {streamed.BitsPerToken:F3} bits/char streamed over {streamed.Count:N0} characters with Step ({clock.Elapsed.TotalSeconds:F1} s).");
                ConsoleUi.Info($"Checkpoint: {Path.GetFullPath(options.CheckpointPath)}");
            }
        }
    }
}
