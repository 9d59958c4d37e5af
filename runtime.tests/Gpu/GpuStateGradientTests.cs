using System;
using System.Linq;
using RnnGen.Runtime.Tests.Gpu.Interpreter;
using RnnGen.Runtime.Tests.Helpers;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Runtime.Tests.Gpu
{
    /// <summary>
    /// The state gradients of the GPU Backward against the CPU's (checked against PyTorch autograd and finite
    /// differences), on the PTX interpreter: dL/d(initial state) after a Backward from a staged initial state, with
    /// dL/d(final state) staged by SetFinalStateGradient, for every model of GpuModels.cs (every cell, direction and
    /// depth), full and variable lengths.
    /// </summary>
    public sealed class GpuStateGradientTests
    {
        /// <summary>As GpuBackwardTests: 1e-4 of the largest |value|; 2e-3 with CudaFastMath (tanh.approx's 2^-11).</summary>
        private const double Tolerance = 1e-4;

        private readonly ITestOutputHelper _output;

        public GpuStateGradientTests(ITestOutputHelper output) => _output = output;

        public static TheoryData<string, bool> Cases()
        {
            var data = new TheoryData<string, bool>();
            foreach (var create in GpuCases.All)
            {
                using var c = create();
                data.Add(c.Name, false);
                data.Add(c.Name, true);
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Initial_state_gradients_with_staged_final_state_gradients_match_the_CPU(string name, bool variableLengths)
        {
            using var c = Start(name, 31, out _);
            var batch = variableLengths ? Math.Max(1, c.MaxBatch - 1) : c.MaxBatch;
            var steps = c.MaxSteps;
            var lengths = variableLengths
                ? Enumerable.Range(0, batch).Select(b => b == 0 ? steps : 1 + (int)(new Lcg((uint)(b + 32)).Next() % (uint)steps)).ToArray()
                : Array.Empty<int>();
            var (inputs, tokens) = c.Features > 0
                ? (new Lcg(33).Uniform(steps * batch * c.Features, 1f), Array.Empty<int>())
                : (Array.Empty<float>(), new Lcg(33).Tokens(steps * batch, c.Vocabulary));
            var dy = new Lcg(34).Uniform((c.ReturnsSequences ? steps : 1) * batch * c.OutputSize, 1f);
            var worst = 0.0;
            var expected = new (float[] H, float[] C)[c.States.Length];
            foreach (var gpu in new[] { false, true })
            {
                for (var s = 0; s < c.States.Length; s++)
                {
                    var (units, cell) = c.States[s];
                    c.SetInitialState(gpu, s, new Lcg((uint)(40 + s)).Uniform(batch * units, 0.8f), cell ? new Lcg((uint)(50 + s)).Uniform(batch * units, 0.8f) : Array.Empty<float>());
                }

                c.Forward(gpu, inputs, tokens, lengths, new float[dy.Length], batch, false);
                for (var s = 0; s < c.States.Length; s++)
                {
                    var (units, cell) = c.States[s];
                    c.SetFinalStateGradient(gpu, s, new Lcg((uint)(60 + s)).Uniform(batch * units, 0.5f), cell ? new Lcg((uint)(70 + s)).Uniform(batch * units, 0.5f) : Array.Empty<float>());
                }

                c.Backward(gpu, dy, new float[c.Parameters().Length], null);
                for (var s = 0; s < c.States.Length; s++)
                {
                    var (units, cell) = c.States[s];
                    var h = new float[batch * units];
                    var cc = cell ? new float[batch * units] : Array.Empty<float>();
                    c.InitialStateGradient(gpu, s, h, cc);
                    if (!gpu)
                    {
                        expected[s] = (h, cc);
                        continue;
                    }

                    var tolerance = name.Contains("FastMath", StringComparison.Ordinal) ? 2e-3 : Tolerance;
                    worst = Math.Max(worst, AssertClose(expected[s].H, h, $"{name} dL/dh(-1) of state {s}", tolerance));
                    worst = Math.Max(worst, AssertClose(expected[s].C, cc, $"{name} dL/dc(-1) of state {s}", tolerance));
                }
            }

            _output.WriteLine($"{name}{(variableLengths ? " with lengths" : string.Empty)}: worst initial-state gradient difference {worst:E2}");
        }

        [Fact]
        public void A_staged_final_state_gradient_changes_the_weights_gradient_once()
        {
            using var c = Start(nameof(GpuLstmStacked), 35, out _);
            var (inputs, _) = (new Lcg(36).Uniform(c.MaxSteps * c.MaxBatch * c.Features, 1f), 0);
            var dy = new float[c.MaxBatch * c.OutputSize]; // no loss on the outputs: the staged gradient is the only one
            float[] Gradients(bool stage)
            {
                c.Forward(true, inputs, Array.Empty<int>(), Array.Empty<int>(), new float[dy.Length], c.MaxBatch, false);
                if (stage)
                {
                    c.SetFinalStateGradient(true, 0, new Lcg(37).Uniform(c.MaxBatch * 20, 1f), Array.Empty<float>());
                }

                var gradients = new float[c.Parameters().Length];
                c.Backward(true, dy, gradients, null);
                return gradients;
            }

            Assert.Contains(Gradients(stage: true), v => v != 0f);
            Assert.All(Gradients(stage: false), v => Assert.Equal(0f, v)); // consumed by the Backward before
        }

        [Fact]
        public void Misuse_is_reported_as_on_the_CPU()
        {
            using var c = Start(nameof(GpuLstmStacked), 38, out _);
            var batch = c.MaxBatch;
            Assert.Throws<InvalidOperationException>(() => c.InitialStateGradient(true, 0, new float[batch * 20], new float[batch * 20])); // no Backward yet
            var inputs = new Lcg(39).Uniform(c.MaxSteps * batch * c.Features, 1f);
            c.Forward(true, inputs, Array.Empty<int>(), Array.Empty<int>(), new float[batch * c.OutputSize], batch, false);
            Assert.Equal("hidden", Assert.Throws<ArgumentException>(() => c.SetFinalStateGradient(true, 0, new float[7], Array.Empty<float>())).ParamName);
            Assert.Equal("cell", Assert.Throws<ArgumentException>(() => c.SetFinalStateGradient(true, 0, new float[batch * 20], new float[5])).ParamName);
            Assert.Equal("layer", Assert.Throws<ArgumentOutOfRangeException>(() => c.SetFinalStateGradient(true, 2, new float[batch * 20], Array.Empty<float>())).ParamName);
            c.SetFinalStateGradient(true, 1, new float[(batch - 1) * 9], Array.Empty<float>()); // one sequence short of the last Forward
            Assert.Throws<InvalidOperationException>(() => c.Backward(true, new float[batch * c.OutputSize], new float[c.Parameters().Length], null));
        }

        private static IGpuCase Start(string name, int seed, out PtxInterpreterDevice device)
        {
            var c = GpuCases.All.Select(create => create()).Single(x => x.Name == name);
            device = new PtxInterpreterDevice(seed);
            c.Start(seed, device);
            return c;
        }

        /// <summary>Asserts max |a - b| over max |a| is within the tolerance and returns it.</summary>
        private static double AssertClose(float[] expected, float[] actual, string what, double tolerance)
        {
            Assert.Equal(expected.Length, actual.Length);
            if (expected.Length == 0)
            {
                return 0;
            }

            var scale = Math.Max(expected.Max(v => Math.Abs(v)), 1e-30f);
            var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a) / (double)scale).Max();
            Assert.True(expected.Any(v => v != 0f), $"{what}: all zero, which proves nothing");
            Assert.True(worst <= tolerance, $"{what}: worst difference {worst:E2} of the largest |value|");
            return worst;
        }
    }
}
