namespace RnnGen.Runtime.Tests.Models
{
    /// <summary>Twin of the PyTorch fixture embedding_lstm_softmax: Embedding → 2×LSTM → Linear → softmax.</summary>
    [RecurrentNetwork(SequenceLength = 6, BatchSize = 3)]
    [Embedding(11, 4)]
    [Lstm(16)]
    [Lstm(16)]
    [Dense(11, Activation.Softmax)]
    public sealed partial class EmbeddingLstmSoftmax
    {
    }

    /// <summary>Mixed widths, GRU reset_after = false, last step only, sigmoid head.</summary>
    [RecurrentNetwork(InputSize = 6, SequenceLength = 9, BatchSize = 5)]
    [Gru(20, ResetAfter = false)]
    [Gru(7, ResetAfter = false, ReturnSequences = false)]
    [Dense(5, Activation.Sigmoid)]
    public sealed partial class GruLastStepSigmoid
    {
    }

    /// <summary>No biases anywhere, a tanh head, and the default SequenceLength/BatchSize.</summary>
    [RecurrentNetwork(InputSize = 3)]
    [SimpleRnn(18, UseBias = false)]
    [Dense(2, Activation.Tanh, UseBias = false)]
    public sealed partial class RnnTanhHead
    {
    }

    /// <summary>Two LSTM layers of different widths, no head, last step only.</summary>
    [RecurrentNetwork(InputSize = 4, SequenceLength = 4, BatchSize = 2)]
    [Lstm(24)]
    [Lstm(40, ReturnSequences = false)]
    public sealed partial class LstmLastStep
    {
    }

    /// <summary>A relu head on a GRU (reset_after = true) and a linear head on an LSTM, for the remaining activations.</summary>
    [RecurrentNetwork(InputSize = 2, SequenceLength = 3, BatchSize = 2)]
    [Gru(5)]
    [Dense(3, Activation.Relu)]
    public sealed partial class GruReluHead
    {
    }

    [RecurrentNetwork(InputSize = 2, SequenceLength = 3, BatchSize = 2)]
    [Lstm(9)]
    [Dense(35)]
    public sealed partial class LstmLinearHead
    {
    }
}
