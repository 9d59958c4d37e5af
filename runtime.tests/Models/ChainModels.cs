// Two generated networks in a chain, for InputGradientTests: B reads A's output sequence, so A trains through B's dL/dx.
namespace RnnGen.Runtime.Tests.Models
{
    /// <summary>The first stage: an LSTM over float features, returning its whole output sequence (7 wide).</summary>
    [RecurrentNetwork(InputSize = 3, SequenceLength = 6, BatchSize = 3)]
    [Lstm(7)]
    public sealed partial class ChainFeatures
    {
    }

    /// <summary>The second stage: reads ChainFeatures' outputs, a GRU (reset before) to the last step and a dense head.</summary>
    [RecurrentNetwork(InputSize = 7, SequenceLength = 6, BatchSize = 3)]
    [Gru(6, ResetAfter = false, ReturnSequences = false)]
    [Dense(2)]
    public sealed partial class ChainClassifier
    {
    }
}
