namespace RnnGen.Runtime.Tests.Robustness
{
    /// <summary>Every kind of packed tensor with padded lanes (17, 9 and 3 units): LSTM with peepholes, a reset-before GRU, a head.</summary>
    [RecurrentNetwork(InputSize = 5, SequenceLength = 6, BatchSize = 3)]
    [Lstm(17, Peepholes = true)]
    [Gru(9, ResetAfter = false)]
    [Dense(3, Activation.Softmax)]
    public sealed partial class PaddedModel
    {
    }

    /// <summary>An embedding (no lanes to pad) before a 3-unit LSTM.</summary>
    [RecurrentNetwork(SequenceLength = 4, BatchSize = 2)]
    [Embedding(7, 5)]
    [Lstm(3)]
    [Dense(7, Activation.Softmax)]
    public sealed partial class PaddedEmbeddingModel
    {
    }

    /// <summary>The README's first example, for the memory and reentrancy tests.</summary>
    [RecurrentNetwork(InputSize = 16, SequenceLength = 256)]
    [Lstm(64)]
    [Dense(4, Activation.Softmax)]
    public sealed partial class NpcController
    {
    }

    /// <summary>A model whose Forward takes long enough for two threads to overlap.</summary>
    [RecurrentNetwork(InputSize = 32, SequenceLength = 64, BatchSize = 8)]
    [Lstm(128)]
    public sealed partial class BusyModel
    {
    }
}
