using System;
using System.Collections.Generic;
using System.Text;

namespace RnnGen.Gpu
{
    /// <summary>
    /// A <see cref="GpuDevice"/> on the CUDA driver API: one context and one stream on one GPU, PTX JIT-compiled by
    /// the driver. Open it with <see cref="TryOpen"/> (no driver or no GPU is a reason, not an exception).
    /// </summary>
    /// <remarks>
    /// <para>Not thread-safe: use an instance from one thread at a time. Any thread will do, one after another: every
    /// call pushes the device's context onto the calling thread and pops it before returning.</para>
    /// <para>Copies and launches are queued in order on the device's stream. <see cref="Upload"/> returns once the
    /// source span may be reused; <see cref="Download"/> waits for everything queued before it; a kernel's failure
    /// (e.g. an illegal address) surfaces at the next <see cref="Synchronize"/> or <see cref="Download"/>, and the
    /// driver then fails every later call: dispose the device.</para>
    /// <para>Buffers not disposed are freed with the device; memory, modules, the stream and the context are held by
    /// SafeHandles, so a device that is never disposed is still released by the finalizer.</para>
    /// </remarks>
    public sealed unsafe partial class CudaDevice : GpuDevice
    {
        /// <summary>The most arguments one launch may pass (the driver's limit is 4 KiB of parameters: 512 pointers).</summary>
        public const int MaxKernelArguments = 512;

        private readonly CudaDriver _driver;
        private readonly CudaContextHandle _context;
        private readonly CudaStreamHandle _stream;

        // Live buffers sorted by address: pointer arguments are checked against them, because a stale or foreign
        // pointer would otherwise be an illegal address on the GPU, which poisons the whole context.
        private readonly List<CudaBuffer> _buffers = new();
        private readonly List<CudaModule> _modules = new();
        private bool _disposed;

        private CudaDevice(CudaDriver driver, CudaContextHandle context, CudaStreamHandle stream)
        {
            _driver = driver;
            _context = context;
            _stream = stream;
        }

        /// <summary>The device ordinal it was opened with.</summary>
        public int Ordinal { get; private init; }

        /// <inheritdoc/>
        public override string Name => DeviceName;

        /// <summary>The compute capability, e.g. (9, 0) for an H200: the <c>sm_XY</c> the driver JITs PTX for.</summary>
        public (int Major, int Minor) ComputeCapability { get; private init; }

        /// <inheritdoc/>
        public override int MultiprocessorCount => Multiprocessors;

        /// <inheritdoc/>
        public override int SharedMemoryPerBlock => SharedPerBlock;

        /// <summary>
        /// The most dynamic shared memory one block may use after opting in (227 KiB on sm_90); a launch above
        /// <see cref="SharedMemoryPerBlock"/> opts in by itself.
        /// </summary>
        public int SharedMemoryPerBlockOptIn { get; private init; }

        /// <summary>Whether the device can run cooperative launches (<see cref="LaunchShape.Cooperative"/>).</summary>
        public bool SupportsCooperativeLaunch { get; private init; }

        /// <summary>Bytes of device memory.</summary>
        public long TotalMemoryBytes { get; private init; }

        // Init-only stand-ins for the overridden properties above, which cannot gain an init accessor.
        private string DeviceName { get; init; } = string.Empty;

        private int Multiprocessors { get; init; }

        private int SharedPerBlock { get; init; }

        /// <summary>The CUDA version the driver supports, as <c>cuDriverGetVersion</c> gives it: 1000 * major + 10 * minor (12040 is 12.4).</summary>
        public int DriverVersion { get; private init; }

