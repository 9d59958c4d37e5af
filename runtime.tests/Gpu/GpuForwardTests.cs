using System;
using System.Linq;
using RnnGen.Runtime.Tests.Gpu.Interpreter;
using RnnGen.Runtime.Tests.Helpers;
using Xunit;

namespace RnnGen.Runtime.Tests.Gpu
{
    /// <summary>
    /// The generated GPU path against the CPU path, on the PTX interpreter: the same model and weights, every kernel
    /// run with a seeded random schedule of warps and blocks and the race check on. Covers every cell variant,
    /// direction, depth, input kind and head (GpuModels.cs), variable lengths, state in and out, and many-stream Step.
    /// </summary>
    public sealed class GpuForwardTests
    {
        public static TheoryData<string, int> CasesAndSeeds()
        {
            var data = new TheoryData<string, int>();
            foreach (var create in GpuCases.All)
            {
                using var c = create();
                data.Add(c.Name, 11);
                data.Add(c.Name, 4242);
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
        public void Forward_matches_the_CPU(string name, int seed)
        {
            using var c = Start(name, seed, out var device);
            var (inputs, tokens) = Inputs(c, c.MaxSteps, c.MaxBatch, seed);
            var expected = Outputs(c, c.MaxSteps, c.MaxBatch);
            var actual = Outputs(c, c.MaxSteps, c.MaxBatch);
            c.Forward(false, inputs, tokens, Array.Empty<int>(), expected, c.MaxBatch, false);
            c.Forward(true, inputs, tokens, Array.Empty<int>(), actual, c.MaxBatch, false);
            AssertClose(c, expected, actual, "outputs");
            Assert.True(device.LaunchCount > 0);
            AssertStates(c, c.MaxBatch);
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Variable_lengths_match_the_CPU(string name)
        {
            using var c = Start(name, 7, out _);
            var batch = c.MaxBatch;
            var steps = c.MaxSteps;
            var (inputs, tokens) = Inputs(c, steps, batch, 8);
            var lengths = Enumerable.Range(0, batch).Select(b => b == 0 ? steps : 1 + (int)(new Lcg((uint)(b + 3)).Next() % (uint)steps)).ToArray();
            var expected = Outputs(c, steps, batch);
            var actual = Outputs(c, steps, batch);
            c.Forward(false, inputs, tokens, lengths, expected, batch, false);
            c.Forward(true, inputs, tokens, lengths, actual, batch, false);
            AssertClose(c, expected, actual, "outputs with lengths " + string.Join(",", lengths));
            AssertStates(c, batch);
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Initial_state_and_continued_state_match_the_CPU(string name)
        {
            using var c = Start(name, 21, out _);
            var batch = Math.Max(1, c.MaxBatch - 1);
            var lcg = new Lcg(22);
            for (var s = 0; s < c.States.Length; s++)
            {
                var (units, hasCell) = c.States[s];
                var hidden = lcg.Uniform(batch * units, 0.8f);
                var cell = hasCell ? lcg.Uniform(batch * units, 0.8f) : Array.Empty<float>();
                c.SetInitialState(false, s, hidden, cell);
                c.SetInitialState(true, s, hidden, cell);
            }

            var steps = Math.Max(1, c.MaxSteps - 2);
            foreach (var continued in new[] { false, true })
            {
                var (inputs, tokens) = Inputs(c, steps, batch, continued ? 24 : 23);
                var expected = Outputs(c, steps, batch);
                var actual = Outputs(c, steps, batch);
                c.Forward(false, inputs, tokens, Array.Empty<int>(), expected, batch, continued);
                c.Forward(true, inputs, tokens, Array.Empty<int>(), actual, batch, continued);
                AssertClose(c, expected, actual, continued ? "continued outputs" : "outputs from the staged state");
                AssertStates(c, batch);
            }
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Many_stream_Step_matches_one_CPU_Step_per_stream(string name)
        {
            using var c = Start(name, 31, out _);
            if (!c.CanStream)
            {
                return; // a reversed or bidirectional network has no Step on either path (RNNG0013)
            }

            var streams = c.MaxBatch;
            const int Steps = 4;
            var (inputs, tokens) = Inputs(c, Steps, streams, 32);
            var expected = c.Stream(false, inputs, tokens, streams, Steps);
            var actual = c.Stream(true, inputs, tokens, streams, Steps);
            AssertClose(c, expected, actual, "stepped outputs");
        }

        [Fact]
        public void The_comparison_catches_one_weight_changed_on_the_device()
        {
            using var c = Start(nameof(GpuGruResetBeforeMinimal), 5, out _);
            var (inputs, tokens) = Inputs(c, c.MaxSteps, c.MaxBatch, 6);
            var expected = Outputs(c, c.MaxSteps, c.MaxBatch);
            c.Forward(false, inputs, tokens, Array.Empty<int>(), expected, c.MaxBatch, false);
            var packed = c.Parameters();
            var changed = Array.FindIndex(packed, v => v != 0f);
            packed[changed] += 0.5f;
            c.UpdateGpuParameters(packed);
            var actual = Outputs(c, c.MaxSteps, c.MaxBatch);
            c.Forward(true, inputs, tokens, Array.Empty<int>(), actual, c.MaxBatch, false);
            Assert.True(WorstDifference(expected, actual).Worst > 2e-5, "a 0.5 change in one weight must show");
            c.UpdateGpuParameters(c.Parameters());
            c.Forward(true, inputs, tokens, Array.Empty<int>(), actual, c.MaxBatch, false);
            AssertClose(c, expected, actual, "after restoring the weights");
        }

        [Fact]
        public void Padding_lanes_of_uploaded_parameters_never_reach_a_result()
        {
            using var c = Start(nameof(GpuLstmStacked), 9, out _);
            var (inputs, tokens) = Inputs(c, c.MaxSteps, c.MaxBatch, 10);
            var expected = Outputs(c, c.MaxSteps, c.MaxBatch);
            c.Forward(false, inputs, tokens, Array.Empty<int>(), expected, c.MaxBatch, false);
            var packed = c.Parameters();
            var padded = c.Parameters();
            for (var i = 0; i < packed.Length; i++)
            {
                padded[i] = packed[i] == 0f ? float.NaN : packed[i]; // every float that is zero: the padding, and nothing else here
            }

            c.UpdateGpuParameters(padded);
            var actual = Outputs(c, c.MaxSteps, c.MaxBatch);
            c.Forward(true, inputs, tokens, Array.Empty<int>(), actual, c.MaxBatch, false);
            AssertClose(c, expected, actual, "with NaN in the padding");
        }

        private static IGpuCase Start(string name, int seed, out PtxInterpreterDevice device)
        {
            var c = GpuCases.All.Select(create => create()).Single(x => x.Name == name);
            device = new PtxInterpreterDevice(seed);
            c.Start(seed, device);
            return c;
        }

        private static (float[] Inputs, int[] Tokens) Inputs(IGpuCase c, int steps, int batch, int seed) => c.Features > 0
            ? (new Lcg((uint)seed).Uniform(steps * batch * c.Features, 1f), Array.Empty<int>())
            : (Array.Empty<float>(), new Lcg((uint)seed).Tokens(steps * batch, c.Vocabulary));

        private static float[] Outputs(IGpuCase c, int steps, int batch) =>
            new float[(c.ReturnsSequences ? steps : 1) * batch * c.OutputSize];

        /// <summary>Every state's final h (and c) after the last Forward, GPU against CPU.</summary>
        private static void AssertStates(IGpuCase c, int batch)
        {
            for (var s = 0; s < c.States.Length; s++)
            {
                var (units, hasCell) = c.States[s];
                var expectedHidden = new float[batch * units];
                var actualHidden = new float[batch * units];
                var expectedCell = hasCell ? new float[batch * units] : Array.Empty<float>();
                var actualCell = hasCell ? new float[batch * units] : Array.Empty<float>();
                c.CopyFinalState(false, s, expectedHidden, expectedCell);
                c.CopyFinalState(true, s, actualHidden, actualCell);
                AssertClose(c, expectedHidden, actualHidden, $"final h of state {s}");
                AssertClose(c, expectedCell, actualCell, $"final c of state {s}");
            }
        }

        /// <summary>The largest |a - b| / max(|a|, 1) and where; NaN counts as the worst.</summary>
        private static (double Worst, int At) WorstDifference(float[] expected, float[] actual)
        {
            var worst = 0.0;
            var at = -1;
            for (var i = 0; i < expected.Length; i++)
            {
                var error = Math.Abs(expected[i] - actual[i]) / Math.Max(Math.Abs(expected[i]), 1.0);
                if (!(error <= worst))
                {
                    worst = error;
                    at = i;
                }
            }

            return (worst, at);
        }

        /// <summary>
        /// Within the error of ex2.approx / rcp.approx (a few ulp each, compounded over the steps): 2e-5 relative to
        /// max(|x|, 1); with CudaFastMath, tanh.approx's 2^-11 gives 4e-3.
        /// </summary>
        private static void AssertClose(IGpuCase c, float[] expected, float[] actual, string what)
        {
            var tolerance = c.Name.Contains("FastMath", StringComparison.Ordinal) ? 4e-3 : 2e-5;
            Assert.Equal(expected.Length, actual.Length);
            var (worst, at) = WorstDifference(expected, actual);
            Assert.True(worst <= tolerance, $"{c.Name} {what}: worst relative difference {worst:E2} at [{at}]: CPU {(at >= 0 ? expected[at] : 0)} GPU {(at >= 0 ? actual[at] : 0)}");
            if (expected.Length > 0)
            {
                Assert.Contains(expected, v => v != 0f); // a comparison of zeros would prove nothing
            }
        }
    }
}
