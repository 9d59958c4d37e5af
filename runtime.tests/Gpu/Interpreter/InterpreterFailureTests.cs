using System;
using System.Linq;
using RnnGen.Gpu;
using Xunit;
using static RnnGen.Runtime.Tests.Gpu.Interpreter.PtxTestKit;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>Misbehaving kernels and PTX outside the subset are caught, and the message names the PTX line.</summary>
    public sealed class InterpreterFailureTests
    {
        public static TheoryData<int> AllSeeds() => new(Seeds);

        private static PtxException Launch(int seed, string ptx, string kernel, LaunchShape shape, int words = 64, long budget = 200_000_000) =>
            Assert.Throws<PtxException>(() =>
            {
                using var device = new PtxInterpreterDevice(seed, instructionBudget: budget);
                Run(device, ptx, kernel, shape, new uint[words]);
            });

        [Theory]
        [MemberData(nameof(AllSeeds))]
        public void A_shared_memory_race_from_a_missing_bar_sync_is_reported_with_both_lines(int seed)
        {
            var ptx = SynchronisationKernels.Reduction(barrier: false);
            var error = Assert.Throws<PtxException>(() =>
            {
                using var device = new PtxInterpreterDevice(seed);
                var kernel = device.GetKernel(device.LoadModule(ptx), "reduce");
                using var a = device.Allocate(2 * 128 * 4);
                using var b = device.Allocate(8);
                using var c = device.Allocate(4);
                device.Launch(kernel, new LaunchShape(2, 128), new[] { KernelArgument.Pointer(a), KernelArgument.Pointer(b), KernelArgument.Pointer(c) });
            });
            Assert.Contains("data race on shared", error.Message, StringComparison.Ordinal);
            var store = LineOf(ptx, "st.shared.u32 [%r8], %r5;");
            var load = LineOf(ptx, "ld.shared.u32 %r12, [%r11];");
            Assert.Contains($"PTX line {store} ", error.Message, StringComparison.Ordinal);
            Assert.Contains($"PTX line {load}", error.Message, StringComparison.Ordinal);
            Assert.Contains("(cta ", error.Message, StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(AllSeeds))]
        public void A_global_race_between_CTAs_without_the_grid_barrier_is_reported(int seed)
        {
            var ptx = SynchronisationKernels.GridBarrier(gridBarrier: false);
            var error = Assert.Throws<PtxException>(() =>
            {
                using var device = new PtxInterpreterDevice(seed);
                var kernel = device.GetKernel(device.LoadModule(ptx), "grid");
                using var data = device.Allocate(4 * 32 * 4);
                using var output = device.Allocate(4 * 32 * 4);
                using var counter = device.Allocate(4);
                device.Launch(kernel, new LaunchShape(4, 32, Cooperative: true), new[] { KernelArgument.Pointer(data), KernelArgument.Pointer(output), KernelArgument.Pointer(counter), KernelArgument.Int32(4) });
            });
            Assert.Contains("data race on global address 0x7f", error.Message, StringComparison.Ordinal);
            Assert.Contains($"PTX line {LineOf(ptx, "st.global.u32 [%rd5], %r7;")} ", error.Message, StringComparison.Ordinal);
            Assert.Contains($"PTX line {LineOf(ptx, "ld.global.u32 %r9, [%rd7];")}", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Out_of_bounds_global_access_is_reported()
        {
            var ptx = Module("k", "    .param .u64 out", "    ld.param.u64 %rd1, [out];\n    ld.global.f32 %f1, [%rd1+256];\n    ret;");
            var error = Launch(1, ptx, "k", new LaunchShape(1, 1));
            Assert.Contains("out-of-bounds global access", error.Message, StringComparison.Ordinal);
            NamesLine(error.Message, LineOf(ptx, "ld.global.f32"));
            Assert.Equal(LineOf(ptx, "ld.global.f32"), error.Line);
        }

        [Fact]
        public void Out_of_bounds_shared_access_is_reported()
        {
            var ptx = Module("k", "    .param .u64 out", "    .shared .align 4 .b8 tile[64];\n    mov.u32 %r1, %tid.x;\n    shl.b32 %r2, %r1, 4;\n    st.shared.u32 [%r2+tile], %r1;\n    ret;");
            Assert.Throws<PtxException>(() => new PtxInterpreterDevice(1).LoadModule(ptx));
            ptx = Module("k", "    .param .u64 out", "    .shared .align 4 .b8 tile[64];\n    mov.u32 %r1, %tid.x;\n    shl.b32 %r2, %r1, 4;\n    st.shared.u32 [%r2], %r1;\n    ret;");
            var error = Launch(1, ptx, "k", new LaunchShape(1, 8));
            Assert.Contains("out-of-bounds shared access", error.Message, StringComparison.Ordinal);
            NamesLine(error.Message, LineOf(ptx, "st.shared.u32"));
        }

        [Fact]
        public void A_misaligned_v4_access_is_reported()
        {
            var ptx = Module("k", "    .param .u64 out", "    ld.param.u64 %rd1, [out];\n    ld.global.v4.f32 {%f1, %f2, %f3, %f4}, [%rd1+4];\n    ret;");
            var error = Launch(1, ptx, "k", new LaunchShape(1, 1));
            Assert.Contains("misaligned global access: 16 bytes", error.Message, StringComparison.Ordinal);
            NamesLine(error.Message, LineOf(ptx, "ld.global.v4.f32"));
        }

        [Theory]
        [InlineData("    foo.bar.f32 %f1, %f2;", "unknown instruction")]
        [InlineData("    add.sat.s32 %r1, %r2, %r3;", "unknown instruction")]
        [InlineData("    add.f64 %rd1, %rd2, %rd3;", "unknown instruction")]
        [InlineData("    add.f32 %f1, %f2, %f3;", "unknown instruction")]
        [InlineData("    ld.global.v2.f32 {%f1, %f2}, [%rd1];", "unknown instruction")]
        [InlineData("    add.s32 %r1, %rd2, %r3;", "does not fit")]
        [InlineData("    add.rn.f32 %f1, %f2, 1.0;", "unsupported number literal")]
        [InlineData("    bra $L_nowhere;", "not a label")]
        [InlineData("    add.s32 %r1, %r2, %r3", "expected ';'")]
        [InlineData("    .local .b8 scratch[16];", "unknown or unsupported directive")]
        [InlineData("    @%r1 bra $L_x;", "not a declared .pred")]
        [InlineData("    mov.u32 %r1, %laneid;", "not declared")]
        [InlineData("    ld.global.f32 %f1, [%r1];", "64-bit register")]
        [InlineData("    bar.sync 1;", "only barrier 0")]
        public void PTX_outside_the_subset_is_rejected_at_load_naming_the_line(string line, string expected)
        {
            var ptx = Module("k", "    .param .u64 out", "    mov.u32 %r1, 0;\n" + line + "\n    ret;");
            var error = Assert.Throws<PtxException>(() => new PtxInterpreterDevice(1).LoadModule(ptx));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
            NamesLine(error.Message, LineOf(ptx, line.Trim()));
            Assert.Contains(line.Trim().TrimEnd(';'), error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Tanh_approx_needs_sm_75_and_unknown_module_directives_are_rejected()
        {
            var ptx = Module("k", "    .param .u64 out", "    tanh.approx.f32 %f1, %f2;\n    ret;", target: "sm_70");
            var error = Assert.Throws<PtxException>(() => new PtxInterpreterDevice(1).LoadModule(ptx));
            NamesLine(error.Message, LineOf(ptx, "tanh.approx"));
            var global = Module("k", "    .param .u64 out", "    ret;", prelude: ".global .align 4 .b8 table[16];");
            error = Assert.Throws<PtxException>(() => new PtxInterpreterDevice(1).LoadModule(global));
            NamesLine(error.Message, LineOf(global, ".global"));
            var version = Module("k", "    .param .u64 out", "    ret;", version: "8.3");
            error = Assert.Throws<PtxException>(() => new PtxInterpreterDevice(1).LoadModule(version));
            NamesLine(error.Message, 1);
        }

        [Fact]
        public void A_spin_wait_that_never_completes_reports_no_progress_at_the_spin()
        {
            var ptx = SynchronisationKernels.GridBarrier();
            var error = Assert.Throws<PtxException>(() =>
            {
                using var device = new PtxInterpreterDevice(3, instructionBudget: 2_000_000);
                var kernel = device.GetKernel(device.LoadModule(ptx), "grid");
                using var data = device.Allocate(4 * 32 * 4);
                using var output = device.Allocate(4 * 32 * 4);
                using var counter = device.Allocate(4);

                // One more arrival is expected than there are CTAs: the barrier never opens.
                device.Launch(kernel, new LaunchShape(4, 32, Cooperative: true), new[] { KernelArgument.Pointer(data), KernelArgument.Pointer(output), KernelArgument.Pointer(counter), KernelArgument.Int32(5) });
            });
            Assert.Contains("no progress", error.Message, StringComparison.Ordinal);
            var spinLines = new[] { "ld.acquire.gpu.global.u32 %r31", "setp.lt.u32 %p2, %r31", "@%p2 bra $L_spin;", "bar.sync 0;" }.Select(f => LineOf(ptx, f)).ToList();
            Assert.Contains(error.Line, spinLines);
            NamesLine(error.Message, error.Line);
            Assert.Contains($"running thread(s) at PTX line {error.Line} ", error.Message, StringComparison.Ordinal);
            Assert.Contains($"thread(s) waiting at PTX line {LineOf(ptx, "$L_wait_done:") + 1} ", error.Message, StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(AllSeeds))]
        public void A_bar_sync_with_exited_threads_is_barrier_divergence(int seed)
        {
            var ptx = Module(
                "k",
                "    .param .u64 out",
                """
                    mov.u32 %r1, %tid.x;
                    setp.eq.u32 %p1, %r1, 5;
                    @%p1 bra $L_out;
                    bar.sync 0;
                $L_out:
                    ret;
                """);
            var error = Launch(seed, ptx, "k", new LaunchShape(2, 64));
            Assert.Contains("barrier divergence", error.Message, StringComparison.Ordinal);
            Assert.Contains($"PTX line {LineOf(ptx, "bar.sync 0;")}", error.Message, StringComparison.Ordinal);
            Assert.Contains($"PTX line {LineOf(ptx, "ret;")}", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_cooperative_launch_larger_than_the_resident_grid_is_refused()
        {
            var ptx = SynchronisationKernels.GridBarrier();
            using var device = new PtxInterpreterDevice(1, multiprocessors: 4, blocksPerMultiprocessor: 2);
            var kernel = device.GetKernel(device.LoadModule(ptx), "grid");
            using var data = device.Allocate(9 * 32 * 4);
            using var output = device.Allocate(9 * 32 * 4);
            using var counter = device.Allocate(4);
            var arguments = new[] { KernelArgument.Pointer(data), KernelArgument.Pointer(output), KernelArgument.Pointer(counter), KernelArgument.Int32(9) };
            var error = Assert.Throws<PtxException>(() => device.Launch(kernel, new LaunchShape(9, 32, Cooperative: true), arguments));
            Assert.Contains("CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE", error.Message, StringComparison.Ordinal);
            Assert.Contains("9 blocks", error.Message, StringComparison.Ordinal);
            Assert.Equal(0, device.MaxActiveBlocksPerMultiprocessor(kernel, 32, 49 * 1024));
            device.Launch(kernel, new LaunchShape(8, 32, Cooperative: true), arguments.Take(3).Append(KernelArgument.Int32(8)).ToArray());
        }

        [Fact]
        public void Uninitialised_shared_memory_and_registers_read_as_seeded_garbage_not_zero()
        {
            var ptx = Module(
                "k",
                "    .param .u64 out",
                """
                    .shared .align 4 .b8 tile[1024];
                    ld.param.u64 %rd1, [out];
                    mov.u32 %r1, %tid.x;
                    shl.b32 %r2, %r1, 2;
                    ld.shared.u32 %r3, [%r2];
                    mul.wide.u32 %rd2, %r1, 8;
                    add.s64 %rd3, %rd1, %rd2;
                    st.global.u32 [%rd3], %r3;
                    st.global.u32 [%rd3+4], %r40;
                    ret;
                """);
            uint[] Garbage(int seed)
            {
                using var device = new PtxInterpreterDevice(seed);
                return Run(device, ptx, "k", new LaunchShape(1, 64), new uint[128]);
            }

            var first = Garbage(1);
            Assert.True(first.Count(v => v == 0) < 4, "shared memory and registers must not start as zeros");
            Assert.NotEqual(first, Garbage(2));
            Assert.Equal(first, Garbage(1));
        }

        [Fact]
        public void Integer_division_by_zero_and_nc_loads_of_written_data_are_reported()
        {
            var ptx = Module("k", "    .param .u64 out", "    mov.u32 %r1, 0;\n    div.u32 %r2, 7, %r1;\n    ret;");
            var error = Launch(1, ptx, "k", new LaunchShape(1, 1));
            Assert.Contains("division by zero", error.Message, StringComparison.Ordinal);
            NamesLine(error.Message, LineOf(ptx, "div.u32"));

            ptx = Module("k", "    .param .u64 out", "    ld.param.u64 %rd1, [out];\n    st.global.u32 [%rd1], %r1;\n    ld.global.nc.u32 %r2, [%rd1];\n    ret;");
            error = Launch(1, ptx, "k", new LaunchShape(1, 1));
            Assert.Contains("ld.global.nc", error.Message, StringComparison.Ordinal);
            NamesLine(error.Message, LineOf(ptx, "ld.global.nc.u32"));
        }
    }
}
