using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RnnGen.Numerics;

namespace RnnGen.Benchmarks.AotLatency
{
    /// <summary>The README's streaming example: 16 sensors in, LSTM 64, 4 action probabilities out.</summary>
    [RecurrentNetwork(InputSize = 16, SequenceLength = 256)]
    [Lstm(64)]
    [Dense(4, Activation.Softmax)]
    public sealed partial class NpcController
    {
    }

    /// <summary>The RecurrentBenchmarks' LSTM 128: 32 inputs, whole sequences of 100 steps, batch 32.</summary>
    [RecurrentNetwork(InputSize = 32, SequenceLength = 100, BatchSize = 32)]
    [Lstm(128)]
    public sealed partial class Lstm128
    {
    }

    /// <summary>
    /// Times <c>Step</c> of <see cref="NpcController"/> and <c>Forward</c> and <c>Backward</c> of <see cref="Lstm128"/> with a Stopwatch
    /// (the best of several repetitions after a warm-up) and prints one Markdown table row, so the same program can be
    /// run under the JIT (with its SIMD switches) and as NativeAOT builds (see run.sh) and the rows compared.
    /// </summary>
    public static class Program
    {
        private const int Steps = 100;
        private const int Batch = 32;

        public static int Main(string[] args)
        {
            var label = args.Length > 0 ? args[0] : (RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT");
            var repetitions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
            if (args.Length > 2 && args[2] == "--header")
            {
                Console.WriteLine("| Build | Kernel width | Fused multiply-add | `Step` NpcController | `Forward` LSTM 128, 100 steps, batch 32 | `Backward` of that `Forward` | Output checksums (Step, Forward, Backward) |");
                Console.WriteLine("|---|---|---|---:|---:|---:|---|");
            }

            var step = TimeStep(repetitions, out var stepChecksum);
            var forward = TimeForward(repetitions, out var forwardChecksum, out var backward, out var backwardChecksum);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {Width()} | {(KernelsFuse(1f + (1f / 4096), -(1f + (1f / 2048))) ? "yes" : "no")} | {step * 1e6:F2} µs | {forward * 1e3:F2} ms | {backward * 1e3:F1} ms | {stepChecksum:x8} {forwardChecksum:x8} {backwardChecksum:x8} |"));
            return 0;
        }

        /// <summary>The width the generated dispatchers pick: the widest accelerated one.</summary>
        private static string Width() =>
            Vector512.IsHardwareAccelerated ? "Vector512" :
            Vector256.IsHardwareAccelerated ? "Vector256" :
            Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";

        /// <summary>
        /// Whether the kernels' <c>VectorMath.MultiplyAdd</c> (<c>MultiplyAddEstimate</c>) fuses at the width they run:
        /// x·x + c with x = 1 + 2^-12 and c = -(1 + 2^-11) is 2^-24 fused and 0 rounded in between. (Under NativeAOT
        /// <c>Fma.IsSupported</c> can be true at run time while the kernels were compiled without FMA.)
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static bool KernelsFuse(float x, float c) =>
            Vector512.IsHardwareAccelerated ? VectorMath.MultiplyAdd(Vector512.Create(x), Vector512.Create(x), Vector512.Create(c)).GetElement(0) != 0 :
            Vector256.IsHardwareAccelerated ? VectorMath.MultiplyAdd(Vector256.Create(x), Vector256.Create(x), Vector256.Create(c)).GetElement(0) != 0 :
            Vector128.IsHardwareAccelerated ? VectorMath.MultiplyAdd(Vector128.Create(x), Vector128.Create(x), Vector128.Create(c)).GetElement(0) != 0 :
            VectorMath.MultiplyAdd(x, x, c) != 0;

        /// <summary>Seconds per Step: the best of <paramref name="repetitions"/> runs of 20,000 steps.</summary>
        private static double TimeStep(int repetitions, out uint checksum)
        {
            var model = new NpcController();
            model.InitializeParameters(new Random(42));
            var state = model.CreateState();
            var input = new float[NpcController.InputSize];
            var output = new float[NpcController.OutputSize];
            var random = new Random(7);
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (float)random.NextDouble() - 0.5f;
            }

            const int count = 20_000;
            for (var i = 0; i < count; i++)
            {
                model.Step(state, input, output);
            }

            var best = double.MaxValue;
            for (var r = 0; r < repetitions; r++)
            {
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < count; i++)
                {
                    model.Step(state, input, output);
                }

                best = Math.Min(best, clock.Elapsed.TotalSeconds / count);
            }

            // A fresh stream fed changing inputs, so the checksum covers many distinct steps and does not depend on the
            // number of repetitions.
            state.Reset();
            checksum = 0;
            for (var i = 0; i < 256; i++)
            {
                input[i % input.Length] = (float)random.NextDouble() - 0.5f;
                model.Step(state, input, output);
                checksum = (checksum * 31) + Checksum(output);
            }

            return best;
        }

        /// <summary>
        /// Seconds per Forward (the best of <paramref name="repetitions"/> runs of 3 calls) and per Backward over that
        /// Forward's tape (the best of <paramref name="repetitions"/>, each after a Forward).
        /// </summary>
        private static double TimeForward(int repetitions, out uint checksum, out double backward, out uint backwardChecksum)
        {
            var model = new Lstm128();
            model.InitializeParameters(new Random(42));
            var inputs = new float[Steps * Batch * Lstm128.InputSize];
            var outputs = new float[Steps * Batch * Lstm128.OutputSize];
            var outputGradients = new float[outputs.Length];
            var gradients = new float[Lstm128.PackedParameterLength];
            var random = new Random(7);
            for (var i = 0; i < inputs.Length; i++)
            {
                inputs[i] = (float)random.NextDouble() - 0.5f;
            }

            for (var i = 0; i < outputGradients.Length; i++)
            {
                outputGradients[i] = (float)random.NextDouble() - 0.5f;
            }

            model.Forward(inputs, outputs, Batch);
            model.Forward(inputs, outputs, Batch);
            const int count = 3;
            var best = double.MaxValue;
            for (var r = 0; r < repetitions; r++)
            {
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < count; i++)
                {
                    model.Forward(inputs, outputs, Batch);
                }

                best = Math.Min(best, clock.Elapsed.TotalSeconds / count);
            }

            checksum = Checksum(outputs);
            backward = double.MaxValue;
            for (var r = 0; r <= repetitions; r++)
            {
                model.Forward(inputs, outputs, Batch);
                gradients.AsSpan().Clear();
                var clock = Stopwatch.StartNew();
                model.Backward(outputGradients, gradients);
                if (r > 0)
                {
                    // The first is a warm-up.
                    backward = Math.Min(backward, clock.Elapsed.TotalSeconds);
                }
            }

            backwardChecksum = Checksum(gradients);
            return best;
        }

        /// <summary>FNV-1a over the float bits: equal checksums mean bit-identical outputs.</summary>
        private static uint Checksum(ReadOnlySpan<float> values)
        {
            var hash = 2166136261u;
            foreach (var value in values)
            {
                hash = (hash ^ BitConverter.SingleToUInt32Bits(value)) * 16777619u;
            }

            return hash;
        }
    }
}
