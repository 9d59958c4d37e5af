using System;

namespace RnnGen.Gpu
{
    /// <summary>Owns a <c>CUmodule</c> from <c>cuModuleLoadDataEx</c>; its functions are valid while it lives.</summary>
    internal sealed unsafe class CudaModuleHandle : CudaChildHandle
    {
        public CudaModuleHandle(CudaContextHandle context)
            : base(context)
        {
        }

        /// <inheritdoc/>
        protected override void Release(IntPtr value) => _ = Driver.ModuleUnload(value);
    }
}
