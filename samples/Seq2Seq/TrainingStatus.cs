using System;
using RnnGen.Samples.Common;

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
        : ITrainingStatus
    {
        /// <summary>The remaining time at the current pace.</summary>
        public TimeSpan Remaining => Done == 0 ? TimeSpan.Zero : Elapsed * ((double)(Total - Done) / Done);

        /// <summary>The live progress bar's description.</summary>
        /// <returns>Plain text, short enough for an 80-column terminal next to the bar and the ETA.</returns>
        public string Describe() => $"step {Done,5:N0}  loss {Loss:F4}  {ExamplesPerSecond,5:N0} dates/s";

        /// <summary>The progress line written when the output is not a terminal.</summary>
        /// <returns>Plain text; minutes in the times, as this sample trains in minutes.</returns>
        public string LogLine() =>
            $"step {Done,5:N0}/{Total:N0}  loss {Loss:F4}  lr {LearningRate:0.0e+0}  {ExamplesPerSecond,5:N0} dates/s"
            + $"  [{Elapsed:m\\:ss} elapsed, ETA {Remaining:m\\:ss}]";
    }
}
