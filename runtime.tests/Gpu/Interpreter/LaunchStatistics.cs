using System;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>What one launch on the <see cref="PtxInterpreterDevice"/> did.</summary>
    /// <param name="Kernel">The entry's name.</param>
    /// <param name="Blocks">CTAs in the grid.</param>
    /// <param name="ThreadsPerBlock">Threads per CTA.</param>
    /// <param name="Instructions">Instructions executed by all threads (guarded-off ones included).</param>
    /// <param name="BarriersCrossed">bar.sync phases completed, summed over CTAs.</param>
    /// <param name="Bursts">Scheduler decisions (runs of 1..16 instructions of one thread).</param>
    /// <param name="GlobalAccesses">Plain global loads and stores (a vector access counts once).</param>
    /// <param name="SharedAccesses">Shared loads and stores.</param>
    /// <param name="AtomicOperations">atom / red operations.</param>
    /// <param name="RaceDetection">Whether the race detector watched this launch.</param>
    /// <param name="Elapsed">Wall-clock time of the execution.</param>
    public sealed record LaunchStatistics(
        string Kernel,
        int Blocks,
        int ThreadsPerBlock,
        long Instructions,
        long BarriersCrossed,
        long Bursts,
        long GlobalAccesses,
        long SharedAccesses,
        long AtomicOperations,
        bool RaceDetection,
        TimeSpan Elapsed)
    {
        /// <summary>Instructions per second of wall-clock time.</summary>
        public double InstructionsPerSecond => Elapsed.TotalSeconds > 0 ? Instructions / Elapsed.TotalSeconds : 0;
    }
}
