using System;
using RnnGen.Gpu;
using Xunit;
using static RnnGen.Runtime.Tests.Gpu.Interpreter.PtxTestKit;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>Float instructions: IEEE results, single-rounding fma, NaN rules, conversions, approximations within bounds.</summary>
    public sealed class InterpreterFloatTests
    {
        private static uint[] RunOne(string body, int words, int seed = 3)
        {
            var ptx = Module("k", "    .param .u64 out", "    ld.param.u64 %rd1, [out];\n    cvta.to.global.u64 %rd1, %rd1;\n" + body + "\n    ret;");
            using var device = new PtxInterpreterDevice(seed);
            return Run(device, ptx, "k", new LaunchShape(1, 1), new uint[words]);
        }

        [Fact]
        public void Fma_rounds_once_where_mul_then_add_rounds_twice()
        {
            var a = 1f + MathF.Pow(2, -12);
            var c = -(1f + MathF.Pow(2, -11));
            var o = RunOne(
                $"""
                    mov.f32 %f1, {Imm(a)};
                    mov.f32 %f2, {Imm(c)};
                    fma.rn.f32 %f3, %f1, %f1, %f2;  st.global.f32 [%rd1], %f3;
                    mul.rn.f32 %f4, %f1, %f1;
                    add.rn.f32 %f4, %f4, %f2;       st.global.f32 [%rd1+4], %f4;
                    sub.rn.f32 %f5, %f1, %f2;       st.global.f32 [%rd1+8], %f5;
                    div.rn.f32 %f6, {Imm(1f)}, {Imm(3f)}; st.global.f32 [%rd1+12], %f6;
                    neg.f32 %f7, %f1;               st.global.f32 [%rd1+16], %f7;
                    abs.f32 %f7, %f7;               st.global.f32 [%rd1+20], %f7;
                """,
                6);
            Assert.Equal(MathF.Pow(2, -24), Float(o[0]));
            Assert.Equal(MathF.FusedMultiplyAdd(a, a, c), Float(o[0]));
            Assert.Equal(0f, Float(o[1]));
            Assert.Equal(a - c, Float(o[2]));
            Assert.Equal(1f / 3f, Float(o[3]));
            Assert.Equal(-a, Float(o[4]));
            Assert.Equal(a, Float(o[5]));
        }

        [Fact]
        public void Compares_with_NaN_are_false_and_min_max_return_the_other_operand()
        {
            var nan = Imm(float.NaN);
            var o = RunOne(
                $"""
                    mov.f32 %f1, {nan};
                    mov.f32 %f2, {Imm(2f)};
                    setp.eq.f32 %p1, %f1, %f1;  selp.u32 %r1, 1, 0, %p1; st.global.u32 [%rd1], %r1;
                    setp.ne.f32 %p1, %f1, %f2;  selp.u32 %r1, 1, 0, %p1; st.global.u32 [%rd1+4], %r1;
                    setp.lt.f32 %p1, %f1, %f2;  selp.u32 %r1, 1, 0, %p1; st.global.u32 [%rd1+8], %r1;
                    setp.ge.f32 %p1, %f2, %f1;  selp.u32 %r1, 1, 0, %p1; st.global.u32 [%rd1+12], %r1;
                    setp.ne.f32 %p1, %f2, {Imm(3f)}; selp.u32 %r1, 1, 0, %p1; st.global.u32 [%rd1+16], %r1;
                    setp.le.f32 %p1, %f2, %f2;  selp.u32 %r1, 1, 0, %p1; st.global.u32 [%rd1+20], %r1;
                    min.f32 %f3, %f1, %f2;      st.global.f32 [%rd1+24], %f3;
                    max.f32 %f3, %f2, %f1;      st.global.f32 [%rd1+28], %f3;
                    min.f32 %f3, {Imm(0f)}, {Imm(-0f)}; st.global.f32 [%rd1+32], %f3;
                    max.f32 %f3, {Imm(-0f)}, {Imm(0f)}; st.global.f32 [%rd1+36], %f3;
                    min.f32 %f3, %f1, %f1;      st.global.f32 [%rd1+40], %f3;
                    selp.f32 %f4, %f2, %f1, %p1; st.global.f32 [%rd1+44], %f4;
                """,
                12);
            Assert.Equal(new[] { 0u, 0u, 0u, 0u, 1u, 1u }, o[..6]);
            Assert.Equal(2f, Float(o[6]));
            Assert.Equal(2f, Float(o[7]));
            Assert.Equal(Bits(-0f), o[8]);
            Assert.Equal(Bits(0f), o[9]);
            Assert.True(float.IsNaN(Float(o[10])));
            Assert.Equal(2f, Float(o[11]));
        }

        [Fact]
        public void Conversions_round_as_their_modifiers_say_and_saturate()
        {
            var o = RunOne(
                $"""
                    cvt.rzi.s32.f32 %r1, {Imm(-2.7f)};   st.global.s32 [%rd1], %r1;
                    cvt.rzi.s32.f32 %r1, {Imm(3.9f)};    st.global.s32 [%rd1+4], %r1;
                    cvt.rzi.s32.f32 %r1, {Imm(1e10f)};   st.global.s32 [%rd1+8], %r1;
                    cvt.rzi.s32.f32 %r1, {Imm(-1e10f)};  st.global.s32 [%rd1+12], %r1;
                    cvt.rzi.s32.f32 %r1, {Imm(float.NaN)}; st.global.s32 [%rd1+16], %r1;
                    cvt.rmi.f32.f32 %f1, {Imm(-2.5f)};   st.global.f32 [%rd1+20], %f1;
                    cvt.rmi.f32.f32 %f1, {Imm(2.5f)};    st.global.f32 [%rd1+24], %f1;
                    mov.s32 %r2, 16777217;
                    cvt.rn.f32.s32 %f2, %r2;             st.global.f32 [%rd1+28], %f2;
                    mov.u32 %r3, 0xFFFFFFFF;
                    cvt.rn.f32.u32 %f3, %r3;             st.global.f32 [%rd1+32], %f3;
                    cvt.rn.f32.s32 %f3, %r3;             st.global.f32 [%rd1+36], %f3;
                    mov.s32 %r4, 16777219;
                    cvt.rn.f32.s32 %f2, %r4;             st.global.f32 [%rd1+40], %f2;
                """,
                11);
            Assert.Equal(new[] { unchecked((uint)-2), 3u, (uint)int.MaxValue, unchecked((uint)int.MinValue), 0u }, o[..5]);
            Assert.Equal(-3f, Float(o[5]));
            Assert.Equal(2f, Float(o[6]));
            Assert.Equal(16777216f, Float(o[7]));
            Assert.Equal(4294967296f, Float(o[8]));
            Assert.Equal(-1f, Float(o[9]));
            Assert.Equal(16777220f, Float(o[10]));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void Approximate_instructions_stay_within_the_documented_bounds_and_do_differ_from_exact(int seed)
        {
            const int n = 256;
            var ptx = Module(
                "approx",
                "    .param .u64 data",
                """
                    ld.param.u64 %rd1, [data];
                    mov.u32 %r1, %tid.x;
                    mul.wide.u32 %rd2, %r1, 16;
                    add.s64 %rd3, %rd1, %rd2;
                    ld.global.f32 %f1, [%rd3];
                    ex2.approx.ftz.f32 %f2, %f1;
                    rcp.approx.ftz.f32 %f3, %f1;
                    tanh.approx.f32 %f4, %f1;
                    st.global.f32 [%rd3+4], %f2;
                    st.global.f32 [%rd3+8], %f3;
                    st.global.f32 [%rd3+12], %f4;
                    ret;
                """);
            var input = new uint[n * 4];
            var random = new Random(seed);
            for (var i = 0; i < n; i++)
            {
                input[i * 4] = Bits((float)((random.NextDouble() * 20) - 10));
            }

            using var device = new PtxInterpreterDevice(seed);
            var o = Run(device, ptx, "approx", new LaunchShape(1, n), input);
            int inexactEx2 = 0, inexactRcp = 0, inexactTanh = 0;
            for (var i = 0; i < n; i++)
            {
                var a = Float(o[i * 4]);
                var ex2 = Float(o[(i * 4) + 1]);
                var rcp = Float(o[(i * 4) + 2]);
                var tanh = Float(o[(i * 4) + 3]);
                var ex2Exact = Math.Pow(2, a);
                Assert.True(Math.Abs(ex2 - ex2Exact) <= 2 * Ulp((float)ex2Exact), $"ex2({a}) = {ex2}, exact {ex2Exact}");
                var rcpExact = 1.0 / a;
                Assert.True(Math.Abs(rcp - rcpExact) <= Ulp((float)rcpExact), $"rcp({a}) = {rcp}, exact {rcpExact}");
                var tanhExact = Math.Tanh(a);
                Assert.True(Math.Abs(tanh - tanhExact) <= Math.Abs(tanhExact) * Math.Pow(2, -10.987), $"tanh({a}) = {tanh}, exact {tanhExact}");
                inexactEx2 += ex2 != (float)ex2Exact ? 1 : 0;
                inexactRcp += rcp != (float)rcpExact ? 1 : 0;
                inexactTanh += tanh != (float)tanhExact ? 1 : 0;
            }

            Assert.True(inexactEx2 > n / 8 && inexactRcp > n / 8 && inexactTanh > n / 2, $"perturbed: ex2 {inexactEx2}, rcp {inexactRcp}, tanh {inexactTanh} of {n}");
        }

        [Fact]
        public void Ftz_flushes_subnormal_inputs_and_results_and_special_values_follow_IEEE()
        {
            var subnormal = Imm(1e-40f);
            var o = RunOne(
                $"""
                    rcp.approx.ftz.f32 %f1, {subnormal};          st.global.f32 [%rd1], %f1;
                    ex2.approx.ftz.f32 %f2, {Imm(-140f)};         st.global.f32 [%rd1+4], %f2;
                    ex2.approx.ftz.f32 %f3, {Imm(float.NegativeInfinity)}; st.global.f32 [%rd1+8], %f3;
                    rcp.approx.ftz.f32 %f4, {Imm(-0f)};           st.global.f32 [%rd1+12], %f4;
                    tanh.approx.f32 %f5, {Imm(float.PositiveInfinity)}; st.global.f32 [%rd1+16], %f5;
                    rcp.approx.ftz.f32 %f6, {Imm(2e38f)};         st.global.f32 [%rd1+20], %f6;
                    ex2.approx.ftz.f32 %f7, {subnormal};          st.global.f32 [%rd1+24], %f7;
                """,
                7);
            Assert.Equal(float.PositiveInfinity, Float(o[0]));
            Assert.Equal(0f, Float(o[1]));
            Assert.Equal(0f, Float(o[2]));
            Assert.Equal(float.NegativeInfinity, Float(o[3]));
            Assert.Equal(1f, Float(o[4]));
            Assert.Equal(0f, Float(o[5]));
            Assert.True(Math.Abs(Float(o[6]) - 1f) <= 2 * Ulp(1f));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void Sqrt_is_exact_and_lg2_stays_within_its_absolute_bound(int seed)
        {
            const int n = 256;
            var ptx = Module(
                "roots",
                "    .param .u64 data",
                """
                    ld.param.u64 %rd1, [data];
                    mov.u32 %r1, %tid.x;
                    mul.wide.u32 %rd2, %r1, 12;
                    add.s64 %rd3, %rd1, %rd2;
                    ld.global.f32 %f1, [%rd3];
                    sqrt.rn.f32 %f2, %f1;
                    lg2.approx.ftz.f32 %f3, %f1;
                    st.global.f32 [%rd3+4], %f2;
                    st.global.f32 [%rd3+8], %f3;
                    ret;
                """);
            var input = new uint[n * 3];
            var random = new Random(seed);
            for (var i = 0; i < n; i++)
            {
                input[i * 3] = Bits((float)Math.Pow(2, (random.NextDouble() * 40) - 20));
            }

            using var device = new PtxInterpreterDevice(seed);
            var o = Run(device, ptx, "roots", new LaunchShape(1, n), input);
            var inexact = 0;
            for (var i = 0; i < n; i++)
            {
                var a = Float(o[i * 3]);
                Assert.Equal(MathF.Sqrt(a), Float(o[(i * 3) + 1]));
                var lg2 = Float(o[(i * 3) + 2]);
                var exact = Math.Log2(a);
                Assert.True(Math.Abs(lg2 - exact) <= Math.Pow(2, -22.6) + (Ulp((float)exact) / 2), $"lg2({a}) = {lg2}, exact {exact}");
                inexact += lg2 != (float)exact ? 1 : 0;
            }

            Assert.True(inexact > n / 16, $"lg2 perturbed {inexact} of {n}");
            var special = RunOne(
                $"""
                    lg2.approx.ftz.f32 %f1, {Imm(0f)};                     st.global.f32 [%rd1], %f1;
                    lg2.approx.ftz.f32 %f2, {Imm(-1f)};                    st.global.f32 [%rd1+4], %f2;
                    lg2.approx.ftz.f32 %f3, {Imm(float.PositiveInfinity)}; st.global.f32 [%rd1+8], %f3;
                    sqrt.rn.f32 %f4, {Imm(-1f)};                           st.global.f32 [%rd1+12], %f4;
                    sqrt.rn.f32 %f5, {Imm(float.PositiveInfinity)};        st.global.f32 [%rd1+16], %f5;
                    lg2.approx.ftz.f32 %f6, {Imm(1e-40f)};                 st.global.f32 [%rd1+20], %f6;
                """,
                6);
            Assert.Equal(float.NegativeInfinity, Float(special[0]));
            Assert.True(float.IsNaN(Float(special[1])));
            Assert.Equal(float.PositiveInfinity, Float(special[2]));
            Assert.True(float.IsNaN(Float(special[3])));
            Assert.Equal(float.PositiveInfinity, Float(special[4]));
            Assert.Equal(float.NegativeInfinity, Float(special[5]));
        }

        private static double Ulp(float value) => (double)MathF.BitIncrement(MathF.Abs(value)) - MathF.Abs(value);
    }
}
