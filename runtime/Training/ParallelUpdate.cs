using System;
using RnnGen.Threading;

namespace RnnGen.Training
{
    /// <summary>
    /// Splits an optimiser step over a large buffer into ranges of 1024-element chunks run on several cores through
    /// <see cref="RowParallel"/>. Update rules are element-wise and range starts are multiples of every vector width,
    /// so the parameters come out bit-identical for any thread count. The spans are pinned on the calling thread,
    /// which waits for its workers; nothing is allocated (one job per thread, made once).
    /// </summary>
    internal static unsafe class ParallelUpdate
    {
        private const int Chunk = 1024;

        /// <summary>Chunks per thread at least: below ~64k parameters the fork and join cost more than they save.</summary>
        private const int MinChunksPerThread = 64;

        [ThreadStatic]
        private static Job? job;

        public static bool TryRun(Optimizer optimizer, Span<float> parameters, ReadOnlySpan<float> gradients, long step)
        {
            int chunks = (parameters.Length + Chunk - 1) / Chunk;
            if (RowParallel.MaxThreads < 2 || chunks < 2 * MinChunksPerThread)
            {
                return false;
            }

            fixed (float* p = parameters)
            fixed (float* g = gradients)
            {
                Job work = job ??= new Job();
                work.Set(optimizer, p, g, parameters.Length, step);
                try
                {
                    RowParallel.For(work, chunks, MinChunksPerThread);
                }
                finally
                {
                    work.Clear();
                }
            }

            return true;
        }

        private sealed class Job : IRowRange
        {
            private Optimizer? optimizer;
            private float* parameters;
            private float* gradients;
            private int length;
            private long step;

            public void Set(Optimizer optimizer, float* parameters, float* gradients, int length, long step)
            {
                this.optimizer = optimizer;
                this.parameters = parameters;
                this.gradients = gradients;
                this.length = length;
                this.step = step;
            }

            public void Clear()
            {
                optimizer = null;
                parameters = null;
                gradients = null;
            }

            public void Run(int start, int count)
            {
                int offset = start * Chunk;
                int end = Math.Min((start + count) * Chunk, length);
                optimizer!.UpdateRange(new Span<float>(parameters + offset, end - offset), new ReadOnlySpan<float>(gradients + offset, end - offset), step, offset);
            }
        }
    }
}
