using System;

namespace RnnGen.Gpu
{
    /// <summary>A <c>CUfunction</c> of a <see cref="CudaModule"/>: valid while the module is loaded, so it keeps a reference to it.</summary>
    internal sealed class CudaKernel : GpuKernel
    {
        public CudaKernel(CudaModule module, string name, IntPtr function)
            : base(name)
        {
            Module = module;
            Function = function;
        }

        /// <summary>The module the function lives in.</summary>
        public CudaModule Module { get; }

        /// <summary>The driver's function handle (owned by the module, not by this object).</summary>
        public IntPtr Function { get; }

        /// <summary>
        /// The largest <c>CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES</c> set so far: above the 48 KiB every kernel
        /// may use, the attribute is set once per size rather than once per launch.
        /// </summary>
        public int DynamicSharedLimit { get; set; } = CudaConstants.DefaultDynamicSharedLimit;
    }
}
