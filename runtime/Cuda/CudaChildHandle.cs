using System;
using System.Runtime.InteropServices;

namespace RnnGen.Gpu
{
    /// <summary>
    /// A driver object that lives in a context (memory, a module, a stream): it keeps the context alive while it
    /// exists and makes it current to release itself.
    /// </summary>
    internal abstract class CudaChildHandle : SafeHandle
    {
        private readonly CudaContextHandle _context;
        private bool _holdsContext;

        protected CudaChildHandle(CudaContextHandle context)
            : base(IntPtr.Zero, ownsHandle: true)
        {
            _context = context;
        }

        /// <summary>The driver both handles belong to.</summary>
        protected CudaDriver Driver => _context.Driver;

        /// <inheritdoc/>
        public override bool IsInvalid => handle == IntPtr.Zero;

        /// <summary>Takes ownership of what the driver returned.</summary>
        public void Own(IntPtr value)
        {
            // A reference count on the context, taken only once there is something to free: the context's handle
            // cannot be released (cuCtxDestroy) while this one lives, whatever order the finalizer thread picks.
            _context.DangerousAddRef(ref _holdsContext);
            SetHandle(value);
        }

        /// <summary>Frees the object with its context current.</summary>
        protected abstract void Release(IntPtr value);

        /// <inheritdoc/>
        protected override bool ReleaseHandle()
        {
            try
            {
                // Push/pop by hand rather than through CudaContextScope: a failing push must not throw here (a
                // finalizer), and the release is still attempted (it fails harmlessly when the driver is gone).
                unsafe
                {
                    IntPtr context = _context.DangerousGetHandle();
                    int pushed = Driver.CtxPushCurrent(context);
                    Release(handle);
                    if (pushed == CudaResult.Success)
                    {
                        IntPtr popped;
                        _ = Driver.CtxPopCurrent(&popped);
                    }
                }
            }
            finally
            {
                if (_holdsContext)
                {
                    _context.DangerousRelease();
                }
            }

            return true;
        }
    }
}
