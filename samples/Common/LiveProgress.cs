using System;
using Spectre.Console;

namespace RnnGen.Samples.Common
{
    /// <summary>Progress on a terminal: moves a Spectre.Console bar and rewrites its description.</summary>
    /// <typeparam name="TStatus">The sample's training status.</typeparam>
    /// <param name="task">The bar.</param>
    /// <param name="describe">The sample's short description of a status (plain text).</param>
    internal sealed class LiveProgress<TStatus>(ProgressTask task, Func<TStatus, string> describe) : ITrainingProgress<TStatus>
        where TStatus : ITrainingStatus
    {
        // Often enough for a smooth bar, rarely enough that redrawing costs nothing next to a step.
        public int UpdateEvery => 10;

        public void Update(TStatus status)
        {
            // The description is plain text from the sample; escaped so brackets in it are not read as markup.
            task.Description = Markup.Escape(describe(status));
            task.Value = status.Done;
        }

        public void WriteLine(string text) => AnsiConsole.MarkupLine(Markup.Escape(text));
    }
}
