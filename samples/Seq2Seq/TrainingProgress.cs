using System;
using Spectre.Console;

namespace RnnGen.Samples.Seq2Seq
{
    /// <summary>Where the training loop is, for progress displays.</summary>
    /// <param name="Done">Steps taken.</param>
    /// <param name="Total">Steps planned.</param>
    /// <param name="Loss">Mean training loss (nats per output character) over the steps since the last report.</param>
    /// <param name="LearningRate">The learning rate of the last step.</param>
    /// <param name="ExamplesPerSecond">Training throughput so far (dates per second, evaluation excluded).</param>
    /// <param name="Elapsed">Wall time since training started.</param>
    public readonly record struct TrainingStatus(int Done, int Total, double Loss, float LearningRate, double ExamplesPerSecond, TimeSpan Elapsed)
    {
        /// <summary>The remaining time at the current pace.</summary>
        public TimeSpan Remaining => Done == 0 ? TimeSpan.Zero : Elapsed * ((double)(Total - Done) / Done);
    }

    /// <summary>Receives the training loop's progress.</summary>
    public interface ITrainingProgress
    {
        /// <summary>How often (in steps) the loop should call <see cref="Update"/>.</summary>
        int UpdateEvery { get; }

        /// <summary>Shows the current status.</summary>
        /// <param name="status">The status.</param>
        void Update(TrainingStatus status);

        /// <summary>Writes a line (e.g. a validation score) without disturbing the progress display.</summary>
        /// <param name="text">Plain text.</param>
        void WriteLine(string text);
    }

    /// <summary>Runs a training loop under a live Spectre.Console progress bar, or with a plain line every N steps.</summary>
    public static class TrainingProgress
    {
        /// <summary>Runs <paramref name="train"/>, giving it the progress display that suits the console.</summary>
        /// <param name="steps">The steps planned.</param>
        /// <param name="logEvery">Steps between plain lines when the output is not a terminal.</param>
        /// <param name="train">The training loop.</param>
        public static void Run(int steps, int logEvery, Action<ITrainingProgress> train)
        {
            ArgumentNullException.ThrowIfNull(train);
            if (!ConsoleUi.Interactive)
            {
                train(new PlainProgress(logEvery));
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
                    var task = context.AddTask("training", maxValue: Math.Max(steps, 1));
                    train(new LiveProgress(task));
                });
        }

        private sealed class LiveProgress(ProgressTask task) : ITrainingProgress
        {
            public int UpdateEvery => 10;

            public void Update(TrainingStatus status)
            {
                // Short enough for an 80-column terminal next to the bar and the ETA.
                task.Description = Markup.Escape($"step {status.Done,5:N0}  loss {status.Loss:F4}  {status.ExamplesPerSecond,5:N0} dates/s");
                task.Value = status.Done;
            }

            public void WriteLine(string text) => AnsiConsole.MarkupLine(Markup.Escape(text));
        }

        private sealed class PlainProgress(int every) : ITrainingProgress
        {
            public int UpdateEvery => Math.Max(every, 1);

            public void Update(TrainingStatus status) =>
                Console.Out.WriteLine($"step {status.Done,5:N0}/{status.Total:N0}  loss {status.Loss:F4}  lr {status.LearningRate:0.0e+0}  {status.ExamplesPerSecond,5:N0} dates/s  [{status.Elapsed:m\\:ss} elapsed, ETA {status.Remaining:m\\:ss}]");

            public void WriteLine(string text) => Console.Out.WriteLine(text);
        }
    }
}
