using System;
using System.ComponentModel;
using System.Diagnostics;
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
    /// <remarks>
    /// A call's rows are cut into one contiguous range per thread, and each range is claimed by whichever thread gets
    /// to it first: thread i tries range i first (so a layer split the same way every step keeps its weights in the
    /// same core's cache), then takes the ranges still unclaimed, last first. A worker that wakes late (after
    /// sleeping, or while another process holds its core) therefore costs at most its range run by the caller: the
    /// caller never waits for a range nobody has begun. (Cutting the rows finer, four ranges per thread, measured 3-8 %
    /// slower in back-to-back calls, so it is one range per thread.)
    /// </remarks>
    /// <example>
    /// Leave cores to the host, e.g. a game's render thread:
    /// <code>RnnGen.Threading.RowParallel.MaxThreads = 1; // batched work stays on the calling thread</code>
    /// </example>
    public static partial class RowParallel
    {
        /// <summary>How soon after the last call a brief call counts as back to back: 100 µs.</summary>
        private static readonly long BackToBackTicks = Stopwatch.Frequency / 10_000;

        private static int _busy; // 1 while a call holds the workers (a compare-exchange: a contended Monitor can allocate)
        private static long _lastBriefEnd; // Stopwatch timestamp at which the last brief call ended
        private static Worker[] _workers = Array.Empty<Worker>();
        private static int _maxThreads = Environment.ProcessorCount;
        private static readonly Call _call = new();

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
        /// <paramref name="minRowsPerThread"/>, one per thread; the caller takes the first, and any range no worker has
        /// started by the time the caller is free. When another call holds the workers, everything runs on the caller.
        /// </summary>
        public static void For(IRowRange work, int rows, int minRowsPerThread) => For(work, rows, minRowsPerThread, brief: false);

        /// <summary>
        /// <see cref="For(IRowRange, int, int)"/> for work of a few microseconds, such as one stream's step: waking a
        /// sleeping worker costs more than such a call can save (tens of microseconds on a VM), so when a worker it
        /// needs is asleep the call runs on the caller alone, unless the previous brief call ended less than 100 µs
        /// before (a streaming loop), which then wakes the workers for the calls that follow.
        /// </summary>
        /// <param name="work">The rows' work.</param>
        /// <param name="rows">How many rows.</param>
        /// <param name="minRowsPerThread">The fewest rows worth a thread.</param>
        /// <param name="brief">Whether the call is brief in the sense above; false is <see cref="For(IRowRange, int, int)"/>.</param>
        public static void For(IRowRange work, int rows, int minRowsPerThread, bool brief)
        {
            ArgumentNullException.ThrowIfNull(work);
            var threads = ThreadsFor(rows, minRowsPerThread);
            if (threads <= 1 || (brief && !WorthWaking(threads - 1)) || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
            {
                work.Run(0, rows);
                if (brief)
                {
                    Volatile.Write(ref _lastBriefEnd, Stopwatch.GetTimestamp());
                }

                return;
            }

            try
            {
                var workers = EnsureWorkers(threads - 1);
                _call.Publish(work, rows, threads);
                for (var i = 1; i < threads; i++)
                {
                    workers[i - 1].Wake();
                }

                _call.RunRanges(0);
                _call.WaitForRanges();
                var failure = _call.TakeFailure();
                if (failure is not null)
                {
                    ExceptionDispatchInfo.Throw(failure);
                }
            }
            finally
            {
                if (brief)
                {
                    Volatile.Write(ref _lastBriefEnd, Stopwatch.GetTimestamp());
                }

                Volatile.Write(ref _busy, 0);
            }
        }

        /// <summary>Threads for <paramref name="rows"/> rows: one per <paramref name="minRowsPerThread"/> rows, at most <see cref="MaxThreads"/> and one per range.</summary>
        private static int ThreadsFor(int rows, int minRowsPerThread) =>
            Math.Min(Math.Min(MaxThreads, Call.MaxRanges), Math.Max(1, rows / Math.Max(1, minRowsPerThread)));

        /// <summary>Piece <paramref name="range"/> of <paramref name="rows"/> rows cut evenly into <paramref name="ranges"/>: the first rows % ranges pieces get one row more.</summary>
        private static (int Start, int Count) Piece(int rows, int ranges, int range)
        {
            var chunk = rows / ranges;
            var extra = rows % ranges;
            return ((range * chunk) + Math.Min(range, extra), chunk + (range < extra ? 1 : 0));
        }

        /// <summary>Whether a brief call should use the first <paramref name="count"/> workers: all are awake, or the calls come back to back.</summary>
        private static bool WorthWaking(int count)
        {
            var workers = Volatile.Read(ref _workers);
            var awake = workers.Length >= count;
            for (var i = 0; awake && i < count; i++)
            {
                awake = !workers[i].Asleep;
            }

            return awake || Stopwatch.GetTimestamp() - Volatile.Read(ref _lastBriefEnd) < BackToBackTicks;
        }

        private static Worker[] EnsureWorkers(int count)
        {
            if (_workers.Length < count)
            {
                var workers = new Worker[count];
                Array.Copy(_workers, workers, _workers.Length);
                for (var i = _workers.Length; i < count; i++)
                {
                    workers[i] = new Worker(i + 1, _call);
                }

                _workers = workers;
            }

            return _workers;
        }

        /// <summary>
        /// The call in progress: its work, its ranges and one word that says which ranges are claimed, tagged with the
        /// call's number so that a worker holding a stale view of an earlier call can never claim anything.
        /// </summary>
        private sealed class Call
        {
            /// <summary>Ranges per call: one bit each in the claim word's low half.</summary>
            public const int MaxRanges = 32;

            private IRowRange? _work;
            private int _rows;
            private int _ranges;
            private long _claims; // (call number << 32) | bit per claimed range
            private int _unfinished; // ranges claimed or not, not yet finished
            private Exception? _failure;

            /// <summary>The current call's number: workers compare it with the last one they served.</summary>
            public int Number => (int)(Volatile.Read(ref _claims) >> 32);

            /// <summary>Starts a call: the fields first, then the claim word that makes them visible.</summary>
            public void Publish(IRowRange work, int rows, int ranges)
            {
                _work = work;
                _rows = rows;
                _ranges = ranges;
                _failure = null;
                Volatile.Write(ref _unfinished, ranges);
                Volatile.Write(ref _claims, ((long)(Number + 1) << 32) | BeyondRanges(ranges));
            }

            /// <summary>
            /// The bits of the ranges a call of <paramref name="ranges"/> ranges does not have, set from the start so
            /// that no claim word ever has a free bit its call cannot finish. Without them a worker that read an ended
            /// call's word, then the next call's larger range count, could claim a range of the ended call, run rows
            /// that a live call also runs and finish one range too many, leaving the next call waiting forever.
            /// </summary>
            private static long BeyondRanges(int ranges) => (-1L << ranges) & uint.MaxValue; // a long shift: 32 ranges leave none

            /// <summary>Runs range <paramref name="first"/> if still unclaimed, then every other unclaimed range, last first.</summary>
            public void RunRanges(int first)
            {
                var claims = Volatile.Read(ref _claims);
                var number = claims >> 32;
                var work = _work;
                var rows = _rows;
                var ranges = _ranges;
                if (first >= ranges)
                {
                    return; // a worker beyond this call's thread count (MaxThreads was higher before) stays out
                }

                for (var n = 0; n < ranges; n++)
                {
                    var range = n == 0 ? first : ranges - n <= first ? ranges - n - 1 : ranges - n; // first, then the rest from the back
                    if (!TryClaim(ref claims, range))
                    {
                        if ((claims >> 32) != number)
                        {
                            return; // the call is over
                        }

                        continue;
                    }

                    // The claim succeeded, so this call was still running (an ended call's word has no free bit, not
                    // even beyond its ranges: BeyondRanges), the fields read above are its own, and it cannot end
                    // before this range is finished.
                    Run(work!, rows, ranges, range);
                }
            }

            /// <summary>Sets <paramref name="range"/>'s bit if this call still has it free; <paramref name="claims"/> is the last word seen.</summary>
            private bool TryClaim(ref long claims, int range)
            {
                var number = claims >> 32;
                var bit = 1L << range;
                while ((claims >> 32) == number && (claims & bit) == 0)
                {
                    var seen = Interlocked.CompareExchange(ref _claims, claims | bit, claims);
                    if (seen == claims)
                    {
                        claims |= bit;
                        return true;
                    }

                    claims = seen;
                }

                return false;
            }

            /// <summary>Spins until every range of the call is finished: each was claimed and is being run by someone.</summary>
            public void WaitForRanges()
            {
                var spin = new SpinWait();
                while (Volatile.Read(ref _unfinished) != 0)
                {
                    spin.SpinOnce(-1);
                }
            }

            public Exception? TakeFailure()
            {
                var failure = _failure;
                _failure = null;
                _work = null;
                return failure;
            }

            private void Run(IRowRange work, int rows, int ranges, int range)
            {
                var (start, count) = Piece(rows, ranges, range);
                try
                {
                    work.Run(start, count);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _failure, e, null);
                }

                Interlocked.Decrement(ref _unfinished);
            }
        }

        /// <summary>One background thread that joins each call, trying its own range first.</summary>
        private sealed class Worker
        {
            private const int SpinsBeforeSleep = 4000; // a few milliseconds of pauses and yields


            private readonly ManualResetEventSlim _wake = new(false, 0);
            private readonly Call _call;
            private readonly int _index;

            public Worker(int index, Call call)
            {
                _index = index;
                _call = call;
                var thread = new Thread(Loop) { IsBackground = true, Name = "RnnGen row worker " + index };
                thread.Start();
            }

            private volatile bool _asleep;

            /// <summary>Whether the worker sleeps on its event (waking it takes a system call, and on a VM tens of microseconds).</summary>
            public bool Asleep => _asleep;

            public void Wake() => _wake.Set();

            private void Loop()
            {
                var served = 0;
                while (true)
                {
                    // Spin a little for the next call (batched steps come back to back), then sleep. The spin yields
                    // its core every few rounds: after a pause the scheduler may have woken this worker on the
                    // caller's core, where a spin that never yields would halve the caller's speed.
                    var spin = new SpinWait();
                    while (_call.Number == served)
                    {
                        if (spin.Count < SpinsBeforeSleep)
                        {
                            spin.SpinOnce(sleep1Threshold: -1);
                        }
                        else
                        {
                            _asleep = true;
                            _wake.Wait();
                            _asleep = false;
                            _wake.Reset();
                            spin.Reset();
                        }
                    }

                    served = _call.Number;
                    _call.RunRanges(_index);
                }
            }
        }
    }
}
