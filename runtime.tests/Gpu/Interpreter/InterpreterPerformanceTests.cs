using RnnGen.Gpu;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>The interpreter is fast enough for kernels of a few hundred threads and tens of thousands of instructions each.</summary>
    public sealed class InterpreterPerformanceTests
    {
        private readonly ITestOutputHelper _output;

        public InterpreterPerformanceTests(ITestOutputHelper output) => _output = output;

        /// <summary>
        /// A recurrent-kernel-shaped loop: each step every thread does a small dot product out of shared memory
        /// (fma, ex2, rcp), writes its state back and crosses two bar.syncs.
        /// </summary>
        private static readonly string Kernel = PtxTestKit.Module(
            "steps",
            "    .param .u64 out,\n    .param .u32 steps",
            """
                .shared .align 16 .b8 state[1024];
                ld.param.u64 %rd1, [out];
                ld.param.u32 %r20, [steps];
                mov.u32 %r1, %tid.x;
                shl.b32 %r2, %r1, 2;
                mov.f32 %f1, 0f3F000000;
                st.shared.f32 [%r2], %f1;
                bar.sync 0;
                mov.u32 %r3, 0;
            $L_step:
                mov.f32 %f2, 0f00000000;
                mov.u32 %r4, 0;
            $L_dot:
                shl.b32 %r5, %r4, 2;
                ld.shared.f32 %f3, [%r5];
                cvt.rn.f32.u32 %f4, %r4;
                fma.rn.f32 %f2, %f3, %f4, %f2;
                add.u32 %r4, %r4, 1;
                setp.lt.u32 %p1, %r4, 16;
                @%p1 bra $L_dot;
                mul.rn.f32 %f5, %f2, 0fBC23D70A;
                ex2.approx.ftz.f32 %f6, %f5;
                add.rn.f32 %f7, %f6, 0f3F800000;
                rcp.approx.ftz.f32 %f8, %f7;
                bar.sync 0;
                st.shared.f32 [%r2], %f8;
                bar.sync 0;
                add.u32 %r3, %r3, 1;
                setp.lt.u32 %p2, %r3, %r20;
                @%p2 bra $L_step;
                mov.u32 %r6, %ctaid.x;
                mov.u32 %r7, %ntid.x;
                mad.lo.s32 %r8, %r6, %r7, %r1;
                mul.wide.u32 %rd2, %r8, 4;
                add.s64 %rd3, %rd1, %rd2;
                st.global.f32 [%rd3], %f8;
                ret;
            """);

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void A_few_hundred_threads_run_millions_of_instructions_per_second(bool detectRaces)
        {
            using var device = new PtxInterpreterDevice(seed: 17) { DetectRaces = detectRaces };
            var kernel = device.GetKernel(device.LoadModule(Kernel), "steps");
            using var output = device.Allocate(2 * 256 * 4);
            device.Launch(kernel, new LaunchShape(2, 256), new[] { KernelArgument.Pointer(output), KernelArgument.Int32(2) });
            device.Launch(kernel, new LaunchShape(2, 256), new[] { KernelArgument.Pointer(output), KernelArgument.Int32(100) });
            var stats = device.LastLaunchStatistics!;
            _output.WriteLine($"race detection {detectRaces}: {stats.Instructions:N0} instructions in {stats.Elapsed.TotalMilliseconds:N0} ms = {stats.InstructionsPerSecond / 1e6:N1} M instructions/s; {stats.BarriersCrossed} barriers");
            Assert.Equal(2 * 201, stats.BarriersCrossed);
            Assert.True(stats.Instructions > 512 * 100 * 100);
            Assert.True(stats.InstructionsPerSecond > 1e6, $"{stats.InstructionsPerSecond:N0} instructions/s");
        }
    }
}
