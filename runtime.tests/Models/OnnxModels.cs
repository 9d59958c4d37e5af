namespace RnnGen.Runtime.Tests.Models
{
    // Twins of the models runtime.tests/Fixtures/make_onnx_fixtures.py exports with torch.onnx.export (same names).

    /// <summary>lstm_i5_h8.</summary>
    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Lstm(8)]
    public sealed partial class OnnxLstm
    {
    }

    /// <summary>lstm_i4_h6_l2_nobias.</summary>
    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [Lstm(6, UseBias = false)]
    [Lstm(6, UseBias = false)]
    public sealed partial class OnnxLstmTwoLayersNoBias
    {
    }

    /// <summary>lstm_i5_h7_bidirectional.</summary>
    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Lstm(7, Bidirectional = true)]
    public sealed partial class OnnxBidirectionalLstm
    {
    }

    /// <summary>gru_i5_h8.</summary>
    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Gru(8)]
    public sealed partial class OnnxGru
    {
    }

    /// <summary>gru_i3_h6_l2_bidirectional.</summary>
    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [Gru(6, Bidirectional = true)]
    [Gru(6, Bidirectional = true)]
    public sealed partial class OnnxBidirectionalGruTwoLayers
    {
    }

    /// <summary>rnn_tanh_i4_h7_l2.</summary>
    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(7)]
    [SimpleRnn(7)]
    public sealed partial class OnnxRnnTanhTwoLayers
    {
    }

    /// <summary>rnn_relu_i4_h6_nobias.</summary>
    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(6, Activation.Relu, UseBias = false)]
    public sealed partial class OnnxRnnReluNoBias
    {
    }

    /// <summary>embedding_gru_l2_softmax.</summary>
    [RecurrentNetwork(SequenceLength = 8, BatchSize = 4)]
    [Embedding(13, 6)]
    [Gru(9)]
    [Gru(9)]
    [Dense(13, Activation.Softmax)]
    public sealed partial class OnnxEmbeddingGruSoftmax
    {
    }

    /// <summary>embedding_lstm_softmax.</summary>
    [RecurrentNetwork(SequenceLength = 8, BatchSize = 4)]
    [Embedding(11, 4)]
    [Lstm(8)]
    [Dense(11, Activation.Softmax)]
    public sealed partial class OnnxEmbeddingLstmSoftmax
    {
    }

    /// <summary>lstm_i5_h8_linear_head.</summary>
    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Lstm(8)]
    [Dense(3)]
    public sealed partial class OnnxLstmLinearHead
    {
    }

    /// <summary>gru_i4_h6_last_step_sigmoid.</summary>
    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [Gru(6, ReturnSequences = false)]
    [Dense(2, Activation.Sigmoid)]
    public sealed partial class OnnxGruLastStepSigmoid
    {
    }

    // Export-only shapes PyTorch does not make: ONNX Runtime is their reference.

    /// <summary>GRU with the reset gate before the recurrent product (ONNX linear_before_reset = 0), softmax head.</summary>
    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [Gru(5, ResetAfter = false)]
    [Dense(4, Activation.Softmax)]
    public sealed partial class OnnxGruResetBefore
    {
    }

    /// <summary>Bidirectional merges other than concat (Gather + Add / Mul in the graph), and a hard-sigmoid GRU.</summary>
    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [Lstm(5, Bidirectional = true, MergeMode = MergeMode.Sum)]
    [Gru(4, Bidirectional = true, MergeMode = MergeMode.Average, RecurrentActivation = Activation.HardSigmoid)]
    [SimpleRnn(4, Activation.Linear, Bidirectional = true, MergeMode = MergeMode.Multiply)]
    [Dense(2, Activation.Tanh)]
    public sealed partial class OnnxMergeModes
    {
    }

    /// <summary>A bidirectional layer returning its last step only, under a relu head.</summary>
    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [Gru(4)]
    [Gru(5, Bidirectional = true, ReturnSequences = false)]
    [Dense(3, Activation.Relu, UseBias = false)]
    public sealed partial class OnnxBidirectionalLastStep
    {
    }

    /// <summary>Not exportable: Keras go_backwards and coupled gates.</summary>
    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [Lstm(4, CoupledGates = true)]
    [Gru(4, GoBackwards = true)]
    public sealed partial class OnnxNotExportable
    {
    }
}
