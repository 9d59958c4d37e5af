namespace RnnGen.Gpu
{
    /// <summary>A module of PTX JIT-compiled by the CUDA driver; unloaded with its <see cref="CudaDevice"/>.</summary>
    public sealed class CudaModule : GpuModule
    {
        internal CudaModule(CudaDevice device, CudaModuleHandle handle, string infoLog)
        {
            Device = device;
            Handle = handle;
            InfoLog = infoLog;
        }

        /// <summary>
        /// The JIT compiler's information log (verbose: registers, shared memory and spills per entry), for the
        /// performance reports; empty when the driver wrote none.
        /// </summary>
        public string InfoLog { get; }

        /// <summary>The device that loaded the module.</summary>
        internal CudaDevice Device { get; }

        /// <summary>The owning handle; the device disposes it.</summary>
        internal CudaModuleHandle Handle { get; }
    }
}
