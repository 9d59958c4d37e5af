using System;
using Xunit;

namespace RnnGen.Runtime.Tests.Gpu.Training
{
    /// <summary>Comparisons of the device's training results with the CPU's.</summary>
    internal static class TrainingAsserts
    {
        /// <summary>Every element bit-identical (NaN matches NaN); the message names the first that is not.</summary>
        public static void Identical(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (var i = 0; i < expected.Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                {
                    Assert.Fail($"{what}[{i}]: CPU {expected[i]:R}, GPU {actual[i]:R}");
                }
            }
        }

        /// <summary>|a - b| ≤ tolerance · max(|a|, floor) for every element.</summary>
        public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what, double floor = 1e-30)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (var i = 0; i < expected.Length; i++)
            {
                var error = Math.Abs((double)expected[i] - actual[i]);
                if (!(error <= tolerance * Math.Max(Math.Abs(expected[i]), floor)))
                {
                    Assert.Fail($"{what}[{i}]: CPU {expected[i]:R}, GPU {actual[i]:R} (relative {error / Math.Max(Math.Abs(expected[i]), floor):E2}, tolerance {tolerance:E0})");
                }
            }
        }

        /// <summary>A scalar within <paramref name="tolerance"/> relative.</summary>
        public static void Close(float expected, float actual, double tolerance, string what)
        {
            var error = Math.Abs((double)expected - actual);
            Assert.True(error <= tolerance * Math.Abs(expected), $"{what}: CPU {expected:R}, GPU {actual:R} (relative {error / Math.Abs(expected):E2})");
        }
    }
}
