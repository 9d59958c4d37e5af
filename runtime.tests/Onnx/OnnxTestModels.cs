using System;
using System.Collections.Generic;
using RnnGen.Runtime.Tests.Models;

namespace RnnGen.Runtime.Tests.Onnx
{
    /// <summary>The ONNX test models by fixture name, as <see cref="IRecurrentNetwork"/>, with seeded random weights.</summary>
    internal static class OnnxTestModels
    {
        /// <summary>Fixture names (make_onnx_fixtures.py) with float inputs.</summary>
        public static readonly string[] FloatFixtures =
        [
            "lstm_i5_h8", "lstm_i4_h6_l2_nobias", "lstm_i5_h7_bidirectional", "gru_i5_h8", "gru_i3_h6_l2_bidirectional",
            "rnn_tanh_i4_h7_l2", "rnn_relu_i4_h6_nobias", "lstm_i5_h8_linear_head", "gru_i4_h6_last_step_sigmoid",
        ];

        /// <summary>Fixture names with token inputs.</summary>
        public static readonly string[] TokenFixtures = ["embedding_gru_l2_softmax", "embedding_lstm_softmax"];

        /// <summary>Models only exported (no PyTorch twin).</summary>
        public static readonly string[] ExportOnly = ["gru_reset_before", "merge_modes", "bidirectional_last_step"];

        public static IRecurrentNetwork<float> Float(string name) => name switch
        {
            "lstm_i5_h8" => Adapt(new OnnxLstm(), OnnxLstm.PyTorchTensors, 5, [Layer(CellType.Lstm, 8, 5)], null),
            "lstm_i4_h6_l2_nobias" => Adapt(new OnnxLstmTwoLayersNoBias(), OnnxLstmTwoLayersNoBias.PyTorchTensors, 4, [Layer(CellType.Lstm, 6, 4, bias: false), Layer(CellType.Lstm, 6, 6, bias: false)], null),
            "lstm_i5_h7_bidirectional" => Adapt(new OnnxBidirectionalLstm(), OnnxBidirectionalLstm.PyTorchTensors, 5, [Layer(CellType.Lstm, 7, 5, bidirectional: true)], null),
            "gru_i5_h8" => Adapt(new OnnxGru(), OnnxGru.PyTorchTensors, 5, [Layer(CellType.Gru, 8, 5)], null),
            "gru_i3_h6_l2_bidirectional" => Adapt(new OnnxBidirectionalGruTwoLayers(), OnnxBidirectionalGruTwoLayers.PyTorchTensors, 3, [Layer(CellType.Gru, 6, 3, bidirectional: true), Layer(CellType.Gru, 6, 12, bidirectional: true)], null),
            "rnn_tanh_i4_h7_l2" => Adapt(new OnnxRnnTanhTwoLayers(), OnnxRnnTanhTwoLayers.PyTorchTensors, 4, [Layer(CellType.SimpleRnn, 7, 4), Layer(CellType.SimpleRnn, 7, 7)], null),
            "rnn_relu_i4_h6_nobias" => Adapt(new OnnxRnnReluNoBias(), OnnxRnnReluNoBias.PyTorchTensors, 4, [Layer(CellType.SimpleRnn, 6, 4, bias: false, activation: Activation.Relu)], null),
            "lstm_i5_h8_linear_head" => Adapt(new OnnxLstmLinearHead(), OnnxLstmLinearHead.PyTorchTensors, 5, [Layer(CellType.Lstm, 8, 5)], new DenseLayerInfo(3, 8, Activation.Linear, true, 0)),
            "gru_i4_h6_last_step_sigmoid" => Adapt(new OnnxGruLastStepSigmoid(), OnnxGruLastStepSigmoid.PyTorchTensors, 4, [Layer(CellType.Gru, 6, 4, returnSequences: false)], new DenseLayerInfo(2, 6, Activation.Sigmoid, true, 0)),
            "gru_reset_before" => Adapt(new OnnxGruResetBefore(), OnnxGruResetBefore.PyTorchTensors, 3, [Layer(CellType.Gru, 5, 3, resetAfter: false)], new DenseLayerInfo(4, 5, Activation.Softmax, true, 0)),
            "merge_modes" => Adapt(new OnnxMergeModes(), OnnxMergeModes.PyTorchTensors, 3,
                [
                    Layer(CellType.Lstm, 5, 3, bidirectional: true, merge: MergeMode.Sum),
                    Layer(CellType.Gru, 4, 5, bidirectional: true, merge: MergeMode.Average, recurrent: Activation.HardSigmoid),
                    Layer(CellType.SimpleRnn, 4, 4, bidirectional: true, merge: MergeMode.Multiply, activation: Activation.Linear),
                ],
                new DenseLayerInfo(2, 4, Activation.Tanh, true, 0)),
            "bidirectional_last_step" => Adapt(new OnnxBidirectionalLastStep(), OnnxBidirectionalLastStep.PyTorchTensors, 3,
                [Layer(CellType.Gru, 4, 3), Layer(CellType.Gru, 5, 4, bidirectional: true, returnSequences: false)], new DenseLayerInfo(3, 10, Activation.Relu, false, 0)),
            "not_exportable" => Adapt(new OnnxNotExportable(), OnnxNotExportable.PyTorchTensors, 3,
                [Layer(CellType.Lstm, 4, 3, coupled: true), Layer(CellType.Gru, 4, 4, goBackwards: true)], null),
            _ => throw new ArgumentException("No ONNX test model " + name, nameof(name)),
        };

