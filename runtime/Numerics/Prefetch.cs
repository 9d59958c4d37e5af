using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Numerics
{
    /// <summary>
    /// Software prefetch for the generated kernels: a wide layer's weights stream from L3 once per step, and the
    /// hardware prefetchers do not run far enough ahead to have the next chunk of columns in L2 when a kernel turns
    /// to it. A no-op where the CPU has no prefetch instruction .NET exposes (everything but x86).
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Prefetch
    {
        /// <summary>Asks for the cache line holding <paramref name="location"/> in L2 (x86 <c>prefetcht1</c>); never faults.</summary>
        /// <param name="location">Any address: a prefetch past the end of a buffer is harmless.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe void IntoL2(ref float location)
        {
            if (Sse.IsSupported)
            {
                Sse.Prefetch1(Unsafe.AsPointer(ref location));
            }
        }
    }
}
