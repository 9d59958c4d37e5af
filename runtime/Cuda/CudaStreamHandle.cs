using System;

namespace RnnGen.Gpu
{
    /// <summary>Owns the device's <c>CUstream</c>, the one in-order queue every copy and launch goes on.</summary>
    internal sealed unsafe class CudaStreamHandle : CudaChildHandle
    {
        public CudaStreamHandle(CudaContextHandle context)
            : base(context)
        {
        }

        /// <inheritdoc/>
        protected override void Release(IntPtr value) => _ = Driver.StreamDestroy(value);
    }
}
