using System;
using System.Collections.Generic;
using System.Threading;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Robustness;
using RnnGen.Threading;
using Xunit;

namespace RnnGen.Runtime.Tests.Threading
{
    /// <summary>
    /// RowParallel's contract: every row exactly once, in the same ranges for a given thread count, on at most
    /// MaxThreads threads, nothing allocated per call, and a caller that never waits for a worker that has not started
    /// (it runs that worker's range itself).
    /// </summary>
    [Collection(nameof(SerialTestCollection))] // RowParallel.MaxThreads is process-wide
    public sealed class RowParallelTests
    {
        [Fact]
        public void Every_row_runs_exactly_once_in_an_even_split_for_any_thread_count()
        {
            using var cap = ThreadCap.Set(RowParallel.MaxThreads);
            foreach (var threads in new[] { 1, 2, 3, 5 })
            {
                RowParallel.MaxThreads = threads;
                foreach (var rows in new[] { 1, 2, 7, 32, 65 })
                {
                    for (var round = 0; round < 50; round++)
                    {
                        var work = new Recording(rows, jitter: round % 3 == 0);
                        RowParallel.For(work, rows, 1);
                        Assert.All(work.Seen, seen => Assert.Equal(1, seen));

                        // The ranges are the even split into one piece per thread, whoever ran them.
                        var pieces = Math.Min(threads, rows);
                        var expected = new List<(int, int)>();
                        for (var i = 0; i < pieces; i++)
                        {
                            var start = (i * (rows / pieces)) + Math.Min(i, rows % pieces);
                            expected.Add((start, (rows / pieces) + (i < rows % pieces ? 1 : 0)));
                        }

                        var ranges = work.Ranges();
                        ranges.Sort();
                        Assert.Equal(expected, ranges);
                    }
                }
            }
        }

        [Fact]
        public void Back_to_back_calls_with_different_range_counts_each_run_every_row_once_and_return()
        {
            // A worker that read an ended call's claim word and then the next call's larger range count once claimed a
            // range of the ended call and finished one range too many, so a later call waited forever. Seven workers on
            // this machine's cores are preempted often enough that this loop hit it within seconds.
            using var cap = ThreadCap.Set(8);
            var work = new EveryRowOnce();
            string? failure = null;
            var loop = new Thread(() =>
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                for (var call = 0; failure is null && clock.ElapsedMilliseconds < 3000; call++)
                {
                    var rows = (call % 3) switch { 0 => 2, 1 => 8, _ => 5 };
                    work.Begin(rows);
                    RowParallel.For(work, rows, 1);
                    failure = work.End(call);
                }
            }) { IsBackground = true }; // left spinning if the bug is back, so that the assertion below can report it
            loop.Start();
            Assert.True(loop.Join(TimeSpan.FromSeconds(60)), "a call never returned");
            Assert.Null(failure);
        }

        [Fact]
        public void A_lower_cap_keeps_workers_started_under_a_higher_one_out()
        {
            using var cap = ThreadCap.Set(4);
            RowParallel.For(new Recording(64, jitter: false), 64, 1); // starts three workers
            RowParallel.MaxThreads = 2;
            for (var round = 0; round < 200; round++)
            {
                var work = new Recording(64, jitter: true);
                RowParallel.For(work, 64, 1);
                Assert.Equal(2, work.Ranges().Count);
                Assert.True(work.Threads() <= 2, $"round {round}: {work.Threads()} threads ran a call capped at 2");
            }
        }

        [Fact]
        public void The_caller_runs_a_sleeping_workers_range_instead_of_waiting_for_it_to_wake()
        {
            // After a pause the worker sleeps; with one row per range the caller is free again long before the worker
            // can wake, so it should claim the worker's range. The old scheme (each range bound to its thread) never did.
            using var cap = ThreadCap.Set(2);
            var caller = Environment.CurrentManagedThreadId;
            var takenOver = 0;
            for (var attempt = 0; attempt < 40 && takenOver == 0; attempt++)
            {
                Thread.Sleep(40); // longer than the workers' spin, so they go to sleep
                var work = new Recording(2, jitter: false);
                RowParallel.For(work, 2, 1);
                Assert.All(work.Seen, seen => Assert.Equal(1, seen));
                takenOver += work.RanOn(1) == caller ? 1 : 0;
            }

            Assert.True(takenOver > 0, "in 40 calls after a pause the caller never ran the sleeping worker's range");
        }

        [Fact]
        public void Calls_allocate_nothing_on_any_thread()
        {
            using var cap = ThreadCap.Set(2);
            var work = new Counting();
            for (var i = 0; i < 100; i++)
            {
                RowParallel.For(work, 64, 8);
            }

            var least = long.MaxValue;
            var attempts = 0;
            for (; attempts < 20 && least != 0; attempts++)
            {
                var before = GC.GetTotalAllocatedBytes(precise: true);
                for (var i = 0; i < 100; i++)
                {
                    RowParallel.For(work, 64, 8);
                }

                least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
            }

            Assert.Equal(0, least);
            Assert.Equal(64L * 100 * (1 + attempts), work.Total); // every call ran all its rows
        }

