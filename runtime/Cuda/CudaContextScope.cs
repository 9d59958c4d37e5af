using System;

namespace RnnGen.Gpu
{
    /// <summary>Pushes a context onto the calling thread's context stack and pops it when disposed.</summary>
    /// <remarks>
    /// The driver keeps the current context per OS thread, and .NET may call a device (or run a finalizer) on any
    /// thread, so every call into the driver runs inside one of these. Push/pop rather than <c>cuCtxSetCurrent</c>:
    /// whatever context another library made current on the thread is left as it was.
    /// </remarks>
    internal readonly unsafe ref struct CudaContextScope
    {
        private readonly CudaDriver _driver;

        public CudaContextScope(CudaContextHandle context)
        {
            _driver = context.Driver;
            _driver.Check(_driver.CtxPushCurrent(context.DangerousGetHandle()), "cuCtxPushCurrent_v2");
        }

        /// <summary>Pops the context pushed by the constructor.</summary>
        public void Dispose()
        {
            IntPtr popped;
            _ = _driver.CtxPopCurrent(&popped);
        }
    }
}
