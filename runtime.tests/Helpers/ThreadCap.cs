using System;
using RnnGen.Threading;

namespace RnnGen.Runtime.Tests.Helpers
{
    /// <summary>Sets <see cref="RowParallel.MaxThreads"/> for a test and restores the previous cap on dispose.</summary>
    internal sealed class ThreadCap : IDisposable
    {
        private readonly int _saved = RowParallel.MaxThreads;

        private ThreadCap(int threads) => RowParallel.MaxThreads = threads;

        public static ThreadCap Set(int threads) => new(threads);

        public void Dispose() => RowParallel.MaxThreads = _saved;
    }
}
