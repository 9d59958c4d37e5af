using System;
using System.Runtime.Intrinsics;
using RnnGen.Numerics;
using Xunit;

namespace RnnGen.Runtime.Tests
{
    /// <summary>
    /// The vectorised activations against double-precision math over a dense sweep of the whole float range
    /// (every 251st bit pattern: about 17 million inputs per function and width), with the stated error bounds.
    /// </summary>
    public sealed class VectorMathTests
    {
        private const double SigmoidBound = 2e-7;
        private const double TanhBound = 4e-7;
        private const uint Stride = 251;

        public static TheoryData<int> Widths() => new() { 1, 4, 8, 16 };

        [Theory]
        [MemberData(nameof(Widths))]
        public void Sigmoid_is_within_its_bound_over_the_float_range(int width) =>
            AssertSweep(width, Sigmoid, x => 1 / (1 + Math.Exp(-x)), SigmoidBound);

        [Theory]
        [MemberData(nameof(Widths))]
        public void Tanh_is_within_its_bound_over_the_float_range(int width) =>
            AssertSweep(width, Tanh, Math.Tanh, TanhBound);

        // The rational tanh is not monotone in its last bits: near ±9 it is the ratio of two sums of about 330, so
        // rounding makes it step down by up to 5.4e-7 between neighbouring floats (measured over every float in
        // [0, 9.5]; the exponential form it replaced stepped down by up to 1.2e-7). Bounded here, every 7th float.
        [Theory]
        [InlineData(4)]
        [InlineData(8)]
        [InlineData(16)]
        public void Tanh_and_sigmoid_never_step_down_by_more_than_6e7(int width)
        {
            var end = BitConverter.SingleToUInt32Bits(9.5f);
            float previousTanh = 0f, previousSigmoid = 0.5f, worst = 0f, worstAt = 0f;
            for (uint bits = 0; bits < end; bits += 7)
            {
                var x = BitConverter.UInt32BitsToSingle(bits);
                var tanh = Tanh(width, x);
                var sigmoid = Sigmoid(width, x + x);
                var drop = MathF.Max(previousTanh - tanh, previousSigmoid - sigmoid);
                if (drop > worst)
                {
                    worst = drop;
                    worstAt = x;
                }

                previousTanh = tanh;
                previousSigmoid = sigmoid;
            }

            Assert.True(worst <= 6e-7f, $"width {width}: steps down by {worst:E3} at x = {worstAt:R}.");
            Assert.Equal(1f, Tanh(width, 9f));
            Assert.Equal(-1f, Tanh(width, -9f));
        }

        [Theory]
        [InlineData(4)]
        [InlineData(8)]
        [InlineData(16)]
        public void Exp_is_within_two_ulp_where_the_result_is_a_normal_float(int width)
        {
            var worst = 0.0;
            var worstInput = 0f;
            for (var x = -87.3f; x <= 88f; x += 0.000731f)
            {
                var exact = Math.Exp(x);
                var error = Math.Abs(Exp(width, x) - exact) / exact;
                if (!(error <= worst))
                {
                    worst = error;
                    worstInput = x;
                }
            }

            Assert.True(worst <= 2.4e-7, $"width {width}: max relative error {worst:E3} at x = {worstInput:R}.");
            Assert.Equal(1f, Exp(width, 0f));
            Assert.True(float.IsNaN(Exp(width, float.NaN)));
            Assert.Equal(float.PositiveInfinity, Exp(width, float.PositiveInfinity));
            Assert.Equal(0f, Exp(width, -100f));
        }

