using System;
using System.Runtime.InteropServices;

namespace RnnGen.Gpu
{
    /// <summary>Owns a <c>CUcontext</c>: destroyed once, by <see cref="SafeHandle.Dispose()"/> or the finalizer.</summary>
    /// <remarks>
    /// Memory, modules and the stream hold a reference count on this handle (<see cref="CudaChildHandle"/>), so the
    /// context outlives everything created in it even when finalizers run in an arbitrary order.
    /// </remarks>
    internal sealed unsafe class CudaContextHandle : SafeHandle
    {
        public CudaContextHandle(CudaDriver driver)
            : base(IntPtr.Zero, ownsHandle: true) => Driver = driver;

        /// <summary>The driver the context belongs to (finalizers need it to release).</summary>
        public CudaDriver Driver { get; }

        /// <inheritdoc/>
        public override bool IsInvalid => handle == IntPtr.Zero;

        /// <summary>Takes ownership of a context the driver returned.</summary>
        public void Own(IntPtr context) => SetHandle(context);

        /// <summary>Makes the context current on this thread until the scope is disposed.</summary>
        public CudaContextScope Enter() => new(this);

        /// <inheritdoc/>
        protected override bool ReleaseHandle()
        {
            // The result is ignored: at process exit the driver may already be deinitialised, and a release that
            // fails leaves nothing to retry.
            _ = Driver.CtxDestroy(handle);
            return true;
        }
    }
}