        public static IRecurrentNetwork<int> Tokens(string name) => name switch
        {
            "embedding_gru_l2_softmax" => Adapt(new OnnxEmbeddingGruSoftmax(), OnnxEmbeddingGruSoftmax.PyTorchTensors, 13, 6, [Layer(CellType.Gru, 9, 6), Layer(CellType.Gru, 9, 9)], new DenseLayerInfo(13, 9, Activation.Softmax, true, 0)),
            "embedding_lstm_softmax" => Adapt(new OnnxEmbeddingLstmSoftmax(), OnnxEmbeddingLstmSoftmax.PyTorchTensors, 11, 4, [Layer(CellType.Lstm, 8, 4)], new DenseLayerInfo(11, 8, Activation.Softmax, true, 0)),
            _ => throw new ArgumentException("No ONNX test model " + name, nameof(name)),
        };

        /// <summary>Any model by name, float or token.</summary>
        public static IRecurrentNetwork Any(string name) => Array.IndexOf(TokenFixtures, name) >= 0 ? Tokens(name) : Float(name);

        /// <summary>Fills every tensor with seeded values in [-0.5, 0.5).</summary>
        public static void Randomize(IRecurrentNetwork model, int seed)
        {
            var random = new Random(seed);
            foreach (TensorInfo tensor in model.PyTorchTensors)
            {
                var values = new float[tensor.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = (float)(random.NextDouble() - 0.5);
                }

                model.ImportPyTorch(tensor.Name, values);
            }
        }

        private static RecurrentLayerInfo Layer(
            CellType cell, int units, int input, bool bias = true, bool bidirectional = false, MergeMode merge = MergeMode.Concat,
            Activation activation = Activation.Tanh, Activation recurrent = Activation.Sigmoid, bool resetAfter = true,
            bool returnSequences = true, bool goBackwards = false, bool coupled = false) =>
            new(cell, units, input, bias, returnSequences, goBackwards, bidirectional, merge, activation, recurrent,
                cell == CellType.Gru && resetAfter, false, coupled, false, 0, 0);

        private static AdaptedNetwork<float> Adapt<TModel>(TModel model, IReadOnlyList<TensorInfo> tensors, int inputSize, RecurrentLayerInfo[] layers, DenseLayerInfo? head)
            where TModel : class =>
            new(
                new NetworkDescription(inputSize, 0, 0, layers, head, 8, 4, 0, 0),
                tensors,
                () => Packed(model),
                (name, values) => Import(model, name, values),
                (name, destination) => Export(model, name, destination),
                (inputs, lengths, outputs, batch, carry) => ForwardFloat(model, inputs, lengths, outputs, batch, carry));

        private static AdaptedNetwork<int> Adapt<TModel>(TModel model, IReadOnlyList<TensorInfo> tensors, int vocabulary, int dimension, RecurrentLayerInfo[] layers, DenseLayerInfo? head)
            where TModel : class =>
            new(
                new NetworkDescription(0, vocabulary, dimension, layers, head, 8, 4, 0, 0),
                tensors,
                () => Packed(model),
                (name, values) => Import(model, name, values),
                (name, destination) => Export(model, name, destination),
                (inputs, lengths, outputs, batch, carry) => ForwardTokens(model, inputs, lengths, outputs, batch, carry));

        // Spans cannot go through dynamic, so each generated type is matched once here.
        private static Span<float> Packed(object model) => model switch
        {
            OnnxLstm m => m.PackedParameters,
            OnnxLstmTwoLayersNoBias m => m.PackedParameters,
            OnnxBidirectionalLstm m => m.PackedParameters,
            OnnxGru m => m.PackedParameters,
            OnnxBidirectionalGruTwoLayers m => m.PackedParameters,
            OnnxRnnTanhTwoLayers m => m.PackedParameters,
            OnnxRnnReluNoBias m => m.PackedParameters,
            OnnxEmbeddingGruSoftmax m => m.PackedParameters,
            OnnxEmbeddingLstmSoftmax m => m.PackedParameters,
            OnnxLstmLinearHead m => m.PackedParameters,
            OnnxGruLastStepSigmoid m => m.PackedParameters,
            OnnxGruResetBefore m => m.PackedParameters,
            OnnxMergeModes m => m.PackedParameters,
            OnnxBidirectionalLastStep m => m.PackedParameters,
            OnnxNotExportable m => m.PackedParameters,
            _ => throw new NotSupportedException(),
        };