        /// <summary>
        /// Exp rounds n = x·log2 e by adding and subtracting 1.5·2^23 (plain SSE2, so NativeAOT's default x64 target
        /// keeps it in registers) instead of Round and ConvertToInt32; this pins that it is the same function as the one
        /// written with them, bit for bit, over the whole float range (every 251st bit pattern, NaN and ±∞ included).
        /// </summary>
        [Theory]
        [InlineData(4)]
        [InlineData(8)]
        [InlineData(16)]
        public void Exp_is_bit_identical_to_Exp_written_with_Round_and_ConvertToInt32(int width)
        {
            for (ulong bits = 0; bits <= uint.MaxValue; bits += Stride)
            {
                var x = BitConverter.UInt32BitsToSingle((uint)bits);
                var actual = Exp(width, x);
                var expected = width switch
                {
                    4 => ExpWithRound(Vector128.Create(x)).GetElement(3),
                    8 => ExpWithRound(Vector256.Create(x)).GetElement(7),
                    _ => ExpWithRound(Vector512.Create(x)).GetElement(15),
                };
                if (BitConverter.SingleToUInt32Bits(actual) != BitConverter.SingleToUInt32Bits(expected) && !(float.IsNaN(actual) && float.IsNaN(expected)))
                {
                    Assert.Fail($"width {width}: Exp({x:R}) = {actual:R}, with Round and ConvertToInt32 {expected:R}.");
                }
            }
        }

        [Theory]
        [MemberData(nameof(Widths))]
        public void Special_values_saturate_and_NaN_propagates(int width)
        {
            Assert.Equal(1f, Sigmoid(width, float.PositiveInfinity));
            Assert.Equal(0f, Sigmoid(width, float.NegativeInfinity));
            Assert.Equal(0.5f, Sigmoid(width, 0f));
            Assert.Equal(1f, Tanh(width, float.PositiveInfinity));
            Assert.Equal(-1f, Tanh(width, float.NegativeInfinity));
            Assert.Equal(1f, Tanh(width, 100f));
            Assert.Equal(0f, Tanh(width, 0f));
            Assert.True(float.IsNaN(Sigmoid(width, float.NaN)));
            Assert.True(float.IsNaN(Tanh(width, float.NaN)));
        }

        [Fact]
        public void MultiplyAdd_and_Relu_agree_across_widths()
        {
            Assert.Equal(7f, VectorMath.MultiplyAdd(2f, 3f, 1f));
            Assert.Equal(Vector256.Create(7f), VectorMath.MultiplyAdd(Vector256.Create(2f), Vector256.Create(3f), Vector256.Create(1f)));
            Assert.Equal(Vector128.Create(0f, 2f, 0f, 0f), VectorMath.Relu(Vector128.Create(-1f, 2f, -0f, -5f)));
            Assert.Equal(Vector512.Create(3f), VectorMath.Relu(Vector512.Create(3f)));
            Assert.Equal(0f, VectorMath.Relu(-2f));
        }

        private static void AssertSweep(int width, Func<int, float, float> function, Func<double, double> exact, double bound)
        {
            var worst = 0.0;
            var worstInput = 0f;
            for (ulong bits = 0; bits <= uint.MaxValue; bits += Stride)
            {
                var x = BitConverter.UInt32BitsToSingle((uint)bits);
                if (!float.IsFinite(x))
                {
                    continue;
                }

                var error = Math.Abs(function(width, x) - exact(x));
                if (!(error <= worst))
                {
                    worst = error;
                    worstInput = x;
                }
            }

            Assert.True(worst <= bound, $"width {width}: max abs error {worst:E3} at x = {worstInput:R} exceeds {bound:E1}.");
        }

        // Each lane gets the same input; the last lane is checked (a lane-mixing bug is caught by the conformance tests).
        private static float Sigmoid(int width, float x) => width switch
        {
            1 => VectorMath.Sigmoid(x),
            4 => VectorMath.Sigmoid(Vector128.Create(x)).GetElement(3),
            8 => VectorMath.Sigmoid(Vector256.Create(x)).GetElement(7),
            _ => VectorMath.Sigmoid(Vector512.Create(x)).GetElement(15),
        };

