using System;
using System.IO;
using System.Runtime.InteropServices;
using RnnGen.Gpu;
using Xunit;

namespace RnnGen.Runtime.Tests.Gpu
{
    /// <summary>
    /// Without a driver or a GPU, opening a device is a reason, never an exception. Serial: the tests set
    /// RNNGEN_CUDA_LIBRARY, which every TryOpen reads.
    /// </summary>
    [Collection(nameof(Robustness.SerialTestCollection))]
    public sealed class CudaAvailabilityTests
    {
        private const string Override = "RNNGEN_CUDA_LIBRARY";

        [Fact]
        public void TryOpen_never_throws_and_a_failure_names_the_driver_library()
        {
            if (CudaDevice.TryOpen(out var device, out var reason))
            {
                using (device)
                {
                    Assert.Equal(string.Empty, reason);
                    Assert.False(string.IsNullOrEmpty(device.Name));
                    return;
                }
            }

            Assert.Null(device);
            Assert.Contains(OperatingSystem.IsWindows() ? "nvcuda" : "libcuda", reason, StringComparison.Ordinal);
        }

        [Fact]
        public void Open_throws_a_CudaException_with_the_reason_TryOpen_gives()
        {
            if (CudaDevice.TryOpen(out var device, out var reason))
            {
                device.Dispose();
                return;
            }

            var error = Assert.Throws<CudaException>(() => CudaDevice.Open());
            Assert.Equal(reason, error.Message);
            Assert.False(string.IsNullOrEmpty(error.Call));
        }

        [Fact]
        public void A_negative_ordinal_is_an_argument_error()
        {
            Assert.Throws<ArgumentOutOfRangeException>("ordinal", () => CudaDevice.TryOpen(out _, out _, -1));
        }

        [Fact]
        public void An_override_that_is_not_a_library_is_named_in_the_reason()
        {
            var path = Path.Combine(Path.GetTempPath(), $"rnngen-not-a-library-{Guid.NewGuid():N}.so");
            File.WriteAllText(path, "this is text, not a shared library");
            try
            {
                WithOverride(path, () =>
                {
                    Assert.False(CudaDevice.TryOpen(out var device, out var reason));
                    Assert.Null(device);
                    Assert.Contains(path, reason, StringComparison.Ordinal);
                    Assert.Contains(Override, reason, StringComparison.Ordinal);
                    Assert.Equal("NativeLibrary.TryLoad", Assert.Throws<CudaException>(() => CudaDevice.Open()).Call);
                });
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void An_override_to_a_missing_file_is_named_in_the_reason()
        {
            var path = Path.Combine(Path.GetTempPath(), $"rnngen-missing-{Guid.NewGuid():N}", "libcuda.so.1");
            WithOverride(path, () =>
            {
                Assert.False(CudaDevice.TryOpen(out _, out var reason));
                Assert.Contains(path, reason, StringComparison.Ordinal);
            });
        }

        [Fact]
        public void An_override_to_a_native_library_that_is_not_the_driver_names_the_missing_export()
        {
            // A native library every .NET install has beside the runtime, and that is certainly not libcuda.
            var name = OperatingSystem.IsWindows() ? "System.IO.Compression.Native.dll"
                : OperatingSystem.IsMacOS() ? "libSystem.Native.dylib" : "libSystem.Native.so";
            var path = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), name);
            Assert.True(File.Exists(path), path);
            WithOverride(path, () =>
            {
                Assert.False(CudaDevice.TryOpen(out _, out var reason));
                Assert.Contains(path, reason, StringComparison.Ordinal);
                Assert.Contains("'cuInit'", reason, StringComparison.Ordinal);
                var error = Assert.Throws<CudaException>(() => CudaDevice.Open());
                Assert.Equal("NativeLibrary.TryGetExport", error.Call);
                Assert.Equal(CudaException.NoResult, error.Result);
            });
        }

        private static void WithOverride(string value, Action test)
        {
            var before = Environment.GetEnvironmentVariable(Override);
            Environment.SetEnvironmentVariable(Override, value);
            try
            {
                test();
            }
            finally
            {
                Environment.SetEnvironmentVariable(Override, before);
            }
        }
    }
}