        private static void Import(object model, string name, ReadOnlySpan<float> values)
        {
            switch (model)
            {
                case OnnxLstm m: m.ImportPyTorch(name, values); break;
                case OnnxLstmTwoLayersNoBias m: m.ImportPyTorch(name, values); break;
                case OnnxBidirectionalLstm m: m.ImportPyTorch(name, values); break;
                case OnnxGru m: m.ImportPyTorch(name, values); break;
                case OnnxBidirectionalGruTwoLayers m: m.ImportPyTorch(name, values); break;
                case OnnxRnnTanhTwoLayers m: m.ImportPyTorch(name, values); break;
                case OnnxRnnReluNoBias m: m.ImportPyTorch(name, values); break;
                case OnnxEmbeddingGruSoftmax m: m.ImportPyTorch(name, values); break;
                case OnnxEmbeddingLstmSoftmax m: m.ImportPyTorch(name, values); break;
                case OnnxLstmLinearHead m: m.ImportPyTorch(name, values); break;
                case OnnxGruLastStepSigmoid m: m.ImportPyTorch(name, values); break;
                case OnnxGruResetBefore m: m.ImportPyTorch(name, values); break;
                case OnnxMergeModes m: m.ImportPyTorch(name, values); break;
                case OnnxBidirectionalLastStep m: m.ImportPyTorch(name, values); break;
                case OnnxNotExportable m: m.ImportPyTorch(name, values); break;
                default: throw new NotSupportedException();
            }
        }

        private static void Export(object model, string name, Span<float> destination)
        {
            switch (model)
            {
                case OnnxLstm m: m.ExportPyTorch(name, destination); break;
                case OnnxLstmTwoLayersNoBias m: m.ExportPyTorch(name, destination); break;
                case OnnxBidirectionalLstm m: m.ExportPyTorch(name, destination); break;
                case OnnxGru m: m.ExportPyTorch(name, destination); break;
                case OnnxBidirectionalGruTwoLayers m: m.ExportPyTorch(name, destination); break;
                case OnnxRnnTanhTwoLayers m: m.ExportPyTorch(name, destination); break;
                case OnnxRnnReluNoBias m: m.ExportPyTorch(name, destination); break;
                case OnnxEmbeddingGruSoftmax m: m.ExportPyTorch(name, destination); break;
                case OnnxEmbeddingLstmSoftmax m: m.ExportPyTorch(name, destination); break;
                case OnnxLstmLinearHead m: m.ExportPyTorch(name, destination); break;
                case OnnxGruLastStepSigmoid m: m.ExportPyTorch(name, destination); break;
                case OnnxGruResetBefore m: m.ExportPyTorch(name, destination); break;
                case OnnxMergeModes m: m.ExportPyTorch(name, destination); break;
                case OnnxBidirectionalLastStep m: m.ExportPyTorch(name, destination); break;
                case OnnxNotExportable m: m.ExportPyTorch(name, destination); break;
                default: throw new NotSupportedException();
            }
        }

        private static void ForwardFloat(object model, ReadOnlySpan<float> x, ReadOnlySpan<int> lengths, Span<float> y, int batch, bool carry)
        {
            switch (model)
            {
                case OnnxLstm m: m.Forward(x, lengths, y, batch, carry); break;
                case OnnxLstmTwoLayersNoBias m: m.Forward(x, lengths, y, batch, carry); break;
                case OnnxBidirectionalLstm m: m.Forward(x, lengths, y, batch, carry); break;
                case OnnxGru m: m.Forward(x, lengths, y, batch, carry); break;
                case OnnxBidirectionalGruTwoLayers m: m.Forward(x, lengths, y, batch, carry); break;
                case OnnxRnnTanhTwoLayers m: m.Forward(x, lengths, y, batch, carry); break;
                case OnnxRnnReluNoBias m: m.Forward(x, lengths, y, batch, carry); break;
                case OnnxLstmLinearHead m: m.Forward(x, lengths, y, batch, carry); break;
                case OnnxGruLastStepSigmoid m: m.Forward(x, lengths, y, batch, carry); break;
                case OnnxGruResetBefore m: m.Forward(x, lengths, y, batch, carry); break;
                case OnnxMergeModes m: m.Forward(x, lengths, y, batch, carry); break;
                case OnnxBidirectionalLastStep m: m.Forward(x, lengths, y, batch, carry); break;
                case OnnxNotExportable m: m.Forward(x, lengths, y, batch, carry); break;
                default: throw new NotSupportedException();
            }
        }

        private static void ForwardTokens(object model, ReadOnlySpan<int> x, ReadOnlySpan<int> lengths, Span<float> y, int batch, bool carry)
        {
            switch (model)
            {
                case OnnxEmbeddingGruSoftmax m: m.Forward(x, lengths, y, batch, carry); break;
                case OnnxEmbeddingLstmSoftmax m: m.Forward(x, lengths, y, batch, carry); break;
                default: throw new NotSupportedException();
            }
        }
    }
}