        /// <inheritdoc/>
        public override DeviceBuffer Allocate(long bytes)
        {
            ThrowIfDisposed();
            ArgumentOutOfRangeException.ThrowIfNegative(bytes);
            CudaMemoryHandle memory = new(_context);
            using (_context.Enter())
            {
                // cuMemAlloc rejects 0 bytes; an empty buffer still gets an address of its own, so that it can be
                // passed (and checked) like any other.
                ulong address;
                int result = _driver.MemAlloc(&address, (nuint)Math.Max(bytes, 1));
                if (result != CudaResult.Success)
                {
                    throw _driver.Failure(result, "cuMemAlloc_v2", FormattableString.Invariant($"{bytes} bytes"));
                }

                memory.Own((IntPtr)(long)address);
                try
                {
                    // Zero-filled, as the abstraction promises, on the stream so that it is ordered before any use.
                    if (bytes > 0)
                    {
                        _driver.Check(_driver.MemsetD8Async(address, 0, (nuint)bytes, _stream.DangerousGetHandle()), "cuMemsetD8Async");
                    }
                }
                catch
                {
                    memory.Dispose();
                    throw;
                }
            }

            CudaBuffer buffer = new(this, memory, bytes);
            _buffers.Insert(~FindBuffer(buffer.Address), buffer);
            return buffer;
        }

        /// <inheritdoc/>
        public override void Upload(DeviceBuffer destination, long byteOffset, ReadOnlySpan<byte> source)
        {
            ThrowIfDisposed();
            CheckRange(destination, nameof(destination), byteOffset, source.Length, nameof(source));
            if (source.IsEmpty)
            {
                return;
            }

            using (_context.Enter())
            {
                fixed (byte* from = source)
                {
                    // From pageable memory the driver stages the bytes before returning, so the span may be reused.
                    _driver.Check(
                        _driver.MemcpyHtoDAsync(destination.Address + (ulong)byteOffset, from, (nuint)source.Length, _stream.DangerousGetHandle()),
                        "cuMemcpyHtoDAsync_v2");
                }
            }
        }

        /// <inheritdoc/>
        public override void Download(DeviceBuffer source, long byteOffset, Span<byte> destination)
        {
            ThrowIfDisposed();
            CheckRange(source, nameof(source), byteOffset, destination.Length, nameof(destination));
            using (_context.Enter())
            {
                fixed (byte* to = destination)
                {
                    if (!destination.IsEmpty)
                    {
                        _driver.Check(
                            _driver.MemcpyDtoHAsync(to, source.Address + (ulong)byteOffset, (nuint)destination.Length, _stream.DangerousGetHandle()),
                            "cuMemcpyDtoHAsync_v2");
                    }

                    // Inside the fixed block: the copy writes into the span until the stream has drained.
                    SynchronizeStream();
                }
            }
        }

        /// <inheritdoc/>
        public override void Clear(DeviceBuffer buffer, long byteOffset, long bytes)
        {
            ThrowIfDisposed();
            CheckRange(buffer, nameof(buffer), byteOffset, bytes, nameof(bytes));
            if (bytes == 0)
            {
                return;
            }

            using (_context.Enter())
            {
                _driver.Check(_driver.MemsetD8Async(buffer.Address + (ulong)byteOffset, 0, (nuint)bytes, _stream.DangerousGetHandle()), "cuMemsetD8Async");
            }
        }

