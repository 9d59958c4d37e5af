using System;

namespace RnnGen.Training
{
    /// <summary>What <see cref="Trainer{TInput}"/> reports to its <see cref="IProgress{T}"/>: a progress line every
    /// <see cref="TrainerOptions.ReportEvery"/> steps, and one after each validation.</summary>
    /// <param name="Kind">Why this report was made.</param>
    /// <param name="Step">The optimiser's step count (all runs together, so a resumed run continues it).</param>
    /// <param name="StepsPlanned">The step count the run trains to.</param>
    /// <param name="Loss">Mean training loss since the previous progress report.</param>
    /// <param name="GradientNorm">The last step's global gradient norm, before clipping.</param>
    /// <param name="LearningRate">The learning rate of the last step.</param>
    /// <param name="TokensPerSecond">Tokens (input steps) trained on per second of training time since the run began.</param>
    /// <param name="Elapsed">Wall time since the run began.</param>
    /// <param name="ValidationLoss">The validation loss (NaN when not validated yet).</param>
    /// <param name="BestValidationLoss">The best validation loss so far (NaN when not validated yet).</param>
    /// <param name="CheckpointSaved">Whether a checkpoint was written with this report.</param>
    public readonly record struct TrainingReport(
        TrainingReportKind Kind,
        long Step,
        long StepsPlanned,
        double Loss,
        float GradientNorm,
        float LearningRate,
        double TokensPerSecond,
        TimeSpan Elapsed,
        double ValidationLoss,
        double BestValidationLoss,
        bool CheckpointSaved);

    /// <summary>Why a <see cref="TrainingReport"/> was made.</summary>
    public enum TrainingReportKind
    {
        /// <summary>A periodic progress report.</summary>
        Progress = 0,

        /// <summary>A validation pass finished (<see cref="TrainingReport.ValidationLoss"/> is set).</summary>
        Validation = 1,
    }
}
