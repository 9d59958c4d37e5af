using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using RnnGen.Threading;

namespace RnnGen.Benchmarks
{
    /// <summary>
    /// The machine's fp32 FMA limit, measured in the same run as the kernels it judges: 12 independent 512-bit (or the
    /// widest accelerated) multiply-add chains, enough to hide the FMA latency on both pipes, on one core and on every
    /// core at once. <see cref="PercentOfPeak"/> reads these to express each kernel's GFLOP/s as a share of them;
    /// run them together with <c>--join</c>.
    /// </summary>
    [Config(typeof(PeakConfig))]
    public class FmaPeakBenchmarks
    {
        /// <summary>Iterations of the 12-chain loop per call.</summary>
        public const int Iterations = 1_000_000;

        /// <summary>Multiply-adds per iteration: 12 chains of one vector each.</summary>
        public const int Chains = 12;

        private readonly AllCores _allCores = new();

        /// <summary>FLOPs of one call on one core: iterations × chains × lanes × 2.</summary>
        public static double FlopsPerCore => 2.0 * Iterations * Chains * Lanes;

        /// <summary>fp32 lanes of the widest accelerated vector.</summary>
        public static int Lanes => Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 4;

        [Benchmark(Description = "FMA peak, one core")]
        public float OneCore() => Run();

        [Benchmark(Description = "FMA peak, every core")]
        public float EveryCore()
        {
            var saved = RowParallel.MaxThreads;
            RowParallel.MaxThreads = Environment.ProcessorCount;
            RowParallel.For(_allCores, Environment.ProcessorCount, 1);
            RowParallel.MaxThreads = saved;
            return _allCores.Sink;
        }

        /// <summary>One core's loop; the result keeps the chains alive.</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static float Run()
        {
            if (Vector512.IsHardwareAccelerated)
            {
                var m = Vector512.Create(0.999999f);
                var a = Vector512.Create(1e-7f);
                Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
                for (var i = 0; i < Iterations; i++)
                {
                    c0 = Vector512.FusedMultiplyAdd(c0, m, a);
                    c1 = Vector512.FusedMultiplyAdd(c1, m, a);
                    c2 = Vector512.FusedMultiplyAdd(c2, m, a);
                    c3 = Vector512.FusedMultiplyAdd(c3, m, a);
                    c4 = Vector512.FusedMultiplyAdd(c4, m, a);
                    c5 = Vector512.FusedMultiplyAdd(c5, m, a);
                    c6 = Vector512.FusedMultiplyAdd(c6, m, a);
                    c7 = Vector512.FusedMultiplyAdd(c7, m, a);
                    c8 = Vector512.FusedMultiplyAdd(c8, m, a);
                    c9 = Vector512.FusedMultiplyAdd(c9, m, a);
                    c10 = Vector512.FusedMultiplyAdd(c10, m, a);
                    c11 = Vector512.FusedMultiplyAdd(c11, m, a);
                }

                return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
            }

            var m2 = Vector256.Create(0.999999f);
            var a2 = Vector256.Create(1e-7f);
            Vector256<float> d0 = Vector256.Create(1f), d1 = d0, d2 = d0, d3 = d0, d4 = d0, d5 = d0, d6 = d0, d7 = d0, d8 = d0, d9 = d0, d10 = d0, d11 = d0;
            for (var i = 0; i < Iterations; i++)
            {
                d0 = Vector256.FusedMultiplyAdd(d0, m2, a2);
                d1 = Vector256.FusedMultiplyAdd(d1, m2, a2);
                d2 = Vector256.FusedMultiplyAdd(d2, m2, a2);
                d3 = Vector256.FusedMultiplyAdd(d3, m2, a2);
                d4 = Vector256.FusedMultiplyAdd(d4, m2, a2);
                d5 = Vector256.FusedMultiplyAdd(d5, m2, a2);
                d6 = Vector256.FusedMultiplyAdd(d6, m2, a2);
                d7 = Vector256.FusedMultiplyAdd(d7, m2, a2);
                d8 = Vector256.FusedMultiplyAdd(d8, m2, a2);
                d9 = Vector256.FusedMultiplyAdd(d9, m2, a2);
                d10 = Vector256.FusedMultiplyAdd(d10, m2, a2);
                d11 = Vector256.FusedMultiplyAdd(d11, m2, a2);
            }

            return Vector256.Sum(d0 + d1 + d2 + d3 + d4 + d5 + d6 + d7 + d8 + d9 + d10 + d11);
        }

        /// <summary>Each "row" is one core's loop, so RowParallel runs one loop per core at once.</summary>
        private sealed class AllCores : IRowRange
        {
            public float Sink;

            public void Run(int start, int count)
            {
                for (var i = 0; i < count; i++)
                {
                    Sink += FmaPeakBenchmarks.Run();
                }
            }
        }
    }
}