        /// <inheritdoc/>
        /// <exception cref="CudaException">The driver rejected the PTX; <see cref="CudaException.Log"/> holds the JIT error log.</exception>
        public override GpuModule LoadModule(string ptx)
        {
            ThrowIfDisposed();
            ArgumentNullException.ThrowIfNull(ptx);
            if (ptx.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException("PTX text cannot contain a NUL character: the driver reads it as a C string.", nameof(ptx));
            }

            byte[] image = NulTerminated(ptx);
            const int LogBytes = 16 * 1024;
            byte[] infoLog = new byte[LogBytes];
            byte[] errorLog = new byte[LogBytes];
            int* options = stackalloc int[5]
            {
                CudaConstants.JitInfoLogBuffer,
                CudaConstants.JitInfoLogBufferSizeBytes,
                CudaConstants.JitErrorLogBuffer,
                CudaConstants.JitErrorLogBufferSizeBytes,
                CudaConstants.JitLogVerbose,
            };
            void** values = stackalloc void*[5];
            IntPtr module;
            int result;
            fixed (byte* text = image, info = infoLog, error = errorLog)
            {
                // Option values travel in pointer-sized slots: buffers as pointers, sizes and flags as integers.
                values[0] = info;
                values[1] = (void*)(nuint)LogBytes;
                values[2] = error;
                values[3] = (void*)(nuint)LogBytes;
                values[4] = (void*)(nuint)1;
                using (_context.Enter())
                {
                    result = _driver.ModuleLoadDataEx(&module, text, 5, options, values);
                }
            }

            if (result != CudaResult.Success)
            {
                string log = ReadLog(errorLog);
                throw _driver.Failure(result, "cuModuleLoadDataEx", "the driver rejected the PTX", log.Length > 0 ? log : ReadLog(infoLog));
            }

            CudaModuleHandle handle = new(_context);
            handle.Own(module);
            CudaModule loaded = new(this, handle, ReadLog(infoLog));
            _modules.Add(loaded);
            return loaded;
        }

        /// <inheritdoc/>
        /// <exception cref="CudaException">The module has no such entry (<see cref="CudaResult.NotFound"/>).</exception>
        public override GpuKernel GetKernel(GpuModule module, string name)
        {
            ThrowIfDisposed();
            ArgumentNullException.ThrowIfNull(module);
            ArgumentException.ThrowIfNullOrEmpty(name);
            if (module is not CudaModule cudaModule || !ReferenceEquals(cudaModule.Device, this))
            {
                throw new ArgumentException("The module was not loaded by this device.", nameof(module));
            }

            byte[] entry = NulTerminated(name);
            IntPtr function;
            using (_context.Enter())
            {
                fixed (byte* text = entry)
                {
                    int result = _driver.ModuleGetFunction(&function, cudaModule.Handle.DangerousGetHandle(), text);
                    if (result != CudaResult.Success)
                    {
                        throw _driver.Failure(result, "cuModuleGetFunction", $"looking up the .entry '{name}'");
                    }
                }
            }

            return new CudaKernel(cudaModule, name, function);
        }

        /// <inheritdoc/>
        public override int MaxActiveBlocksPerMultiprocessor(GpuKernel kernel, int threadsPerBlock, int dynamicSharedBytes)
        {
            ThrowIfDisposed();
            CudaKernel cudaKernel = OwnKernel(kernel);
            if (threadsPerBlock < 1 || threadsPerBlock > 1024)
            {
                throw new ArgumentOutOfRangeException(nameof(threadsPerBlock), threadsPerBlock, "Threads per block must be 1 to 1024.");
            }

            ArgumentOutOfRangeException.ThrowIfNegative(dynamicSharedBytes);
            CheckSharedMemory(dynamicSharedBytes, nameof(dynamicSharedBytes));
            int blocks;
            using (_context.Enter())
            {
                // The occupancy of a kernel above 48 KiB counts only once it may use that much.
                AllowDynamicShared(cudaKernel, dynamicSharedBytes);
                _driver.Check(
                    _driver.OccupancyMaxActiveBlocksPerMultiprocessor(&blocks, cudaKernel.Function, threadsPerBlock, (nuint)dynamicSharedBytes),
                    "cuOccupancyMaxActiveBlocksPerMultiprocessor");
            }

            return blocks;
        }

