using System;

namespace RnnGen.Samples.Common
{
    /// <summary>Progress when the output is redirected: one plain line every N steps, so a log stays readable.</summary>
    /// <typeparam name="TStatus">The sample's training status.</typeparam>
    /// <param name="every">Steps between lines.</param>
    /// <param name="logLine">The sample's line for a status.</param>
    internal sealed class PlainProgress<TStatus>(int every, Func<TStatus, string> logLine) : ITrainingProgress<TStatus>
        where TStatus : ITrainingStatus
    {
        public int UpdateEvery => Math.Max(every, 1);

        public void Update(TStatus status) => Console.Out.WriteLine(logLine(status));

        public void WriteLine(string text) => Console.Out.WriteLine(text);
    }
}