        [Fact]
        public void A_brief_call_after_a_pause_runs_on_the_caller_without_waking_the_workers()
        {
            using var cap = ThreadCap.Set(2);
            var caller = Environment.CurrentManagedThreadId;
            var alone = 0;
            for (var attempt = 0; attempt < 60 && alone == 0; attempt++)
            {
                // Longer than the 100 µs that makes brief calls back to back, and in all (up to 6 s) than the workers'
                // spin even on a loaded machine, where each of its yields can give the core away for a time slice.
                Thread.Sleep(100);
                var work = new Recording(2, jitter: false);
                RowParallel.For(work, 2, 1, brief: true);
                Assert.All(work.Seen, seen => Assert.Equal(1, seen));
                alone += work.Ranges().Count == 1 && work.RanOn(0) == caller ? 1 : 0;
            }

            // A worker still spinning may take part (that costs nothing); one asleep is never woken. Plain calls
            // always split, so this fails without the brief path.
            Assert.True(alone > 0, "after 60 pauses of 100 ms, no brief call ran on the caller alone");
        }

        [Fact]
        public void Brief_calls_back_to_back_bring_the_workers_in()
        {
            using var cap = ThreadCap.Set(2);
            var caller = Environment.CurrentManagedThreadId;
            Thread.Sleep(100);
            var helped = false;
            for (var call = 0; call < 2000 && !helped; call++)
            {
                var work = new SlowFirstRange();
                RowParallel.For(work, 2, 1, brief: true);
                Assert.Equal(2, work.Rows);
                helped = work.SecondRangeThread != 0 && work.SecondRangeThread != caller;
            }

            Assert.True(helped, "in 2000 brief calls back to back no worker ran a range");
        }

        /// <summary>Range 0 spins a while, so a woken worker has time to claim range 1.</summary>
        private sealed class SlowFirstRange : IRowRange
        {
            private int _rows;

            public int Rows => Volatile.Read(ref _rows);

            public int SecondRangeThread { get; private set; }

            public void Run(int start, int count)
            {
                if (start == 0)
                {
                    Thread.SpinWait(5000);
                }

                if (start + count > 1)
                {
                    SecondRangeThread = Environment.CurrentManagedThreadId;
                }

                Interlocked.Add(ref _rows, count);
            }
        }

        /// <summary>Records each range and the thread that ran it.</summary>
        private sealed class Recording(int rows, bool jitter) : IRowRange
        {
            private readonly object _gate = new();
            private readonly List<(int Start, int Count, int Thread)> _runs = [];

            public int[] Seen { get; } = new int[rows];

            public void Run(int start, int count)
            {
                if (jitter && start % 2 == 1)
                {
                    Thread.SpinWait(200 * count);
                }

                lock (_gate)
                {
                    _runs.Add((start, count, Environment.CurrentManagedThreadId));
                    for (var i = start; i < start + count; i++)
                    {
                        Seen[i]++;
                    }
                }
            }

            public List<(int, int)> Ranges() => _runs.ConvertAll(r => (r.Start, r.Count));

            public int Threads() => new HashSet<int>(_runs.ConvertAll(r => r.Thread)).Count;

            public int RanOn(int start) => _runs.Find(r => r.Start == start).Thread;
        }

        /// <summary>Counts each row's runs in a call and any run outside a call or beyond its rows.</summary>
        private sealed class EveryRowOnce : IRowRange
        {
            private readonly int[] _seen = new int[8];
            private volatile bool _live;
            private int _rows;
            private int _strays;

            public void Begin(int rows)
            {
                _rows = rows;
                Array.Clear(_seen);
                _live = true;
            }

            /// <summary>Ends the call: null, or what went wrong in it.</summary>
            public string? End(int call)
            {
                _live = false;
                var strays = Interlocked.Exchange(ref _strays, 0);
                for (var i = 0; i < _seen.Length; i++)
                {
                    if (_seen[i] != (i < _rows ? 1 : 0))
                    {
                        return $"call {call} ({_rows} rows): runs per row {string.Join(",", _seen)}";
                    }
                }

                return strays == 0 ? null : $"call {call}: {strays} ranges ran outside their call";
            }

            public void Run(int start, int count)
            {
                if (!_live || start + count > _rows)
                {
                    Interlocked.Increment(ref _strays);
                }

                for (var i = start; i < Math.Min(start + count, _seen.Length); i++)
                {
                    Interlocked.Increment(ref _seen[i]);
                }

                Thread.SpinWait(20); // long enough for the call's other threads to be mid-claim
            }
        }

        private sealed class Counting : IRowRange
        {
            private long _total;

            public long Total => Interlocked.Read(ref _total);

            public void Run(int start, int count) => Interlocked.Add(ref _total, count);
        }
    }
}
