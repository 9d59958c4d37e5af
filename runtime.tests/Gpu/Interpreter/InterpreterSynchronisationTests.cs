using System;
using System.Linq;
using RnnGen.Gpu;
using Xunit;
using static RnnGen.Runtime.Tests.Gpu.Interpreter.PtxTestKit;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>Correctly synchronised kernels give the right results under every seed, and the race detector stays quiet.</summary>
    public sealed class InterpreterSynchronisationTests
    {
        public static TheoryData<int> AllSeeds() => new(Seeds);

        [Theory]
        [MemberData(nameof(AllSeeds))]
        public void A_multi_CTA_multi_warp_shared_memory_reduction_gives_the_exact_sum(int seed)
        {
            const int blocks = 4, threads = 128;
            var input = Enumerable.Range(0, blocks * threads).Select(i => (uint)((i * 7919) % 1000)).ToArray();
            using var device = new PtxInterpreterDevice(seed);
            var kernel = device.GetKernel(device.LoadModule(SynchronisationKernels.Reduction()), "reduce");
            using var inBuffer = device.Allocate(input.Length * 4);
            using var partial = device.Allocate(blocks * 4);
            using var total = device.Allocate(4);
            device.Upload<uint>(inBuffer, 0, input);
            device.Launch(kernel, new LaunchShape(blocks, threads), new[] { KernelArgument.Pointer(inBuffer), KernelArgument.Pointer(partial), KernelArgument.Pointer(total) });
            var partials = new uint[blocks];
            var sum = new uint[1];
            device.Download<uint>(partial, 0, partials);
            device.Download<uint>(total, 0, sum);
            for (var b = 0; b < blocks; b++)
            {
                Assert.Equal((uint)input.Skip(b * threads).Take(threads).Sum(v => (long)v), partials[b]);
            }

            Assert.Equal((uint)input.Sum(v => (long)v), sum[0]);
            var stats = device.LastLaunchStatistics!;
            Assert.True(stats.RaceDetection);
            Assert.Equal(blocks * 8, stats.BarriersCrossed);
            Assert.Equal(blocks, stats.AtomicOperations);
            Assert.True(stats.Instructions > blocks * threads * 20);
        }

        [Theory]
        [InlineData(1, false)]
        [InlineData(7, false)]
        [InlineData(42, false)]
        [InlineData(1234, true)]
        [InlineData(99991, true)]
        public void A_grid_barrier_with_release_and_acquire_orders_writes_across_CTAs(int seed, bool fences)
        {
            const int blocks = 8, threads = 64;
            var n = blocks * threads;
            using var device = new PtxInterpreterDevice(seed, multiprocessors: 4, blocksPerMultiprocessor: 2);
            var kernel = device.GetKernel(device.LoadModule(SynchronisationKernels.GridBarrier(fences: fences)), "grid");
            Assert.Equal(2, device.MaxActiveBlocksPerMultiprocessor(kernel, threads, 0));
            using var data = device.Allocate(n * 4);
            using var output = device.Allocate(n * 4);
            using var counter = device.Allocate(4);
            device.Launch(kernel, new LaunchShape(blocks, threads, Cooperative: true), new[] { KernelArgument.Pointer(data), KernelArgument.Pointer(output), KernelArgument.Pointer(counter), KernelArgument.Int32(blocks) });
            var result = new uint[n];
            device.Download<uint>(output, 0, result);
            for (var g = 0; g < n; g++)
            {
                Assert.Equal((uint)((((g + threads) % n) * 3) + 1), result[g]);
            }

            Assert.Equal(blocks * 2, device.LastLaunchStatistics!.BarriersCrossed);
        }

        [Theory]
        [InlineData(11)]
        [InlineData(12)]
        public void Vector_loads_and_stores_move_four_floats_through_shared_memory(int seed)
        {
            var ptx = Module(
                "vec",
                "    .param .u64 data",
                """
                    .shared .align 16 .b8 tile[256];
                    ld.param.u64 %rd1, [data];
                    mov.u32 %r1, %tid.x;
                    mul.wide.u32 %rd2, %r1, 16;
                    add.s64 %rd3, %rd1, %rd2;
                    ld.global.nc.v4.f32 {%f1, %f2, %f3, %f4}, [%rd3];
                    mov.u64 %rd4, tile;
                    cvt.u32.u64 %r2, %rd4;
                    shl.b32 %r3, %r1, 4;
                    add.u32 %r4, %r2, %r3;
                    st.shared.v4.f32 [%r4], {%f4, %f3, %f2, %f1};
                    bar.sync 0;
                    xor.b32 %r5, %r1, 1;
                    shl.b32 %r6, %r5, 4;
                    ld.shared.v4.f32 {%f5, %f6, %f7, %f8}, [tile+0];
                    ld.shared.v4.f32 {%f9, %f10, %f11, %f12}, [%r6];
                    add.s64 %rd5, %rd1, 256;
                    add.s64 %rd6, %rd5, %rd2;
                    st.global.f32 [%rd6], %f9;
                    st.global.f32 [%rd6+4], %f10;
                    st.global.f32 [%rd6+8], %f11;
                    st.global.f32 [%rd6+12], %f5;
                    ret;
                """);
            var input = new uint[128];
            for (var i = 0; i < 64; i++)
            {
                input[i] = Bits(i + 0.5f);
            }

            using var device = new PtxInterpreterDevice(seed);
            var o = Run(device, ptx, "vec", new LaunchShape(1, 16), input);
            for (var t = 0; t < 16; t++)
            {
                var partner = t ^ 1;
                Assert.Equal((partner * 4) + 3.5f, Float(o[64 + (t * 4)]));
                Assert.Equal((partner * 4) + 2.5f, Float(o[64 + (t * 4) + 1]));
                Assert.Equal((partner * 4) + 1.5f, Float(o[64 + (t * 4) + 2]));
                Assert.Equal(3.5f, Float(o[64 + (t * 4) + 3]));
            }
        }

        [Fact]
        public void Different_seeds_give_different_schedules_and_the_same_seed_the_same()
        {
            long Bursts(int seed)
            {
                using var device = new PtxInterpreterDevice(seed);
                var kernel = device.GetKernel(device.LoadModule(SynchronisationKernels.Reduction()), "reduce");
                using var a = device.Allocate(4 * 128 * 4);
                using var b = device.Allocate(16);
                using var c = device.Allocate(4);
                device.Launch(kernel, new LaunchShape(4, 128), new[] { KernelArgument.Pointer(a), KernelArgument.Pointer(b), KernelArgument.Pointer(c) });
                return device.LastLaunchStatistics!.Bursts;
            }

            Assert.Equal(Bursts(5), Bursts(5));
            Assert.NotEqual(Bursts(5), Bursts(6));
        }
    }
}
