using RnnGen;

namespace RnnGen.Runtime.Tests.Streaming
{
    [RecurrentNetwork(InputSize = 5)]
    [Lstm(20)]
    [Lstm(9)]
    [Dense(4, Activation.Softmax)]
    public sealed partial class SbLstmHead { }

    [RecurrentNetwork(InputSize = 3)]
    [Gru(18, ResetAfter = false)]
    [Gru(7, Minimal = true)]
    public sealed partial class SbGruBefore { }

    [RecurrentNetwork(InputSize = 4)]
    [SimpleRnn(17, Activation.Relu)]
    [Lstm(12, Peepholes = true, CoupledGates = true)]
    [Gru(5)]
    [Dense(2, Activation.Sigmoid)]
    public sealed partial class SbMixed { }

    [RecurrentNetwork]
    [Embedding(30, 6)]
    [Gru(16)]
    [Dense(30, Activation.Softmax)]
    public sealed partial class SbTokens { }

    /// <summary>
    /// Layers of two and three unit blocks, small enough that a one-row Step keeps every block's accumulators in
    /// registers at once (reset-after GRU with its b_hn, peephole LSTM, SimpleRNN), while a batch loops over blocks.
    /// </summary>
    [RecurrentNetwork(InputSize = 3)]
    [Gru(20)]
    [Lstm(24, Peepholes = true)]
    [SimpleRnn(40)]
    public sealed partial class SbBlockTile { }

    /// <summary>The benchmark shape: 256 LSTM-64 streams with one input each.</summary>
    [RecurrentNetwork(InputSize = 1)]
    [Lstm(64)]
    public sealed partial class SbLstm64 { }
}
