namespace RnnGen.Gpu
{
    /// <summary>Device memory of a <see cref="CudaDevice"/>; the memory itself is owned by a SafeHandle.</summary>
    /// <remarks>
    /// The handle, not this object, frees the memory, so a buffer that is never disposed is still freed (by the
    /// device's disposal, or the handle's finalizer if the device is dropped too).
    /// </remarks>
    internal sealed class CudaBuffer : DeviceBuffer
    {
        public CudaBuffer(CudaDevice device, CudaMemoryHandle memory, long bytes)
            : base(device, memory.Address, bytes) => Memory = memory;

        /// <summary>The owning handle; disposing it frees the memory.</summary>
        public CudaMemoryHandle Memory { get; }
    }
}
