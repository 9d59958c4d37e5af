using System;

namespace RnnGen.Runtime.Tests.Helpers
{
    /// <summary>Measures what a round of calls allocates on this thread once the runtime has settled.</summary>
    internal static class Allocations
    {
        /// <summary>
        /// Runs <paramref name="round"/> until one run allocates nothing (at most 30 tries), then measures it up to
        /// three more times and returns the least any of those allocated.
        /// </summary>
        /// <remarks>
        /// Why warm up until quiet: while the tiered JIT is still at work, on-stack replacement and tier-1 compiles
        /// can run on the calling thread and intern string literals or load types there, which this thread's
        /// counter sees once (seen under load: 2-4 KB in one round out of thousands). One-time work can also land in
        /// the measured round itself: when parallel tests hold RnnGen's row workers during the warm-up, every warm-up
        /// round runs on the caller and allocates nothing, and the first round that gets the workers creates them
        /// (a Worker, its thread and event: about 3 KB, seen twice in CI runs on a loaded machine). Hence the least of
        /// three measured rounds. A real per-call allocation is in every round, so the least of them still catches it.
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

            var least = long.MaxValue;
            for (var measurement = 0; measurement < 3 && least != 0; measurement++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                round();
                least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            }

            return least;
        }
    }
}
