using RnnGen;

// Small models with Cuda = true that together cover every cell variant, direction, depth, input kind, head and the
// odd sizes that leave part of a 16-unit block (and of a 16-column tile) empty. The interpreter runs each against
// its CPU Forward; CI assembles each one's PTX with ptxas.
namespace RnnGen.Runtime.Tests.Gpu
{
    [RecurrentNetwork(InputSize = 3, SequenceLength = 6, BatchSize = 3, Cuda = true)]
    [SimpleRnn(17)]
    public sealed partial class GpuSimpleTanh { }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 5, BatchSize = 2, Cuda = true)]
    [SimpleRnn(16, Activation.Relu)]
    [Dense(4, Activation.Linear)]
    public sealed partial class GpuSimpleReluHead { }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 6, BatchSize = 3, Cuda = true)]
    [Lstm(20)]
    [Lstm(9, ReturnSequences = false)]
    public sealed partial class GpuLstmStacked { }

    [RecurrentNetwork(InputSize = 18, SequenceLength = 5, BatchSize = 2, Cuda = true)]
    [Lstm(12, Peepholes = true)]
    [Dense(3, Activation.Softmax)]
    public sealed partial class GpuLstmPeephole { }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 5, BatchSize = 2, Cuda = true)]
    [Lstm(10, Peepholes = true, CoupledGates = true, Activation = Activation.Relu, RecurrentActivation = Activation.HardSigmoid)]
    public sealed partial class GpuLstmCifg { }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 6, BatchSize = 3, Cuda = true)]
    [Gru(19)]
    [Dense(2, Activation.Sigmoid)]
    public sealed partial class GpuGruResetAfter { }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 5, BatchSize = 2, Cuda = true)]
    [Gru(18, ResetAfter = false)]
    [Gru(7, Minimal = true)]
    public sealed partial class GpuGruResetBeforeMinimal { }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 6, BatchSize = 3, Cuda = true)]
    [Lstm(11, Bidirectional = true)]
    [Gru(8, Bidirectional = true, MergeMode = MergeMode.Sum, ReturnSequences = false)]
    public sealed partial class GpuBidirectionalConcatSum { }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 5, BatchSize = 2, Cuda = true)]
    [SimpleRnn(9, Bidirectional = true, MergeMode = MergeMode.Multiply)]
    [Lstm(6, Bidirectional = true, MergeMode = MergeMode.Average)]
    [Dense(5, Activation.Tanh)]
    public sealed partial class GpuBidirectionalMultiplyAverage { }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 6, BatchSize = 2, Cuda = true)]
    [Gru(10, GoBackwards = true)]
    [SimpleRnn(5)]
    public sealed partial class GpuGoBackwards { }

    [RecurrentNetwork(SequenceLength = 6, BatchSize = 3, Cuda = true)]
    [Embedding(23, 7)]
    [Lstm(13)]
    [Dense(23, Activation.Softmax)]
    public sealed partial class GpuEmbeddingLstm { }

    [RecurrentNetwork(SequenceLength = 5, BatchSize = 2, Cuda = true)]
    [Embedding(11, 5)]
    [Gru(6, Bidirectional = true, UseBias = false)]
    public sealed partial class GpuEmbeddingBidirectional { }

    [RecurrentNetwork(InputSize = 6, SequenceLength = 4, BatchSize = 9, Cuda = true)]
    [Lstm(33)]
    [Dense(1, Activation.Relu, UseBias = false)]
    public sealed partial class GpuWideBatch { }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 5, BatchSize = 2, Cuda = true, CudaFastMath = true)]
    [Lstm(14)]
    [Gru(9)]
    [Dense(3, Activation.Softmax)]
    public sealed partial class GpuFastMath { }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 5, BatchSize = 2, Cuda = true)]
    [SimpleRnn(6, Activation.Sigmoid)]
    [Gru(5, ResetAfter = false, Activation = Activation.Linear, RecurrentActivation = Activation.HardSigmoid)]
    [SimpleRnn(4, Activation.Linear, ReturnSequences = false)]
    public sealed partial class GpuActivations { }
}

namespace RnnGen.Runtime.Tests.Gpu
{
    // Dropout on the GPU: every site (a layer's input, its recurrent state, the head's input) on every cell that
    // treats h(t-1) differently (LSTM, both GRUs and the minimal GRU, simple RNN), token and float input, lone,
    // reversed and bidirectional units.
    [RecurrentNetwork(InputSize = 5, SequenceLength = 5, BatchSize = 3, Cuda = true)]
    [Lstm(12, Dropout = 0.3f, RecurrentDropout = 0.25f)]
    [Lstm(7, Dropout = 0.2f, RecurrentDropout = 0.3f)]
    [Dense(3, Activation.Softmax, Dropout = 0.25f)]
    public sealed partial class GpuDropoutLstm { }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 5, BatchSize = 2, Cuda = true)]
    [Gru(10, RecurrentDropout = 0.3f)]
    [Gru(9, ResetAfter = false, Dropout = 0.2f, RecurrentDropout = 0.25f)]
    [Gru(6, Minimal = true, Dropout = 0.3f, RecurrentDropout = 0.2f)]
    public sealed partial class GpuDropoutGru { }

    [RecurrentNetwork(SequenceLength = 5, BatchSize = 3, Cuda = true)]
    [Embedding(13, 6)]
    [Lstm(9, Bidirectional = true, Dropout = 0.3f, RecurrentDropout = 0.2f)]
    [Dense(13, Activation.Softmax, Dropout = 0.1f)]
    public sealed partial class GpuDropoutEmbedding { }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 6, BatchSize = 2, Cuda = true)]
    [SimpleRnn(8, Bidirectional = true, Dropout = 0.3f, RecurrentDropout = 0.2f)]
    [Gru(5, GoBackwards = true, Dropout = 0.25f, RecurrentDropout = 0.3f)]
    public sealed partial class GpuDropoutBidirectional { }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 4, BatchSize = 2, Cuda = true)]
    [Lstm(5, Dropout = 0.25f)]
    public sealed partial class GpuDropoutInput { }
}
