using System;
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
            "lstm_i5_h8" => new OnnxLstm(),
            "lstm_i4_h6_l2_nobias" => new OnnxLstmTwoLayersNoBias(),
            "lstm_i5_h7_bidirectional" => new OnnxBidirectionalLstm(),
            "gru_i5_h8" => new OnnxGru(),
            "gru_i3_h6_l2_bidirectional" => new OnnxBidirectionalGruTwoLayers(),
            "rnn_tanh_i4_h7_l2" => new OnnxRnnTanhTwoLayers(),
            "rnn_relu_i4_h6_nobias" => new OnnxRnnReluNoBias(),
            "lstm_i5_h8_linear_head" => new OnnxLstmLinearHead(),
            "gru_i4_h6_last_step_sigmoid" => new OnnxGruLastStepSigmoid(),
            "gru_reset_before" => new OnnxGruResetBefore(),
            "merge_modes" => new OnnxMergeModes(),
            "bidirectional_last_step" => new OnnxBidirectionalLastStep(),
            "not_exportable" => new OnnxNotExportable(),
            _ => throw new ArgumentException("No ONNX test model " + name, nameof(name)),
        };

        public static IRecurrentNetwork<int> Tokens(string name) => name switch
        {
            "embedding_gru_l2_softmax" => new OnnxEmbeddingGruSoftmax(),
            "embedding_lstm_softmax" => new OnnxEmbeddingLstmSoftmax(),
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
    }
}
