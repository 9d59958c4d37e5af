using System;

namespace RnnGen.Gpu
{
    /// <summary>Owns device memory from <c>cuMemAlloc_v2</c> (the handle's value is the device address).</summary>
    internal sealed unsafe class CudaMemoryHandle : CudaChildHandle
    {
        public CudaMemoryHandle(CudaContextHandle context)
            : base(context)
        {
        }

        /// <summary>The device address of byte 0.</summary>
        public ulong Address => (ulong)(long)handle;

        /// <inheritdoc/>
        protected override void Release(IntPtr value) => _ = Driver.MemFree((ulong)(long)value);
    }
}
