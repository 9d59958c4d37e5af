using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Numerics;
using RnnGen.Runtime.Tests.Gpu.Interpreter;
using RnnGen.Runtime.Tests.Helpers;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Runtime.Tests.Gpu
{
    /// <summary>
    /// Dropout on the GPU against the CPU model (whose dropout is checked against a reference and finite differences),
    /// on the PTX interpreter: the same seed draws the same masks bit for bit, and the training Forward and the
    /// Backward through the masks match the CPU's for every site (a layer's input, its recurrent state, the head's
    /// input) on every cell kind, token and float input, lone, reversed and bidirectional units.
    /// </summary>
    public sealed class GpuDropoutTests
    {
        /// <summary>As GpuBackwardTests: relative to each tensor's largest |value|.</summary>
        private const double Tolerance = 1e-4;

        private readonly ITestOutputHelper _output;

        public GpuDropoutTests(ITestOutputHelper output) => _output = output;

        public static TheoryData<string> Cases()
        {
            var data = new TheoryData<string>();
            foreach (var create in GpuDropoutCases.All)
            {
                using var c = create();
                data.Add(c.Name);
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Training_Forward_draws_the_CPU_masks_and_gives_its_outputs(string name)
        {
            using var c = Start(name, 3, out _);
            c.SetDropout(true, 1234);
            var (inputs, tokens) = Inputs(c, c.MaxSteps, c.MaxBatch, 4);
            for (var call = 0; call < 2; call++) // the second call draws new masks from both streams
            {
                var expected = new float[OutputLength(c, c.MaxSteps, c.MaxBatch)];
                var actual = new float[expected.Length];
                c.Forward(false, inputs, tokens, Array.Empty<int>(), expected, c.MaxBatch, false);
                c.Forward(true, inputs, tokens, Array.Empty<int>(), actual, c.MaxBatch, false);
                AssertClose(expected, actual, $"{name} outputs of training call {call}");
                var sites = Masks(c, c.MaxBatch);
                Assert.NotEmpty(sites);
                foreach (var (site, layer, cpu, gpu) in sites)
                {
                    Assert.True(cpu.SequenceEqual(gpu), $"{name} call {call}: the {site} mask of layer {layer} differs from the CPU's");
                    Assert.Contains(cpu, v => v > 1f); // kept units, scaled
                }

                Assert.Contains(sites, s => s.Cpu.Contains(0f)); // something was dropped
            }
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Backward_through_the_masks_matches_the_CPU(string name)
        {
            using var c = Start(name, 5, out _);
            c.SetDropout(true, 99);
            for (var call = 0; call < 2; call++)
            {
                var (expected, actual) = Run(c, c.MaxSteps, c.MaxBatch, Array.Empty<int>(), 6 + call);
                AssertGradients(c, expected.Gradients, actual.Gradients, $"gradients, call {call}");
                AssertClose(expected.Inputs, actual.Inputs, $"{name} dL/dx, call {call}");
                var worst = c.Tensors.Max(t => Worst(c.Tensor(t.Name, expected.Gradients), c.Tensor(t.Name, actual.Gradients)));
                _output.WriteLine($"{name} call {call}: worst gradient difference {worst:E2} of its tensor's largest |value|");
            }
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Variable_lengths_and_a_smaller_batch_with_dropout_match_the_CPU(string name)
        {
            using var c = Start(name, 8, out _);
            c.SetDropout(true, 7);
            var batch = Math.Max(1, c.MaxBatch - 1);
            var lengths = Enumerable.Range(0, batch).Select(b => b == 0 ? c.MaxSteps : 1 + (int)(new Lcg((uint)(b + 9)).Next() % (uint)c.MaxSteps)).ToArray();
            var (expected, actual) = Run(c, c.MaxSteps, batch, lengths, 10);
            AssertGradients(c, expected.Gradients, actual.Gradients, "gradients with lengths " + string.Join(",", lengths));
            AssertClose(expected.Inputs, actual.Inputs, $"{name} dL/dx with lengths " + string.Join(",", lengths));
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Without_ApplyDropout_nothing_is_dropped(string name)
        {
            using var c = Start(name, 11, out _);
            c.SetDropout(false, 12);
            var (expected, actual) = Run(c, c.MaxSteps, c.MaxBatch, Array.Empty<int>(), 13);
            AssertGradients(c, expected.Gradients, actual.Gradients, "gradients with dropout off");
            Assert.Throws<InvalidOperationException>(() => c.CopyDropoutMask(true, DropoutSite.LayerInput, 0, new float[64]));
        }

        [Fact]
        public void The_streaming_Step_never_drops()
        {
            using var c = Start(nameof(GpuDropoutLstm), 14, out _);
            c.SetDropout(true, 15);
            var (inputs, tokens) = Inputs(c, 3, c.MaxBatch, 16);
            AssertClose(c.Stream(false, inputs, tokens, c.MaxBatch, 3), c.Stream(true, inputs, tokens, c.MaxBatch, 3), "Step with ApplyDropout set");
        }

        [Fact]
        public void Seeds_choose_the_masks_and_ToCuda_continues_the_CPU_stream()
        {
            var device = new PtxInterpreterDevice(17);
            var cpu = new GpuDropoutInput();
            cpu.InitializeParameters(new Random(18));
            cpu.SeedDropout(19);
            using var gpu = cpu.ToCuda(device); // takes the CPU model's stream as it stands
            cpu.Training = true;
            gpu.ApplyDropout = true;
            var inputs = new Lcg(20).Uniform(GpuDropoutInput.MaxSequenceLength * 2 * GpuDropoutInput.InputSize, 1f);
            var outputs = new float[GpuDropoutInput.MaxSequenceLength * 2 * GpuDropoutInput.OutputSize];
            float[] Mask(Action<float[]> copy)
            {
                var mask = new float[2 * GpuDropoutInput.InputSize];
                copy(mask);
                return mask;
            }

            cpu.Forward(inputs, outputs, 2);
            gpu.Forward(inputs, outputs, 2);
            var first = Mask(m => gpu.CopyDropoutMask(DropoutSite.LayerInput, 0, m));
            Assert.Equal(Mask(m => cpu.CopyDropoutMask(DropoutSite.LayerInput, 0, m)), first);
            gpu.SeedDropout(21);
            var seeded = new List<float[]>();
            for (var i = 0; i < 3; i++)
            {
                gpu.Forward(inputs, outputs, 2);
                seeded.Add(Mask(m => gpu.CopyDropoutMask(DropoutSite.LayerInput, 0, m)));
            }

            gpu.SeedDropout(21);
            gpu.Forward(inputs, outputs, 2);
            Assert.Equal(seeded[0], Mask(m => gpu.CopyDropoutMask(DropoutSite.LayerInput, 0, m))); // the same seed repeats
            Assert.Contains(seeded, m => !m.SequenceEqual(seeded[0])); // new calls draw new masks
        }

        [Fact]
        public void Reading_masks_reports_misuse()
        {
            var device = new PtxInterpreterDevice(22);
            var cpu = new GpuDropoutGru();
            cpu.InitializeParameters(new Random(23));
            using var gpu = cpu.ToCuda(device);
            var destination = new float[2 * 10];
            var error = Assert.Throws<InvalidOperationException>(() => gpu.CopyDropoutMask(DropoutSite.Recurrent, 0, destination));
            Assert.Contains("ApplyDropout", error.Message, StringComparison.Ordinal);
            gpu.ApplyDropout = true;
            var inputs = new Lcg(24).Uniform(GpuDropoutGru.MaxSequenceLength * 2 * GpuDropoutGru.InputSize, 1f);
            gpu.Forward(inputs, new float[GpuDropoutGru.MaxSequenceLength * 2 * GpuDropoutGru.OutputSize], 2);
            gpu.CopyDropoutMask(DropoutSite.Recurrent, 0, destination);
            Assert.Equal("site", Assert.Throws<ArgumentException>(() => gpu.CopyDropoutMask(DropoutSite.LayerInput, 0, destination)).ParamName); // layer 0 has no input dropout
            Assert.Equal("site", Assert.Throws<ArgumentException>(() => gpu.CopyDropoutMask(DropoutSite.HeadInput, 0, destination)).ParamName);
            Assert.Equal("destination", Assert.Throws<ArgumentException>(() => gpu.CopyDropoutMask(DropoutSite.Recurrent, 0, new float[5])).ParamName);
        }

        [Fact]
        public void Reading_a_mask_again_allocates_nothing()
        {
            var device = new PtxInterpreterDevice(25);
            var cpu = new GpuDropoutGru();
            cpu.InitializeParameters(new Random(26));
            using var gpu = cpu.ToCuda(device);
            gpu.ApplyDropout = true;
            var inputs = new Lcg(27).Uniform(GpuDropoutGru.MaxSequenceLength * 2 * GpuDropoutGru.InputSize, 1f);
            gpu.Forward(inputs, new float[GpuDropoutGru.MaxSequenceLength * 2 * GpuDropoutGru.OutputSize], 2);
            var first = new float[2 * 10];
            var second = new float[first.Length];
            gpu.CopyDropoutMask(DropoutSite.Recurrent, 0, first); // makes the host copy once
            var before = GC.GetAllocatedBytesForCurrentThread();
            gpu.CopyDropoutMask(DropoutSite.Recurrent, 0, second);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(first, second);
            Assert.Contains(second, v => v > 1f); // kept units, scaled
        }

        private sealed record Result(float[] Gradients, float[] Inputs);

        /// <summary>A training Forward then Backward on both paths with the same inputs, output gradients and masks.</summary>
        private static (Result Cpu, Result Gpu) Run(IGpuCase c, int steps, int batch, int[] lengths, int seed)
        {
            var (inputs, tokens) = Inputs(c, steps, batch, seed);
            var dy = new Lcg((uint)(seed + 1000)).Uniform(OutputLength(c, steps, batch), 1f);
            var results = new Result[2];
            foreach (var gpu in new[] { false, true })
            {
                var outputs = new float[dy.Length];
                var gradients = new float[c.Parameters().Length];
                var dx = c.Features > 0 ? new float[inputs.Length] : null;
                c.Forward(gpu, inputs, tokens, lengths, outputs, batch, false);
                c.Backward(gpu, dy, gradients, dx);
                results[gpu ? 1 : 0] = new Result(gradients, dx ?? Array.Empty<float>());
            }

            return (results[0], results[1]);
        }

        /// <summary>Every site's mask of the last Forward on both models: (site, layer, CPU mask, GPU mask).</summary>
        private static List<(DropoutSite Site, int Layer, float[] Cpu, float[] Gpu)> Masks(IGpuCase c, int batch)
        {
            var masks = new List<(DropoutSite, int, float[], float[])>();
            foreach (var site in Enum.GetValues<DropoutSite>())
            {
                for (var layer = 0; layer < c.States.Length; layer++)
                {
                    var width = MaskWidth(c, batch, site, layer);
                    if (width is not { } w)
                    {
                        continue;
                    }

                    var cpu = new float[batch * w];
                    var gpu = new float[batch * w];
                    c.CopyDropoutMask(false, site, layer, cpu);
                    c.CopyDropoutMask(true, site, layer, gpu);
                    masks.Add((site, layer, cpu, gpu));
                }
            }

            return masks;
        }

        /// <summary>The mask's width at (site, layer), found by asking the CPU model; null where there is no such mask.</summary>
        private static int? MaskWidth(IGpuCase c, int batch, DropoutSite site, int layer)
        {
            for (var width = 1; width <= 64; width++)
            {
                try
                {
                    c.CopyDropoutMask(false, site, layer, new float[batch * width]);
                    return width;
                }
                catch (ArgumentException e) when (e.ParamName == "destination")
                {
                }
                catch (ArgumentException e) when (e.ParamName == "site")
                {
                    return null;
                }
            }

            return null;
        }

        private static IGpuCase Start(string name, int seed, out PtxInterpreterDevice device)
        {
            var c = GpuDropoutCases.All.Select(create => create()).Single(x => x.Name == name);
            device = new PtxInterpreterDevice(seed);
            c.Start(seed, device);
            return c;
        }

        private static (float[] Inputs, int[] Tokens) Inputs(IGpuCase c, int steps, int batch, int seed) => c.Features > 0
            ? (new Lcg((uint)seed).Uniform(steps * batch * c.Features, 1f), Array.Empty<int>())
            : (Array.Empty<float>(), new Lcg((uint)seed).Tokens(steps * batch, c.Vocabulary));

        private static int OutputLength(IGpuCase c, int steps, int batch) => (c.ReturnsSequences ? steps : 1) * batch * c.OutputSize;

        private static void AssertGradients(IGpuCase c, float[] expected, float[] actual, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            foreach (var tensor in c.Tensors)
            {
                AssertClose(c.Tensor(tensor.Name, expected), c.Tensor(tensor.Name, actual), $"{c.Name} {what}, {tensor.Name}");
            }
        }

        /// <summary>max |a - b| over max |a| (NaN counts as the worst).</summary>
        private static double Worst(float[] expected, float[] actual)
        {
            var scale = expected.Select(v => (double)Math.Abs(v)).DefaultIfEmpty(0).Max();
            var worst = 0.0;
            for (var i = 0; i < expected.Length; i++)
            {
                var error = Math.Abs(expected[i] - actual[i]) / Math.Max(scale, 1e-30);
                if (!(error <= worst))
                {
                    worst = double.IsNaN(error) ? double.PositiveInfinity : error;
                }
            }

            return worst;
        }

        private static void AssertClose(float[] expected, float[] actual, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            if (expected.Length == 0)
            {
                return;
            }

            var worst = Worst(expected, actual);
            var at = Enumerable.Range(0, expected.Length).OrderByDescending(i => Math.Abs(expected[i] - actual[i])).First();
            Assert.True(worst <= Tolerance, $"{what}: worst difference {worst:E2} of the largest |value|, e.g. [{at}]: CPU {expected[at]} GPU {actual[at]}");
        }
    }
}
