using System;
using System.Linq;
using RnnGen.Gpu;
using Xunit;

namespace RnnGen.Runtime.Tests.Gpu
{
    /// <summary>
    /// The driver binding on a real GPU. xunit 2 cannot skip at run time, so without a GPU each test checks that the
    /// reason is given and returns; with one (TryOpen true) it does the real work.
    /// </summary>
    [Collection(nameof(Robustness.SerialTestCollection))] // TryOpen reads RNNGEN_CUDA_LIBRARY, which other tests set
    public sealed class CudaDeviceTests
    {
        // y[i] = factor * x[i] for i < n, one thread per element; sm_70 / ISA 7.0, which every driver from CUDA 11 JITs.
        private const string TwicePtx = """
            .version 7.0
            .target sm_70
            .address_size 64

            .visible .entry scale(
                .param .u64 x,
                .param .u64 y,
                .param .u32 n,
                .param .f32 factor
            )
            {
                .reg .pred %p<2>;
                .reg .b32 %r<6>;
                .reg .f32 %f<4>;
                .reg .b64 %rd<8>;

                ld.param.u64 %rd1, [x];
                ld.param.u64 %rd2, [y];
                ld.param.u32 %r1, [n];
                ld.param.f32 %f1, [factor];
                mov.u32 %r2, %ctaid.x;
                mov.u32 %r3, %ntid.x;
                mov.u32 %r4, %tid.x;
                mad.lo.s32 %r5, %r2, %r3, %r4;
                setp.ge.s32 %p1, %r5, %r1;
                @%p1 bra DONE;
                cvta.to.global.u64 %rd3, %rd1;
                cvta.to.global.u64 %rd4, %rd2;
                mul.wide.s32 %rd5, %r5, 4;
                add.s64 %rd6, %rd3, %rd5;
                ld.global.f32 %f2, [%rd6];
                mul.f32 %f3, %f2, %f1;
                add.s64 %rd7, %rd4, %rd5;
                st.global.f32 [%rd7], %f3;
            DONE:
                ret;
            }
            """;

        [Fact]
        public void On_a_gpu_a_tiny_kernel_runs_or_the_reason_is_given()
        {
            if (!CudaDevice.TryOpen(out var device, out var reason))
            {
                Assert.False(string.IsNullOrWhiteSpace(reason));
                return;
            }

            using (device)
            {
                Assert.False(string.IsNullOrEmpty(device.Name));
                Assert.True(device.MultiprocessorCount > 0);
                Assert.True(device.ComputeCapability.Major >= 3);
                Assert.True(device.SharedMemoryPerBlock >= 48 * 1024);
                Assert.True(device.TotalMemoryBytes > 0);
                Assert.True(device.DriverVersion >= 11000);

                const int n = 1000;
                var x = Enumerable.Range(0, n).Select(i => (float)i - 500f).ToArray();
                using var input = device.Allocate(n * sizeof(float));
                using var output = device.Allocate((n + 8) * sizeof(float)); // 8 spare floats ahead: a pointer with an offset
                device.Upload<float>(input, 0, x);

                var module = device.LoadModule(TwicePtx);
                var kernel = device.GetKernel(module, "scale");
                Assert.Equal("scale", kernel.Name);
                KernelArgument[] arguments =
                [
                    KernelArgument.Pointer(input),
                    KernelArgument.Pointer(output, 8 * sizeof(float)),
                    KernelArgument.Int32(n),
                    KernelArgument.Float32(2f),
                ];
                device.Launch(kernel, new LaunchShape((n + 127) / 128, 128), arguments);
                var y = new float[n + 8];
                device.Download<float>(output, 0, y);
                Assert.All(y.Take(8), v => Assert.Equal(0f, v)); // Allocate zero-fills
                for (var i = 0; i < n; i++)
                {
                    Assert.Equal(2f * x[i], y[i + 8]);
                }

                // Cooperative, with more than 48 KiB of dynamic shared memory (opt-in) when the device allows it.
                var shared = Math.Min(device.SharedMemoryPerBlockOptIn, 64 * 1024);
                var perSm = device.MaxActiveBlocksPerMultiprocessor(kernel, 128, shared);
                Assert.True(perSm >= 1, $"occupancy {perSm}");
                if (device.SupportsCooperativeLaunch)
                {
                    arguments[3] = KernelArgument.Float32(-1f);
                    device.Launch(kernel, new LaunchShape((n + 127) / 128, 128, shared, Cooperative: true), arguments);
                    device.Download<float>(output, 8, y.AsSpan(0, n));
                    for (var i = 0; i < n; i++)
                    {
                        Assert.Equal(-x[i], y[i]);
                    }

                    var tooLarge = Assert.Throws<CudaException>(() =>
                        device.Launch(kernel, new LaunchShape((perSm * device.MultiprocessorCount) + 1, 128, shared, Cooperative: true), arguments));
                    Assert.Equal(CudaResult.CooperativeLaunchTooLarge, tooLarge.Result);
                }

                device.Clear(output, 8 * sizeof(float), 4 * sizeof(float));
                device.Synchronize();
                device.Download<float>(output, 8, y.AsSpan(0, 5));
                Assert.Equal(new float[] { 0, 0, 0, 0 }, y.Take(4));
            }
        }

