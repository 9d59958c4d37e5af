using System;
using Xunit;

namespace RnnGen.Runtime.Tests.Helpers
{
    /// <summary>
    /// The error measure of the conformance tests: |actual - expected| / max(|expected|, 1), i.e. relative error
    /// for outputs of magnitude at least 1 and absolute error below that (RNN states are bounded by 1, where a pure
    /// relative measure would be dominated by values near zero).
    /// </summary>
    internal static class Tolerance
    {
        public const double Conformance = 1e-5;

        public static double MaxError(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected)
        {
            Assert.Equal(expected.Length, actual.Length);
            var worst = 0.0;
            for (var i = 0; i < actual.Length; i++)
            {
                var error = Math.Abs(actual[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), 1.0);
                if (double.IsNaN(error))
                {
                    return double.PositiveInfinity;
                }

                worst = Math.Max(worst, error);
            }

            return worst;
        }

        public static void AssertClose(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, string what, double tolerance = Conformance)
        {
            var error = MaxError(actual, expected);
            Assert.True(error <= tolerance, $"{what}: max error {error:E3} exceeds {tolerance:E1}.");
        }
    }
}
