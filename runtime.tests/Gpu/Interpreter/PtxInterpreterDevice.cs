using System;
using System.Collections.Generic;
using RnnGen.Gpu;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>
    /// A <see cref="GpuDevice"/> that interprets the PTX subset of notes/ptx-subset.md on the CPU: fake global
    /// memory, per-CTA shared memory and registers that start as seeded garbage, independent thread scheduling in
    /// seeded random bursts, bar.sync phases, bounds/alignment checks, a happens-before race detector, approximate
    /// math within the PTX ISA's error bounds, and "no progress" detection. Launches run synchronously and throw
    /// <see cref="PtxException"/> on any misbehaviour.
    /// </summary>
    public sealed class PtxInterpreterDevice : GpuDevice
    {
        /// <summary>Address of the first buffer; buffer k lives at GlobalBase + k * 2^32.</summary>
        public const ulong GlobalBase = 0x7f00_0000_0000UL;

        private readonly List<InterpreterBuffer?> _buffers = new();
        private readonly int _seed;
        private readonly int _blocksPerMultiprocessor;
        private bool _disposed;

        /// <summary>Creates an interpreter whose schedules, garbage and approximation errors all follow <paramref name="seed"/>.</summary>
        public PtxInterpreterDevice(int seed, int multiprocessors = 4, int blocksPerMultiprocessor = 2, long instructionBudget = 200_000_000)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(multiprocessors, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(blocksPerMultiprocessor, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(instructionBudget, 1);
            _seed = seed;
            MultiprocessorCount = multiprocessors;
            _blocksPerMultiprocessor = blocksPerMultiprocessor;
            InstructionBudget = instructionBudget;
        }

        /// <inheritdoc />
        public override string Name => "PTX interpreter";

        /// <inheritdoc />
        public override int MultiprocessorCount { get; }

        /// <inheritdoc />
        public override int SharedMemoryPerBlock => SharedMemoryLimit;

        /// <summary>Shared bytes (static + dynamic) one block may use; more makes the occupancy 0 and a launch fail. 48 KiB by default.</summary>
        public int SharedMemoryLimit { get; set; } = 48 * 1024;

        /// <summary>Instructions one launch may execute (all threads together) before it fails with "no progress".</summary>
        public long InstructionBudget { get; set; }

        /// <summary>Whether launches run the race detector (on by default; grids over 4096 threads always run without).</summary>
        public bool DetectRaces { get; set; } = true;

        /// <summary>Instructions executed by every launch so far.</summary>
        public long InstructionsExecuted { get; private set; }

        /// <summary>bar.sync phases completed by every launch so far.</summary>
        public long BarriersCrossed { get; private set; }

        /// <summary>Launches that ran to completion.</summary>
        public int LaunchCount { get; private set; }

        /// <summary>Launches attempted (the schedule of launch k is seeded by the device seed and k).</summary>
        public int LaunchAttempts { get; private set; }

        /// <summary>The statistics of the last launch that completed, or null.</summary>
        public LaunchStatistics? LastLaunchStatistics { get; private set; }

        /// <inheritdoc />
        public override DeviceBuffer Allocate(long bytes)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ArgumentOutOfRangeException.ThrowIfNegative(bytes);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, (long)Array.MaxLength);
            var index = _buffers.Count;
            var buffer = new InterpreterBuffer(this, GlobalBase + ((ulong)index << 32), bytes, index);
            _buffers.Add(buffer);
            return buffer;
        }

        /// <inheritdoc />
        public override void Upload(DeviceBuffer destination, long byteOffset, ReadOnlySpan<byte> source) =>
            source.CopyTo(Range(destination, byteOffset, source.Length));

        /// <inheritdoc />
        public override void Download(DeviceBuffer source, long byteOffset, Span<byte> destination) =>
            Range(source, byteOffset, destination.Length).CopyTo(destination);

        /// <inheritdoc />
        public override void Clear(DeviceBuffer buffer, long byteOffset, long bytes) => Range(buffer, byteOffset, bytes).Clear();

        /// <inheritdoc />
        public override GpuModule LoadModule(string ptx)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return new InterpreterModule(this, PtxParser.Parse(ptx));
        }

        /// <inheritdoc />
        public override GpuKernel GetKernel(GpuModule module, string name)
        {
            if (module is not InterpreterModule own || own.Device != this)
            {
                throw new ArgumentException("The module was not loaded by this device.", nameof(module));
            }

            if (!own.Image.Entries.TryGetValue(name, out var entry))
            {
                throw new ArgumentException($"The module has no .entry named '{name}'.", nameof(name));
            }

            return new InterpreterKernel(own, entry);
        }

        /// <inheritdoc />
        public override int MaxActiveBlocksPerMultiprocessor(GpuKernel kernel, int threadsPerBlock, int dynamicSharedBytes)
        {
            var entry = Own(kernel).Entry;
            if (threadsPerBlock < 1 || threadsPerBlock > entry.MaxThreads || dynamicSharedBytes < 0)
            {
                return 0;
            }

            var shared = (long)(dynamicSharedBytes > 0 ? entry.DynamicSharedOffset : entry.StaticSharedBytes) + dynamicSharedBytes;
            return shared > SharedMemoryLimit ? 0 : _blocksPerMultiprocessor;
        }

        /// <inheritdoc />
        public override void Launch(GpuKernel kernel, in LaunchShape shape, ReadOnlySpan<KernelArgument> arguments)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var entry = Own(kernel).Entry;
            shape.Validate();
            LaunchAttempts++;
            if (shape.ThreadsPerBlock > entry.MaxThreads)
            {
                throw new PtxException($"launch of '{entry.Name}' failed: {shape.ThreadsPerBlock} threads per block exceed its .maxntid {entry.MaxThreads} (CUDA_ERROR_INVALID_VALUE)");
            }

            var shared = (long)(shape.DynamicSharedBytes > 0 ? entry.DynamicSharedOffset : entry.StaticSharedBytes) + shape.DynamicSharedBytes;
            if (shared > SharedMemoryLimit)
            {
                throw new PtxException($"launch of '{entry.Name}' failed: {shared} bytes of shared memory per block exceed the limit of {SharedMemoryLimit} (CUDA_ERROR_INVALID_VALUE)");
            }

            if (shape.Cooperative)
            {
                var perMultiprocessor = MaxActiveBlocksPerMultiprocessor(kernel, shape.ThreadsPerBlock, shape.DynamicSharedBytes);
                var resident = (long)perMultiprocessor * MultiprocessorCount;
                if (shape.Blocks > resident)
                {
                    throw new PtxException($"cooperative launch of '{entry.Name}' too large: {shape.Blocks} blocks, but only {resident} ({MultiprocessorCount} multiprocessors x {perMultiprocessor} blocks) can be resident at once (CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE)");
                }
            }

            if (arguments.Length != entry.Params.Count)
            {
                throw new ArgumentException($"'{entry.Name}' takes {entry.Params.Count} parameters, {arguments.Length} were given.", nameof(arguments));
            }

            var parameters = new ulong[arguments.Length];
            for (var k = 0; k < arguments.Length; k++)
            {
                var param = entry.Params[k];
                var fits = arguments[k].Kind switch
                {
                    KernelArgumentKind.Pointer or KernelArgumentKind.UInt64 => param.Type == ParamType.U64,
                    KernelArgumentKind.Int32 => param.Type is ParamType.U32 or ParamType.S32,
                    _ => param.Type == ParamType.F32,
                };
                if (!fits)
                {
                    throw new ArgumentException($"Argument {k} of '{entry.Name}' is a {arguments[k].Kind}, but parameter '{param.Name}' is .{param.Type.ToString().ToLowerInvariant()}.", nameof(arguments));
                }

                parameters[k] = arguments[k].Bits;
            }

            var seed = ((ulong)(uint)_seed << 32) ^ (ulong)LaunchAttempts * 0x9E3779B97F4A7C15UL;
            var execution = new KernelExecution(entry, _buffers.ToArray(), shape, parameters, seed, InstructionBudget, DetectRaces);
            var statistics = execution.Run(entry.Name);
            LastLaunchStatistics = statistics;
            InstructionsExecuted += statistics.Instructions;
            BarriersCrossed += statistics.BarriersCrossed;
            LaunchCount++;
        }

        /// <inheritdoc />
        public override void Synchronize()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }

        /// <inheritdoc />
        protected override void Free(DeviceBuffer buffer)
        {
            if (buffer is InterpreterBuffer own && own.Device == this && own.Index < _buffers.Count)
            {
                _buffers[own.Index] = null;
            }
        }

        /// <inheritdoc />
        protected override void Dispose(bool disposing)
        {
            _disposed = true;
            _buffers.Clear();
            base.Dispose(disposing);
        }

        private static InterpreterKernel Own(GpuKernel kernel) =>
            kernel as InterpreterKernel ?? throw new ArgumentException("The kernel does not belong to a PTX interpreter.", nameof(kernel));

        private Span<byte> Range(DeviceBuffer buffer, long byteOffset, long bytes)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (buffer is not InterpreterBuffer own || own.Device != this)
            {
                throw new ArgumentException("The buffer was not allocated by this device.", nameof(buffer));
            }

            ObjectDisposedException.ThrowIf(buffer.IsDisposed, buffer);
            if (byteOffset < 0 || bytes < 0 || byteOffset + bytes > buffer.Bytes)
            {
                throw new ArgumentOutOfRangeException(nameof(byteOffset), $"{bytes} bytes at offset {byteOffset} do not lie within the buffer's {buffer.Bytes} bytes.");
            }

            return own.Data.AsSpan((int)byteOffset, (int)bytes);
        }
    }
}
