using System;
using System.Threading;

namespace RnnGen.Gpu
{
    /// <summary>A block of device memory owned by the <see cref="GpuDevice"/> that allocated it.</summary>
    public class DeviceBuffer : IDisposable
    {
        private int _disposed;

        /// <summary>Wraps memory at <paramref name="address"/>; called by a device's <see cref="GpuDevice.Allocate"/>.</summary>
        protected internal DeviceBuffer(GpuDevice device, ulong address, long bytes)
        {
            Device = device ?? throw new ArgumentNullException(nameof(device));
            Address = address;
            Bytes = bytes;
        }

        /// <summary>The device that owns the memory.</summary>
        public GpuDevice Device { get; }

        /// <summary>The device address of byte 0 (what a kernel's <c>.u64</c> pointer parameter receives).</summary>
        public ulong Address { get; }

        /// <summary>Length in bytes.</summary>
        public long Bytes { get; }

        /// <summary>Whether the memory has been freed.</summary>
        public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

        /// <summary>Frees the memory (once; later calls do nothing).</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Device.Free(this);
            }

            GC.SuppressFinalize(this);
        }
    }
}
