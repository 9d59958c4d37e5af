using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Numerics
{
    /// <summary>
    /// bfloat16 weights for the generated <c>Step</c> kernels (<c>Weights = WeightFormat.BFloat16</c>): a bfloat16 is
    /// the top 16 bits of a float, so widening is a shift into the high half; the kernels keep their fp32 arithmetic.
    /// </summary>
    public static class BFloat16Weights
    {
        /// <summary>
        /// Rounds <paramref name="source"/> to bfloat16, to nearest with ties to even (NaN stays NaN):
        /// <c>w16 = (bits(w) + 0x7FFF + ((bits(w) &gt;&gt; 16) &amp; 1)) &gt;&gt; 16</c>. The relative error per weight is at most 2^-8 (half a unit in the 8th significant bit).
        /// </summary>
        /// <param name="source">Floats.</param>
        /// <param name="destination">Receives the bfloat16 bits; at least as long as <paramref name="source"/>.</param>
        /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
        public static void Round(ReadOnlySpan<float> source, Span<ushort> destination)
        {
            if (destination.Length < source.Length)
            {
                throw new ArgumentException($"destination holds {destination.Length} values but source has {source.Length}; expected at least [{source.Length}].", nameof(destination));
            }

            for (var i = 0; i < source.Length; i++)
            {
                destination[i] = Round(source[i]);
            }
        }

        /// <summary>One float rounded to bfloat16 bits (to nearest, ties to even; NaN stays a quiet NaN).</summary>
        /// <param name="value">The float.</param>
        /// <returns>The bfloat16 bits.</returns>
        public static ushort Round(float value)
        {
            var bits = BitConverter.SingleToUInt32Bits(value);
            if (float.IsNaN(value))
            {
                return (ushort)((bits >> 16) | 0x40); // keep it a NaN whatever the low bits were
            }

            return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
        }

        /// <summary>The float a bfloat16 stands for.</summary>
        /// <param name="value">bfloat16 bits.</param>
        /// <returns>The float, exactly.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Load(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);

        /// <summary>Widens 4 bfloat16 values at <paramref name="source"/> + <paramref name="offset"/> to floats.</summary>
        /// <param name="source">The first bfloat16 of the tensor.</param>
        /// <param name="offset">Elements from <paramref name="source"/>.</param>
        /// <returns>The 4 floats.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Load128(ref ushort source, uint offset)
        {
            var half = Vector64.LoadUnsafe(ref source, offset);
            if (Sse41.IsSupported)
            {
                return Sse2.ShiftLeftLogical(Sse41.ConvertToVector128Int32(Vector128.Create(half, Vector64<ushort>.Zero)), 16).AsSingle();
            }

            return Vector128.ShiftLeft(Vector128.WidenLower(Vector128.Create(half, Vector64<ushort>.Zero)), 16).AsSingle();
        }

        /// <summary>Widens 8 bfloat16 values at <paramref name="source"/> + <paramref name="offset"/> to floats.</summary>
        /// <param name="source">The first bfloat16 of the tensor.</param>
        /// <param name="offset">Elements from <paramref name="source"/>.</param>
        /// <returns>The 8 floats.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load256(ref ushort source, uint offset)
        {
            var half = Vector128.LoadUnsafe(ref source, offset);
            if (Avx2.IsSupported)
            {
                // VPMOVZXWD then VPSLLD: two instructions, where the portable widening builds a 256-bit vector first.
                return Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(half), 16).AsSingle();
            }

            return Vector256.ShiftLeft(Vector256.WidenLower(Vector256.Create(half, Vector128<ushort>.Zero)), 16).AsSingle();
        }

        /// <summary>Widens 16 bfloat16 values at <paramref name="source"/> + <paramref name="offset"/> to floats.</summary>
        /// <param name="source">The first bfloat16 of the tensor.</param>
        /// <param name="offset">Elements from <paramref name="source"/>.</param>
        /// <returns>The 16 floats.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load512(ref ushort source, uint offset)
        {
            var half = Vector256.LoadUnsafe(ref source, offset);
            if (Avx512F.IsSupported)
            {
                return Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512Int32(half), 16).AsSingle();
            }

            return Vector512.ShiftLeft(Vector512.WidenLower(Vector512.Create(half, Vector256<ushort>.Zero)), 16).AsSingle();
        }
    }
}
