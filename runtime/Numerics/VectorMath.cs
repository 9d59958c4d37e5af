using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Numerics
{
    /// <summary>
    /// The element-wise math the generated kernels call, one overload per vector width so emitted code reads the
    /// same for every width, all inlinable (a kernel compiled at full optimisation never calls out to library code
    /// that may still be running unoptimised). The vector tanh is a rational function, <c>x · P(x²) / Q(x²)</c> on
    /// x clamped to [-9, 9] (11 multiply-adds and one division, about half the work of an exponential and a
    /// division), and <c>σ(x) = 1/2 + tanh(x/2) / 2</c>: the LSTM and GRU gates spend a third of a small layer's
    /// step here. Their absolute error stays below 2e-7 (sigmoid) and 4e-7 (tanh) over the whole float range
    /// (asserted by the runtime tests; measured 1.8e-7 and 3.1e-7), and they saturate to exactly 0, 1 and ±1. Rounding
    /// makes tanh non-monotone in its last bits near ±9 (steps down of up to 5.4e-7 between neighbouring floats).
    /// NaN in gives NaN out. The scalar overloads use <see cref="MathF"/>.
    /// </summary>
    public static class VectorMath
    {
        /// <summary><c>a * b + c</c>, fused where the hardware has FMA.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float MultiplyAdd(float a, float b, float c) => float.MultiplyAddEstimate(a, b, c);

        /// <inheritdoc cref="MultiplyAdd(float, float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.MultiplyAddEstimate(a, b, c);

        /// <inheritdoc cref="MultiplyAdd(float, float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.MultiplyAddEstimate(a, b, c);

        /// <inheritdoc cref="MultiplyAdd(float, float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.MultiplyAddEstimate(a, b, c);

        /// <summary>Logistic sigmoid, <c>1 / (1 + e^-x)</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

        /// <inheritdoc cref="Sigmoid(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Sigmoid(Vector128<float> x) => MultiplyAdd(Tanh(x * Vector128.Create(0.5f)), Vector128.Create(0.5f), Vector128.Create(0.5f));

        /// <inheritdoc cref="Sigmoid(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Sigmoid(Vector256<float> x) => MultiplyAdd(Tanh(x * Vector256.Create(0.5f)), Vector256.Create(0.5f), Vector256.Create(0.5f));

        /// <inheritdoc cref="Sigmoid(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Sigmoid(Vector512<float> x) => MultiplyAdd(Tanh(x * Vector512.Create(0.5f)), Vector512.Create(0.5f), Vector512.Create(0.5f));

        /// <summary>Hyperbolic tangent.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Tanh(float x) => MathF.Tanh(x);

        /// <inheritdoc cref="Tanh(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Tanh(Vector128<float> x)
        {
            var c = Vector128.Min(Vector128.Max(x, Vector128.Create(-TanhLimit)), Vector128.Create(TanhLimit));
            var s = c * c;
            var p = MultiplyAdd(Vector128.Create(TanhP6), s, Vector128.Create(TanhP5));
            p = MultiplyAdd(p, s, Vector128.Create(TanhP4));
            p = MultiplyAdd(p, s, Vector128.Create(TanhP3));
            p = MultiplyAdd(p, s, Vector128.Create(TanhP2));
            p = MultiplyAdd(p, s, Vector128.Create(TanhP1));
            p = MultiplyAdd(p, s, Vector128.Create(TanhP0));
            var q = MultiplyAdd(Vector128.Create(TanhQ3), s, Vector128.Create(TanhQ2));
            q = MultiplyAdd(q, s, Vector128.Create(TanhQ1));
            q = MultiplyAdd(q, s, Vector128<float>.One);
            return c * p / q;
        }

        /// <inheritdoc cref="Tanh(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Tanh(Vector256<float> x)
        {
            var c = Vector256.Min(Vector256.Max(x, Vector256.Create(-TanhLimit)), Vector256.Create(TanhLimit));
            var s = c * c;
            var p = MultiplyAdd(Vector256.Create(TanhP6), s, Vector256.Create(TanhP5));
            p = MultiplyAdd(p, s, Vector256.Create(TanhP4));
            p = MultiplyAdd(p, s, Vector256.Create(TanhP3));
            p = MultiplyAdd(p, s, Vector256.Create(TanhP2));
            p = MultiplyAdd(p, s, Vector256.Create(TanhP1));
            p = MultiplyAdd(p, s, Vector256.Create(TanhP0));
            var q = MultiplyAdd(Vector256.Create(TanhQ3), s, Vector256.Create(TanhQ2));
            q = MultiplyAdd(q, s, Vector256.Create(TanhQ1));
            q = MultiplyAdd(q, s, Vector256<float>.One);
            return c * p / q;
        }

        /// <inheritdoc cref="Tanh(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Tanh(Vector512<float> x)
        {
            var c = Vector512.Min(Vector512.Max(x, Vector512.Create(-TanhLimit)), Vector512.Create(TanhLimit));
            var s = c * c;
            var p = MultiplyAdd(Vector512.Create(TanhP6), s, Vector512.Create(TanhP5));
            p = MultiplyAdd(p, s, Vector512.Create(TanhP4));
            p = MultiplyAdd(p, s, Vector512.Create(TanhP3));
            p = MultiplyAdd(p, s, Vector512.Create(TanhP2));
            p = MultiplyAdd(p, s, Vector512.Create(TanhP1));
            p = MultiplyAdd(p, s, Vector512.Create(TanhP0));
            var q = MultiplyAdd(Vector512.Create(TanhQ3), s, Vector512.Create(TanhQ2));
            q = MultiplyAdd(q, s, Vector512.Create(TanhQ1));
            q = MultiplyAdd(q, s, Vector512<float>.One);
            return c * p / q;
        }

        /// <summary>The derivative of relu in terms of its output: 1 where <c>x &gt; 0</c>, else 0.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float PositiveMask(float x) => x > 0f ? 1f : 0f;

        /// <inheritdoc cref="PositiveMask(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> PositiveMask(Vector128<float> x) => Vector128.GreaterThan(x, Vector128<float>.Zero) & Vector128<float>.One;

        /// <inheritdoc cref="PositiveMask(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> PositiveMask(Vector256<float> x) => Vector256.GreaterThan(x, Vector256<float>.Zero) & Vector256<float>.One;

        /// <inheritdoc cref="PositiveMask(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> PositiveMask(Vector512<float> x) => Vector512.GreaterThan(x, Vector512<float>.Zero) & Vector512<float>.One;

        /// <summary>Hard sigmoid, <c>clip(x / 6 + 1/2, 0, 1)</c>.</summary>
        public static float HardSigmoid(float x) => Math.Clamp(MultiplyAdd(x, 1f / 6f, 0.5f), 0f, 1f);

        /// <summary>Hard sigmoid, <c>clip(x / 6 + 1/2, 0, 1)</c>.</summary>
        public static Vector128<float> HardSigmoid(Vector128<float> x) => Vector128.Min(Vector128.Max(MultiplyAdd(x, Vector128.Create(1f / 6f), Vector128.Create(0.5f)), Vector128<float>.Zero), Vector128<float>.One);

        /// <summary>Hard sigmoid, <c>clip(x / 6 + 1/2, 0, 1)</c>.</summary>
        public static Vector256<float> HardSigmoid(Vector256<float> x) => Vector256.Min(Vector256.Max(MultiplyAdd(x, Vector256.Create(1f / 6f), Vector256.Create(0.5f)), Vector256<float>.Zero), Vector256<float>.One);

        /// <summary>Hard sigmoid, <c>clip(x / 6 + 1/2, 0, 1)</c>.</summary>
        public static Vector512<float> HardSigmoid(Vector512<float> x) => Vector512.Min(Vector512.Max(MultiplyAdd(x, Vector512.Create(1f / 6f), Vector512.Create(0.5f)), Vector512<float>.Zero), Vector512<float>.One);

        /// <summary>The hard sigmoid's slope from its output y: 1/6 where 0 &lt; y &lt; 1, else 0.</summary>
        public static float HardSigmoidSlope(float y) => y > 0f && y < 1f ? 1f / 6f : 0f;

        /// <summary>The hard sigmoid's slope from its output y: 1/6 where 0 &lt; y &lt; 1, else 0.</summary>
        public static Vector128<float> HardSigmoidSlope(Vector128<float> y) => Vector128.GreaterThan(y, Vector128<float>.Zero) & Vector128.LessThan(y, Vector128<float>.One) & Vector128.Create(1f / 6f);

        /// <summary>The hard sigmoid's slope from its output y: 1/6 where 0 &lt; y &lt; 1, else 0.</summary>
        public static Vector256<float> HardSigmoidSlope(Vector256<float> y) => Vector256.GreaterThan(y, Vector256<float>.Zero) & Vector256.LessThan(y, Vector256<float>.One) & Vector256.Create(1f / 6f);

        /// <summary>The hard sigmoid's slope from its output y: 1/6 where 0 &lt; y &lt; 1, else 0.</summary>
        public static Vector512<float> HardSigmoidSlope(Vector512<float> y) => Vector512.GreaterThan(y, Vector512<float>.Zero) & Vector512.LessThan(y, Vector512<float>.One) & Vector512.Create(1f / 6f);

        /// <summary>Rectified linear unit, <c>max(x, 0)</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Relu(float x) => MathF.Max(x, 0f);

        /// <inheritdoc cref="Relu(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Relu(Vector128<float> x) => Vector128.Max(x, Vector128<float>.Zero);

        /// <inheritdoc cref="Relu(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Relu(Vector256<float> x) => Vector256.Max(x, Vector256<float>.Zero);

        /// <inheritdoc cref="Relu(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Relu(Vector512<float> x) => Vector512.Max(x, Vector512<float>.Zero);

        // tanh(x) ≈ x · P(x²) / Q(x²) on [-9, 9], our own fit (Lawson-weighted least squares in 40-digit arithmetic):
        // 6e-9 from tanh in exact arithmetic, about 3e-8 with float coefficients, and a few ulp more from float
        // evaluation. At ±9 (3.1e-8 from ±1) the float evaluation gives exactly ±1 (tested), so clamping there saturates.
        private const float TanhLimit = 9f;
        private const float TanhP0 = 0.9999999698374982f;
        private const float TanhP1 = 0.13079263240180307f;
        private const float TanhP2 = 0.0030987603461519247f;
        private const float TanhP3 = 1.1102796424238273e-5f;
        private const float TanhP4 = -2.0032741698100359e-8f;
        private const float TanhP5 = 5.1938362714573492e-11f;
        private const float TanhP6 = -8.2933353383977174e-14f;
        private const float TanhQ1 = 0.46412583780249332f;
        private const float TanhQ2 = 0.024474197870664266f;
        private const float TanhQ3 = 0.0002538747431790168f;

        /// <summary>
        /// 1.5 · 2^23. Adding it to a float v with |v| &lt; 2^22 leaves no bits for a fraction, so the addition itself
        /// rounds v to the nearest integer, ties to even, exactly as <c>Vector128.Round</c> does; subtracting it again
        /// gives that integer n as a float, and the sum's low mantissa bits hold n as an integer (its bits are
        /// <c>0x4B400000 + n</c>), which is all <c>ConvertToInt32</c> was needed for. Two SSE2 instructions: without
        /// SSE4.1 (NativeAOT's default x64 target is SSE2 only) <c>Vector128.Round</c> becomes a call to
        /// <c>MathF.Round</c> per lane and <c>ConvertToInt32</c> a scalar conversion per lane, which made the 128-bit
        /// kernels about 3× slower there than under the JIT.
        /// </summary>
        private const float RoundingShift = 12582912f;

        /// <summary>
        /// e^x: x = n ln2 + r with |r| &lt;= ln2/2, e^r from Cephes' degree-5 polynomial (about 1 ulp), times 2^n built
        /// in the exponent bits, for x in [-87.3, 88] (where 2^n is a normal float); above that +∞, below it 0, so the
        /// activations saturate to exact 0 and 1 without denormals. NaN propagates. n is rounded with
        /// <see cref="RoundingShift"/> rather than <c>Round</c> and <c>ConvertToInt32</c> (the same n, bit for bit), so
        /// the whole function is SSE2 arithmetic on every target.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Exp(Vector128<float> x)
        {
            var clamped = Vector128.Min(Vector128.Max(x, Vector128.Create(-87.3f)), Vector128.Create(88f));
            var shifted = (clamped * Vector128.Create(1.44269504f)) + Vector128.Create(RoundingShift);
            var n = shifted - Vector128.Create(RoundingShift);
            var r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-0.693359375f), clamped);
            r = Vector128.MultiplyAddEstimate(n, Vector128.Create(2.12194440e-4f), r);
            var p = Vector128.MultiplyAddEstimate(Vector128.Create(1.9875691500e-4f), r, Vector128.Create(1.3981999507e-3f));
            p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(8.3334519073e-3f));
            p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(4.1665795894e-2f));
            p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(1.6666665459e-1f));
            p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(5.0000001201e-1f));
            var e = Vector128.MultiplyAddEstimate(p, r * r, r + Vector128<float>.One);
            var scale = Vector128.ShiftLeft(shifted.AsInt32() + Vector128.Create(127), 23).AsSingle();
            var result = Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128.Create(88f)), Vector128.Create(float.PositiveInfinity), e * scale);
            return Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128.Create(-87.3f)), Vector128<float>.Zero, result);
        }

        /// <inheritdoc cref="Exp(Vector128{float})"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Exp(Vector256<float> x)
        {
            var clamped = Vector256.Min(Vector256.Max(x, Vector256.Create(-87.3f)), Vector256.Create(88f));
            var shifted = (clamped * Vector256.Create(1.44269504f)) + Vector256.Create(RoundingShift);
            var n = shifted - Vector256.Create(RoundingShift);
            var r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-0.693359375f), clamped);
            r = Vector256.MultiplyAddEstimate(n, Vector256.Create(2.12194440e-4f), r);
            var p = Vector256.MultiplyAddEstimate(Vector256.Create(1.9875691500e-4f), r, Vector256.Create(1.3981999507e-3f));
            p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(8.3334519073e-3f));
            p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(4.1665795894e-2f));
            p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(1.6666665459e-1f));
            p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(5.0000001201e-1f));
            var e = Vector256.MultiplyAddEstimate(p, r * r, r + Vector256<float>.One);
            var scale = Vector256.ShiftLeft(shifted.AsInt32() + Vector256.Create(127), 23).AsSingle();
            var result = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(88f)), Vector256.Create(float.PositiveInfinity), e * scale);
            return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(-87.3f)), Vector256<float>.Zero, result);
        }

        /// <inheritdoc cref="Exp(Vector128{float})"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Exp(Vector512<float> x)
        {
            var clamped = Vector512.Min(Vector512.Max(x, Vector512.Create(-87.3f)), Vector512.Create(88f));
            var shifted = (clamped * Vector512.Create(1.44269504f)) + Vector512.Create(RoundingShift);
            var n = shifted - Vector512.Create(RoundingShift);
            var r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-0.693359375f), clamped);
            r = Vector512.MultiplyAddEstimate(n, Vector512.Create(2.12194440e-4f), r);
            var p = Vector512.MultiplyAddEstimate(Vector512.Create(1.9875691500e-4f), r, Vector512.Create(1.3981999507e-3f));
            p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(8.3334519073e-3f));
            p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(4.1665795894e-2f));
            p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(1.6666665459e-1f));
            p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(5.0000001201e-1f));
            var e = Vector512.MultiplyAddEstimate(p, r * r, r + Vector512<float>.One);
            var scale = Vector512.ShiftLeft(shifted.AsInt32() + Vector512.Create(127), 23).AsSingle();
            var result = Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(88f)), Vector512.Create(float.PositiveInfinity), e * scale);
            return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(-87.3f)), Vector512<float>.Zero, result);
        }
    }
}
