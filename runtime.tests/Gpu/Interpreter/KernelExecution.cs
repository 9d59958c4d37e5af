using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>
    /// One launch: every thread of every CTA with its own PC and registers, run in random bursts (1..16
    /// instructions) by a seeded scheduler, with bar.sync phases, memory checks and the race detector.
    /// </summary>
    internal sealed partial class KernelExecution
    {
        private const byte Runnable = 0;
        private const byte AtBarrier = 1;
        private const byte Exited = 2;

        private readonly PtxEntry _entry;
        private readonly Instr[] _code;
        private readonly InterpreterBuffer?[] _buffers;
        private readonly int _blocks;
        private readonly int _threadsPerBlock;
        private readonly int _threadCount;
        private readonly int _slots;
        private readonly ulong[] _regs;
        private readonly int[] _pcs;
        private readonly byte[] _state;
        private readonly int[] _runnable;
        private readonly int[] _runnablePosition;
        private readonly byte[][] _shared;
        private readonly int _sharedBytes;
        private readonly int[] _ctaArrived;
        private readonly int[] _ctaExited;
        private readonly int[] _ctaBarrierPc;
        private readonly int[] _ctaFirstExit;
        private readonly RaceDetector? _race;
        private readonly long _budget;
        private int _runnableCount;
        private int _exitedCount;
        private SchedulerRandom _schedule;
        private SchedulerRandom _math;
        private long _instructions;
        private long _barriers;
        private long _bursts;
        private long _globalAccesses;
        private long _sharedAccesses;
        private long _atomics;

        public KernelExecution(PtxEntry entry, InterpreterBuffer?[] buffers, in RnnGen.Gpu.LaunchShape shape, ulong[] parameters, ulong seed, long budget, bool detectRaces)
        {
            _entry = entry;
            _code = entry.Code;
            _buffers = buffers;
            _blocks = shape.Blocks;
            _threadsPerBlock = shape.ThreadsPerBlock;
            _threadCount = checked(_blocks * _threadsPerBlock);
            _slots = entry.SlotCount;
            _budget = budget;
            _schedule = new SchedulerRandom(seed);
            _math = new SchedulerRandom(seed ^ 0x5DEECE66DUL);
            var garbage = new SchedulerRandom(seed ^ 0xA5A5_1234_5678_9ABCUL);

            _regs = new ulong[checked(_threadCount * _slots)];
            var template = new ulong[_slots];
            for (var p = 0; p < entry.Params.Count; p++)
            {
                template[entry.Params[p].Slot] = parameters[p];
            }

            for (var k = 0; k < entry.Constants.Count; k++)
            {
                template[entry.ConstantBase + k] = entry.Constants[k];
            }

            template[entry.SpecialBase + 1] = (uint)_threadsPerBlock;
            template[entry.SpecialBase + 3] = (uint)_blocks;
            template[entry.SpecialBase + 4] = 0;
            template[entry.SpecialBase + 5] = 1;
            for (var t = 0; t < _threadCount; t++)
            {
                var row = _regs.AsSpan(t * _slots, _slots);
                template.AsSpan().CopyTo(row);
                for (var r = 0; r < entry.DeclaredRegisters; r++)
                {
                    var bits = garbage.NextUInt64();
                    row[r] = entry.IsPredicate[r] ? bits & 1 : bits;
                }

                row[entry.SpecialBase] = (uint)(t % _threadsPerBlock);
                row[entry.SpecialBase + 2] = (uint)(t / _threadsPerBlock);
            }

            _sharedBytes = shape.DynamicSharedBytes > 0 ? entry.DynamicSharedOffset + shape.DynamicSharedBytes : entry.StaticSharedBytes;

            _shared = new byte[_blocks][];
            for (var c = 0; c < _blocks; c++)
            {
                var bytes = new byte[_sharedBytes];
                for (var i = 0; i < bytes.Length; i += 8)
                {
                    var bits = garbage.NextUInt64();
                    for (var k = 0; k < 8 && i + k < bytes.Length; k++)
                    {
                        bytes[i + k] = (byte)(bits >> (8 * k));
                    }
                }

                _shared[c] = bytes;
            }

            _pcs = new int[_threadCount];
            _state = new byte[_threadCount];
            _runnable = new int[_threadCount];
            _runnablePosition = new int[_threadCount];
            for (var t = 0; t < _threadCount; t++)
            {
                _runnable[t] = t;
                _runnablePosition[t] = t;
            }

            _runnableCount = _threadCount;
            _ctaArrived = new int[_blocks];
            _ctaExited = new int[_blocks];
            _ctaBarrierPc = new int[_blocks];
            _ctaFirstExit = new int[_blocks];
            if (detectRaces && _threadCount <= RaceDetector.MaxThreads)
            {
                _race = new RaceDetector(_threadCount, buffers.Length, _blocks, _sharedBytes);
            }
        }

        public LaunchStatistics Run(string kernelName)
        {
            var stopwatch = Stopwatch.StartNew();
            while (_runnableCount > 0)
            {
                var t = _runnable[_schedule.Next(_runnableCount)];
                var burst = 1 + _schedule.Next(16);
                _bursts++;
                _instructions += RunBurst(t, burst);
                if (_instructions > _budget)
                {
                    throw NoProgress();
                }
            }

            if (_exitedCount != _threadCount)
            {
                throw NoProgress();
            }

            stopwatch.Stop();
            return new LaunchStatistics(kernelName, _blocks, _threadsPerBlock, _instructions, _barriers, _bursts, _globalAccesses, _sharedAccesses, _atomics, _race != null, stopwatch.Elapsed);
        }

        private void RemoveRunnable(int t)
        {
            var position = _runnablePosition[t];
            var last = _runnable[--_runnableCount];
            _runnable[position] = last;
            _runnablePosition[last] = position;
        }

        private void AddRunnable(int t)
        {
            _runnable[_runnableCount] = t;
            _runnablePosition[t] = _runnableCount++;
        }

        private PtxException Fail(int t, int pc, string message)
        {
            var source = _entry.Sources[pc];
            return new PtxException(source.Line, source.Text, $"kernel '{_entry.Name}', thread {Thread(t)}: {message}");
        }

        private string Thread(int t) => $"(cta {t / _threadsPerBlock}, tid {t % _threadsPerBlock})";

        private string Where(int pc) => $"PTX line {_entry.Sources[pc].Line} `{_entry.Sources[pc].Text}`";

        private PtxException NoProgress()
        {
            // Threads still running (spinning) come first: they are where the kernel is stuck; threads waiting at a
            // bar.sync for them come after.
            var live = new Dictionary<int, (int Count, bool Running)>();
            for (var t = 0; t < _threadCount; t++)
            {
                if (_state[t] != Exited)
                {
                    var (count, running) = live.GetValueOrDefault(_pcs[t]);
                    live[_pcs[t]] = (count + 1, running || _state[t] == Runnable);
                }
            }

            var top = live.OrderByDescending(p => p.Value.Running).ThenByDescending(p => p.Value.Count).Take(5).ToList();
            var builder = new StringBuilder();
            foreach (var (pc, (count, running)) in top)
            {
                builder.Append(builder.Length == 0 ? string.Empty : "; ").Append(count).Append(running ? " running thread(s) at " : " thread(s) waiting at ").Append(Where(pc));
            }

            var reason = _runnableCount == 0 ? "every live thread is blocked (deadlock)" : $"no progress: more than {_budget:N0} instructions executed without the kernel finishing (a spin-wait that never completes?)";
            var first = top.Count > 0 ? _entry.Sources[top[0].Key] : new InstrSource(0, string.Empty);
            return new PtxException(first.Line, first.Text, $"kernel '{_entry.Name}': {reason}; live threads: {builder}; {_exitedCount} of {_threadCount} threads exited");
        }

        private void ArriveAtBarrier(int t, int pc)
        {
            var cta = t / _threadsPerBlock;
            if (_ctaExited[cta] > 0)
            {
                var exited = _ctaFirstExit[cta];
                throw Fail(t, pc, $"barrier divergence: bar.sync reached while {_ctaExited[cta]} thread(s) of the CTA have exited (first: thread {Thread(exited)} at {Where(_pcs[exited])})");
            }

            _pcs[t] = pc;
            _state[t] = AtBarrier;
            RemoveRunnable(t);
            if (_ctaArrived[cta]++ == 0)
            {
                _ctaBarrierPc[cta] = pc;
            }

            if (_ctaArrived[cta] == _threadsPerBlock)
            {
                _ctaArrived[cta] = 0;
                _barriers++;
                var first = cta * _threadsPerBlock;
                for (var u = first; u < first + _threadsPerBlock; u++)
                {
                    _state[u] = Runnable;
                    _pcs[u]++;
                    AddRunnable(u);
                }

                _race?.Barrier(first, _threadsPerBlock);
            }
        }

        private void ExitThread(int t, int pc)
        {
            var cta = t / _threadsPerBlock;
            _pcs[t] = pc;
            _state[t] = Exited;
            RemoveRunnable(t);
            _exitedCount++;
            if (_ctaExited[cta]++ == 0)
            {
                _ctaFirstExit[cta] = t;
            }

            if (_ctaArrived[cta] > 0)
            {
                throw Fail(t, pc, $"barrier divergence: thread exits while {_ctaArrived[cta]} thread(s) of its CTA wait at {Where(_ctaBarrierPc[cta])}; they would wait forever");
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void RaceFailure(RaceReport report, int t, int pc, string space, ulong address)
        {
            throw Fail(t, pc, $"{report.Problem} on {space} address 0x{address:x}: {report.FirstKind} by thread {Thread(report.FirstThread)} at {Where(report.FirstPc)} and {report.SecondKind} by thread {Thread(t)} at {Where(pc)} are not ordered by happens-before (bar.sync, release/acquire)");
        }
    }
}