        [Fact]
        public void On_a_gpu_bad_ptx_raises_the_jit_log_or_the_reason_is_given()
        {
            if (!CudaDevice.TryOpen(out var device, out var reason))
            {
                Assert.False(string.IsNullOrWhiteSpace(reason));
                return;
            }

            using (device)
            {
                var bad = TwicePtx.Replace("mul.f32 %f3, %f2, %f1;", "mul.f32 %f3, %f2, %undeclared;", StringComparison.Ordinal);
                var error = Assert.Throws<CudaException>(() => device.LoadModule(bad));
                Assert.Equal("cuModuleLoadDataEx", error.Call);
                Assert.Equal(CudaResult.InvalidPtx, error.Result);
                Assert.False(string.IsNullOrWhiteSpace(error.Log));
                Assert.Contains(error.Log!, error.Message, StringComparison.Ordinal);

                var module = device.LoadModule(TwicePtx);
                var missing = Assert.Throws<CudaException>(() => device.GetKernel(module, "nope"));
                Assert.Equal(CudaResult.NotFound, missing.Result);
                Assert.Contains("nope", missing.Message, StringComparison.Ordinal);
            }
        }

        [Fact]
        public void On_a_gpu_bad_arguments_are_refused_before_the_driver_or_the_reason_is_given()
        {
            if (!CudaDevice.TryOpen(out var device, out var reason))
            {
                Assert.False(string.IsNullOrWhiteSpace(reason));
                return;
            }

            try
            {
                BadArgumentsAreRefused(device);
            }
            finally
            {
                device.Dispose();
            }
        }

        private static void BadArgumentsAreRefused(CudaDevice device)
        {
            var kernel = device.GetKernel(device.LoadModule(TwicePtx), "scale");
            var buffer = device.Allocate(16);
            using var fake = new FakeGpuDevice();
            var foreign = fake.Allocate(16);
            Assert.Throws<ArgumentOutOfRangeException>("source", () => device.Upload(buffer, 8, new byte[9]));
            Assert.Throws<ArgumentOutOfRangeException>("byteOffset", () => device.Download(buffer, -1, new byte[1]));
            Assert.Throws<ArgumentOutOfRangeException>("bytes", () => device.Clear(buffer, 0, 17));
            Assert.Throws<ArgumentException>("buffer", () => device.Clear(foreign, 0, 1));
            Assert.Throws<ArgumentOutOfRangeException>("ThreadsPerBlock", () => device.Launch(kernel, new LaunchShape(1, 2048), ReadOnlySpan<KernelArgument>.Empty));
            Assert.Throws<ArgumentException>("arguments", () =>
                device.Launch(kernel, new LaunchShape(1, 32), [KernelArgument.Pointer(foreign), KernelArgument.Pointer(buffer), KernelArgument.Int32(4), KernelArgument.Float32(1f)]));
            var stale = KernelArgument.Pointer(buffer);
            buffer.Dispose();
            Assert.Throws<ArgumentException>("arguments", () =>
                device.Launch(kernel, new LaunchShape(1, 32), [stale, stale, KernelArgument.Int32(4), KernelArgument.Float32(1f)]));
            Assert.Throws<ObjectDisposedException>(() => device.Upload(buffer, 0, new byte[1]));
            Assert.Throws<ArgumentOutOfRangeException>("threadsPerBlock", () => device.MaxActiveBlocksPerMultiprocessor(kernel, 0, 0));
            Assert.Throws<ArgumentOutOfRangeException>("dynamicSharedBytes", () => device.MaxActiveBlocksPerMultiprocessor(kernel, 32, -1));

            device.Dispose();
            Assert.Throws<ObjectDisposedException>(() => device.Allocate(4));
            Assert.Throws<ObjectDisposedException>(() => device.Synchronize());
        }
    }
}
