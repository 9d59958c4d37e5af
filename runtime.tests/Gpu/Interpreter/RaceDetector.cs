using System;
using System.Collections.Generic;
using System.Numerics;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>How a memory operation touches a word, for the race detector.</summary>
    internal enum AccessKind
    {
        /// <summary>A plain (weak) load: ld.global, ld.global.cg, ld.global.nc, ld.shared.</summary>
        Read,

        /// <summary>A plain (weak) store.</summary>
        Write,

        /// <summary>ld.acquire (a strong read): never races with atomics.</summary>
        AtomicRead,

        /// <summary>atom / red: never races with atomics.</summary>
        AtomicReadModifyWrite,
    }

    /// <summary>Race-detector state of one 4-byte word (every access of the subset is 4-byte aligned, whole words).</summary>
    internal struct WordShadow
    {
        /// <summary>Thread + 1 of the last plain write (0: none).</summary>
        public int WriteThread;
        public int WriteClock;
        public int WritePc;

        /// <summary>Thread + 1 of the last read or atomic (0: none; -1: several concurrent ones, kept in a side list).</summary>
        public int ReadThread;
        public int ReadClock;
        public int ReadPc;
        public AccessKind ReadKind;

        /// <summary>Bit 1: written (plainly or atomically) during the launch; bit 2: read through ld.global.nc.</summary>
        public byte Flags;
    }

    /// <summary>The concurrent readers of one word: per thread, the clock (0: none), PC and kind of its last read.</summary>
    internal sealed class ReadSet
    {
        public ReadSet(int threads)
        {
            Clock = new int[threads];
            Pc = new int[threads];
            Kind = new AccessKind[threads];
        }

        public int[] Clock { get; }

        public int[] Pc { get; }

        public AccessKind[] Kind { get; }
    }

    /// <summary>A reported race or misuse, before the executor turns it into a message with lines and threads.</summary>
    internal sealed class RaceReport
    {
        public RaceReport(int firstThread, int firstPc, string firstKind, string secondKind, string problem)
        {
            FirstThread = firstThread;
            FirstPc = firstPc;
            FirstKind = firstKind;
            SecondKind = secondKind;
            Problem = problem;
        }

        public int FirstThread { get; }

        public int FirstPc { get; }

        public string FirstKind { get; }

        public string SecondKind { get; }

        public string Problem { get; }
    }

    /// <summary>
    /// Happens-before race detection with vector clocks (one component per thread of the grid), FastTrack style:
    /// each word remembers the epoch (thread, clock) of its last plain write and of its reads since then (one epoch,
    /// or a list when several are concurrent). bar.sync joins the clocks of a CTA's threads; a release (atom/red
    /// .release, or any atomic after fence.acq_rel / membar.gl) publishes the thread's clock on the word; ld.acquire
    /// (or the last global load before a fence) joins what was published there.
    /// </summary>
    internal sealed class RaceDetector
    {
        private const byte Written = 1;
        private const byte NonCoherentRead = 2;

        private readonly int _threads;
        private readonly int[] _clocks;
        private readonly int[] _join;
        private readonly List<ReadSet> _readSets = new();
        private readonly Stack<int> _freeReadSets = new();
        private readonly Dictionary<long, SyncVariable> _syncVariables = new();
        private readonly WordShadow[]?[] _global;
        private readonly WordShadow[][] _shared;
        private readonly bool[] _pendingRelease;
        private readonly long[] _lastLoad;

        public RaceDetector(int threads, int bufferSlots, int ctas, int sharedBytes)
        {
            _threads = threads;
            _clocks = new int[checked(threads * threads)];
            _join = new int[threads];
            for (var t = 0; t < threads; t++)
            {
                _clocks[(t * threads) + t] = 1;
            }

            _global = new WordShadow[]?[bufferSlots];
            _shared = new WordShadow[ctas][];
            for (var c = 0; c < ctas; c++)
            {
                _shared[c] = new WordShadow[(sharedBytes + 3) / 4];
            }

            _pendingRelease = new bool[threads];
            _lastLoad = new long[threads];
            Array.Fill(_lastLoad, -1L);
        }

        /// <summary>Largest grid (threads) for which the quadratic clock matrix is allocated.</summary>
        public const int MaxThreads = 4096;

        public WordShadow[] GlobalShadow(int buffer, long bytes) => _global[buffer] ??= new WordShadow[(bytes + 3) / 4];

        public WordShadow[] SharedShadow(int cta) => _shared[cta];

        public static long GlobalKey(int buffer, int word) => ((long)buffer << 32) | (uint)word;

        public static long SharedKey(int cta, int word) => ((long)(0x4000_0000 | cta) << 32) | (uint)word;

        /// <summary>Checks and records one access of one word; returns a report when it races.</summary>
        public RaceReport? Access(WordShadow[] shadow, int word, long key, int t, int pc, AccessKind kind, bool nonCoherent)
        {
            ref var s = ref shadow[word];
            var row = t * _threads;
            if (nonCoherent)
            {
                if ((s.Flags & Written) != 0)
                {
                    return new RaceReport(s.WriteThread - 1, s.WritePc, "write", "ld.global.nc read", "ld.global.nc reads data written during the launch");
                }

                s.Flags |= NonCoherentRead;
            }

            if (kind != AccessKind.Read && kind != AccessKind.AtomicRead)
            {
                if ((s.Flags & NonCoherentRead) != 0)
                {
                    return new RaceReport(s.ReadThread > 0 ? s.ReadThread - 1 : t, s.ReadThread > 0 ? s.ReadPc : pc, "ld.global.nc read", Name(kind), "data read through ld.global.nc is written during the launch");
                }

                s.Flags |= Written;
            }

            if (s.WriteThread != 0 && s.WriteThread - 1 != t && _clocks[row + s.WriteThread - 1] < s.WriteClock)
            {
                return new RaceReport(s.WriteThread - 1, s.WritePc, "write", Name(kind), "data race");
            }

            if (kind == AccessKind.Write)
            {
                if (s.ReadThread > 0)
                {
                    if (s.ReadThread - 1 != t && _clocks[row + s.ReadThread - 1] < s.ReadClock)
                    {
                        return new RaceReport(s.ReadThread - 1, s.ReadPc, Name(s.ReadKind), "write", "data race");
                    }
                }
                else if (s.ReadThread < 0)
                {
                    var set = _readSets[-1 - s.ReadThread];
                    var clocks = set.Clock;
                    for (var u = 0; u < clocks.Length; u++)
                    {
                        if (clocks[u] > _clocks[row + u] && u != t)
                        {
                            return new RaceReport(u, set.Pc[u], Name(set.Kind[u]), "write", "data race");
                        }
                    }

                    Array.Clear(clocks);
                    _freeReadSets.Push(-1 - s.ReadThread);
                }

                s.WriteThread = t + 1;
                s.WriteClock = _clocks[row + t];
                s.WritePc = pc;
                s.ReadThread = 0;
                return null;
            }

            var clock = _clocks[row + t];
            if (s.ReadThread == 0 || s.ReadThread - 1 == t || (s.ReadThread > 0 && _clocks[row + s.ReadThread - 1] >= s.ReadClock))
            {
                s.ReadThread = t + 1;
                s.ReadClock = clock;
                s.ReadPc = pc;
                s.ReadKind = kind;
            }
            else
            {
                if (s.ReadThread > 0)
                {
                    // A second concurrent reader: switch the word to a per-thread read clock set.
                    var index = _freeReadSets.Count > 0 ? _freeReadSets.Pop() : NewReadSet();
                    var fresh = _readSets[index];
                    var previous = s.ReadThread - 1;
                    fresh.Clock[previous] = s.ReadClock;
                    fresh.Pc[previous] = s.ReadPc;
                    fresh.Kind[previous] = s.ReadKind;
                    s.ReadThread = -1 - index;
                }

                var set = _readSets[-1 - s.ReadThread];
                set.Clock[t] = clock;
                set.Pc[t] = pc;
                set.Kind[t] = kind;
            }

            return null;
        }

        private int NewReadSet()
        {
            _readSets.Add(new ReadSet(_threads));
            return _readSets.Count - 1;
        }

        private static string Name(AccessKind kind) => kind switch
        {
            AccessKind.Read => "read",
            AccessKind.Write => "write",
            AccessKind.AtomicRead => "ld.acquire",
            _ => "atomic",
        };

        /// <summary>bar.sync completed for threads [first, first + count): every one learns what all of them knew.</summary>
        public void Barrier(int first, int count)
        {
            var n = _threads;
            var join = _join.AsSpan();
            _clocks.AsSpan(first * n, n).CopyTo(join);
            for (var t = first + 1; t < first + count; t++)
            {
                MaxInto(join, _clocks.AsSpan(t * n, n));
            }

            for (var t = first; t < first + count; t++)
            {
                join.CopyTo(_clocks.AsSpan(t * n, n));
                _clocks[(t * n) + t]++;
            }
        }

        /// <summary>A global load or atomic by thread <paramref name="t"/>: remembered for a following fence's acquire.</summary>
        public void NoteLoad(int t, long key) => _lastLoad[t] = key;

        /// <summary>fence.acq_rel / membar.gl: acquire what the last loaded word published; the next atomic releases.</summary>
        public void Fence(int t)
        {
            if (_lastLoad[t] >= 0)
            {
                Acquire(t, _lastLoad[t]);
            }

            _pendingRelease[t] = true;
        }

        /// <summary>An atomic by thread <paramref name="t"/>: a release when marked so or when a fence came before it.</summary>
        public void Atomic(int t, long key, bool release)
        {
            if (release || _pendingRelease[t])
            {
                _pendingRelease[t] = false;
                Release(t, key);
            }
        }

        public void Release(int t, long key)
        {
            if (!_syncVariables.TryGetValue(key, out var variable))
            {
                variable = new SyncVariable(_threads);
                _syncVariables.Add(key, variable);
            }

            var n = _threads;
            var row = _clocks.AsSpan(t * n, n);
            MaxInto(variable.Clock, row);
            variable.Version++;
            row[t]++;
        }

        public void Acquire(int t, long key)
        {
            if (!_syncVariables.TryGetValue(key, out var variable) || variable.SeenVersion[t] == variable.Version)
            {
                return;
            }

            variable.SeenVersion[t] = variable.Version;
            var n = _threads;
            var row = _clocks.AsSpan(t * n, n);
            MaxInto(row, variable.Clock);
        }

        /// <summary>target[u] = max(target[u], source[u]) for every u, a vector at a time.</summary>
        private static void MaxInto(Span<int> target, ReadOnlySpan<int> source)
        {
            var u = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var width = Vector<int>.Count;
                for (; u <= target.Length - width; u += width)
                {
                    Vector.Max(new Vector<int>(target[u..]), new Vector<int>(source[u..])).CopyTo(target[u..]);
                }
            }

            for (; u < target.Length; u++)
            {
                if (source[u] > target[u])
                {
                    target[u] = source[u];
                }
            }
        }

        private sealed class SyncVariable
        {
            public SyncVariable(int threads)
            {
                Clock = new int[threads];
                SeenVersion = new int[threads];
            }

            public int[] Clock { get; }

            public int[] SeenVersion { get; }

            public int Version { get; set; } = 1;
        }
    }
}
