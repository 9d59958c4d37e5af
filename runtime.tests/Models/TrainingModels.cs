namespace RnnGen.Runtime.Tests.Models
{
    /// <summary>Learns to echo the token it saw two steps earlier: needs memory, learns in a second.</summary>
    [RecurrentNetwork(SequenceLength = 12, BatchSize = 16)]
    [Embedding(6, 8)]
    [Lstm(32)]
    [Dense(6, Activation.Softmax)]
    public sealed partial class EchoModel
    {
    }

    /// <summary>A small character model for the tinyshakespeare training test.</summary>
    [RecurrentNetwork(SequenceLength = 32, BatchSize = 16)]
    [Embedding(98, 16)]
    [Lstm(64)]
    [Dense(98, Activation.Softmax)]
    public sealed partial class TinyCharModel
    {
    }

    /// <summary>Echoes the token from six steps back, trained by TBPTT windows of at most ten steps.</summary>
    [RecurrentNetwork(SequenceLength = 10, BatchSize = 16)]
    [Embedding(6, 8)]
    [Lstm(32)]
    [Dense(6, Activation.Softmax)]
    public sealed partial class LongEchoModel
    {
    }
}
