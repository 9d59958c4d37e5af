using System;
using System.Runtime.Intrinsics;
using Xunit;

namespace RnnGen.Runtime.Tests
{
    /// <summary>
    /// CI reruns the numerics with the JIT's SIMD support switched off step by step (DOTNET_EnableAVX512=0,
    /// DOTNET_EnableAVX2=0, DOTNET_EnableHWIntrinsic=0) and sets RNNGEN_EXPECT_WIDTH, so every generated kernel
    /// width is proven to run, not only the widest this machine has.
    /// </summary>
    public sealed class VectorWidthTests
    {
        [Fact]
        public void The_kernel_width_is_the_one_CI_asked_for()
        {
            var active = Vector512.IsHardwareAccelerated ? 16
                : Vector256.IsHardwareAccelerated ? 8
                : Vector128.IsHardwareAccelerated ? 4
                : 1;
            var expected = Environment.GetEnvironmentVariable("RNNGEN_EXPECT_WIDTH");
            if (!string.IsNullOrEmpty(expected))
            {
                Assert.Equal(int.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), active);
            }
            else
            {
                Assert.Contains(active, new[] { 1, 4, 8, 16 });
            }
        }
    }
}
