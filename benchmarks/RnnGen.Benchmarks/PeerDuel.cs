using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace RnnGen.Benchmarks
{
    /// <summary>
    /// RnnGen and ONNX Runtime on <see cref="OnnxRuntimeBenchmarks"/>' <c>Forward</c> (100 steps, batch 32), timed in
    /// alternation: one call of each per round, the order flipped every round, so both sides see the same machine load; before each call both sides' worker threads are left to go idle.
    /// BenchmarkDotNet runs one case after the other, minutes apart; on a shared machine whose load drifts, the ratio
    /// of two such means moves by more than the changes it is meant to judge. Reports each side's minimum and median,
    /// the ratio of the minimums and the median of the per-round ratios (ONNX Runtime's time over RnnGen's), with
    /// RnnGen's GFLOP/s as a share of the FMA peak measured between shapes.
    /// </summary>
    internal static class PeerDuel
    {
        private const int Settle = 20; // ms

        /// <summary>Runs every shape at 1 and 2 threads (or those named, e.g. <c>LSTM 256</c>) for <paramref name="rounds"/> rounds.</summary>
        public static void Run(int rounds, string[] shapes)
        {
            var selected = shapes.Length >= 2
                ? [(shapes[0], int.Parse(shapes[1], CultureInfo.InvariantCulture))]
                : new[] { ("LSTM", 64), ("LSTM", 128), ("LSTM", 256), ("GRU", 64), ("GRU", 128), ("GRU", 256) };
            Console.WriteLine($"{"shape",-9} {"thr",3} {"RnnGen min",11} {"median",9} {"ORT min",9} {"median",9} {"ratio of min",12} {"median ratio",12} {"% peak",7}");
            foreach (var threads in new[] { 1, 2 })
            {
                foreach (var (cell, hidden) in selected)
                {
                    var peak = MeasurePeak(threads);
                    var bench = new OnnxRuntimeBenchmarks { Cell = cell, Hidden = hidden, Threads = threads };
                    bench.Setup();
                    var ours = new double[rounds];
                    var theirs = new double[rounds];
                    for (var i = 0; i < 3; i++)
                    {
                        bench.Forward_batch32();
                        bench.Peer_forward_batch32();
                    }

                    for (var r = 0; r < rounds; r++)
                    {
                        if (r % 2 == 0)
                        {
                            ours[r] = Time(bench.Forward_batch32);
                            theirs[r] = Time(bench.Peer_forward_batch32);
                        }
                        else
                        {
                            theirs[r] = Time(bench.Peer_forward_batch32);
                            ours[r] = Time(bench.Forward_batch32);
                        }
                    }

                    bench.Cleanup();
                    var ratios = theirs.Zip(ours, (t, o) => t / o).ToArray();
                    var flops = 2.0 * (cell == "LSTM" ? 4 : 3) * hidden * (32 + hidden) * 100 * 32;
                    var percent = 100 * flops / ours.Min() / peak;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{cell + " " + hidden,-9} {threads,3} {ours.Min() * 1e3,8:F3} ms {Median(ours) * 1e3,9:F3} {theirs.Min() * 1e3,9:F3} {Median(theirs) * 1e3,9:F3} {theirs.Min() / ours.Min(),12:F2} {Median(ratios),12:F2} {percent,6:F0}%"));
                }
            }
        }

        private static double Time(Action action)
        {
            // Both sides' worker threads spin for a while after a call; let them go to sleep, or each call would
            // share the cores with the other side's spinners.
            System.Threading.Thread.Sleep(Settle);
            var start = Stopwatch.GetTimestamp();
            action();
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        private static double Median(double[] values)
        {
            var sorted = values.Order().ToArray();
            return sorted[sorted.Length / 2];
        }

        /// <summary>The FMA peak in FLOP/s on one core or on every core: the best of five runs of the peak loop.</summary>
        private static double MeasurePeak(int threads)
        {
            var peak = new FmaPeakBenchmarks();
            var best = double.MaxValue;
            for (var i = 0; i < 5; i++)
            {
                best = Math.Min(best, Time(() => _ = threads == 1 ? peak.OneCore() : peak.EveryCore()));
            }

            return FmaPeakBenchmarks.FlopsPerCore * (threads == 1 ? 1 : Environment.ProcessorCount) / best;
        }
    }
}
