// Reversed and bidirectional models: twins of the bi_* PyTorch fixtures (PyTorch's bidirectional = concat), plus
// Keras-only options (other merge modes, GoBackwards) checked against the scalar reference and finite differences.
using RnnGen.Runtime.Tests.Helpers;

namespace RnnGen.Runtime.Tests.Models
{
    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(17, Bidirectional = true)]
    public sealed partial class Bi_rnn_tanh_i5_h17_l1 : ISequenceModel
    {
    }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(16, Bidirectional = true)]
    [SimpleRnn(16, Bidirectional = true)]
    public sealed partial class Bi_rnn_tanh_i3_h16_l2 : ISequenceModel
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Lstm(17, Bidirectional = true)]
    public sealed partial class Bi_lstm_i5_h17_l1 : ISequenceModel
    {
    }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [Lstm(16, Bidirectional = true)]
    [Lstm(16, Bidirectional = true)]
    public sealed partial class Bi_lstm_i3_h16_l2 : ISequenceModel
    {
    }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [Lstm(9, Bidirectional = true, UseBias = false)]
    [Lstm(9, Bidirectional = true, UseBias = false)]
    public sealed partial class Bi_lstm_i4_h9_l2_nobias : ISequenceModel
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Gru(17, Bidirectional = true)]
    public sealed partial class Bi_gru_i5_h17_l1 : ISequenceModel
    {
    }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [Gru(16, Bidirectional = true)]
    [Gru(16, Bidirectional = true)]
    public sealed partial class Bi_gru_i3_h16_l2 : ISequenceModel
    {
    }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [Gru(16, ResetAfter = false, Bidirectional = true, MergeMode = MergeMode.Sum)]
    [Gru(16, ResetAfter = false, Bidirectional = true, MergeMode = MergeMode.Sum)]
    public sealed partial class Bi_grubefore_sum : ISequenceModel
    {
    }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [Lstm(17, Bidirectional = true, MergeMode = MergeMode.Multiply)]
    [Lstm(17, Bidirectional = true, MergeMode = MergeMode.Multiply)]
    public sealed partial class Bi_lstm_multiply : ISequenceModel
    {
    }

    [RecurrentNetwork(InputSize = 6, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(18, Bidirectional = true, MergeMode = MergeMode.Average)]
    public sealed partial class Bi_rnn_average : ISequenceModel
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Lstm(17, GoBackwards = true)]
    [Lstm(17, GoBackwards = true)]
    public sealed partial class Back_lstm_l2 : ISequenceModel
    {
    }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [Gru(16, ResetAfter = false, GoBackwards = true)]
    public sealed partial class Back_grubefore : ISequenceModel
    {
    }

    public static partial class ConformanceModels
    {
        private static void AddReversed()
        {
            AddSequence<Bi_rnn_tanh_i5_h17_l1>(new("bi_rnn_tanh_i5_h17_l1", "rnn_tanh", 5, 17, 1, true, true) { Bidirectional = true });
            AddSequence<Bi_rnn_tanh_i3_h16_l2>(new("bi_rnn_tanh_i3_h16_l2", "rnn_tanh", 3, 16, 2, true, true) { Bidirectional = true });
            AddSequence<Bi_lstm_i5_h17_l1>(new("bi_lstm_i5_h17_l1", "lstm", 5, 17, 1, true, true) { Bidirectional = true });
            AddSequence<Bi_lstm_i3_h16_l2>(new("bi_lstm_i3_h16_l2", "lstm", 3, 16, 2, true, true) { Bidirectional = true });
            AddSequence<Bi_lstm_i4_h9_l2_nobias>(new("bi_lstm_i4_h9_l2_nobias", "lstm", 4, 9, 2, false, true) { Bidirectional = true });
            AddSequence<Bi_gru_i5_h17_l1>(new("bi_gru_i5_h17_l1", "gru", 5, 17, 1, true, true) { Bidirectional = true });
            AddSequence<Bi_gru_i3_h16_l2>(new("bi_gru_i3_h16_l2", "gru", 3, 16, 2, true, true) { Bidirectional = true });
            AddSequence<Bi_grubefore_sum>(new("bi_grubefore_sum_l2", "gru", 4, 16, 2, true, false) { Bidirectional = true, MergeMode = MergeMode.Sum });
            AddSequence<Bi_lstm_multiply>(new("bi_lstm_multiply_l2", "lstm", 4, 17, 2, true, true) { Bidirectional = true, MergeMode = MergeMode.Multiply });
            AddSequence<Bi_rnn_average>(new("bi_rnn_average", "rnn_tanh", 6, 18, 1, true, true) { Bidirectional = true, MergeMode = MergeMode.Average });
            AddSequence<Back_lstm_l2>(new("back_lstm_l2", "lstm", 5, 17, 2, true, true) { GoBackwards = true });
            AddSequence<Back_grubefore>(new("back_grubefore", "gru", 3, 16, 1, true, false) { GoBackwards = true });
        }
    }
}

namespace RnnGen.Runtime.Tests.Models
{
    /// <summary>Tokens into a bidirectional LSTM (its reverse unit reads reversed tokens), then a reversed GRU, then softmax.</summary>
    [RecurrentNetwork(SequenceLength = 6, BatchSize = 3)]
    [Embedding(11, 4)]
    [Lstm(8, Bidirectional = true)]
    [Gru(6, GoBackwards = true)]
    [Dense(11, Activation.Softmax)]
    public sealed partial class BiEmbeddingBackwardsGru
    {
    }

    /// <summary>A bidirectional GRU returning only the merged final states (Keras return_sequences=False), sigmoid head.</summary>
    [RecurrentNetwork(InputSize = 4, SequenceLength = 7, BatchSize = 3)]
    [Gru(7, Bidirectional = true, MergeMode = MergeMode.Average, ReturnSequences = false)]
    [Dense(3, Activation.Sigmoid)]
    public sealed partial class BiGruLastStep
    {
    }

    /// <summary>Dropout on both directions' inputs and recurrences, and on the head.</summary>
    [RecurrentNetwork(InputSize = 5, SequenceLength = 6, BatchSize = 4)]
    [Lstm(9, Bidirectional = true, Dropout = 0.3f, RecurrentDropout = 0.25f)]
    [Dense(2, Dropout = 0.2f)]
    public sealed partial class BiLstmDropout
    {
    }
}
