using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Threading;

namespace RnnGen.Threading
{
    /// <summary>
    /// Work split by rows that runs in steps: step t's <see cref="Run"/> of one range reads what every range wrote in
    /// step t - 1 and writes only its own rows.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IStepRange
    {
        /// <summary>Computes step <paramref name="step"/> of rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).</summary>
        void Run(int step, int start, int count);
    }

    public static partial class RowParallel
    {
        private static readonly Lockstep _lockstep = new();

        /// <summary>
        /// Runs <paramref name="steps"/> steps of <paramref name="work"/> over <paramref name="rows"/> rows, each step's
        /// rows in the same ranges as <see cref="For(IRowRange, int, int)"/>, every range of step t finished before
        /// any range of step t + 1 begins: one call for a whole time loop, where a call per step would hand every step
        /// to the workers and wait for it to come back.
        /// </summary>
        /// <remarks>
        /// Each thread keeps its own range from step to step and waits only for the other ranges' "step done" words,
        /// so a step costs one trip of a cache line between cores, not the three of a call (publish, claim, finish).
        /// A range whose thread has not joined the call (a sleeping worker), or has not claimed the step 20 µs after
        /// the others finished (a preempted one), is claimed and run by whichever thread gets to it first, so no
        /// thread waits for a worker that has not begun.
        /// </remarks>
        /// <param name="work">The steps' work.</param>
        /// <param name="steps">How many steps.</param>
        /// <param name="rows">How many rows each step has.</param>
        /// <param name="minRowsPerThread">The fewest rows worth a thread.</param>
        public static void ForSteps(IStepRange work, int steps, int rows, int minRowsPerThread)
        {
            ArgumentNullException.ThrowIfNull(work);
            ArgumentOutOfRangeException.ThrowIfNegative(steps);
            var threads = ThreadsFor(rows, minRowsPerThread);
            if (threads <= 1 || steps == 0 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
            {
                for (var t = 0; t < steps; t++)
                {
                    work.Run(t, 0, rows);
                }

                return;
            }

            try
            {
                var workers = EnsureWorkers(threads - 1);
                _lockstep.Begin(work, steps, rows, threads);
                _call.Publish(_lockstep, threads, threads); // range i of the call is thread i's part of every step
                for (var i = 1; i < threads; i++)
                {
                    workers[i - 1].Wake();
                }

                _call.RunRanges(0);
                _call.WaitForRanges();
                var stepFailure = _lockstep.End(); // ends the loop's call either way
                var failure = _call.TakeFailure() ?? stepFailure; // the call's own would be a fault of the loop itself
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

        /// <summary>One range's words, each on its own cache line: the owner's claim, its presence, its progress.</summary>
        [StructLayout(LayoutKind.Explicit, Size = 256)]
        private struct StepSlot
        {
            /// <summary>The last step of this range that some thread claimed (-1: none). Only the owner touches it, unless it falls behind.</summary>
            [FieldOffset(64)]
            public int Claimed;

            /// <summary>1 once the range's own thread has joined the call.</summary>
            [FieldOffset(128)]
            public int Present;

            /// <summary>Steps of this range finished: the word the other threads wait on.</summary>
            [FieldOffset(192)]
            public int Done;
        }

        /// <summary>The step loop of a <see cref="ForSteps"/> call, run by each thread as the call's range of its index.</summary>
        private sealed class Lockstep : IRowRange
        {
            /// <summary>How long a thread waits for a present range's step before taking it over: 20 µs.</summary>
            private static readonly long GraceTicks = Stopwatch.Frequency / 50_000;

            private readonly StepSlot[] _slots = new StepSlot[Call.MaxRanges];
            private IStepRange? _work;
            private int _steps;
            private int _rows;
            private int _ranges;
            private Exception? _failure;

            public void Begin(IStepRange work, int steps, int rows, int ranges)
            {
                _work = work;
                _steps = steps;
                _rows = rows;
                _ranges = ranges;
                _failure = null;
                for (var r = 0; r < ranges; r++)
                {
                    _slots[r].Claimed = -1;
                    _slots[r].Present = 0;
                    _slots[r].Done = 0;
                }
            }

            /// <summary>Ends the call: its first failure, if any.</summary>
            public Exception? End()
            {
                var failure = _failure;
                _failure = null;
                _work = null;
                return failure;
            }

            /// <summary>The call's range <paramref name="start"/> (one per thread): that thread's part of every step.</summary>
            public void Run(int start, int count)
            {
                for (var own = start; own < start + count; own++)
                {
                    RunSteps(own);
                }
            }

            private void RunSteps(int own)
            {
                Volatile.Write(ref _slots[own].Present, 1);
                for (var t = 0; t < _steps; t++)
                {
                    if (Interlocked.CompareExchange(ref _slots[own].Claimed, t, t - 1) == t - 1)
                    {
                        RunRange(own, t);
                    }

                    // Every range, this thread's own included (it may have been taken over), before step t + 1.
                    for (var range = 0; range < _ranges; range++)
                    {
                        WaitOrTakeOver(range, t);
                    }
                }
            }

            private void RunRange(int range, int t)
            {
                var (start, count) = Piece(_rows, _ranges, range);
                if (Volatile.Read(ref _failure) is null)
                {
                    try
                    {
                        _work!.Run(t, start, count);
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref _failure, e, null); // later steps are skipped, so the call ends soon
                    }
                }

                Volatile.Write(ref _slots[range].Done, t + 1);
            }

            /// <summary>Returns once step <paramref name="t"/> of <paramref name="range"/> is done, running it here if its thread is missing.</summary>
            private void WaitOrTakeOver(int range, int t)
            {
                ref var slot = ref _slots[range];
                if (Volatile.Read(ref slot.Done) > t)
                {
                    return;
                }

                // A present thread is most likely a cache-line trip behind: spin without yielding for a while, and
                // without reading its claim word, which would cost it a trip on its next claim.
                if (Volatile.Read(ref slot.Present) != 0)
                {
                    var since = Stopwatch.GetTimestamp();
                    for (var n = 1; Volatile.Read(ref slot.Done) <= t; n++)
                    {
                        Pause();
                        if ((n & 63) == 0 && Stopwatch.GetTimestamp() - since > GraceTicks)
                        {
                            break;
                        }
                    }
                }

                if (Volatile.Read(ref slot.Done) <= t && Volatile.Read(ref slot.Claimed) == t - 1
                    && Interlocked.CompareExchange(ref slot.Claimed, t, t - 1) == t - 1)
                {
                    RunRange(range, t);
                    return;
                }

                var spin = new SpinWait(); // claimed and running elsewhere, perhaps on a preempted thread: yield now and then
                while (Volatile.Read(ref slot.Done) <= t)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }
            }

            private static void Pause()
            {
                if (X86Base.IsSupported)
                {
                    X86Base.Pause();
                }
                else
                {
                    Thread.SpinWait(1);
                }
            }
        }
    }
}
