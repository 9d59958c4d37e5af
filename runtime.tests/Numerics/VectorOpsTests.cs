using System;
using System.Runtime.Intrinsics;
using RnnGen.Numerics;
using Xunit;

namespace RnnGen.Runtime.Tests.Numerics
{
    /// <summary>
    /// The width implementations the generic kernels are compiled with: every lane of every operation equals the
    /// scalar implementation on that lane's inputs (bit for bit, but for the fused multiply-add, which may round once
    /// where the scalar path rounds twice), and loads and stores address the floats they say.
    /// </summary>
    public sealed class VectorOpsTests
    {
        private static readonly float[] Inputs = { -90f, -20f, -3.5f, -1f, -0.25f, -1e-8f, 0f, 1e-8f, 0.3f, 0.5f, 1f, 2.75f, 6f, 10f, 40f, 95f };

        [Fact]
        public void Vector512_lanes_match_the_scalar_path() => Check<VectorOps512, Vector512<float>>(16, true);

        [Fact]
        public void Vector256_lanes_match_the_scalar_path() => Check<VectorOps256, Vector256<float>>(8, false);

        [Fact]
        public void Vector128_lanes_match_the_scalar_path() => Check<VectorOps128, Vector128<float>>(4, System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported);

        [Fact]
        public void Scalar_ops_are_the_scalar_math() => Check<ScalarOps, float>(1, false);

        private static void Check<TOps, TVec>(int count, bool wide)
            where TOps : struct, IVectorOps<TVec>
            where TVec : struct
        {
            TOps ops = default;
            Assert.Equal(count, ops.Count);
            Assert.Equal(wide, ops.WideRegisterFile);
            var b = new float[Inputs.Length];
            for (var i = 0; i < b.Length; i++)
            {
                b[i] = Inputs[(i * 7) % Inputs.Length] / 3f;
            }

            var bf16 = new ushort[Inputs.Length];
            BFloat16Weights.Round(Inputs, bf16);
            var output = new float[Inputs.Length + 2];
            for (var at = 0; at + count <= Inputs.Length; at += count)
            {
                var x = ops.Load(ref Inputs[0], at);
                var y = ops.Load(ref b[0], at);
                Expect(ops, x, at, i => Inputs[i], "Load");
                Expect(ops, ops.LoadBFloat16(ref bf16[0], at), at, i => BFloat16Weights.Load(bf16[i]), "LoadBFloat16");
                Expect(ops, ops.Add(x, y), at, i => Inputs[i] + b[i], "Add");
                Expect(ops, ops.Subtract(x, y), at, i => Inputs[i] - b[i], "Subtract");
                Expect(ops, ops.Multiply(x, y), at, i => Inputs[i] * b[i], "Multiply");
                Expect(ops, ops.Sigmoid(x), at, i => VectorMath.Sigmoid(Inputs[i]), "Sigmoid", tolerance: 2e-7f);
                Expect(ops, ops.Tanh(x), at, i => VectorMath.Tanh(Inputs[i]), "Tanh", tolerance: 4e-7f);
                Expect(ops, ops.Relu(x), at, i => VectorMath.Relu(Inputs[i]), "Relu");
                Expect(ops, ops.HardSigmoid(x), at, i => VectorMath.HardSigmoid(Inputs[i]), "HardSigmoid", tolerance: 1e-7f);
                Expect(ops, ops.PositiveMask(x), at, i => VectorMath.PositiveMask(Inputs[i]), "PositiveMask");
                Expect(ops, ops.HardSigmoidSlope(ops.HardSigmoid(x)), at, i => VectorMath.HardSigmoidSlope(VectorMath.HardSigmoid(Inputs[i])), "HardSigmoidSlope");
                Expect(ops, ops.MultiplyAdd(x, y, ops.Create(0.125f)), at, i => (Inputs[i] * b[i]) + 0.125f, "MultiplyAdd", tolerance: 1e-6f);
                Expect(ops, ops.Zero, at, _ => 0f, "Zero");
                Expect(ops, ops.One, at, _ => 1f, "One");

                // Store writes its lanes at the offset and nothing around them.
                Array.Fill(output, float.NaN);
                ops.Store(x, ref output[0], at + 1);
                for (var i = 0; i < output.Length; i++)
                {
                    var written = i >= at + 1 && i < at + 1 + count;
                    Assert.Equal(written ? Inputs[i - 1] : float.NaN, output[i]);
                }
            }
        }

        private static void Expect<TOps, TVec>(TOps ops, TVec value, int at, Func<int, float> expected, string what, float tolerance = 0f)
            where TOps : struct, IVectorOps<TVec>
            where TVec : struct
        {
            var lanes = new float[ops.Count];
            ops.Store(value, ref lanes[0], 0);
            for (var lane = 0; lane < lanes.Length; lane++)
            {
                var want = expected(at + lane);
                var scale = Math.Max(1f, Math.Abs(want));
                Assert.True(
                    tolerance == 0f ? BitConverter.SingleToInt32Bits(want) == BitConverter.SingleToInt32Bits(lanes[lane]) : Math.Abs(want - lanes[lane]) <= tolerance * scale,
                    $"{typeof(TOps).Name}.{what} lane {lane} (input {at + lane}): {lanes[lane]:R}, expected {want:R}");
            }
        }
    }
}
