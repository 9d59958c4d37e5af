using System;
using System.ComponentModel;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace RnnGen.Threading
{
    /// <summary>Work split by rows: <see cref="Run"/> computes rows [start, start + count) and touches no other row.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IRowRange
    {
        /// <summary>Computes rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).</summary>
        void Run(int start, int count);
    }

    /// <summary>
    /// Splits batched work by rows across the caller and dedicated worker threads: no thread pool, no allocation per
    /// call, and each row computed by exactly the same code whichever thread runs it, so results do not depend on
    /// the thread count. Workers spin briefly for the next call, then sleep.
    /// </summary>
    /// <example>
    /// Leave cores to the host, e.g. a game's render thread:
    /// <code>RnnGen.Threading.RowParallel.MaxThreads = 1; // batched work stays on the calling thread</code>
    /// </example>
    public static class RowParallel
    {
        private static int _busy; // 1 while a call holds the workers (a compare-exchange: a contended Monitor can allocate)
        private static Worker[] _workers = Array.Empty<Worker>();
        private static int _maxThreads = Environment.ProcessorCount;

        /// <summary>
        /// The most threads one batched call uses, the caller included: 1 keeps everything on the calling thread.
        /// Default: <see cref="Environment.ProcessorCount"/>.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
        public static int MaxThreads
        {
            get => Volatile.Read(ref _maxThreads);
            set
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
                Volatile.Write(ref _maxThreads, value);
            }
        }

        /// <summary>
        /// Runs <paramref name="work"/> over <paramref name="rows"/> rows in contiguous ranges of at least
        /// <paramref name="minRowsPerThread"/>, one per thread; the caller takes the first. When another call holds
        /// the workers, everything runs on the caller.
        /// </summary>
        public static void For(IRowRange work, int rows, int minRowsPerThread)
        {
            ArgumentNullException.ThrowIfNull(work);
            var threads = Math.Min(MaxThreads, Math.Max(1, rows / Math.Max(1, minRowsPerThread)));
            if (threads <= 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
            {
                work.Run(0, rows);
                return;
            }

            try
            {
                var workers = EnsureWorkers(threads - 1);
                var chunk = rows / threads;
                var extra = rows % threads;
                var first = chunk + (extra > 0 ? 1 : 0);
                var start = first;
                for (var i = 1; i < threads; i++)
                {
                    var count = chunk + (i < extra ? 1 : 0);
                    workers[i - 1].Start(work, start, count);
                    start += count;
                }

                Exception? failure = null;
                try
                {
                    work.Run(0, first);
                }
                catch (Exception e)
                {
                    failure = e;
                }

                for (var i = 1; i < threads; i++)
                {
                    failure ??= workers[i - 1].Join();
                }

                if (failure is not null)
                {
                    ExceptionDispatchInfo.Throw(failure);
                }
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
        }

        private static Worker[] EnsureWorkers(int count)
        {
            if (_workers.Length < count)
            {
                var workers = new Worker[count];
                Array.Copy(_workers, workers, _workers.Length);
                for (var i = _workers.Length; i < count; i++)
                {
                    workers[i] = new Worker(i + 1);
                }

                _workers = workers;
            }

            return _workers;
        }

        /// <summary>One background thread that runs the ranges it is given.</summary>
        private sealed class Worker
        {
            private const int Idle = 0;
            private const int Assigned = 1;
            private const int Done = 2;
            private readonly ManualResetEventSlim _wake = new(false, 0);
            private IRowRange? _work;
            private int _start;
            private int _count;
            private int _state;
            private Exception? _failure;

            public Worker(int index)
            {
                var thread = new Thread(Loop) { IsBackground = true, Name = "RnnGen row worker " + index };
                thread.Start();
            }

            public void Start(IRowRange work, int start, int count)
            {
                _work = work;
                _start = start;
                _count = count;
                _failure = null;
                Volatile.Write(ref _state, Assigned);
                _wake.Set();
            }

            /// <summary>Waits (spinning: the range is about as long as the caller's) until the range is done.</summary>
            public Exception? Join()
            {
                var spin = new SpinWait();
                while (Volatile.Read(ref _state) != Done)
                {
                    spin.SpinOnce(-1);
                }

                Volatile.Write(ref _state, Idle);
                return _failure;
            }

            private void Loop()
            {
                while (true)
                {
                    // Spin a little for the next call (batched steps come back to back), then sleep.
                    var spins = 0;
                    while (Volatile.Read(ref _state) != Assigned)
                    {
                        if (spins++ < 4000)
                        {
                            Thread.SpinWait(20);
                        }
                        else
                        {
                            _wake.Wait();
                            _wake.Reset();
                        }
                    }

                    try
                    {
                        _work!.Run(_start, _count);
                    }
                    catch (Exception e)
                    {
                        _failure = e;
                    }

                    _work = null;
                    Volatile.Write(ref _state, Done);
                }
            }
        }
    }
}
