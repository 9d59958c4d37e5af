using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using RnnGen.Gpu;

namespace RnnGen.GpuCheck
{
    // One class per size: the generator specialises every size, so each (cell, hidden) needs its own model. Input
    // width = hidden, 100 steps, up to batch 64; every step's output comes back, as torch.nn.LSTM/GRU's output does.

    [RecurrentNetwork(InputSize = 256, SequenceLength = 100, BatchSize = 64, Cuda = true)]
    [Lstm(256)]
    internal sealed partial class BenchLstm256 { }

    [RecurrentNetwork(InputSize = 512, SequenceLength = 100, BatchSize = 64, Cuda = true)]
    [Lstm(512)]
    internal sealed partial class BenchLstm512 { }

    [RecurrentNetwork(InputSize = 1024, SequenceLength = 100, BatchSize = 64, Cuda = true)]
    [Lstm(1024)]
    internal sealed partial class BenchLstm1024 { }

    [RecurrentNetwork(InputSize = 256, SequenceLength = 100, BatchSize = 64, Cuda = true)]
    [Gru(256)]
    internal sealed partial class BenchGru256 { }

    [RecurrentNetwork(InputSize = 512, SequenceLength = 100, BatchSize = 64, Cuda = true)]
    [Gru(512)]
    internal sealed partial class BenchGru512 { }

    [RecurrentNetwork(InputSize = 1024, SequenceLength = 100, BatchSize = 64, Cuda = true)]
    [Gru(1024)]
    internal sealed partial class BenchGru1024 { }

    /// <summary>Forward over host spans: what both the CPU model and its CudaModel offer.</summary>
    internal delegate void PlainForwardFn(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize, bool continueState);

    /// <summary>GPU (and, at batch 1, CPU) Forward times for the sizes gpu_peer.py times with cuDNN.</summary>
    internal static class Bench
    {
        public const int Steps = 100;

        public static readonly int[] Batches = [1, 8, 64];

        /// <summary>A model of one size: its CPU Forward, and a factory for its CudaModel (Forward, owner).</summary>
        private sealed record Size(string Cell, int Hidden, Func<(PlainForwardFn Cpu, Func<GpuDevice, (PlainForwardFn Forward, IDisposable Owner)> ToGpu)> Create);

        private static readonly Size[] Sizes =
        [
            new("LSTM", 256, () => { var m = new BenchLstm256(); m.InitializeParameters(new Random(1)); return (m.Forward, d => { var g = m.ToCuda(d); return (g.Forward, g); }); }),
            new("LSTM", 512, () => { var m = new BenchLstm512(); m.InitializeParameters(new Random(1)); return (m.Forward, d => { var g = m.ToCuda(d); return (g.Forward, g); }); }),
            new("LSTM", 1024, () => { var m = new BenchLstm1024(); m.InitializeParameters(new Random(1)); return (m.Forward, d => { var g = m.ToCuda(d); return (g.Forward, g); }); }),
            new("GRU", 256, () => { var m = new BenchGru256(); m.InitializeParameters(new Random(1)); return (m.Forward, d => { var g = m.ToCuda(d); return (g.Forward, g); }); }),
            new("GRU", 512, () => { var m = new BenchGru512(); m.InitializeParameters(new Random(1)); return (m.Forward, d => { var g = m.ToCuda(d); return (g.Forward, g); }); }),
            new("GRU", 1024, () => { var m = new BenchGru1024(); m.InitializeParameters(new Random(1)); return (m.Forward, d => { var g = m.ToCuda(d); return (g.Forward, g); }); }),
        ];

        public const string Header = "cell,hidden,batch,steps,rnngen_gpu_ms,rnngen_cpu_ms,cpu_gpu_max_rel";

