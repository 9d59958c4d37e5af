using System;

namespace RnnGen.Gpu
{
    /// <summary>A one-dimensional launch: <paramref name="Blocks"/> blocks of <paramref name="ThreadsPerBlock"/> threads.</summary>
    /// <param name="Blocks">Blocks in the grid (<c>%nctaid.x</c>).</param>
    /// <param name="ThreadsPerBlock">Threads per block (<c>%ntid.x</c>), 1 to 1024.</param>
    /// <param name="DynamicSharedBytes">Bytes of <c>.extern .shared</c> memory per block.</param>
    /// <param name="Cooperative">
    /// Launch with <c>cuLaunchCooperativeKernel</c>: every block is resident at once, so a grid-wide barrier in the
    /// kernel cannot deadlock. The grid must not exceed the occupancy query times the multiprocessors.
    /// </param>
    public readonly record struct LaunchShape(int Blocks, int ThreadsPerBlock, int DynamicSharedBytes = 0, bool Cooperative = false)
    {
        /// <summary>Throws when a size is out of range.</summary>
        public void Validate()
        {
            if (Blocks < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(Blocks), Blocks, "A launch needs at least one block.");
            }

            if (ThreadsPerBlock < 1 || ThreadsPerBlock > 1024)
            {
                throw new ArgumentOutOfRangeException(nameof(ThreadsPerBlock), ThreadsPerBlock, "Threads per block must be 1 to 1024.");
            }

            if (DynamicSharedBytes < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(DynamicSharedBytes), DynamicSharedBytes, "Shared memory bytes cannot be negative.");
            }
        }
    }
}
