using RnnGen.Gpu;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>Fake global memory: a byte array at a fake device address (one 4 GiB-aligned slot per buffer).</summary>
    internal sealed class InterpreterBuffer : DeviceBuffer
    {
        public InterpreterBuffer(GpuDevice device, ulong address, long bytes, int index)
            : base(device, address, bytes)
        {
            Data = new byte[bytes];
            Index = index;
        }

        public byte[] Data { get; }

        /// <summary>The buffer's slot: its address is GlobalBase + Index * 2^32.</summary>
        public int Index { get; }
    }

    /// <summary>A loaded module.</summary>
    internal sealed class InterpreterModule : GpuModule
    {
        public InterpreterModule(PtxInterpreterDevice device, PtxModuleImage image)
        {
            Device = device;
            Image = image;
        }

        public PtxInterpreterDevice Device { get; }

        public PtxModuleImage Image { get; }
    }

    /// <summary>A kernel of a loaded module.</summary>
    internal sealed class InterpreterKernel : GpuKernel
    {
        public InterpreterKernel(InterpreterModule module, PtxEntry entry)
            : base(entry.Name)
        {
            Module = module;
            Entry = entry;
        }

        public InterpreterModule Module { get; }

        public PtxEntry Entry { get; }
    }
}
