// Models with dropout at every site, for DropoutTests. The float-input ones keep one hidden width so the scalar
// reference and the model runner can drive them like the conformance models.
using RnnGen.Runtime.Tests.Helpers;

namespace RnnGen.Runtime.Tests.Models
{
    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Lstm(17, Dropout = 0.3f, RecurrentDropout = 0.25f)]
    [Lstm(17, Dropout = 0.2f, RecurrentDropout = 0.4f)]
    public sealed partial class DropoutLstm : IFloatModel<DropoutLstm.State>, IDropoutModel
    {
    }

    /// <summary>The twin of <see cref="DropoutLstm"/> without dropout: what inference must match.</summary>
    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Lstm(17)]
    [Lstm(17)]
    public sealed partial class DropoutLstmTwin : IFloatModel<DropoutLstmTwin.State>
    {
    }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [Gru(18, Dropout = 0.5f, RecurrentDropout = 0.3f)]
    [Gru(18, RecurrentDropout = 0.2f)]
    public sealed partial class DropoutGru : IFloatModel<DropoutGru.State>, IDropoutModel
    {
    }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [Gru(16, ResetAfter = false, Dropout = 0.25f, RecurrentDropout = 0.35f)]
    [Gru(16, ResetAfter = false, Dropout = 0.1f)]
    public sealed partial class DropoutGruBefore : IFloatModel<DropoutGruBefore.State>, IDropoutModel
    {
    }

    [RecurrentNetwork(InputSize = 6, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(20, Dropout = 0.4f, RecurrentDropout = 0.3f, UseBias = false)]
    public sealed partial class DropoutRnn : IFloatModel<DropoutRnn.State>, IDropoutModel
    {
    }

    /// <summary>Token input with dropout on the embedded rows, the recurrence and the softmax head's input.</summary>
    [RecurrentNetwork(SequenceLength = 6, BatchSize = 3)]
    [Embedding(11, 4)]
    [Lstm(16, Dropout = 0.25f, RecurrentDropout = 0.3f)]
    [Dense(11, Activation.Softmax, Dropout = 0.4f)]
    public sealed partial class DropoutEmbeddingSoftmax
    {
    }

    /// <summary>Mixed widths, last step only, head dropout only.</summary>
    [RecurrentNetwork(InputSize = 6, SequenceLength = 9, BatchSize = 5)]
    [Gru(20, ResetAfter = false)]
    [Gru(7, ReturnSequences = false)]
    [Dense(5, Activation.Sigmoid, Dropout = 0.3f)]
    public sealed partial class DropoutLastStepHead
    {
    }
}
