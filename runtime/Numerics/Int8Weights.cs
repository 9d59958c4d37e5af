using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Numerics
{
    /// <summary>
    /// 8-bit weights for the generated <c>Step</c> kernels (<c>Weights = WeightFormat.Int8</c>).
    /// <para>
    /// Weights: each row r of a matrix (one gate of one unit) gets a scale <c>s_r = max_k |W[r,k]| / 127</c> and
    /// <c>q[r,k] = round(W[r,k] / s_r)</c> in [-127, 127]. Inputs: each input vector x gets
    /// <c>s_x = max_k |x_k| / 127</c> and is stored offset to unsigned, <c>u_k = round(x_k / s_x) + 128</c> in [1, 255],
    /// because the dot-product instruction (VPDPBUSD) multiplies unsigned by signed bytes. Then
    /// <c>W·x ≈ s_r · s_x · (Σ_k u_k q[r,k] - 128 Σ_k q[r,k])</c>: the sum is exact in int32 and the correction
    /// <c>128 Σ_k q[r,k]</c> is stored beside the scales.
    /// </para>
    /// <para>
    /// Layout: the packed fp32 tensor is <c>[block][k][gate][16 lanes]</c>; the int8 copy groups 4 consecutive k
    /// per lane, <c>[block][k/4][gate][16 lanes][4]</c> (k padded to a multiple of 4 with zero weights), so one 32-byte
    /// load is 8 lanes × 4 k, exactly what one VPDPBUSD consumes. Scales and corrections are <c>[block][gate][16]</c>.
    /// </para>
    /// </summary>
    public static class Int8Weights
    {
        /// <summary>Units per block of the packed layout (one Vector512 of floats).</summary>
        public const int BlockWidth = 16;

        /// <summary>The offset that turns a signed 8-bit input into the unsigned byte VPDPBUSD reads.</summary>
        public const int InputOffset = 128;

        /// <summary>Columns rounded up to the 4 bytes one lane of VPDPBUSD sums.</summary>
        /// <param name="columns">Reduction length.</param>
        /// <returns>The padded length.</returns>
        public static int PaddedColumns(int columns) => (columns + 3) & ~3;

        /// <summary>Bytes of the int8 copy of a packed tensor.</summary>
        /// <param name="blocks">Unit blocks.</param>
        /// <param name="columns">Reduction length.</param>
        /// <param name="gates">Gates side by side.</param>
        /// <returns>The byte count.</returns>
        public static int WeightBytes(int blocks, int columns, int gates) => blocks * PaddedColumns(columns) * gates * BlockWidth;

        /// <summary>
        /// Quantises a packed fp32 tensor <c>[block][k][gate][16]</c> into the int8 layout, with one scale and one
        /// correction per row (gate and unit).
        /// </summary>
        /// <param name="packed">The fp32 tensor, <c>blocks × columns × gates × 16</c> floats.</param>
        /// <param name="blocks">Unit blocks.</param>
        /// <param name="columns">Reduction length.</param>
        /// <param name="gates">Gates side by side.</param>
        /// <param name="weights">Receives <see cref="WeightBytes"/> bytes.</param>
        /// <param name="scales">Receives <c>blocks × gates × 16</c> row scales (0 for an all-zero row).</param>
        /// <param name="corrections">Receives <c>blocks × gates × 16</c> values of <c>128 Σ_k q</c>.</param>
        /// <exception cref="ArgumentException">A span's length does not match its shape.</exception>
        public static void Quantize(ReadOnlySpan<float> packed, int blocks, int columns, int gates, Span<sbyte> weights, Span<float> scales, Span<int> corrections)
        {
            var rows = blocks * gates * BlockWidth;
            Require(packed.Length, rows * columns, nameof(packed), "[blocks * columns * gates * 16]");
            Require(weights.Length, WeightBytes(blocks, columns, gates), nameof(weights), "[blocks * paddedColumns * gates * 16]");
            Require(scales.Length, rows, nameof(scales), "[blocks * gates * 16]");
            Require(corrections.Length, rows, nameof(corrections), "[blocks * gates * 16]");
            var padded = PaddedColumns(columns);
            weights.Clear();
            for (var block = 0; block < blocks; block++)
            {
                var source = packed.Slice(block * columns * gates * BlockWidth, columns * gates * BlockWidth);
                var target = weights.Slice(block * padded * gates * BlockWidth, padded * gates * BlockWidth);
                for (var gate = 0; gate < gates; gate++)
                {
                    for (var lane = 0; lane < BlockWidth; lane++)
                    {
                        var max = 0f;
                        for (var k = 0; k < columns; k++)
                        {
                            max = MathF.Max(max, MathF.Abs(source[(((k * gates) + gate) * BlockWidth) + lane]));
                        }

                        var row = (((block * gates) + gate) * BlockWidth) + lane;
                        var scale = max / 127f;
                        var inverse = max == 0f ? 0f : 127f / max;
                        var sum = 0;
                        for (var k = 0; k < columns; k++)
                        {
                            var q = (int)MathF.Round(source[(((k * gates) + gate) * BlockWidth) + lane] * inverse);
                            q = Math.Clamp(q, -127, 127);
                            sum += q;
                            target[(((((k >> 2) * gates) + gate) * BlockWidth) + lane) * 4 + (k & 3)] = (sbyte)q;
                        }

                        scales[row] = scale;
                        corrections[row] = InputOffset * sum;
                    }
                }
            }
        }

        /// <summary>
        /// Rounds one input vector to offset 8-bit values, <c>u_k = round(x_k / s_x) + 128</c>, padding with 128 (zero)
        /// up to <see cref="PaddedColumns"/>; returns <c>s_x = max_k |x_k| / 127</c> (0 for a zero vector).
        /// </summary>
        /// <param name="x">The first input.</param>
        /// <param name="count">Inputs.</param>
        /// <param name="destination">Receives <see cref="PaddedColumns"/>(<paramref name="count"/>) bytes.</param>
        /// <returns>The vector's scale.</returns>
        public static float QuantizeInput(ref float x, int count, ref byte destination)
        {
            var values = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref x, count);
            var max = count == 0 ? 0f : MathF.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(values));
            if (!float.IsFinite(max))
            {
                max = float.IsNaN(max) ? max : float.MaxValue; // NaN propagates through the scale; ∞ saturates
            }

            var inverse = max == 0f ? 0f : 127f / max;
            var k = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var scale = Vector256.Create(inverse);
                var offset = Vector256.Create(InputOffset);
                for (; k + 8 <= count; k += 8)
                {
                    // |x / s| <= 127 by construction, so u = round(x / s) + 128 fits a byte.
                    var q = Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref x, (uint)k) * scale)) + offset;
                    var words = Vector256.Narrow(q, q).AsUInt16();
                    var bytes = Vector256.Narrow(words, words);
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, k), bytes.AsUInt64().ToScalar());
                }
            }

            for (; k < count; k++)
            {
                Unsafe.Add(ref destination, k) = (byte)((int)MathF.Round(Unsafe.Add(ref x, k) * inverse) + InputOffset);
            }

            for (; k < PaddedColumns(count); k++)
            {
                Unsafe.Add(ref destination, k) = InputOffset;
            }

            return max / 127f;
        }

        /// <summary>
        /// <c>acc[l] + Σ_{j&lt;4} x[4l+j] · w[4l+j]</c> for the 8 int32 lanes: one VPDPBUSD with AVX-VNNI, otherwise
        /// <see cref="DotAvx2"/>, otherwise element by element.
        /// </summary>
        /// <param name="accumulator">The running int32 sums.</param>
        /// <param name="x">Unsigned inputs, 4 per lane.</param>
        /// <param name="w">Signed weights, 4 per lane.</param>
        /// <returns>The updated sums.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Dot(Vector256<int> accumulator, Vector256<byte> x, Vector256<sbyte> w)
        {
            if (AvxVnni.IsSupported)
            {
                return AvxVnni.MultiplyWideningAndAdd(accumulator, x, w);
            }

            if (Avx2.IsSupported)
            {
                return DotAvx2(accumulator, x, w);
            }

            return DotPortable(accumulator, x, w);
        }

        /// <summary>
        /// <see cref="Dot"/> without AVX-VNNI: widen to 16 bits (u·w ≤ 255·127 fits), multiply-add adjacent pairs
        /// (VPMADDWD), add pairs of pairs (VPHADDD, which works per 128-bit half) and put the quadwords back in order.
        /// Public so tests can compare it with VPDPBUSD on a machine that has both.
        /// </summary>
        /// <param name="accumulator">The running int32 sums.</param>
        /// <param name="x">Unsigned inputs, 4 per lane.</param>
        /// <param name="w">Signed weights, 4 per lane.</param>
        /// <returns>The updated sums.</returns>
        /// <exception cref="PlatformNotSupportedException">The CPU has no AVX2.</exception>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> DotAvx2(Vector256<int> accumulator, Vector256<byte> x, Vector256<sbyte> w)
        {
            // Lanes 0-3 (bytes 0-15): [L0a L0b L1a L1b | L2a L2b L3a L3b] as pair sums; lanes 4-7 likewise.
            var low = Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(x.GetLower()), Avx2.ConvertToVector256Int16(w.GetLower()));
            var high = Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(x.GetUpper()), Avx2.ConvertToVector256Int16(w.GetUpper()));

            // [L0 L1 L4 L5 | L2 L3 L6 L7] -> [L0 L1 L2 L3 | L4 L5 L6 L7].
            var sums = Avx2.HorizontalAdd(low, high);
            return accumulator + Avx2.Permute4x64(sums.AsInt64(), 0b11_01_10_00).AsInt32();
        }

        /// <summary>The scalar definition of <see cref="Dot"/>, for CPUs without AVX2.</summary>
        /// <param name="accumulator">The running int32 sums.</param>
        /// <param name="x">Unsigned inputs, 4 per lane.</param>
        /// <param name="w">Signed weights, 4 per lane.</param>
        /// <returns>The updated sums.</returns>
        public static Vector256<int> DotPortable(Vector256<int> accumulator, Vector256<byte> x, Vector256<sbyte> w)
        {
            Span<int> sums = stackalloc int[8];
            for (var lane = 0; lane < 8; lane++)
            {
                var sum = accumulator.GetElement(lane);
                for (var j = 0; j < 4; j++)
                {
                    sum += x.GetElement((lane * 4) + j) * w.GetElement((lane * 4) + j);
                }

                sums[lane] = sum;
            }

            return Vector256.Create<int>(sums);
        }

        private static void Require(int actual, int expected, string name, string shape)
        {
            if (actual != expected)
            {
                throw new ArgumentException($"{name} has {actual} elements; expected {expected}, {shape}.", name);
            }
        }
    }
}
