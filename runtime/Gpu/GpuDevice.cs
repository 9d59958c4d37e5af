using System;
using System.Runtime.InteropServices;

namespace RnnGen.Gpu
{
    /// <summary>
    /// What a generated model's GPU path needs from a device: memory, modules of PTX, and kernel launches on one
    /// in-order queue. <c>CudaDevice</c> is the real one (the CUDA driver API); the tests run the same generated
    /// code on a PTX interpreter behind this type.
    /// </summary>
    /// <remarks>
    /// Every call is ordered after the ones before it (one stream); <see cref="Download"/> waits for the launches
    /// before it. Instances are not thread-safe.
    /// </remarks>
    public abstract class GpuDevice : IDisposable
    {
        /// <summary>The device's name, e.g. "NVIDIA H200".</summary>
        public abstract string Name { get; }

        /// <summary>Streaming multiprocessors: how many blocks of a persistent kernel can run at once, times the occupancy.</summary>
        public abstract int MultiprocessorCount { get; }

        /// <summary>Bytes of shared memory one block may use without opting in to more (48 KiB on every CUDA GPU).</summary>
        public abstract int SharedMemoryPerBlock { get; }

        /// <summary>Allocates <paramref name="bytes"/> bytes of device memory, zero-filled.</summary>
        public abstract DeviceBuffer Allocate(long bytes);

        /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> at <paramref name="byteOffset"/>.</summary>
        public abstract void Upload(DeviceBuffer destination, long byteOffset, ReadOnlySpan<byte> source);

        /// <summary>Copies device memory at <paramref name="byteOffset"/> into <paramref name="destination"/>, after every launch queued before.</summary>
        public abstract void Download(DeviceBuffer source, long byteOffset, Span<byte> destination);

        /// <summary>Sets <paramref name="bytes"/> bytes at <paramref name="byteOffset"/> to zero.</summary>
        public abstract void Clear(DeviceBuffer buffer, long byteOffset, long bytes);

        /// <summary>Loads a module of PTX text; a PTX the device rejects raises an exception that carries its compiler log.</summary>
        public abstract GpuModule LoadModule(string ptx);

        /// <summary>Looks up the <c>.entry</c> named <paramref name="name"/> in <paramref name="module"/>.</summary>
        public abstract GpuKernel GetKernel(GpuModule module, string name);

        /// <summary>How many blocks of <paramref name="kernel"/> fit on one multiprocessor at once (the occupancy query).</summary>
        public abstract int MaxActiveBlocksPerMultiprocessor(GpuKernel kernel, int threadsPerBlock, int dynamicSharedBytes);

        /// <summary>Queues a launch of <paramref name="kernel"/>; a cooperative launch guarantees that every block runs at once.</summary>
        public abstract void Launch(GpuKernel kernel, in LaunchShape shape, ReadOnlySpan<KernelArgument> arguments);

        /// <summary>Waits until every queued launch and copy has finished; raises the first error a launch produced.</summary>
        public abstract void Synchronize();

        /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> at element <paramref name="elementOffset"/>.</summary>
        public void Upload<T>(DeviceBuffer destination, long elementOffset, ReadOnlySpan<T> source)
            where T : unmanaged =>
            Upload(destination, elementOffset * Marshal.SizeOf<T>(), MemoryMarshal.AsBytes(source));

        /// <summary>Copies device memory from element <paramref name="elementOffset"/> into <paramref name="destination"/>.</summary>
        public void Download<T>(DeviceBuffer source, long elementOffset, Span<T> destination)
            where T : unmanaged =>
            Download(source, elementOffset * Marshal.SizeOf<T>(), MemoryMarshal.AsBytes(destination));

        /// <summary>Releases the device (context, modules, memory still owned by it).</summary>
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        /// <summary>Releases resources; <paramref name="disposing"/> is false when called from a finalizer.</summary>
        protected virtual void Dispose(bool disposing)
        {
        }

        /// <summary>
        /// Throws unless <paramref name="buffer"/> is a live buffer of this device and <paramref name="bytes"/> bytes from
        /// <paramref name="byteOffset"/> lie within it; for implementations' <see cref="Upload"/>, <see cref="Download"/>
        /// and <see cref="Clear"/>, so that every device rejects the same mistakes with the same exceptions.
        /// </summary>
        /// <param name="buffer">The buffer argument.</param>
        /// <param name="bufferName">Its parameter name, for the exception.</param>
        /// <param name="byteOffset">The offset argument (reported as <c>byteOffset</c>).</param>
        /// <param name="bytes">The length in bytes.</param>
        /// <param name="bytesName">The parameter the length came from (a span, or a byte count), for the exception.</param>
        protected void CheckRange(DeviceBuffer? buffer, string bufferName, long byteOffset, long bytes, string bytesName)
        {
            if (buffer is null)
            {
                throw new ArgumentNullException(bufferName);
            }

            if (!ReferenceEquals(buffer.Device, this))
            {
                throw new ArgumentException($"The buffer belongs to another device ({buffer.Device.Name}), not {Name}.", bufferName);
            }

            if (buffer.IsDisposed)
            {
                throw new ObjectDisposedException(bufferName, "The buffer has been disposed.");
            }

            if (byteOffset < 0 || byteOffset > buffer.Bytes)
            {
                throw new ArgumentOutOfRangeException(nameof(byteOffset), byteOffset, $"The offset must lie within the buffer's {buffer.Bytes} bytes.");
            }

            if (bytes < 0 || bytes > buffer.Bytes - byteOffset)
            {
                throw new ArgumentOutOfRangeException(bytesName, bytes, $"{bytes} bytes from offset {byteOffset} run past the end of the buffer's {buffer.Bytes} bytes.");
            }
        }

        /// <summary>Frees a buffer this device allocated (called once, by <see cref="DeviceBuffer.Dispose"/>).</summary>
        protected internal abstract void Free(DeviceBuffer buffer);
    }
}
