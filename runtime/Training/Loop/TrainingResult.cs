using System;

namespace RnnGen.Training
{
    /// <summary>What a <see cref="Trainer{TInput}.Run"/> achieved.</summary>
    /// <param name="Reason">Why the run ended.</param>
    /// <param name="StepsTaken">Optimiser steps applied in this run.</param>
    /// <param name="FinalStep">The optimiser's step count after the run (all runs together).</param>
    /// <param name="SkippedSteps">Steps skipped because the loss or gradient was not finite (the weights were left as they were).</param>
    /// <param name="LastLoss">Mean training loss of the last reporting interval (NaN if no step was taken).</param>
    /// <param name="LastValidationLoss">The last validation loss (NaN without validation).</param>
    /// <param name="BestValidationLoss">The best validation loss seen (NaN without validation).</param>
    /// <param name="TokensPerSecond">Tokens trained on per second of training time.</param>
    /// <param name="TrainingTime">Time spent in training steps (validation and checkpoints excluded).</param>
    public sealed record TrainingResult(
        TrainingStopReason Reason,
        long StepsTaken,
        long FinalStep,
        int SkippedSteps,
        double LastLoss,
        double LastValidationLoss,
        double BestValidationLoss,
        double TokensPerSecond,
        TimeSpan TrainingTime);

    /// <summary>Why a training run ended.</summary>
    public enum TrainingStopReason
    {
        /// <summary>The optimiser reached <see cref="TrainerOptions.Steps"/>.</summary>
        Completed = 0,

        /// <summary>The cancellation token was signalled (the checkpoint, if any, was still saved).</summary>
        Cancelled = 1,

        /// <summary>The validation loss did not improve for <see cref="TrainerOptions.EarlyStoppingPatience"/> validations.</summary>
        EarlyStopped = 2,

        /// <summary>The loss or gradient stayed non-finite for <see cref="TrainerOptions.MaxConsecutiveSkips"/> steps; the
        /// weights are those of the last finite step (non-finite steps are never applied).</summary>
        Diverged = 3,
    }
}
