using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RnnGen.Onnx;
using Xunit;

namespace RnnGen.Runtime.Tests.Onnx
{
    /// <summary>Import of what torch.onnx.export wrote (committed fixtures), checked against PyTorch's outputs.</summary>
    public sealed class OnnxImportTests
    {
        public static IEnumerable<object[]> Fixtures() =>
            from name in OnnxTestModels.FloatFixtures.Concat(OnnxTestModels.TokenFixtures)
            from opset in new[] { 14, 17 }
            select new object[] { name, opset };

        [Theory]
        [MemberData(nameof(Fixtures))]
        public void Imported_model_matches_PyTorch(string name, int opset)
        {
            OnnxFixture fixture = OnnxFixture.Load(name, opset);
            IRecurrentNetwork model = OnnxTestModels.Any(name);
            OnnxTestModels.Randomize(model, seed: 7); // every weight must come from the file
            model.ImportOnnx(fixture.ModelPath);

            float[] outputs = Forward(model, fixture);
            Assert.Equal(fixture.Output.Length, outputs.Length);
            double worst = fixture.Output.Zip(outputs, (e, a) => Math.Abs(e - a)).Max();
            Assert.True(worst <= 1e-5, $"{name} opset {opset}: max |RnnGen − PyTorch| = {worst:E2}");
        }

        [Fact]
        public void External_data_is_read_beside_the_model_file()
        {
            OnnxFixture fixture = OnnxFixture.Load("lstm_i5_h8", 14);
            IRecurrentNetwork<float> inline = OnnxTestModels.Float("lstm_i5_h8");
            inline.ImportOnnx(fixture.ModelPath);
            IRecurrentNetwork<float> external = OnnxTestModels.Float("lstm_i5_h8");
            external.ImportOnnx(Path.Combine(OnnxFixture.Directory, "lstm_i5_h8_external.onnx"));
            Assert.Equal(inline.PackedParameters.ToArray(), external.PackedParameters.ToArray());
        }

        [Fact]
        public void External_data_from_a_stream_is_refused_by_name()
        {
            IRecurrentNetwork<float> model = OnnxTestModels.Float("lstm_i5_h8");
            using FileStream stream = File.OpenRead(Path.Combine(OnnxFixture.Directory, "lstm_i5_h8_external.onnx"));
            OnnxImportException error = Assert.Throws<OnnxImportException>(() => model.ImportOnnx(stream));
            Assert.Contains("external data in 'lstm_i5_h8_external.onnx.data'", error.Message, StringComparison.Ordinal);
            Assert.Contains("ImportOnnx(string)", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Stream_import_equals_path_import()
        {
            OnnxFixture fixture = OnnxFixture.Load("embedding_gru_l2_softmax", 17);
            IRecurrentNetwork<int> fromPath = OnnxTestModels.Tokens("embedding_gru_l2_softmax");
            fromPath.ImportOnnx(fixture.ModelPath);
            IRecurrentNetwork<int> fromStream = OnnxTestModels.Tokens("embedding_gru_l2_softmax");
            using (FileStream stream = File.OpenRead(fixture.ModelPath))
            {
                fromStream.ImportOnnx(stream);
            }

            Assert.Equal(fromPath.PackedParameters.ToArray(), fromStream.PackedParameters.ToArray());
        }

        [Fact]
        public void Bytes_that_are_not_onnx_are_refused()
        {
            IRecurrentNetwork<float> model = OnnxTestModels.Float("lstm_i5_h8");
            using var stream = new MemoryStream([0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]);
            OnnxImportException error = Assert.Throws<OnnxImportException>(() => model.ImportOnnx(stream));
            Assert.Contains("not a valid ONNX model", error.Message, StringComparison.Ordinal);
        }

        internal static float[] Forward(IRecurrentNetwork model, OnnxFixture fixture)
        {
            int outputSize = model.Description.OutputSize;
            float[] outputs = new float[(model.Description.ReturnsSequences ? fixture.Steps : 1) * fixture.Batch * outputSize];
            switch (model)
            {
                case IRecurrentNetwork<float> floats:
                    floats.Forward(fixture.Input, default, outputs, fixture.Batch);
                    break;
                case IRecurrentNetwork<int> tokens:
                    tokens.Forward(fixture.Tokens, default, outputs, fixture.Batch);
                    break;
                default:
                    throw new ArgumentException("Unknown model input type.", nameof(model));
            }

            return outputs;
        }
    }
}
