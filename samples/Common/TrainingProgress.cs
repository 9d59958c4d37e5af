using System;
using Spectre.Console;

namespace RnnGen.Samples.Common
{
    /// <summary>Runs a training loop under a live Spectre.Console progress bar, or with a plain line every N steps.</summary>
    public static class TrainingProgress
    {
        /// <summary>Runs <paramref name="train"/>, giving it the progress display that suits the console.</summary>
        /// <typeparam name="TStatus">The sample's training status.</typeparam>
        /// <param name="steps">The steps planned.</param>
        /// <param name="logEvery">Steps between plain lines when the output is not a terminal.</param>
        /// <param name="describe">
        /// The live bar's description of a status (plain text): short, as it shares the line with the bar and the ETA.
        /// </param>
        /// <param name="logLine">The plain line written for a status when the output is not a terminal.</param>
        /// <param name="train">The training loop.</param>
        public static void Run<TStatus>(
            int steps,
            int logEvery,
            Func<TStatus, string> describe,
            Func<TStatus, string> logLine,
            Action<ITrainingProgress<TStatus>> train)
            where TStatus : ITrainingStatus
        {
            ArgumentNullException.ThrowIfNull(describe);
            ArgumentNullException.ThrowIfNull(logLine);
            ArgumentNullException.ThrowIfNull(train);
            if (!ConsoleUi.Interactive)
            {
                train(new PlainProgress<TStatus>(logEvery, logLine));
                return;
            }

            AnsiConsole.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(
                    new TaskDescriptionColumn { Alignment = Justify.Left },
                    new ProgressBarColumn { Width = 20 },
                    new PercentageColumn(),
                    new RemainingTimeColumn(),
                    new SpinnerColumn())
                .Start(context =>
                {
                    // At least 1, so a zero-step run does not give Spectre an empty range.
                    var task = context.AddTask("training", maxValue: Math.Max(steps, 1));
                    train(new LiveProgress<TStatus>(task, describe));
                });
        }
    }
}
