using System;
using RnnGen.Gpu;

namespace RnnGen.Runtime.Tests.Gpu
{
    /// <summary>A device with no memory behind it: buffers get made-up addresses, for tests of the argument types.</summary>
    internal sealed class FakeGpuDevice : GpuDevice
    {
        private ulong _next = 0x7f00_0000_0000;

        public override string Name => "fake";

        public override int MultiprocessorCount => 1;

        public override int SharedMemoryPerBlock => 48 * 1024;

        public override DeviceBuffer Allocate(long bytes)
        {
            var buffer = new FakeBuffer(this, _next, bytes);
            _next += (ulong)bytes + 256;
            return buffer;
        }

        /// <summary>The shared range check, as a device's Upload would call it.</summary>
        public void CheckUpload(DeviceBuffer destination, long byteOffset, int bytes) =>
            CheckRange(destination, nameof(destination), byteOffset, bytes, "source");

        public override void Upload(DeviceBuffer destination, long byteOffset, ReadOnlySpan<byte> source) => throw new NotSupportedException();

        public override void Download(DeviceBuffer source, long byteOffset, Span<byte> destination) => throw new NotSupportedException();

        public override void Clear(DeviceBuffer buffer, long byteOffset, long bytes) => throw new NotSupportedException();

        public override GpuModule LoadModule(string ptx) => throw new NotSupportedException();

        public override GpuKernel GetKernel(GpuModule module, string name) => throw new NotSupportedException();

        public override int MaxActiveBlocksPerMultiprocessor(GpuKernel kernel, int threadsPerBlock, int dynamicSharedBytes) => throw new NotSupportedException();

        public override void Launch(GpuKernel kernel, in LaunchShape shape, ReadOnlySpan<KernelArgument> arguments) => throw new NotSupportedException();

        public override void Synchronize()
        {
        }

        protected override void Free(DeviceBuffer buffer)
        {
        }

        private sealed class FakeBuffer : DeviceBuffer
        {
            public FakeBuffer(GpuDevice device, ulong address, long bytes)
                : base(device, address, bytes)
            {
            }
        }
    }
}