        /// <inheritdoc/>
        /// <exception cref="ArgumentException">
        /// A pointer argument does not point into a live buffer of this device, or there are more than
        /// <see cref="MaxKernelArguments"/> arguments.
        /// </exception>
        /// <exception cref="NotSupportedException">A cooperative launch on a device that cannot run one.</exception>
        public override void Launch(GpuKernel kernel, in LaunchShape shape, ReadOnlySpan<KernelArgument> arguments)
        {
            ThrowIfDisposed();
            CudaKernel cudaKernel = OwnKernel(kernel);
            shape.Validate();
            CheckSharedMemory(shape.DynamicSharedBytes, nameof(shape));
            if (shape.Cooperative && !SupportsCooperativeLaunch)
            {
                throw new NotSupportedException($"{Name} cannot run cooperative launches.");
            }

            if (arguments.Length > MaxKernelArguments)
            {
                throw new ArgumentException($"A launch takes at most {MaxKernelArguments} arguments, not {arguments.Length}.", nameof(arguments));
            }

            for (int i = 0; i < arguments.Length; i++)
            {
                if (arguments[i].Kind == KernelArgumentKind.Pointer)
                {
                    CheckPointer(arguments[i].Bits, i);
                }
            }

            // kernelParams is an array of pointers to each value. Every value gets an 8-byte slot: a 4-byte parameter
            // is read from the slot's first (low, little-endian) 4 bytes. Both live on the stack: no allocation.
            int count = arguments.Length;
            ulong* slots = stackalloc ulong[Math.Max(count, 1)];
            void** parameters = stackalloc void*[Math.Max(count, 1)];
            for (int i = 0; i < count; i++)
            {
                slots[i] = arguments[i].Bits;
                parameters[i] = &slots[i];
            }

            using (_context.Enter())
            {
                AllowDynamicShared(cudaKernel, shape.DynamicSharedBytes);
                IntPtr stream = _stream.DangerousGetHandle();
                uint blocks = (uint)shape.Blocks;
                uint threads = (uint)shape.ThreadsPerBlock;
                uint shared = (uint)shape.DynamicSharedBytes;
                int result = shape.Cooperative
                    ? _driver.LaunchCooperativeKernel(cudaKernel.Function, blocks, 1, 1, threads, 1, 1, shared, stream, parameters)
                    : _driver.LaunchKernel(cudaKernel.Function, blocks, 1, 1, threads, 1, 1, shared, stream, parameters, null);
                if (result != CudaResult.Success)
                {
                    // The description is built only on failure: a launch allocates nothing.
                    throw _driver.Failure(result, shape.Cooperative ? "cuLaunchCooperativeKernel" : "cuLaunchKernel", LaunchDetail(kernel, shape));
                }
            }
        }

        /// <inheritdoc/>
        public override void Synchronize()
        {
            ThrowIfDisposed();
            using (_context.Enter())
            {
                SynchronizeStream();
            }
        }

        /// <summary>The device's name, compute capability, multiprocessors and memory.</summary>
        public override string ToString() =>
            FormattableString.Invariant($"{Name} (sm_{ComputeCapability.Major}{ComputeCapability.Minor}, {MultiprocessorCount} SMs, {TotalMemoryBytes >> 20} MiB)");

        /// <inheritdoc/>
        protected override void Dispose(bool disposing)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (disposing)
            {
                // Let queued work finish before its memory goes; its error, if any, no longer has anyone to tell.
                // Results ignored: disposal must not throw, even when the driver is failing or shutting down.
                int pushed = _driver.CtxPushCurrent(_context.DangerousGetHandle());
                _ = _driver.StreamSynchronize(_stream.DangerousGetHandle());
                if (pushed == CudaResult.Success)
                {
                    IntPtr popped;
                    _ = _driver.CtxPopCurrent(&popped);
                }

                foreach (CudaBuffer buffer in _buffers.ToArray())
                {
                    buffer.Dispose();
                }

                _buffers.Clear();
                foreach (CudaModule module in _modules)
                {
                    module.Handle.Dispose();
                }

                _modules.Clear();
                _stream.Dispose();
                _context.Dispose();
            }

            base.Dispose(disposing);
        }

