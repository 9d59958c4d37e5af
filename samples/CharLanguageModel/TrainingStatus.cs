using System;
using RnnGen.Samples.Common;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>Where the training loop is, for progress displays.</summary>
    /// <param name="Step">The optimiser steps taken so far (all runs together).</param>
    /// <param name="Done">Steps taken in this run.</param>
    /// <param name="Total">Steps planned for this run.</param>
    /// <param name="Loss">Mean training loss (nats per character) over the steps since the last report.</param>
    /// <param name="LearningRate">The learning rate of the last step.</param>
    /// <param name="TokensPerSecond">Training throughput so far in this run (characters per second, evaluation excluded).</param>
    /// <param name="Elapsed">Wall time since the run started.</param>
    public readonly record struct TrainingStatus(long Step, int Done, int Total, double Loss, float LearningRate, double TokensPerSecond, TimeSpan Elapsed)
        : ITrainingStatus
    {
        /// <summary>The remaining time at the current pace.</summary>
        public TimeSpan Remaining => Done == 0 ? TimeSpan.Zero : Elapsed * ((double)(Total - Done) / Done);

        /// <summary>The loss in bits per character.</summary>
        public double BitsPerCharacter => Loss / Math.Log(2);

        /// <summary>The live progress bar's description.</summary>
        /// <returns>Plain text, short enough for an 80-column terminal next to the bar and the ETA.</returns>
        public string Describe() => $"step {Step,6:N0}  loss {Loss:F3}  {TokensPerSecond,6:N0} tok/s";

        /// <summary>The progress line written when the output is not a terminal.</summary>
        /// <returns>Plain text; hours in the times, as long runs take them.</returns>
        public string LogLine() =>
            $"step {Step,6:N0}  loss {Loss:F3} ({BitsPerCharacter:F2} bpc)  lr {LearningRate:0.0e+0}  {TokensPerSecond,7:N0} tok/s"
            + $"  [{Done}/{Total}, {Elapsed:h\\:mm\\:ss} elapsed, ETA {Remaining:h\\:mm\\:ss}]";
    }
}
