using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using RnnGen.Threading;

namespace RnnGen.Benchmarks
{
    /// <summary>
    /// <c>--soak-threads [seconds]</c>: hammers <see cref="RowParallel"/> with back-to-back <c>For</c> and
    /// <c>ForSteps</c> calls of random sizes (so the range count changes from call to call) while <c>MaxThreads</c>
    /// moves between 1 and twice the core count (at least 8), and checks each call: every row (of every step) run exactly once,
    /// inside its call, no step begun before the previous one ended, and the call returning at all (a watchdog ends
    /// the process with exit code 2 when one call takes over 10 s). The unit tests run the same kind of loop for 3 s
    /// on the CI machine's cores; this is for longer runs and bigger machines. Exit code 1 when a call went wrong.
    /// </summary>
    internal static class ThreadingSoak
    {
        private const int MaxRows = 64;
        private const int MaxSteps = 6;
        private static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(10);

        public static int Run(double seconds)
        {
            var saved = RowParallel.MaxThreads;
            var maxThreads = Math.Max(8, 2 * Environment.ProcessorCount); // more threads than cores: preempted workers, the hard case
            var check = new RunCheck();
            var random = new Random(1);
            long calls = 0, failures = 0, callStarted = 0;
            var clock = Stopwatch.StartNew();
            using var watchdog = new Timer(_ =>
            {
                var started = Interlocked.Read(ref callStarted);
                if (started != 0 && Stopwatch.GetElapsedTime(started) > HangAfter)
                {
                    Console.Error.WriteLine($"soak: a call has not returned after {HangAfter.TotalSeconds:F0} s (call {Interlocked.Read(ref calls)}): hung");
                    Environment.Exit(2);
                }
            }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

            Console.WriteLine($"soak: {seconds:F0} s of RowParallel calls on {Environment.ProcessorCount} cores, MaxThreads 1..{maxThreads}");
            try
            {
                while (clock.Elapsed.TotalSeconds < seconds)
                {
                    if (random.Next(2000) == 0)
                    {
                        RowParallel.MaxThreads = random.Next(1, maxThreads + 1);
                    }

                    var count = random.Next(1, MaxRows + 1);
                    var minRows = random.Next(1, 4);
                    Interlocked.Exchange(ref callStarted, Stopwatch.GetTimestamp());
                    if (random.Next(2) == 0)
                    {
                        check.Begin(count, steps: 1); // a For call is one step
                        RowParallel.For(check, count, minRows);
                    }
                    else
                    {
                        var steps = random.Next(0, MaxSteps + 1);
                        check.Begin(count, steps);
                        RowParallel.ForSteps(check, steps, count, minRows);
                    }

                    var failure = check.End();

                    Interlocked.Exchange(ref callStarted, 0);
                    Interlocked.Increment(ref calls);
                    if (failure is not null && ++failures <= 10)
                    {
                        Console.WriteLine($"soak: call {calls} ({count} rows, MaxThreads {RowParallel.MaxThreads}): {failure}");
                    }
                }
            }
            finally
            {
                RowParallel.MaxThreads = saved;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"soak: {calls} calls in {clock.Elapsed.TotalSeconds:F1} s, {failures} wrong"));
            return failures == 0 ? 0 : 1;
        }

        /// <summary>
        /// Counts each (step, row)'s runs in one <c>ForSteps</c> call (or one <c>For</c> call, as its only step), runs
        /// outside the call or past its rows and steps, and steps begun before the last ended.
        /// </summary>
        private sealed class RunCheck : IRowRange, IStepRange
        {
            private readonly int[,] _runs = new int[MaxSteps, MaxRows];
            private volatile bool _live;
            private int _rows;
            private int _steps;
            private int _strays;
            private int _early;

            public void Begin(int rows, int steps)
            {
                _rows = rows;
                _steps = steps;
                Array.Clear(_runs);
                _live = true;
            }

            public string? End()
            {
                _live = false;
                if (Interlocked.Exchange(ref _strays, 0) != 0)
                {
                    return "a range ran outside its call, past its rows or past its steps";
                }

                if (Interlocked.Exchange(ref _early, 0) != 0)
                {
                    return "a step began before the previous one had ended";
                }

                for (var step = 0; step < MaxSteps; step++)
                {
                    for (var row = 0; row < MaxRows; row++)
                    {
                        if (_runs[step, row] != (step < _steps && row < _rows ? 1 : 0))
                        {
                            return $"step {step}, row {row} ran {_runs[step, row]} times";
                        }
                    }
                }

                return null;
            }

            public void Run(int start, int count) => Run(0, start, count);

            public void Run(int step, int start, int count)
            {
                if (!_live || start + count > _rows || step >= _steps)
                {
                    Interlocked.Increment(ref _strays);
                    return;
                }

                for (var row = 0; step > 0 && row < _rows; row++)
                {
                    if (Volatile.Read(ref _runs[step - 1, row]) != 1)
                    {
                        Interlocked.Increment(ref _early);
                    }
                }

                for (var row = start; row < start + count; row++)
                {
                    Interlocked.Increment(ref _runs[step, row]);
                }

                Thread.SpinWait(10 * count);
            }
        }
    }
}
