using System;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>
    /// The .approx instructions: the exact value (in double), moved by a seeded random error no larger than the
    /// bound the PTX ISA documents for the instruction, then rounded to float.
    /// </summary>
    /// <remarks>
    /// Bounds, from the PTX ISA's floating-point instruction descriptions (found with the docs search; the ISA 9.1
    /// accuracy table lists the same numbers: ex2 "2 ulp, full range", rcp.approx "max 1 ulp", tanh "2^-11 rel"):
    /// <list type="bullet">
    /// <item>ex2.approx.ftz.f32: at most 2 ulp from the exact 2^a over the full range.</item>
    /// <item>rcp.approx.ftz.f32: at most 1 ulp from the exact 1/a over the full range.</item>
    /// <item>lg2.approx.ftz.f32: at most 2^-22.6 absolute from the exact log2(a), before the rounding to float.</item>
    /// <item>tanh.approx.f32: relative error 2^-11 in recent ISA versions; earlier ones (and notes/ptx-subset.md)
    /// state 2^-10.987 -- we use the looser 2^-10.987 (about 4.94e-4) so tests see the worst case either allows.</item>
    /// </list>
    /// .ftz flushes subnormal inputs and results to zero of the same sign (ex2, rcp); tanh.approx has no .ftz.
    /// </remarks>
    internal static class ApproximateMath
    {
        /// <summary>tanh.approx.f32 relative error bound: 2^-10.987.</summary>
        public static readonly double TanhRelativeError = Math.Pow(2, -10.987);

        public const int Ex2UlpError = 2;

        /// <summary>lg2.approx.f32 absolute error bound: 2^-22.6.</summary>
        public static readonly double Lg2AbsoluteError = Math.Pow(2, -22.6);

        public const int RcpUlpError = 1;

        public static float Ex2(float a, ref SchedulerRandom random)
        {
            a = FlushToZero(a);
            if (float.IsNaN(a))
            {
                return float.NaN;
            }

            if (float.IsPositiveInfinity(a))
            {
                return float.PositiveInfinity;
            }

            if (float.IsNegativeInfinity(a))
            {
                return 0f;
            }

            var exact = Math.Pow(2.0, a);
            return FlushToZero(WithinUlps(exact, Ex2UlpError, ref random));
        }

        public static float Rcp(float a, ref SchedulerRandom random)
        {
            a = FlushToZero(a);
            if (float.IsNaN(a))
            {
                return float.NaN;
            }

            if (a == 0f)
            {
                return float.IsNegative(a) ? float.NegativeInfinity : float.PositiveInfinity;
            }

            if (float.IsInfinity(a))
            {
                return float.IsNegative(a) ? -0f : 0f;
            }

            var exact = 1.0 / a;
            return FlushToZero(WithinUlps(exact, RcpUlpError, ref random));
        }

        /// <summary>
        /// lg2.approx.ftz.f32: the PTX ISA states a maximum absolute error of 2^-22.6 over the mantissa's range; the
        /// result is moved by up to that much, then rounded to float (for |log2 a| &gt; 1 the rounding dominates).
        /// 0 (and a flushed subnormal) gives -∞, a negative number NaN, +∞ gives +∞.
        /// </summary>
        public static float Lg2(float a, ref SchedulerRandom random)
        {
            a = FlushToZero(a);
            if (float.IsNaN(a) || a < 0f)
            {
                return float.NaN;
            }

            if (a == 0f)
            {
                return float.NegativeInfinity;
            }

            if (float.IsPositiveInfinity(a))
            {
                return float.PositiveInfinity;
            }

            return (float)(Math.Log2(a) + (random.NextSigned() * Lg2AbsoluteError));
        }

        public static float Tanh(float a, ref SchedulerRandom random)
        {
            if (float.IsNaN(a))
            {
                return float.NaN;
            }

            if (float.IsInfinity(a))
            {
                return float.IsNegative(a) ? -1f : 1f;
            }

            var exact = Math.Tanh(a);

            // The final rounding to float adds up to 2^-24 relative; keep the total inside the documented bound.
            var perturbed = exact * (1.0 + (random.NextSigned() * (TanhRelativeError - Math.Pow(2, -23))));
            var result = (float)perturbed;
            if (MathF.Abs(result) > 1f)
            {
                result = MathF.CopySign(1f, result);
            }

            return result;
        }

        /// <summary>A float within <paramref name="ulps"/> ulp of <paramref name="exact"/> (the ulp of the float nearest it).</summary>
        private static float WithinUlps(double exact, int ulps, ref SchedulerRandom random)
        {
            var nearest = (float)exact;
            if (float.IsInfinity(nearest) || nearest == 0f)
            {
                return nearest;
            }

            var ulp = (double)MathF.BitIncrement(MathF.Abs(nearest)) - MathF.Abs(nearest);
            var candidate = (float)(exact + (random.NextSigned() * ulps * ulp));
            return Math.Abs(candidate - exact) <= ulps * ulp ? candidate : nearest;
        }

        public static float FlushToZero(float value) =>
            float.IsSubnormal(value) ? (float.IsNegative(value) ? -0f : 0f) : value;
    }
}
