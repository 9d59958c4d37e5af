using System;

namespace RnnGen.Runtime.Tests.Helpers
{
    /// <summary>Measures what a round of calls allocates on this thread once the runtime has settled.</summary>
    internal static class Allocations
    {
        /// <summary>
        /// Runs <paramref name="round"/> until one run allocates nothing (at most 30 tries), then once more, and
        /// returns what that last run allocated.
        /// </summary>
        /// <remarks>
        /// Why warm up until quiet: while the tiered JIT is still at work, on-stack replacement and tier-1 compiles
        /// can run on the calling thread and intern string literals or load types there, which this thread's
        /// counter sees once (seen under load: 2-4 KB in one round out of thousands). A real per-call allocation
        /// never settles, so the measured round still catches it.
        /// </remarks>
        public static long SteadyState(Action round)
        {
            for (var attempt = 0; attempt < 30; attempt++)
            {
                var start = GC.GetAllocatedBytesForCurrentThread();
                round();
                if (GC.GetAllocatedBytesForCurrentThread() == start)
                {
                    break;
                }
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            round();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }
}
