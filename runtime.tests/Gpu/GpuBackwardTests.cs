using System;
using System.Linq;
using RnnGen.Gpu;
using RnnGen.Runtime.Tests.Gpu.Interpreter;
using RnnGen.Runtime.Tests.Helpers;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Runtime.Tests.Gpu
{
    /// <summary>
    /// The generated GPU Backward against the CPU Backward (itself checked against PyTorch and finite differences), on
    /// the PTX interpreter: the same weights, inputs and output gradients; every parameter gradient compared tensor by
    /// tensor (PyTorch's tensors), and dL/dx. Covers every model of GpuModels.cs: every cell variant, one and two
    /// layers, bidirectional with every merge, GoBackwards, float and token input, with and without a head, full and
    /// variable lengths.
    /// </summary>
    public sealed class GpuBackwardTests
    {
        private readonly ITestOutputHelper _output;

        public GpuBackwardTests(ITestOutputHelper output) => _output = output;

        /// <summary>
        /// Each gradient within 1e-4 of the CPU's, relative to its tensor's largest |value| (the GPU sums in another
        /// order, and its σ and tanh come from ex2/rcp.approx); with CudaFastMath, tanh.approx's 2^-11 gives 2e-3.
        /// </summary>
        private const double Tolerance = 1e-4;

        public static TheoryData<string, int> CasesAndSeeds()
        {
            var data = new TheoryData<string, int>();
            foreach (var create in GpuCases.All)
            {
                using var c = create();
                data.Add(c.Name, 13);
                data.Add(c.Name, 977);
            }

            return data;
        }

        public static TheoryData<string> Cases()
        {
            var data = new TheoryData<string>();
            foreach (var create in GpuCases.All)
            {
                using var c = create();
                data.Add(c.Name);
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(CasesAndSeeds))]
        public void Backward_matches_the_CPU(string name, int seed)
        {
            using var c = Start(name, seed, out var device);
            var (expected, actual) = Run(c, c.MaxSteps, c.MaxBatch, Array.Empty<int>(), seed, inputGradients: true);
            AssertGradients(c, expected.Gradients, actual.Gradients, "gradients");
            AssertClose(c, expected.Inputs, actual.Inputs, "dL/dx");
            Assert.True(device.LaunchCount > 0);
            var worst = c.Tensors.Max(t => Worst(c.Tensor(t.Name, expected.Gradients), c.Tensor(t.Name, actual.Gradients)));
            _output.WriteLine($"{name} seed {seed}: worst gradient difference {worst:E2} of its tensor's largest |value|; dL/dx {(expected.Inputs.Length > 0 ? Worst(expected.Inputs, actual.Inputs).ToString("E2", System.Globalization.CultureInfo.InvariantCulture) : "n/a")}");
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Variable_lengths_and_a_smaller_batch_match_the_CPU(string name)
        {
            using var c = Start(name, 17, out _);
            var batch = Math.Max(1, c.MaxBatch - 1);
            var steps = c.MaxSteps;
            var lengths = Enumerable.Range(0, batch).Select(b => b == 0 ? steps : 1 + (int)(new Lcg((uint)(b + 5)).Next() % (uint)steps)).ToArray();
            var (expected, actual) = Run(c, steps, batch, lengths, 18, inputGradients: true);
            AssertGradients(c, expected.Gradients, actual.Gradients, "gradients with lengths " + string.Join(",", lengths));
            AssertClose(c, expected.Inputs, actual.Inputs, "dL/dx with lengths " + string.Join(",", lengths));
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Gradients_stay_on_the_device_and_accumulate_over_batches(string name)
        {
            using var c = Start(name, 23, out var device);
            var expected = new float[c.Parameters().Length];
            c.ClearGpuGradients();
            for (var batch = 0; batch < 2; batch++)
            {
                var (inputs, tokens) = Inputs(c, c.MaxSteps, c.MaxBatch, 24 + batch);
                var dy = new Lcg((uint)(25 + batch)).Uniform(OutputLength(c, c.MaxSteps, c.MaxBatch), 1f);
                var outputs = new float[OutputLength(c, c.MaxSteps, c.MaxBatch)];
                c.Forward(false, inputs, tokens, Array.Empty<int>(), outputs, c.MaxBatch, false);
                c.Backward(false, dy, expected, null);
                c.Forward(true, inputs, tokens, Array.Empty<int>(), outputs, c.MaxBatch, false);
                c.Backward(true, dy, null, null); // no download: the training step's variant
            }

            AssertGradients(c, expected, c.GpuGradients(device), "gradients of two batches summed on the device");
            c.ClearGpuGradients();
            Assert.All(c.GpuGradients(device), v => Assert.Equal(0f, v));
        }

        [Fact]
        public void Backward_adds_to_the_callers_gradients_like_the_CPU()
        {
            using var c = Start(nameof(GpuGruResetAfter), 41, out var device);
            var start = new Lcg(42).Uniform(c.Parameters().Length, 3f);
            var (inputs, tokens) = Inputs(c, c.MaxSteps, c.MaxBatch, 43);
            var dy = new Lcg(44).Uniform(OutputLength(c, c.MaxSteps, c.MaxBatch), 1f);
            var outputs = new float[OutputLength(c, c.MaxSteps, c.MaxBatch)];
            var expected = (float[])start.Clone();
            var actual = (float[])start.Clone();
            c.Forward(false, inputs, tokens, Array.Empty<int>(), outputs, c.MaxBatch, false);
            c.Backward(false, dy, expected, null);
            c.Forward(true, inputs, tokens, Array.Empty<int>(), outputs, c.MaxBatch, false);
            c.Backward(true, dy, actual, null);
            AssertGradients(c, expected, actual, "gradients added to a non-zero buffer");
            var padding = Enumerable.Range(0, start.Length).Where(i => expected[i] == 0f).ToArray();
            Assert.NotEmpty(padding); // the padding lanes, cleared by both
            Assert.All(padding, i => Assert.Equal(0f, actual[i]));
            var onDevice = c.GpuGradients(device);
            Assert.All(padding, i => Assert.Equal(0f, onDevice[i])); // GradientBuffer's padding too, for an optimiser kernel
            AssertGradients(c, expected, onDevice, "GradientBuffer after Backward with a span");
        }

        [Fact]
        public void The_comparison_catches_a_changed_output_gradient()
        {
            using var c = Start(nameof(GpuLstmStacked), 51, out _);
            var (inputs, tokens) = Inputs(c, c.MaxSteps, c.MaxBatch, 52);
            var dy = new Lcg(53).Uniform(OutputLength(c, c.MaxSteps, c.MaxBatch), 1f);
            var outputs = new float[OutputLength(c, c.MaxSteps, c.MaxBatch)];
            var expected = new float[c.Parameters().Length];
            var actual = new float[expected.Length];
            c.Forward(false, inputs, tokens, Array.Empty<int>(), outputs, c.MaxBatch, false);
            c.Backward(false, dy, expected, null);
            dy[0] += 0.25f;
            c.Forward(true, inputs, tokens, Array.Empty<int>(), outputs, c.MaxBatch, false);
            c.Backward(true, dy, actual, null);
            Assert.Contains(c.Tensors, t => Worst(c.Tensor(t.Name, expected), c.Tensor(t.Name, actual)) > Tolerance);
        }

        [Fact]
        public void Backward_needs_a_Forward_and_consumes_its_tape()
        {
            using var c = Start(nameof(GpuSimpleReluHead), 61, out _);
            var dy = new float[OutputLength(c, c.MaxSteps, c.MaxBatch)];
            var gradients = new float[c.Parameters().Length];
            Assert.Throws<InvalidOperationException>(() => c.Backward(true, dy, gradients, null));
            var (inputs, tokens) = Inputs(c, c.MaxSteps, c.MaxBatch, 62);
            c.Forward(true, inputs, tokens, Array.Empty<int>(), new float[dy.Length], c.MaxBatch, false);
            c.Backward(true, dy, gradients, null);
            Assert.Throws<InvalidOperationException>(() => c.Backward(true, dy, gradients, null));
        }

        [Fact]
        public void A_Step_leaves_no_tape()
        {
            using var c = Start(nameof(GpuSimpleTanh), 63, out _);
            var (inputs, tokens) = Inputs(c, 1, c.MaxBatch, 64);
            c.Stream(true, inputs, tokens, c.MaxBatch, 1);
            var dy = new float[OutputLength(c, c.MaxSteps, c.MaxBatch)];
            Assert.Throws<InvalidOperationException>(() => c.Backward(true, dy, new float[c.Parameters().Length], null));
        }

        [Fact]
        public void Wrong_shapes_name_the_argument_and_keep_the_tape()
        {
            using var c = Start(nameof(GpuLstmCifg), 71, out _);
            var (inputs, tokens) = Inputs(c, c.MaxSteps, c.MaxBatch, 72);
            var dy = new float[OutputLength(c, c.MaxSteps, c.MaxBatch)];
            var gradients = new float[c.Parameters().Length];
            c.Forward(true, inputs, tokens, Array.Empty<int>(), new float[dy.Length], c.MaxBatch, false);
            Assert.Equal("outputGradients", Assert.ThrowsAny<ArgumentException>(() => c.Backward(true, new float[dy.Length - 1], gradients, null)).ParamName);
            Assert.Equal("gradients", Assert.ThrowsAny<ArgumentException>(() => c.Backward(true, dy, new float[gradients.Length + 1], null)).ParamName);
            Assert.Equal("inputGradients", Assert.ThrowsAny<ArgumentException>(() => c.Backward(true, dy, gradients, new float[inputs.Length - 1])).ParamName);
            c.Backward(true, dy, gradients, new float[inputs.Length]); // the tape survived the rejected calls
        }

        [Theory]
        [InlineData(nameof(GpuEmbeddingLstm))]
        [InlineData(nameof(GpuEmbeddingBidirectional))]
        public void Deterministic_embedding_gradients_match_the_CPU(string name)
        {
            using var c = Start(name, 81, out _);
            c.SetDeterministicEmbeddingGradients(true);
            var (expected, actual) = Run(c, c.MaxSteps, c.MaxBatch, Array.Empty<int>(), 82, inputGradients: false);
            AssertGradients(c, expected.Gradients, actual.Gradients, "gradients with the deterministic embedding sum");
        }

        /// <summary>
        /// The two embedding-gradient kernels alone (no approximate math, whose error the interpreter draws at
        /// random): one thread per table element gives the same bits under every schedule; the atomic scatter-add
        /// agrees with it to rounding.
        /// </summary>
        [Fact]
        public void The_deterministic_embedding_sum_repeats_bit_for_bit_and_the_atomic_one_agrees()
        {
            const int Vocabulary = GpuEmbeddingLstm.VocabularySize;
            const int Dimension = GpuEmbeddingLstm.EmbeddingDimension;
            const int Rows = 40;
            var tokens = Enumerable.Range(0, Rows).Select(r => (r * 7) % 5).ToArray(); // five tokens, each on 8 rows
            var rows = new Lcg(91).Uniform(Rows * Dimension, 1f).Select((v, i) => v * MathF.Pow(10f, (i % 7) - 3)).ToArray();
            float[] Sum(string kernel, int schedule)
            {
                using var device = new PtxInterpreterDevice(schedule);
                var module = device.LoadModule(GpuEmbeddingLstm.CudaPtx);
                using var g = device.Allocate(4L * Vocabulary * Dimension);
                using var t = device.Allocate(4L * Rows);
                using var src = device.Allocate(4L * Rows * Dimension);
                device.Clear(g, 0, 4L * Vocabulary * Dimension);
                device.Upload<int>(t, 0, tokens);
                device.Upload<float>(src, 0, rows);
                var deterministic = kernel == "rnngen_embedding_gradient";
                var count = deterministic ? Vocabulary * Dimension : Rows * Dimension;
                var arguments = new[] { KernelArgument.Pointer(g), KernelArgument.Pointer(t), KernelArgument.Pointer(src), KernelArgument.Int32(0), KernelArgument.Int32(0), KernelArgument.Int32(Dimension), KernelArgument.Int32(Vocabulary), KernelArgument.Int32(Rows) };
                device.Launch(device.GetKernel(module, kernel), new LaunchShape((count + 255) / 256, 256, 0, false), arguments);
                var result = new float[Vocabulary * Dimension];
                device.Download<float>(g, 0, result);
                return result;
            }

            var expected = new float[Vocabulary * Dimension];
            for (var r = 0; r < Rows; r++)
            {
                for (var j = 0; j < Dimension; j++)
                {
                    expected[(tokens[r] * Dimension) + j] += rows[(r * Dimension) + j]; // in step order, as the kernel
                }
            }

            var first = Sum("rnngen_embedding_gradient", 1);
            Assert.Equal(expected, first);
            Assert.Equal(first, Sum("rnngen_embedding_gradient", 2));
            Assert.Equal(first, Sum("rnngen_embedding_gradient", 3));
            var atomic = Sum("rnngen_embedding_scatter_add", 4);
            Assert.All(Enumerable.Range(0, expected.Length), i => Assert.True(Math.Abs(atomic[i] - expected[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected[i])), $"[{i}]: {atomic[i]} vs {expected[i]}"));
        }

        private sealed record Result(float[] Gradients, float[] Inputs);

        /// <summary>Forward then Backward on both paths with the same inputs and output gradients.</summary>
        private static (Result Cpu, Result Gpu) Run(IGpuCase c, int steps, int batch, int[] lengths, int seed, bool inputGradients)
        {
            var (inputs, tokens) = Inputs(c, steps, batch, seed);
            var dy = new Lcg((uint)seed + 100).Uniform(OutputLength(c, steps, batch), 1f);
            var results = new Result[2];
            foreach (var gpu in new[] { false, true })
            {
                var outputs = new float[OutputLength(c, steps, batch)];
                var gradients = new float[c.Parameters().Length];
                var dx = inputGradients && c.Features > 0 ? new float[inputs.Length] : null;
                c.Forward(gpu, inputs, tokens, lengths, outputs, batch, false);
                c.Backward(gpu, dy, gradients, dx);
                results[gpu ? 1 : 0] = new Result(gradients, dx ?? Array.Empty<float>());
            }

            return (results[0], results[1]);
        }

        private static IGpuCase Start(string name, int seed, out PtxInterpreterDevice device, int? schedule = null)
        {
            var c = GpuCases.All.Select(create => create()).Single(x => x.Name == name);
            device = new PtxInterpreterDevice(schedule ?? seed);
            c.Start(seed, device);
            return c;
        }

        private static (float[] Inputs, int[] Tokens) Inputs(IGpuCase c, int steps, int batch, int seed) => c.Features > 0
            ? (new Lcg((uint)seed).Uniform(steps * batch * c.Features, 1f), Array.Empty<int>())
            : (Array.Empty<float>(), new Lcg((uint)seed).Tokens(steps * batch, c.Vocabulary));

        private static int OutputLength(IGpuCase c, int steps, int batch) => (c.ReturnsSequences ? steps : 1) * batch * c.OutputSize;

        /// <summary>Every PyTorch tensor of the two packed gradient buffers, each against its own largest |value|.</summary>
        private static void AssertGradients(IGpuCase c, float[] expected, float[] actual, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            foreach (var tensor in c.Tensors)
            {
                AssertClose(c, c.Tensor(tensor.Name, expected), c.Tensor(tensor.Name, actual), $"{what}, {tensor.Name}");
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

        private static void AssertClose(IGpuCase c, float[] expected, float[] actual, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            if (expected.Length == 0)
            {
                return;
            }

            Assert.Contains(expected, v => v != 0f); // a comparison of zeros would prove nothing
            var tolerance = c.Name.Contains("FastMath", StringComparison.Ordinal) ? 2e-3 : Tolerance;
            var worst = Worst(expected, actual);
            var at = Enumerable.Range(0, expected.Length).OrderByDescending(i => Math.Abs(expected[i] - actual[i])).First();
            Assert.True(worst <= tolerance, $"{c.Name} {what}: worst difference {worst:E2} of the largest |value|, e.g. [{at}]: CPU {expected[at]} GPU {actual[at]}");
        }
    }
}