        /// <summary>Times every size and batch; writes the CSV to stdout and to <paramref name="csvPath"/> if given.</summary>
        /// <returns>0, or 1 when a size failed (its row says why) or the GPU and CPU outputs disagree at batch 1.</returns>
        public static int Run(GpuDevice device, int runs, string? csvPath)
        {
            var rows = new List<string> { Header };
            Console.WriteLine(Header);
            var status = 0;
            foreach (var size in Sizes)
            {
                var (cpu, toGpu) = size.Create();
                (PlainForwardFn Forward, IDisposable Owner) gpu;
                try
                {
                    gpu = toGpu(device);
                }
                catch (Exception e) when (e is NotSupportedException or CudaException)
                {
                    // E.g. more 16-unit blocks than can be resident at once: record it, go on with the other sizes.
                    Console.Error.WriteLine($"{size.Cell} {size.Hidden}: {e.GetType().Name}: {e.Message}");
                    foreach (var batch in Batches)
                    {
                        Emit(rows, FormattableString.Invariant($"{size.Cell},{size.Hidden},{batch},{Steps},,,"));
                    }

                    status = 1;
                    continue;
                }

                using (gpu.Owner)
                {
                    foreach (var batch in Batches)
                    {
                        var random = new Random(batch);
                        var inputs = new float[Steps * batch * size.Hidden];
                        for (var i = 0; i < inputs.Length; i++)
                        {
                            inputs[i] = (float)((random.NextDouble() * 2) - 1);
                        }

                        var gpuOutputs = new float[Steps * batch * size.Hidden];
                        // Download waits for the kernels, so the time of one Forward is the whole round trip:
                        // upload the inputs, every launch, download every step's output.
                        var gpuMs = MedianMs(() => gpu.Forward(inputs, gpuOutputs, batch, false), warmUp: 3, runs);
                        string cpuMs = string.Empty, difference = string.Empty;
                        if (batch == 1)
                        {
                            // The CPU model at batch 1 only (batch 64 at 1024 units takes seconds a run), and a check
                            // that both sides computed the same thing at the sizes the conformance set does not cover.
                            var cpuOutputs = new float[gpuOutputs.Length];
                            cpuMs = Format(MedianMs(() => cpu(inputs, cpuOutputs, batch, false), warmUp: 1, Math.Max(3, runs / 4)));
                            var worst = 0.0;
                            for (var i = 0; i < cpuOutputs.Length; i++)
                            {
                                var d = Math.Abs((double)cpuOutputs[i] - gpuOutputs[i]) / Math.Max(Math.Abs(cpuOutputs[i]), 1.0);
                                worst = double.IsNaN(d) ? double.PositiveInfinity : Math.Max(worst, d);
                            }

                            difference = worst.ToString("G3", CultureInfo.InvariantCulture);
                            if (!(worst <= 1e-4))
                            {
                                Console.Error.WriteLine($"{size.Cell} {size.Hidden}: the GPU and CPU outputs differ by {difference} (relative), over 1e-4.");
                                status = 1;
                            }
                        }

                        Emit(rows, FormattableString.Invariant($"{size.Cell},{size.Hidden},{batch},{Steps},{Format(gpuMs)},{cpuMs},{difference}"));
                    }
                }
            }

            if (csvPath is not null)
            {
                File.WriteAllLines(csvPath, rows);
            }

            return status;
        }

        private static void Emit(List<string> rows, string row)
        {
            rows.Add(row);
            Console.WriteLine(row);
        }

        private static string Format(double ms) => ms.ToString("F4", CultureInfo.InvariantCulture);

        /// <summary>Median wall time of <paramref name="runs"/> calls after <paramref name="warmUp"/> untimed ones.</summary>
        private static double MedianMs(Action action, int warmUp, int runs)
        {
            for (var i = 0; i < warmUp; i++)
            {
                action();
            }

            var samples = new double[runs];
            for (var i = 0; i < runs; i++)
            {
                var start = Stopwatch.GetTimestamp();
                action();
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            Array.Sort(samples);
            return runs % 2 == 1 ? samples[runs / 2] : (samples[(runs / 2) - 1] + samples[runs / 2]) / 2;
        }
    }
}
