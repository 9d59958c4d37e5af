using System;
using System.Collections.Generic;

namespace RnnGen.Training
{
    /// <summary>How <see cref="Trainer{TInput}"/> trains. Only <see cref="Steps"/> is required; the defaults clip at
    /// norm 5, validate and checkpoint never, report every 50 steps and stop after 10 non-finite steps in a row.</summary>
    /// <example>
    /// <code>
    /// var options = new TrainerOptions(Steps: 2000) { ValidateEvery = 200, CheckpointEvery = 200, CheckpointPath = "model.safetensors" };
    /// </code>
    /// </example>
    /// <param name="Steps">The optimiser step count to train to (all runs together: a run resumed at step 800 of 2000 takes 1200 more).</param>
    public sealed record TrainerOptions(long Steps)
    {
        /// <summary>The largest global gradient norm; larger gradients are scaled down to it. Null or ∞: no clipping.</summary>
        public float? ClipNorm { get; init; } = 5f;

        /// <summary>Sets the learning rate before each step from the step count; null keeps the optimiser's.</summary>
        public LearningRateSchedule? Schedule { get; init; }

        /// <summary>Steps between progress reports (at least 1).</summary>
        public int ReportEvery { get; init; } = 50;

        /// <summary>Steps between validation passes; 0 validates only at the end (when validation data is given).</summary>
        public int ValidateEvery { get; init; }

        /// <summary>Batches the validation data source yields per validation pass (at least 1).</summary>
        public int ValidationBatches { get; init; } = 8;

        /// <summary>Steps between checkpoints; 0 saves only at the end of the run (when <see cref="CheckpointPath"/> is set).</summary>
        public int CheckpointEvery { get; init; }

        /// <summary>The safetensors file checkpoints are written to (atomically); null writes none.</summary>
        public string? CheckpointPath { get; init; }

        /// <summary>Load <see cref="CheckpointPath"/> before training when it exists (weights, optimiser state and step count).</summary>
        public bool Resume { get; init; }

        /// <summary>Extra string metadata written into every checkpoint.</summary>
        public IReadOnlyDictionary<string, string>? Metadata { get; init; }

        /// <summary>Validations without improvement after which the run stops; 0 never stops early.</summary>
        public int EarlyStoppingPatience { get; init; }

        /// <summary>Steps in a row whose loss or gradient is not finite after which the run stops as diverged (at least 1).</summary>
        public int MaxConsecutiveSkips { get; init; } = 10;

        /// <summary>Checks every option, naming the bad one.</summary>
        /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
        public void Validate()
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(Steps, 1, nameof(Steps));
            ArgumentOutOfRangeException.ThrowIfLessThan(ReportEvery, 1, nameof(ReportEvery));
            ArgumentOutOfRangeException.ThrowIfNegative(ValidateEvery, nameof(ValidateEvery));
            ArgumentOutOfRangeException.ThrowIfLessThan(ValidationBatches, 1, nameof(ValidationBatches));
            ArgumentOutOfRangeException.ThrowIfNegative(CheckpointEvery, nameof(CheckpointEvery));
            ArgumentOutOfRangeException.ThrowIfNegative(EarlyStoppingPatience, nameof(EarlyStoppingPatience));
            ArgumentOutOfRangeException.ThrowIfLessThan(MaxConsecutiveSkips, 1, nameof(MaxConsecutiveSkips));
            if (ClipNorm is { } clip && !(clip > 0))
            {
                throw new ArgumentOutOfRangeException(nameof(ClipNorm), clip, "ClipNorm must be positive (or null for no clipping).");
            }

            if (Resume && CheckpointPath is null)
            {
                throw new ArgumentException("Resume needs a CheckpointPath to resume from.", nameof(Resume));
            }
        }
    }
}
