using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using RnnGen.IO;
using RnnGen.Onnx;
using Xunit;

namespace RnnGen.Runtime.Tests.Onnx
{
    /// <summary>Exported graphs run in ONNX Runtime with our Forward's results, and re-import to the same parameters.</summary>
    public sealed class OnnxExportTests
    {
        private const int Steps = 6;
        private const int Batch = 3;

        public static IEnumerable<object[]> Exportable() =>
            OnnxTestModels.FloatFixtures.Concat(OnnxTestModels.TokenFixtures).Concat(OnnxTestModels.ExportOnly).Select(n => new object[] { n });

        [Theory]
        [MemberData(nameof(Exportable))]
        public void Onnx_Runtime_runs_the_export_with_our_results(string name)
        {
            IRecurrentNetwork model = OnnxTestModels.Any(name);
            OnnxTestModels.Randomize(model, seed: 11);
            (float[] ours, float[] theirs) = RunBoth(model, model.ToOnnxBytes(), seed: 12);
            Assert.Equal(ours.Length, theirs.Length);
            float worst = ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= 1e-5f, $"{name}: max |RnnGen − ONNX Runtime| = {worst:E2}");
        }

        [Theory]
        [MemberData(nameof(Exportable))]
        public void Sequence_lengths_run_as_Forward_with_lengths(string name)
        {
            IRecurrentNetwork model = OnnxTestModels.Any(name);
            OnnxTestModels.Randomize(model, seed: 19);
            int[] lengths = [Steps, 3, 1];
            (float[] ours, float[] theirs) = RunBoth(model, model.ToOnnxBytes(new OnnxExportOptions { SequenceLengths = true }), seed: 20, lengths);
            float worst = ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= 1e-5f, $"{name}: max |RnnGen − ONNX Runtime| = {worst:E2} with lengths");
            if (model.Description.ReturnsSequences)
            {
                Assert.Equal(0f, ours[^1]); // the last step of the 1-step sequence is padding: both zero it
            }
        }

        [Theory]
        [InlineData(14)]
        [InlineData(21)]
        public void Every_opset_in_range_runs(int opset)
        {
            IRecurrentNetwork model = OnnxTestModels.Any("embedding_gru_l2_softmax");
            OnnxTestModels.Randomize(model, seed: 13);
            (float[] ours, float[] theirs) = RunBoth(model, model.ToOnnxBytes(new OnnxExportOptions { Opset = opset }), seed: 14);
            Assert.True(ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max() <= 1e-5f);
        }

        [Theory]
        [MemberData(nameof(Exportable))]
        public void Export_then_import_gives_identical_parameters(string name)
        {
            IRecurrentNetwork model = OnnxTestModels.Any(name);
            OnnxTestModels.Randomize(model, seed: 15);
            string path = Path.Combine(Path.GetTempPath(), "rnngen-onnx-" + Guid.NewGuid().ToString("N") + ".onnx");
            try
            {
                model.ExportOnnx(path);
                IRecurrentNetwork copy = OnnxTestModels.Any(name);
                OnnxTestModels.Randomize(copy, seed: 16);
                copy.ImportOnnx(path);
                Assert.Equal(model.PackedParameters.ToArray(), copy.PackedParameters.ToArray());

                // The graph with lengths, state inputs/outputs and the padding mask imports the same.
                IRecurrentNetwork again = OnnxTestModels.Any(name);
                again.ImportOnnx(new MemoryStream(model.ToOnnxBytes(new OnnxExportOptions { SequenceLengths = true, StateInputsAndOutputs = true, Opset = 14 })));
                Assert.Equal(model.PackedParameters.ToArray(), again.PackedParameters.ToArray());
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void State_inputs_and_outputs_carry_the_state_between_calls()
        {
            // Two 3-step calls through h_n/c_n → initial_h/initial_c equal one 6-step Forward.
            IRecurrentNetwork<float> model = OnnxTestModels.Float("lstm_i4_h6_l2_nobias");
            OnnxTestModels.Randomize(model, seed: 17);
            byte[] onnx = model.ToOnnxBytes(new OnnxExportOptions { StateInputsAndOutputs = true });
            float[] input = Inputs(Steps * Batch * 4, seed: 18);
            float[] expected = new float[Steps * Batch * 6];
            model.Forward(input, default, expected, Batch);

            using var session = new InferenceSession(onnx);
            Assert.Equal(["input", "initial_h_l0", "initial_c_l0", "initial_h_l1", "initial_c_l1"], session.InputNames);
            Assert.Equal(["output", "h_n_l0", "c_n_l0", "h_n_l1", "c_n_l1"], session.OutputNames);
            float[][] state = Enumerable.Range(0, 4).Select(_ => new float[Batch * 6]).ToArray();
            var actual = new List<float>();
            for (int half = 0; half < 2; half++)
            {
                float[] chunk = input.AsSpan(half * 3 * Batch * 4, 3 * Batch * 4).ToArray();
                var inputs = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(chunk, [3, Batch, 4]) };
                inputs.AddRange(state.Select(s => OrtValue.CreateTensorValueFromMemory(s, [1, Batch, 6])));
                using var run = new RunOptions();
                using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(run, session.InputNames, inputs, session.OutputNames);
                actual.AddRange(outputs[0].GetTensorDataAsSpan<float>().ToArray());
                state = outputs.Skip(1).Select(o => o.GetTensorDataAsSpan<float>().ToArray()).ToArray();
                inputs.ForEach(v => v.Dispose());
            }

            Assert.True(expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max() <= 1e-5f);
        }

        [Fact]
        public void What_ONNX_cannot_express_is_refused_and_no_file_is_written()
        {
            IRecurrentNetwork<float> model = OnnxTestModels.Float("not_exportable");
            string directory = Path.Combine(Path.GetTempPath(), "rnngen-onnx-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            try
            {
                string path = Path.Combine(directory, "model.onnx");
                File.WriteAllText(path, "previous");
                NotSupportedException error = Assert.Throws<NotSupportedException>(() => model.ExportOnnx(path));
                Assert.Contains("layer 0 (LSTM(4)): coupled input and forget gates", error.Message, StringComparison.Ordinal);
                Assert.Contains("layer 1 (Reversed(GRU(4))): GoBackwards", error.Message, StringComparison.Ordinal);
                Assert.Equal("previous", File.ReadAllText(path)); // untouched
                Assert.Empty(AtomicFile.FindLeftovers(path));
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        [Fact]
        public void An_opset_out_of_range_is_refused()
        {
            var options = new OnnxExportOptions();
            ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => options.Opset = 13);
            Assert.Contains("from 14 to 21", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void An_imported_PyTorch_model_exports_to_PyTorchs_outputs()
        {
            // PyTorch → ONNX → RnnGen → ONNX → ONNX Runtime gives what PyTorch gave.
            OnnxFixture fixture = OnnxFixture.Load("gru_i3_h6_l2_bidirectional", 17);
            IRecurrentNetwork<float> model = OnnxTestModels.Float("gru_i3_h6_l2_bidirectional");
            model.ImportOnnx(fixture.ModelPath);
            float[] theirs = OnnxRuntimeRunner.Run(model.ToOnnxBytes(), fixture.Input, fixture.Steps, fixture.Batch, 3);
            Assert.True(fixture.Output.Zip(theirs, (e, a) => Math.Abs(e - a)).Max() <= 1e-5);
        }

        private static (float[] Ours, float[] Theirs) RunBoth(IRecurrentNetwork model, byte[] onnx, int seed, int[]? lengths = null)
        {
            NetworkDescription d = model.Description;
            float[] ours = new float[(d.ReturnsSequences ? Steps : 1) * Batch * d.OutputSize];
            if (model is IRecurrentNetwork<int> tokens)
            {
                var random = new Random(seed);
                int[] ids = Enumerable.Range(0, Steps * Batch).Select(_ => random.Next(d.VocabularySize)).ToArray();
                tokens.Forward(ids, lengths, ours, Batch);
                return (ours, OnnxRuntimeRunner.Run(onnx, ids.Select(i => (long)i).ToArray(), Steps, Batch, lengths));
            }

            float[] input = Inputs(Steps * Batch * d.InputSize, seed);
            ((IRecurrentNetwork<float>)model).Forward(input, lengths, ours, Batch);
            return (ours, OnnxRuntimeRunner.Run(onnx, input, Steps, Batch, d.InputSize, lengths));
        }

        private static float[] Inputs(int count, int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        }
    }
}