        private static float Exp(int width, float x) => width switch
        {
            4 => VectorMath.Exp(Vector128.Create(x)).GetElement(3),
            8 => VectorMath.Exp(Vector256.Create(x)).GetElement(7),
            _ => VectorMath.Exp(Vector512.Create(x)).GetElement(15),
        };

        // VectorMath.Exp as it was written with Round and ConvertToInt32, for the bit-identity test, at each width.
        private static Vector128<float> ExpWithRound(Vector128<float> x)
        {
            var clamped = Vector128.Min(Vector128.Max(x, Vector128.Create(-87.3f)), Vector128.Create(88f));
            var n = Vector128.Round(clamped * Vector128.Create(1.44269504f));
            var r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-0.693359375f), clamped);
            r = Vector128.MultiplyAddEstimate(n, Vector128.Create(2.12194440e-4f), r);
            var p = Vector128.MultiplyAddEstimate(Vector128.Create(1.9875691500e-4f), r, Vector128.Create(1.3981999507e-3f));
            p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(8.3334519073e-3f));
            p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(4.1665795894e-2f));
            p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(1.6666665459e-1f));
            p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(5.0000001201e-1f));
            var e = Vector128.MultiplyAddEstimate(p, r * r, r + Vector128<float>.One);
            var scale = Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(127), 23).AsSingle();
            var result = Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128.Create(88f)), Vector128.Create(float.PositiveInfinity), e * scale);
            return Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128.Create(-87.3f)), Vector128<float>.Zero, result);
        }

        private static Vector256<float> ExpWithRound(Vector256<float> x)
        {
            var clamped = Vector256.Min(Vector256.Max(x, Vector256.Create(-87.3f)), Vector256.Create(88f));
            var n = Vector256.Round(clamped * Vector256.Create(1.44269504f));
            var r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-0.693359375f), clamped);
            r = Vector256.MultiplyAddEstimate(n, Vector256.Create(2.12194440e-4f), r);
            var p = Vector256.MultiplyAddEstimate(Vector256.Create(1.9875691500e-4f), r, Vector256.Create(1.3981999507e-3f));
            p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(8.3334519073e-3f));
            p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(4.1665795894e-2f));
            p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(1.6666665459e-1f));
            p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(5.0000001201e-1f));
            var e = Vector256.MultiplyAddEstimate(p, r * r, r + Vector256<float>.One);
            var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
            var result = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(88f)), Vector256.Create(float.PositiveInfinity), e * scale);
            return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(-87.3f)), Vector256<float>.Zero, result);
        }

        private static Vector512<float> ExpWithRound(Vector512<float> x)
        {
            var clamped = Vector512.Min(Vector512.Max(x, Vector512.Create(-87.3f)), Vector512.Create(88f));
            var n = Vector512.Round(clamped * Vector512.Create(1.44269504f));
            var r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-0.693359375f), clamped);
            r = Vector512.MultiplyAddEstimate(n, Vector512.Create(2.12194440e-4f), r);
            var p = Vector512.MultiplyAddEstimate(Vector512.Create(1.9875691500e-4f), r, Vector512.Create(1.3981999507e-3f));
            p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(8.3334519073e-3f));
            p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(4.1665795894e-2f));
            p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(1.6666665459e-1f));
            p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(5.0000001201e-1f));
            var e = Vector512.MultiplyAddEstimate(p, r * r, r + Vector512<float>.One);
            var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
            var result = Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(88f)), Vector512.Create(float.PositiveInfinity), e * scale);
            return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(-87.3f)), Vector512<float>.Zero, result);
        }

        private static float Tanh(int width, float x) => width switch
        {
            1 => VectorMath.Tanh(x),
            4 => VectorMath.Tanh(Vector128.Create(x)).GetElement(3),
            8 => VectorMath.Tanh(Vector256.Create(x)).GetElement(7),
            _ => VectorMath.Tanh(Vector512.Create(x)).GetElement(15),
        };
    }
}
