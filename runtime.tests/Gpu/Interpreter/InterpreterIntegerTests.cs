using RnnGen.Gpu;
using Xunit;
using static RnnGen.Runtime.Tests.Gpu.Interpreter.PtxTestKit;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>Integer, logic, shift, 64-bit and conversion instructions give PTX's results.</summary>
    public sealed class InterpreterIntegerTests
    {
        private static uint[] RunOne(string body, int words)
        {
            var ptx = Module("k", "    .param .u64 out", "    ld.param.u64 %rd1, [out];\n    cvta.to.global.u64 %rd1, %rd1;\n" + body + "\n    ret;");
            using var device = new PtxInterpreterDevice(seed: 3);
            return Run(device, ptx, "k", new LaunchShape(1, 1), new uint[words]);
        }

        [Fact]
        public void Thirty_two_bit_arithmetic_wraps_truncates_and_compares_with_the_right_signedness()
        {
            var o = RunOne(
                """
                    mov.u32 %r1, 7;
                    mov.s32 %r2, -3;
                    add.s32 %r3, %r1, %r2;      st.global.u32 [%rd1], %r3;
                    sub.u32 %r3, %r2, %r1;      st.global.u32 [%rd1+4], %r3;
                    mul.lo.s32 %r3, %r1, %r2;   st.global.u32 [%rd1+8], %r3;
                    div.s32 %r3, %r2, 2;        st.global.u32 [%rd1+12], %r3;
                    mov.s32 %r4, -7;
                    rem.s32 %r3, %r4, 3;        st.global.u32 [%rd1+16], %r3;
                    div.u32 %r3, %r2, 2;        st.global.u32 [%rd1+20], %r3;
                    rem.u32 %r3, %r1, 4;        st.global.u32 [%rd1+24], %r3;
                    min.s32 %r3, %r1, %r2;      st.global.u32 [%rd1+28], %r3;
                    min.u32 %r3, %r1, %r2;      st.global.u32 [%rd1+32], %r3;
                    max.s32 %r3, %r1, %r2;      st.global.u32 [%rd1+36], %r3;
                    max.u32 %r3, %r1, %r2;      st.global.u32 [%rd1+40], %r3;
                    neg.s32 %r3, %r1;           st.global.u32 [%rd1+44], %r3;
                    mad.lo.s32 %r3, %r1, %r2, 100; st.global.u32 [%rd1+48], %r3;
                    mov.u32 %r5, 0x7FFFFFFF;
                    add.u32 %r3, %r5, 1;        st.global.u32 [%rd1+52], %r3;
                    mov.u32 %r6, -2147483648;
                    div.s32 %r3, %r6, -1;       st.global.u32 [%rd1+56], %r3;
                    rem.s32 %r3, %r6, -1;       st.global.u32 [%rd1+60], %r3;
                """,
                16);
            Assert.Equal(new[] { 4u, unchecked((uint)-10), unchecked((uint)-21), unchecked((uint)-1), unchecked((uint)-1), 0x7FFFFFFEu, 3u, unchecked((uint)-3), 7u, 7u, 0xFFFFFFFDu, unchecked((uint)-7), 79u, 0x80000000u, 0x80000000u, 0u }, o);
        }

        [Fact]
        public void Logic_and_shifts_follow_PTX_including_clamped_shift_amounts()
        {
            var o = RunOne(
                """
                    mov.b32 %r1, 0xF0F0F0F0;
                    mov.b32 %r2, 0x0FF00FF0;
                    and.b32 %r3, %r1, %r2;      st.global.b32 [%rd1], %r3;
                    or.b32 %r3, %r1, %r2;       st.global.b32 [%rd1+4], %r3;
                    xor.b32 %r3, %r1, %r2;      st.global.b32 [%rd1+8], %r3;
                    not.b32 %r3, %r1;           st.global.b32 [%rd1+12], %r3;
                    mov.u32 %r4, 1;
                    shl.b32 %r3, %r4, 31;       st.global.b32 [%rd1+16], %r3;
                    shl.b32 %r3, %r4, 33;       st.global.b32 [%rd1+20], %r3;
                    mov.s32 %r5, -8;
                    shr.s32 %r3, %r5, 1;        st.global.b32 [%rd1+24], %r3;
                    shr.s32 %r3, %r5, 40;       st.global.b32 [%rd1+28], %r3;
                    shr.u32 %r3, %r5, 1;        st.global.b32 [%rd1+32], %r3;
                    shr.b32 %r3, %r5, 32;       st.global.b32 [%rd1+36], %r3;
                    setp.lt.s32 %p1, %r5, 0;
                    setp.lt.u32 %p2, %r5, 0;
                    and.pred %p3, %p1, %p2;     selp.u32 %r3, 1, 0, %p3;  st.global.u32 [%rd1+40], %r3;
                    or.pred %p3, %p1, %p2;      selp.u32 %r3, 1, 0, %p3;  st.global.u32 [%rd1+44], %r3;
                    xor.pred %p3, %p1, %p2;     selp.s32 %r3, 1, 0, %p3;  st.global.u32 [%rd1+48], %r3;
                    not.pred %p3, %p1;          selp.b32 %r3, 1, 0, %p3;  st.global.u32 [%rd1+52], %r3;
                    mov.pred %p4, %p1;          selp.b32 %r3, 1, 0, %p4;  st.global.u32 [%rd1+56], %r3;
                """,
                15);
            Assert.Equal(new[] { 0x00F000F0u, 0xFFF0FFF0u, 0xFF00FF00u, 0x0F0F0F0Fu, 0x80000000u, 0u, unchecked((uint)-4), 0xFFFFFFFFu, 0x7FFFFFFCu, 0u, 0u, 1u, 1u, 0u, 1u }, o);
        }

        [Fact]
        public void Sixty_four_bit_wide_multiplies_and_conversions_are_exact()
        {
            var o = RunOne(
                """
                    mov.u32 %r1, 0xFFFFFFFF;
                    mul.wide.u32 %rd2, %r1, %r1;
                    setp.eq.u64 %p1, %rd2, 0xFFFFFFFE00000001;  selp.u32 %r3, 1, 0, %p1; st.global.u32 [%rd1], %r3;
                    mul.wide.s32 %rd2, %r1, %r1;
                    setp.eq.s64 %p1, %rd2, 1;                   selp.u32 %r3, 1, 0, %p1; st.global.u32 [%rd1+4], %r3;
                    mov.u32 %r2, 2;
                    mov.u64 %rd3, 0x100000000;
                    mad.wide.u32 %rd2, %r1, %r2, %rd3;
                    setp.eq.u64 %p1, %rd2, 0x2FFFFFFFE;         selp.u32 %r3, 1, 0, %p1; st.global.u32 [%rd1+8], %r3;
                    mad.wide.s32 %rd2, %r1, %r2, %rd3;
                    setp.eq.s64 %p1, %rd2, 0xFFFFFFFE;          selp.u32 %r3, 1, 0, %p1; st.global.u32 [%rd1+12], %r3;
                    cvt.s64.s32 %rd4, %r1;
                    setp.lt.s64 %p1, %rd4, 0;                   selp.u32 %r3, 1, 0, %p1; st.global.u32 [%rd1+16], %r3;
                    cvt.u64.u32 %rd4, %r1;
                    setp.gt.s64 %p1, %rd4, 0;                   selp.u32 %r3, 1, 0, %p1; st.global.u32 [%rd1+20], %r3;
                    add.s64 %rd5, %rd4, %rd4;
                    sub.u64 %rd5, %rd5, 1;
                    mul.lo.u64 %rd5, %rd5, 3;
                    cvt.u32.u64 %r3, %rd5;                      st.global.u32 [%rd1+24], %r3;
                    setp.gt.u64 %p1, %rd5, 0xFFFFFFFF;          selp.u32 %r3, 1, 0, %p1; st.global.u32 [%rd1+28], %r3;
                    add.s64 %rd6, %rd1, 32;
                    mov.u32 %r7, 77;
                    st.global.u32 [%rd6+-0], %r7;
                    st.global.u32 [%rd6+4], %r7;
                    st.global.u32 [%rd6+8], %r7;
                    sub.s64 %rd6, %rd6, -4;
                    st.global.u32 [%rd6-4], %r1;
                """,
                11);
            ulong expected = ((2UL * 0xFFFFFFFFUL) - 1) * 3;
            Assert.Equal(new[] { 1u, 1u, 1u, 1u, 1u, 1u, (uint)expected, 1u, 0xFFFFFFFFu, 77u, 77u }, o);
        }

        [Fact]
        public void Guards_and_branches_run_a_loop_and_skip_guarded_instructions()
        {
            var o = RunOne(
                """
                    mov.u32 %r1, 0;
                    mov.u32 %r2, 1;
                $L_loop:
                    add.u32 %r1, %r1, %r2;
                    add.u32 %r2, %r2, 1;
                    setp.le.u32 %p1, %r2, 10;
                    @%p1 bra $L_loop;
                    st.global.u32 [%rd1], %r1;
                    mov.u32 %r3, 5;
                    setp.ne.s32 %p2, %r3, 5;
                    @%p2 mov.u32 %r3, 6;
                    @!%p2 add.u32 %r3, %r3, 100;
                    st.global.u32 [%rd1+4], %r3;
                    @%p2 bra.uni L_skip;
                    mov.u32 %r3, 1000;
                L_skip:
                    st.global.u32 [%rd1+8], %r3;
                """,
                3);
            Assert.Equal(new[] { 55u, 105u, 1000u }, o);
        }

        [Fact]
        public void Special_registers_and_parameters_reach_the_kernel()
        {
            var ptx = Module(
                "k",
                "    .param .u64 out,\n    .param .s32 bias,\n    .param .u32 unused,\n    .param .f32 scale",
                """
                    ld.param.u64 %rd1, [out];
                    ld.param.s32 %r10, [bias];
                    ld.param.f32 %f1, [scale];
                    mov.u32 %r1, %tid.x;
                    mov.u32 %r2, %ntid.x;
                    mov.u32 %r3, %ctaid.x;
                    mov.u32 %r4, %nctaid.x;
                    mov.u32 %r5, %tid.y;
                    mov.u32 %r6, %ntid.z;
                    mad.lo.s32 %r7, %r3, %r2, %r1;
                    mul.lo.s32 %r8, %r7, 16;
                    cvt.u64.u32 %rd2, %r8;
                    add.s64 %rd3, %rd1, %rd2;
                    add.s32 %r9, %r7, %r10;
                    st.global.u32 [%rd3], %r9;
                    mad.lo.s32 %r11, %r4, 100, %r6;
                    add.s32 %r11, %r11, %r5;
                    st.global.u32 [%rd3+4], %r11;
                    st.global.f32 [%rd3+8], %f1;
                    st.global.u32 [%rd3+12], %r2;
                    ret;
                """);
            using var device = new PtxInterpreterDevice(seed: 5);
            var o = Run(device, ptx, "k", new LaunchShape(3, 5), new uint[60], KernelArgument.Int32(-1000), KernelArgument.Int32(9), KernelArgument.Float32(2.5f));
            for (var g = 0; g < 15; g++)
            {
                Assert.Equal(unchecked((uint)(g - 1000)), o[g * 4]);
                Assert.Equal(301u, o[(g * 4) + 1]);
                Assert.Equal(2.5f, Float(o[(g * 4) + 2]));
                Assert.Equal(5u, o[(g * 4) + 3]);
            }
        }
    }
}
