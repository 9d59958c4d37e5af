using System;
using System.IO;
using System.Linq;
using Google.Protobuf;
using Onnx;
using RnnGen.Onnx;
using Xunit;

namespace RnnGen.Runtime.Tests.Onnx
{
    /// <summary>Every way a graph can differ from the model gets its own message, and nothing is imported.</summary>
    public sealed class OnnxImportMismatchTests
    {
        [Fact]
        public void Wrong_cell_names_node_and_both_cells()
        {
            OnnxImportException error = ImportFails("gru_i5_h8", Load("lstm_i5_h8"));
            OnnxDifference difference = Assert.Single(error.Differences);
            Assert.Equal("cell", difference.What);
            Assert.Equal("GRU", difference.Expected);
            Assert.Equal("LSTM", difference.Found);
            Assert.Contains("(LSTM) (layer 0): cell: expected GRU, found LSTM", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Wrong_units_and_direction_are_both_listed()
        {
            // lstm_i5_h8 is a forward LSTM(8); the model is a bidirectional LSTM(7).
            OnnxImportException error = ImportFails("lstm_i5_h7_bidirectional", Load("lstm_i5_h8"));
            Assert.Contains(error.Differences, d => d is { What: "hidden_size", Expected: "7", Found: "8" });
            Assert.Contains(error.Differences, d => d is { What: "direction", Expected: "bidirectional", Found: "forward" });
            Assert.Contains("2 differences", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Wrong_layer_count_is_reported()
        {
            OnnxImportException error = ImportFails("lstm_i5_h8", Load("lstm_i4_h6_l2_nobias"));
            Assert.Contains(error.Differences, d => d.What.StartsWith("recurrent layers", StringComparison.Ordinal) && d.Expected == "1" && d.Found.StartsWith("2 ", StringComparison.Ordinal));
        }

        [Fact]
        public void Missing_head_and_embedding_are_reported()
        {
            // A token model with a softmax head, imported into a float model without a head.
            OnnxImportException error = ImportFails("lstm_i5_h8", Load("embedding_lstm_softmax"));
            Assert.Contains(error.Differences, d => d.What == "input X" && d.Found.Contains("an embedding", StringComparison.Ordinal));
            Assert.Contains(error.Differences, d => d.What == "head" && d.Expected.StartsWith("none", StringComparison.Ordinal));
        }

        [Fact]
        public void Missing_initializer_is_named()
        {
            ModelProto onnx = Load("lstm_i5_h8");
            NodeProto lstm = onnx.Graph.Node.Single(n => n.OpType == "LSTM");
            string w = lstm.Input[1];
            onnx.Graph.Initializer.Remove(onnx.Graph.Initializer.Single(t => t.Name == w));
            OnnxImportException error = ImportFails("lstm_i5_h8", onnx);
            OnnxDifference difference = Assert.Single(error.Differences);
            Assert.Equal("input W '" + w + "'", difference.What);
            Assert.Contains("missing initializer", difference.Found, StringComparison.Ordinal);
        }

        [Fact]
        public void Unsupported_data_type_is_refused_by_name()
        {
            ModelProto onnx = Load("lstm_i5_h8");
            string r = onnx.Graph.Node.Single(n => n.OpType == "LSTM").Input[2];
            TensorProto tensor = onnx.Graph.Initializer.Single(t => t.Name == r);
            tensor.DataType = (int)TensorProto.Types.DataType.Int8;
            OnnxImportException error = ImportFails("lstm_i5_h8", onnx);
            OnnxDifference difference = Assert.Single(error.Differences);
            Assert.Equal("initializer '" + r + "'", difference.What);
            Assert.Contains("its data type is INT8", difference.Found, StringComparison.Ordinal);
        }

        [Fact]
        public void Double_initializers_are_converted_exactly()
        {
            IRecurrentNetwork<float> reference = Imported("gru_i5_h8", Load("gru_i5_h8"));
            ModelProto onnx = Load("gru_i5_h8");
            foreach (TensorProto tensor in onnx.Graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float))
            {
                float[] values = OnnxTensorValues(tensor);
                tensor.DataType = (int)TensorProto.Types.DataType.Double;
                tensor.RawData = ByteString.CopyFrom(values.SelectMany(v => BitConverter.GetBytes((double)v)).ToArray());
            }

            Assert.Equal(reference.PackedParameters.ToArray(), Imported("gru_i5_h8", onnx).PackedParameters.ToArray());
        }

        [Fact]
        public void Float16_and_bfloat16_initializers_are_converted()
        {
            IRecurrentNetwork<float> reference = Imported("lstm_i5_h8", Load("lstm_i5_h8"));
            foreach (bool bfloat in new[] { false, true })
            {
                ModelProto onnx = Load("lstm_i5_h8");
                foreach (TensorProto tensor in onnx.Graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float))
                {
                    float[] values = OnnxTensorValues(tensor);
                    tensor.DataType = (int)(bfloat ? TensorProto.Types.DataType.Bfloat16 : TensorProto.Types.DataType.Float16);
                    tensor.RawData = ByteString.CopyFrom(values.SelectMany(v => bfloat
                        ? BitConverter.GetBytes((ushort)(BitConverter.SingleToUInt32Bits(v) >> 16))
                        : BitConverter.GetBytes(BitConverter.HalfToUInt16Bits((Half)v))).ToArray());
                }

                float[] imported = Imported("lstm_i5_h8", onnx).PackedParameters.ToArray();
                float[] expected = reference.PackedParameters.ToArray();
                float tolerance = bfloat ? 1f / 128 : 1f / 1024; // 8 and 11 significant bits; weights are below 1
                Assert.All(expected.Zip(imported), p => Assert.True(Math.Abs(p.First - p.Second) <= tolerance * Math.Max(1f, Math.Abs(p.First)), $"{p.First} vs {p.Second}"));
                Assert.NotEqual(expected, imported); // it really went through 16 bits
            }
        }

        [Fact]
        public void Gru_reset_placement_is_checked()
        {
            ModelProto onnx = Load("gru_i5_h8");
            NodeProto gru = onnx.Graph.Node.Single(n => n.OpType == "GRU");
            gru.Attribute.Single(a => a.Name == "linear_before_reset").I = 0;
            OnnxDifference difference = Assert.Single(ImportFails("gru_i5_h8", onnx).Differences);
            Assert.Equal("linear_before_reset", difference.What);
            Assert.Equal("0", difference.Found);
        }

        [Fact]
        public void Head_activation_is_checked()
        {
            ModelProto onnx = Load("embedding_lstm_softmax");
            onnx.Graph.Node.Single(n => n.OpType == "Softmax").OpType = "LogSoftmax";
            OnnxDifference difference = Assert.Single(ImportFails("embedding_lstm_softmax", onnx).Differences);
            Assert.Equal("activation", difference.What);
            Assert.Equal("Softmax", difference.Expected);
            Assert.Equal("LogSoftmax", difference.Found);
        }

        [Fact]
        public void Softmax_over_another_axis_is_refused()
        {
            ModelProto onnx = Load("embedding_lstm_softmax");
            onnx.Graph.Node.Single(n => n.OpType == "Softmax").Attribute.Single(a => a.Name == "axis").I = 1;
            OnnxDifference difference = Assert.Single(ImportFails("embedding_lstm_softmax", onnx).Differences);
            Assert.Equal("axis", difference.What);
            Assert.Equal("1", difference.Found);
        }

        [Fact]
        public void Wrong_vocabulary_names_the_table_shape()
        {
            // embedding_gru_l2_softmax has a [13][6] table; embedding_lstm_softmax needs [11][4] (and an LSTM).
            OnnxImportException error = ImportFails("embedding_lstm_softmax", Load("embedding_gru_l2_softmax"));
            Assert.Contains(error.Differences, d => d.What == "table 'embedding.weight' shape" && d.Expected == "[11][4]" && d.Found == "[13][6] FLOAT");
            Assert.Contains(error.Differences, d => d.What == "cell" && d.Expected == "LSTM" && d.Found == "GRU");
        }

        [Fact]
        public void Head_size_is_checked()
        {
            // lstm_i5_h8_linear_head has Dense(3); make its MatMul weight [8][4].
            ModelProto onnx = Load("lstm_i5_h8_linear_head");
            TensorProto weight = onnx.Graph.Initializer.Single(t => t.Name == onnx.Graph.Node.Single(n => n.OpType == "MatMul").Input[1]);
            weight.Dims[1] = 4;
            weight.RawData = ByteString.CopyFrom(new byte[8 * 4 * 4]);
            OnnxDifference difference = Assert.Single(ImportFails("lstm_i5_h8_linear_head", onnx).Differences);
            Assert.Equal("[8][3] (Dense(3) on 8 inputs)", difference.Expected);
            Assert.Equal("[8][4] FLOAT", difference.Found);
        }

        [Fact]
        public void Layer_activation_is_checked()
        {
            // rnn_tanh's first node told to use relu: the model's layer 0 is tanh.
            ModelProto onnx = Load("rnn_tanh_i4_h7_l2");
            NodeProto rnn = onnx.Graph.Node.First(n => n.OpType == "RNN");
            rnn.Attribute.Remove(rnn.Attribute.Single(a => a.Name == "activations")); // torch writes [Tanh]
            rnn.Attribute.Add(new AttributeProto { Name = "activations", Type = AttributeProto.Types.AttributeType.Strings, Strings = { ByteString.CopyFromUtf8("Relu") } });
            OnnxDifference difference = Assert.Single(ImportFails("rnn_tanh_i4_h7_l2", onnx).Differences);
            Assert.Equal("activations", difference.What);
            Assert.Equal("[Tanh]", difference.Expected);
            Assert.Equal("[Relu]", difference.Found);
        }

        [Fact]
        public void A_failed_import_leaves_every_parameter_as_it_was()
        {
            // The first layer matches, the second does not: nothing of the first may be imported either.
            ModelProto onnx = Load("lstm_i4_h6_l2_nobias");
            onnx.Graph.Node.Where(n => n.OpType == "LSTM").Last().Attribute.Single(a => a.Name == "hidden_size").I = 5;
            IRecurrentNetwork<float> model = OnnxTestModels.Float("lstm_i4_h6_l2_nobias");
            OnnxTestModels.Randomize(model, seed: 3);
            float[] before = model.PackedParameters.ToArray();
            Assert.Throws<OnnxImportException>(() => model.ImportOnnx(new MemoryStream(onnx.ToByteArray())));
            Assert.Equal(before, model.PackedParameters.ToArray());
        }

        [Fact]
        public void A_non_finite_weight_is_refused_and_nothing_is_imported()
        {
            ModelProto onnx = Load("gru_i5_h8");
            TensorProto b = onnx.Graph.Initializer.Single(t => t.Name == onnx.Graph.Node.Single(n => n.OpType == "GRU").Input[3]);
            float[] values = OnnxTensorValues(b);
            values[^1] = float.NaN; // the last tensor imported: the ones before it must be rolled back
            b.RawData = ByteString.CopyFrom(values.SelectMany(BitConverter.GetBytes).ToArray());
            IRecurrentNetwork<float> model = OnnxTestModels.Float("gru_i5_h8");
            OnnxTestModels.Randomize(model, seed: 4);
            float[] before = model.PackedParameters.ToArray();
            Assert.ThrowsAny<ArgumentException>(() => model.ImportOnnx(new MemoryStream(onnx.ToByteArray())));
            Assert.Equal(before, model.PackedParameters.ToArray());
        }

        private static ModelProto Load(string name) => ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(OnnxFixture.Directory, name + "_opset14.onnx")));

        private static OnnxImportException ImportFails(string model, ModelProto onnx)
        {
            IRecurrentNetwork network = OnnxTestModels.Any(model);
            OnnxTestModels.Randomize(network, seed: 5);
            float[] before = network.PackedParameters.ToArray();
            OnnxImportException error = Assert.Throws<OnnxImportException>(() => network.ImportOnnx(new MemoryStream(onnx.ToByteArray())));
            Assert.Equal(before, network.PackedParameters.ToArray());
            Assert.NotEmpty(error.Differences);
            return error;
        }

        private static IRecurrentNetwork<float> Imported(string model, ModelProto onnx)
        {
            IRecurrentNetwork<float> network = OnnxTestModels.Float(model);
            network.ImportOnnx(new MemoryStream(onnx.ToByteArray()));
            return network;
        }

        private static float[] OnnxTensorValues(TensorProto tensor) =>
            Enumerable.Range(0, tensor.RawData.Length / 4).Select(i => BitConverter.ToSingle(tensor.RawData.Span.Slice(i * 4, 4))).ToArray();
    }
}