        /// <inheritdoc/>
        protected internal override void Free(DeviceBuffer buffer)
        {
            // Called by DeviceBuffer.Dispose, also after the device was disposed (then the handle is already closed).
            CudaBuffer cudaBuffer = (CudaBuffer)buffer;
            int index = FindBuffer(cudaBuffer.Address);
            if (index >= 0 && ReferenceEquals(_buffers[index], cudaBuffer))
            {
                _buffers.RemoveAt(index);
            }

            cudaBuffer.Memory.Dispose();
        }

        private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

        private CudaKernel OwnKernel(GpuKernel kernel)
        {
            ArgumentNullException.ThrowIfNull(kernel);
            if (kernel is not CudaKernel cudaKernel || !ReferenceEquals(cudaKernel.Module.Device, this))
            {
                throw new ArgumentException($"The kernel '{kernel.Name}' was not loaded by this device.", nameof(kernel));
            }

            return cudaKernel;
        }

        private void CheckSharedMemory(int dynamicSharedBytes, string parameterName)
        {
            int limit = Math.Max(SharedMemoryPerBlock, SharedMemoryPerBlockOptIn);
            if (dynamicSharedBytes > limit)
            {
                throw new ArgumentOutOfRangeException(parameterName, dynamicSharedBytes, $"{Name} allows at most {limit} bytes of dynamic shared memory per block.");
            }
        }

        private void CheckPointer(ulong address, int index)
        {
            if (address == 0)
            {
                return; // null: an optional buffer the kernel does not touch
            }

            int found = FindBuffer(address);
            int candidate = found >= 0 ? found : ~found - 1;
            if (candidate >= 0)
            {
                CudaBuffer buffer = _buffers[candidate];
                if (address - buffer.Address <= (ulong)buffer.Bytes)
                {
                    return;
                }
            }

            throw new ArgumentException(
                FormattableString.Invariant($"arguments[{index}] (0x{address:x}) does not point into a live buffer of this device: it was freed, or belongs to another device."),
                "arguments");
        }

        /// <summary>The index of the buffer at <paramref name="address"/>, or the complement of where it would go.</summary>
        private int FindBuffer(ulong address)
        {
            int low = 0;
            int high = _buffers.Count - 1;
            while (low <= high)
            {
                int middle = low + ((high - low) >> 1);
                ulong at = _buffers[middle].Address;
                if (at == address)
                {
                    return middle;
                }

                if (at < address)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return ~low;
        }

        private void AllowDynamicShared(CudaKernel kernel, int bytes)
        {
            if (bytes > kernel.DynamicSharedLimit)
            {
                int result = _driver.FuncSetAttribute(kernel.Function, CudaConstants.FunctionAttributeMaxDynamicSharedSizeBytes, bytes);
                if (result != CudaResult.Success)
                {
                    throw _driver.Failure(result, "cuFuncSetAttribute", FormattableString.Invariant($"{kernel.Name}: {bytes} bytes of dynamic shared memory"));
                }

                kernel.DynamicSharedLimit = bytes;
            }
        }

        private void SynchronizeStream() =>
            _driver.Check(
                _driver.StreamSynchronize(_stream.DangerousGetHandle()),
                "cuStreamSynchronize",
                "a launch or copy queued before failed; the driver fails every later call, so dispose the device");

        private static string LaunchDetail(GpuKernel kernel, in LaunchShape shape) =>
            FormattableString.Invariant(
                $"{kernel.Name} with {shape.Blocks} blocks of {shape.ThreadsPerBlock} threads, {shape.DynamicSharedBytes} bytes of shared memory{(shape.Cooperative ? ", cooperative" : string.Empty)}");

        private static byte[] NulTerminated(string text)
        {
            byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
            Encoding.UTF8.GetBytes(text, 0, text.Length, bytes, 0);
            return bytes;
        }

        private static string ReadLog(byte[] log)
        {
            // The driver writes a NUL-terminated string; its reported length is ignored, the terminator is not.
            int length = Array.IndexOf(log, (byte)0);
            return Encoding.UTF8.GetString(log, 0, length < 0 ? log.Length : length).TrimEnd();
        }
    }
}
