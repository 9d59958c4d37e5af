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
    /// RowParallel.ForSteps' contract: every range of every step exactly once, in For's ranges, no range of step t + 1
    /// begun before every range of step t has finished, a missing worker's ranges run by another thread, a failure
    /// thrown to the caller, and nothing allocated per call.
    /// </summary>
    [Collection(nameof(SerialTestCollection))] // RowParallel.MaxThreads is process-wide
    public sealed class ForStepsTests
    {
        [Fact]
        public void Every_range_of_every_step_runs_once_and_no_step_starts_before_the_last_one_ended()
        {
            using var cap = ThreadCap.Set(RowParallel.MaxThreads);
            foreach (var threads in new[] { 1, 2, 3, 5 })
            {
                RowParallel.MaxThreads = threads;
                foreach (var rows in new[] { 1, 2, 7, 32 })
                {
                    for (var round = 0; round < 10; round++)
                    {
                        const int steps = 40;
                        var work = new OrderedSteps(steps, rows, jitter: round % 2 == 0);
                        RowParallel.ForSteps(work, steps, rows, 1);
                        work.AssertComplete();

                        // For's even split, whoever ran the ranges.
                        var pieces = Math.Min(threads, rows);
                        var expected = new List<(int, int)>();
                        for (var i = 0; i < pieces; i++)
                        {
                            expected.Add(((i * (rows / pieces)) + Math.Min(i, rows % pieces), (rows / pieces) + (i < rows % pieces ? 1 : 0)));
                        }

                        Assert.Equal(expected, work.RangesOfStep(steps - 1));
                    }
                }
            }
        }

        [Fact]
        public void The_caller_runs_a_sleeping_workers_steps_instead_of_waiting_for_it()
        {
            using var cap = ThreadCap.Set(2);
            var caller = Environment.CurrentManagedThreadId;
            var takenOver = false;
            for (var attempt = 0; attempt < 40 && !takenOver; attempt++)
            {
                Thread.Sleep(40); // longer than the workers' spin, so they go to sleep
                var work = new OrderedSteps(20, 2, jitter: false);
                RowParallel.ForSteps(work, 20, 2, 1);
                work.AssertComplete();
                takenOver = work.ThreadOf(step: 0, start: 1) == caller; // step 0 of the worker's range, before it woke
            }

            Assert.True(takenOver, "in 40 calls after a pause the caller never ran the sleeping worker's first step");
        }

        [Fact]
        public void A_step_that_throws_fails_the_call_and_leaves_the_workers_usable()
        {
            using var cap = ThreadCap.Set(2);
            foreach (var failingRange in new[] { 0, 1 })
            {
                var failing = new FailingStep(step: 5, start: failingRange);
                var thrown = Assert.Throws<InvalidOperationException>(() => RowParallel.ForSteps(failing, 50, 2, 1));
                Assert.Equal("step 5 failed", thrown.Message);
                Assert.Equal(5, failing.LastStep); // the steps after the failure are skipped

                var work = new OrderedSteps(30, 2, jitter: true);
                RowParallel.ForSteps(work, 30, 2, 1);
                work.AssertComplete();
            }
        }

        [Fact]
        public void Calls_allocate_nothing_on_any_thread()
        {
            using var cap = ThreadCap.Set(2);
            var work = new CountingSteps();
            for (var i = 0; i < 50; i++)
            {
                RowParallel.ForSteps(work, 20, 64, 8);
            }

            var least = long.MaxValue;
            var attempts = 0;
            for (; attempts < 20 && least != 0; attempts++)
            {
                var before = GC.GetTotalAllocatedBytes(precise: true);
                for (var i = 0; i < 50; i++)
                {
                    RowParallel.ForSteps(work, 20, 64, 8);
                }

                least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
            }

            Assert.Equal(0, least);
            Assert.Equal(64L * 20 * 50 * (1 + attempts), work.Total); // every call ran all its rows
        }

        [Fact]
        public void Bad_arguments_are_refused_and_zero_steps_run_nothing()
        {
            var work = new CountingSteps();
            Assert.Throws<ArgumentNullException>("work", () => RowParallel.ForSteps(null!, 3, 4, 1));
            Assert.Throws<ArgumentOutOfRangeException>("steps", () => RowParallel.ForSteps(work, -1, 4, 1));
            RowParallel.ForSteps(work, 0, 4, 1);
            Assert.Equal(0, work.Total);
        }

        /// <summary>
        /// Records which thread ran each (step, range), and checks on entry that every row of the step before has
        /// finished: a range begun early sees a row of the previous step still unfinished.
        /// </summary>
        private sealed class OrderedSteps(int steps, int rows, bool jitter) : IStepRange
        {
            private readonly int[,] _finished = new int[steps, rows];
            private readonly object _gate = new();
            private readonly List<(int Step, int Start, int Count, int Thread)> _runs = [];
            private int _early;

            public void Run(int step, int start, int count)
            {
                for (var row = 0; step > 0 && row < rows; row++)
                {
                    if (Volatile.Read(ref _finished[step - 1, row]) != 1)
                    {
                        Interlocked.Increment(ref _early);
                    }
                }

                if (jitter && (start + step) % 3 == 0)
                {
                    System.Threading.Thread.SpinWait(300 * count);
                }

                lock (_gate)
                {
                    _runs.Add((step, start, count, Environment.CurrentManagedThreadId));
                }

                for (var row = start; row < start + count; row++)
                {
                    Interlocked.Increment(ref _finished[step, row]);
                }
            }

            public void AssertComplete()
            {
                Assert.Equal(0, Volatile.Read(ref _early));
                for (var step = 0; step < steps; step++)
                {
                    for (var row = 0; row < rows; row++)
                    {
                        Assert.Equal(1, _finished[step, row]);
                    }
                }
            }

            public List<(int, int)> RangesOfStep(int step)
            {
                var ranges = _runs.FindAll(r => r.Step == step).ConvertAll(r => (r.Start, r.Count));
                ranges.Sort();
                return ranges;
            }

            public int ThreadOf(int step, int start) => _runs.Find(r => r.Step == step && r.Start == start).Thread;
        }

        private sealed class FailingStep(int step, int start) : IStepRange
        {
            private int _lastStep;

            public int LastStep => Volatile.Read(ref _lastStep);

            public void Run(int s, int first, int count)
            {
                Volatile.Write(ref _lastStep, Math.Max(Volatile.Read(ref _lastStep), s));
                if (s == step && first == start)
                {
                    throw new InvalidOperationException($"step {s} failed");
                }
            }
        }

        private sealed class CountingSteps : IStepRange
        {
            private long _total;

            public long Total => Interlocked.Read(ref _total);

            public void Run(int step, int start, int count) => Interlocked.Add(ref _total, count);
        }
    }
}
