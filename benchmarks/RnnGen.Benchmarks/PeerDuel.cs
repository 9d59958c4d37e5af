using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace RnnGen.Benchmarks
{
    /// <summary>
    /// RnnGen and ONNX Runtime on <see cref="OnnxRuntimeBenchmarks"/>' 100 steps at batch 32, timed in alternation so
    /// that every side sees the same machine load: RnnGen's <c>Predict</c> (inference, as ONNX Runtime's run is), its
    /// <c>Forward</c> (which also keeps the training tape) and ONNX Runtime. Each round runs a block of back-to-back
    /// calls of each side in turn (the order rotates every round), with a pause before each block so that the other side's
    /// worker threads have stopped spinning, and drops each block's first call (it wakes the sleeping workers).
    /// BenchmarkDotNet runs one case after the other, minutes apart; on a shared machine whose load drifts, the ratio
    /// of two such means moves by more than the changes it is meant to judge. Reports each side's minimum and median
    /// call, and ONNX Runtime's time over <c>Predict</c>'s: the ratio of the minimums and the median of the rounds'
    /// ratios (of block medians), with <c>Predict</c>'s GFLOP/s as a share of the FMA peak measured at the start, on one
    /// core and on every core.
    /// </summary>
    internal static class PeerDuel
    {
        private const int Settle = 20; // ms: longer than either side's worker threads spin
        private const int Block = 6; // calls per side per round, the first not counted

        /// <summary>Runs every shape at 1 and 2 threads (or those named, e.g. <c>LSTM 256</c>) for <paramref name="rounds"/> rounds.</summary>
        public static void Run(int rounds, string[] shapes)
        {
            var selected = shapes.Length >= 2
                ? [(shapes[0], int.Parse(shapes[1], CultureInfo.InvariantCulture))]
                : new[] { ("LSTM", 64), ("LSTM", 128), ("LSTM", 256), ("GRU", 64), ("GRU", 128), ("GRU", 256) };
            // The peaks first, before any ONNX Runtime session exists: its intra-op threads spin on after its calls
            // (for over 100 ms here) and, measured between shapes, they pulled the every-core peak below what the
            // kernels then reached (109-114 % "of peak").
            var peaks = new[] { 1, 2 }.ToDictionary(threads => threads, MeasurePeak);
            Console.WriteLine($"{"shape",-9} {"thr",3} {"Predict min",11} {"median",9} {"Forward min",11} {"ORT min",9} {"median",9} {"ratio of min",12} {"median ratio",12} {"% peak",7}");
            foreach (var threads in new[] { 1, 2 })
            {
                foreach (var (cell, hidden) in selected)
                {
                    var bench = new OnnxRuntimeBenchmarks { Cell = cell, Hidden = hidden, Threads = threads };
                    bench.Setup();
                    var ours = new List<double>();
                    var forward = new List<double>();
                    var theirs = new List<double>();
                    var ratios = new double[rounds];
                    var sides = new Action[] { bench.Predict_batch32, bench.Forward_batch32, bench.Peer_forward_batch32 };
                    var times = new[] { ours, forward, theirs };
                    var blocks = new double[sides.Length];
                    for (var r = 0; r < rounds; r++)
                    {
                        for (var i = 0; i < sides.Length; i++)
                        {
                            var side = (i + r) % sides.Length; // each side goes first, second and last in turn
                            blocks[side] = TimeBlock(sides[side], times[side]);
                        }

                        ratios[r] = blocks[2] / blocks[0];
                    }

                    bench.Cleanup();
                    var flops = 2.0 * (cell == "LSTM" ? 4 : 3) * hidden * (32 + hidden) * 100 * 32;
                    var percent = 100 * flops / ours.Min() / peaks[threads];
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{cell + " " + hidden,-9} {threads,3} {ours.Min() * 1e3,8:F3} ms {Median(ours) * 1e3,9:F3} {forward.Min() * 1e3,8:F3} ms {theirs.Min() * 1e3,9:F3} {Median(theirs) * 1e3,9:F3} {theirs.Min() / ours.Min(),12:F2} {Median(ratios),12:F2} {percent,6:F0}%"));
                }
            }
        }

        /// <summary>Pauses, runs <see cref="Block"/> calls, adds all but the first to <paramref name="times"/> and returns their median.</summary>
        private static double TimeBlock(Action action, List<double> times)
        {
            System.Threading.Thread.Sleep(Settle);
            var block = new double[Block - 1];
            action();
            for (var i = 0; i < block.Length; i++)
            {
                block[i] = Time(action);
            }

            times.AddRange(block);
            return Median(block);
        }

        private static double Time(Action action)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        private static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted[sorted.Length / 2];
        }

        /// <summary>The FMA peak in FLOP/s on one core or on every core: the best of twenty runs of the peak loop.</summary>
        private static double MeasurePeak(int threads)
        {
            var peak = new FmaPeakBenchmarks();
            var best = double.MaxValue;
            for (var i = 0; i < 20; i++)
            {
                best = Math.Min(best, Time(() => _ = threads == 1 ? peak.OneCore() : peak.EveryCore()));
            }

            return FmaPeakBenchmarks.FlopsPerCore * (threads == 1 ? 1 : Environment.ProcessorCount) / best;
        }
    }
}
