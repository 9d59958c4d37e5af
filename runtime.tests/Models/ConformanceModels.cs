// Models for the conformance tests, one per PyTorch fixture (Fixtures/pytorch/*.json) plus GRU reset_after = false
// twins. Each declares the interface the tests drive it through.
using RnnGen.Runtime.Tests.Helpers;

namespace RnnGen.Runtime.Tests.Models
{
    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [Gru(17)]
    [Gru(17)]
    public sealed partial class Fx_gru_i3_h17_l2 : IFloatModel<Fx_gru_i3_h17_l2.State>
    {
    }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [Gru(33, UseBias = false)]
    [Gru(33, UseBias = false)]
    public sealed partial class Fx_gru_i4_h33_l2_nobias : IFloatModel<Fx_gru_i4_h33_l2_nobias.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Gru(129)]
    public sealed partial class Fx_gru_i5_h129_l1 : IFloatModel<Fx_gru_i5_h129_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Gru(16)]
    public sealed partial class Fx_gru_i5_h16_l1 : IFloatModel<Fx_gru_i5_h16_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Gru(17)]
    public sealed partial class Fx_gru_i5_h17_l1 : IFloatModel<Fx_gru_i5_h17_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Gru(1)]
    public sealed partial class Fx_gru_i5_h1_l1 : IFloatModel<Fx_gru_i5_h1_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Gru(3)]
    public sealed partial class Fx_gru_i5_h3_l1 : IFloatModel<Fx_gru_i5_h3_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Gru(64)]
    public sealed partial class Fx_gru_i5_h64_l1 : IFloatModel<Fx_gru_i5_h64_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 7, SequenceLength = 8, BatchSize = 4)]
    [Gru(16)]
    [Gru(16)]
    [Gru(16)]
    public sealed partial class Fx_gru_i7_h16_l3 : IFloatModel<Fx_gru_i7_h16_l3.State>
    {
    }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [Lstm(17)]
    [Lstm(17)]
    public sealed partial class Fx_lstm_i3_h17_l2 : IFloatModel<Fx_lstm_i3_h17_l2.State>
    {
    }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [Lstm(33, UseBias = false)]
    [Lstm(33, UseBias = false)]
    public sealed partial class Fx_lstm_i4_h33_l2_nobias : IFloatModel<Fx_lstm_i4_h33_l2_nobias.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Lstm(129)]
    public sealed partial class Fx_lstm_i5_h129_l1 : IFloatModel<Fx_lstm_i5_h129_l1.State>
    {
    }

    // Wide layers: a block's weights beyond 48 KiB run in column chunks (the kernels carry the sums between chunks).
    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Lstm(200)]
    [Lstm(200)]
    public sealed partial class Fx_lstm_i5_h200_l2 : IFloatModel<Fx_lstm_i5_h200_l2.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Gru(300)]
    public sealed partial class Fx_gru_i5_h300_l1 : IFloatModel<Fx_gru_i5_h300_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(801)]
    public sealed partial class Fx_rnn_tanh_i5_h801_l1 : IFloatModel<Fx_rnn_tanh_i5_h801_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Lstm(16)]
    public sealed partial class Fx_lstm_i5_h16_l1 : IFloatModel<Fx_lstm_i5_h16_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Lstm(17)]
    public sealed partial class Fx_lstm_i5_h17_l1 : IFloatModel<Fx_lstm_i5_h17_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Lstm(1)]
    public sealed partial class Fx_lstm_i5_h1_l1 : IFloatModel<Fx_lstm_i5_h1_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Lstm(3)]
    public sealed partial class Fx_lstm_i5_h3_l1 : IFloatModel<Fx_lstm_i5_h3_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Lstm(64)]
    public sealed partial class Fx_lstm_i5_h64_l1 : IFloatModel<Fx_lstm_i5_h64_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 7, SequenceLength = 8, BatchSize = 4)]
    [Lstm(16)]
    [Lstm(16)]
    [Lstm(16)]
    public sealed partial class Fx_lstm_i7_h16_l3 : IFloatModel<Fx_lstm_i7_h16_l3.State>
    {
    }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(17, Activation.Relu)]
    [SimpleRnn(17, Activation.Relu)]
    public sealed partial class Fx_rnn_relu_i3_h17_l2 : IFloatModel<Fx_rnn_relu_i3_h17_l2.State>
    {
    }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(33, Activation.Relu, UseBias = false)]
    [SimpleRnn(33, Activation.Relu, UseBias = false)]
    public sealed partial class Fx_rnn_relu_i4_h33_l2_nobias : IFloatModel<Fx_rnn_relu_i4_h33_l2_nobias.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(129, Activation.Relu)]
    public sealed partial class Fx_rnn_relu_i5_h129_l1 : IFloatModel<Fx_rnn_relu_i5_h129_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(16, Activation.Relu)]
    public sealed partial class Fx_rnn_relu_i5_h16_l1 : IFloatModel<Fx_rnn_relu_i5_h16_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(17, Activation.Relu)]
    public sealed partial class Fx_rnn_relu_i5_h17_l1 : IFloatModel<Fx_rnn_relu_i5_h17_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(1, Activation.Relu)]
    public sealed partial class Fx_rnn_relu_i5_h1_l1 : IFloatModel<Fx_rnn_relu_i5_h1_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(3, Activation.Relu)]
    public sealed partial class Fx_rnn_relu_i5_h3_l1 : IFloatModel<Fx_rnn_relu_i5_h3_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(64, Activation.Relu)]
    public sealed partial class Fx_rnn_relu_i5_h64_l1 : IFloatModel<Fx_rnn_relu_i5_h64_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 7, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(16, Activation.Relu)]
    [SimpleRnn(16, Activation.Relu)]
    [SimpleRnn(16, Activation.Relu)]
    public sealed partial class Fx_rnn_relu_i7_h16_l3 : IFloatModel<Fx_rnn_relu_i7_h16_l3.State>
    {
    }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(17)]
    [SimpleRnn(17)]
    public sealed partial class Fx_rnn_tanh_i3_h17_l2 : IFloatModel<Fx_rnn_tanh_i3_h17_l2.State>
    {
    }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(33, UseBias = false)]
    [SimpleRnn(33, UseBias = false)]
    public sealed partial class Fx_rnn_tanh_i4_h33_l2_nobias : IFloatModel<Fx_rnn_tanh_i4_h33_l2_nobias.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(129)]
    public sealed partial class Fx_rnn_tanh_i5_h129_l1 : IFloatModel<Fx_rnn_tanh_i5_h129_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(16)]
    public sealed partial class Fx_rnn_tanh_i5_h16_l1 : IFloatModel<Fx_rnn_tanh_i5_h16_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(17)]
    public sealed partial class Fx_rnn_tanh_i5_h17_l1 : IFloatModel<Fx_rnn_tanh_i5_h17_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(1)]
    public sealed partial class Fx_rnn_tanh_i5_h1_l1 : IFloatModel<Fx_rnn_tanh_i5_h1_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(3)]
    public sealed partial class Fx_rnn_tanh_i5_h3_l1 : IFloatModel<Fx_rnn_tanh_i5_h3_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(64)]
    public sealed partial class Fx_rnn_tanh_i5_h64_l1 : IFloatModel<Fx_rnn_tanh_i5_h64_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 7, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(16)]
    [SimpleRnn(16)]
    [SimpleRnn(16)]
    public sealed partial class Fx_rnn_tanh_i7_h16_l3 : IFloatModel<Fx_rnn_tanh_i7_h16_l3.State>
    {
    }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [Gru(17, ResetAfter = false)]
    [Gru(17, ResetAfter = false)]
    public sealed partial class Fx_grubefore_i3_h17_l2 : IFloatModel<Fx_grubefore_i3_h17_l2.State>
    {
    }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [Gru(33, UseBias = false, ResetAfter = false)]
    [Gru(33, UseBias = false, ResetAfter = false)]
    public sealed partial class Fx_grubefore_i4_h33_l2_nobias : IFloatModel<Fx_grubefore_i4_h33_l2_nobias.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Gru(129, ResetAfter = false)]
    public sealed partial class Fx_grubefore_i5_h129_l1 : IFloatModel<Fx_grubefore_i5_h129_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Gru(16, ResetAfter = false)]
    public sealed partial class Fx_grubefore_i5_h16_l1 : IFloatModel<Fx_grubefore_i5_h16_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Gru(17, ResetAfter = false)]
    public sealed partial class Fx_grubefore_i5_h17_l1 : IFloatModel<Fx_grubefore_i5_h17_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Gru(1, ResetAfter = false)]
    public sealed partial class Fx_grubefore_i5_h1_l1 : IFloatModel<Fx_grubefore_i5_h1_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Gru(3, ResetAfter = false)]
    public sealed partial class Fx_grubefore_i5_h3_l1 : IFloatModel<Fx_grubefore_i5_h3_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Gru(64, ResetAfter = false)]
    public sealed partial class Fx_grubefore_i5_h64_l1 : IFloatModel<Fx_grubefore_i5_h64_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 7, SequenceLength = 8, BatchSize = 4)]
    [Gru(16, ResetAfter = false)]
    [Gru(16, ResetAfter = false)]
    [Gru(16, ResetAfter = false)]
    public sealed partial class Fx_grubefore_i7_h16_l3 : IFloatModel<Fx_grubefore_i7_h16_l3.State>
    {
    }

    /// <summary>Every conformance model by name, with the configuration the scalar reference needs.</summary>
    public static partial class ConformanceModels
    {
        static ConformanceModels()
        {
            Add<Fx_gru_i3_h17_l2, Fx_gru_i3_h17_l2.State>(new("gru_i3_h17_l2", "gru", 3, 17, 2, true, true));
            Add<Fx_gru_i4_h33_l2_nobias, Fx_gru_i4_h33_l2_nobias.State>(new("gru_i4_h33_l2_nobias", "gru", 4, 33, 2, false, true));
            Add<Fx_gru_i5_h129_l1, Fx_gru_i5_h129_l1.State>(new("gru_i5_h129_l1", "gru", 5, 129, 1, true, true));
            Add<Fx_gru_i5_h16_l1, Fx_gru_i5_h16_l1.State>(new("gru_i5_h16_l1", "gru", 5, 16, 1, true, true));
            Add<Fx_gru_i5_h17_l1, Fx_gru_i5_h17_l1.State>(new("gru_i5_h17_l1", "gru", 5, 17, 1, true, true));
            Add<Fx_gru_i5_h1_l1, Fx_gru_i5_h1_l1.State>(new("gru_i5_h1_l1", "gru", 5, 1, 1, true, true));
            Add<Fx_gru_i5_h3_l1, Fx_gru_i5_h3_l1.State>(new("gru_i5_h3_l1", "gru", 5, 3, 1, true, true));
            Add<Fx_gru_i5_h64_l1, Fx_gru_i5_h64_l1.State>(new("gru_i5_h64_l1", "gru", 5, 64, 1, true, true));
            Add<Fx_gru_i7_h16_l3, Fx_gru_i7_h16_l3.State>(new("gru_i7_h16_l3", "gru", 7, 16, 3, true, true));
            Add<Fx_lstm_i3_h17_l2, Fx_lstm_i3_h17_l2.State>(new("lstm_i3_h17_l2", "lstm", 3, 17, 2, true, true));
            Add<Fx_lstm_i4_h33_l2_nobias, Fx_lstm_i4_h33_l2_nobias.State>(new("lstm_i4_h33_l2_nobias", "lstm", 4, 33, 2, false, true));
            Add<Fx_lstm_i5_h129_l1, Fx_lstm_i5_h129_l1.State>(new("lstm_i5_h129_l1", "lstm", 5, 129, 1, true, true));
            Add<Fx_lstm_i5_h16_l1, Fx_lstm_i5_h16_l1.State>(new("lstm_i5_h16_l1", "lstm", 5, 16, 1, true, true));
            Add<Fx_lstm_i5_h200_l2, Fx_lstm_i5_h200_l2.State>(new("lstm_i5_h200_l2", "lstm", 5, 200, 2, true, true));
            Add<Fx_gru_i5_h300_l1, Fx_gru_i5_h300_l1.State>(new("gru_i5_h300_l1", "gru", 5, 300, 1, true, true));
            Add<Fx_rnn_tanh_i5_h801_l1, Fx_rnn_tanh_i5_h801_l1.State>(new("rnn_tanh_i5_h801_l1", "rnn_tanh", 5, 801, 1, true, true));
            Add<Fx_lstm_i5_h17_l1, Fx_lstm_i5_h17_l1.State>(new("lstm_i5_h17_l1", "lstm", 5, 17, 1, true, true));
            Add<Fx_lstm_i5_h1_l1, Fx_lstm_i5_h1_l1.State>(new("lstm_i5_h1_l1", "lstm", 5, 1, 1, true, true));
            Add<Fx_lstm_i5_h3_l1, Fx_lstm_i5_h3_l1.State>(new("lstm_i5_h3_l1", "lstm", 5, 3, 1, true, true));
            Add<Fx_lstm_i5_h64_l1, Fx_lstm_i5_h64_l1.State>(new("lstm_i5_h64_l1", "lstm", 5, 64, 1, true, true));
            Add<Fx_lstm_i7_h16_l3, Fx_lstm_i7_h16_l3.State>(new("lstm_i7_h16_l3", "lstm", 7, 16, 3, true, true));
            Add<Fx_rnn_relu_i3_h17_l2, Fx_rnn_relu_i3_h17_l2.State>(new("rnn_relu_i3_h17_l2", "rnn_relu", 3, 17, 2, true, true));
            Add<Fx_rnn_relu_i4_h33_l2_nobias, Fx_rnn_relu_i4_h33_l2_nobias.State>(new("rnn_relu_i4_h33_l2_nobias", "rnn_relu", 4, 33, 2, false, true));
            Add<Fx_rnn_relu_i5_h129_l1, Fx_rnn_relu_i5_h129_l1.State>(new("rnn_relu_i5_h129_l1", "rnn_relu", 5, 129, 1, true, true));
            Add<Fx_rnn_relu_i5_h16_l1, Fx_rnn_relu_i5_h16_l1.State>(new("rnn_relu_i5_h16_l1", "rnn_relu", 5, 16, 1, true, true));
            Add<Fx_rnn_relu_i5_h17_l1, Fx_rnn_relu_i5_h17_l1.State>(new("rnn_relu_i5_h17_l1", "rnn_relu", 5, 17, 1, true, true));
            Add<Fx_rnn_relu_i5_h1_l1, Fx_rnn_relu_i5_h1_l1.State>(new("rnn_relu_i5_h1_l1", "rnn_relu", 5, 1, 1, true, true));
            Add<Fx_rnn_relu_i5_h3_l1, Fx_rnn_relu_i5_h3_l1.State>(new("rnn_relu_i5_h3_l1", "rnn_relu", 5, 3, 1, true, true));
            Add<Fx_rnn_relu_i5_h64_l1, Fx_rnn_relu_i5_h64_l1.State>(new("rnn_relu_i5_h64_l1", "rnn_relu", 5, 64, 1, true, true));
            Add<Fx_rnn_relu_i7_h16_l3, Fx_rnn_relu_i7_h16_l3.State>(new("rnn_relu_i7_h16_l3", "rnn_relu", 7, 16, 3, true, true));
            Add<Fx_rnn_tanh_i3_h17_l2, Fx_rnn_tanh_i3_h17_l2.State>(new("rnn_tanh_i3_h17_l2", "rnn_tanh", 3, 17, 2, true, true));
            Add<Fx_rnn_tanh_i4_h33_l2_nobias, Fx_rnn_tanh_i4_h33_l2_nobias.State>(new("rnn_tanh_i4_h33_l2_nobias", "rnn_tanh", 4, 33, 2, false, true));
            Add<Fx_rnn_tanh_i5_h129_l1, Fx_rnn_tanh_i5_h129_l1.State>(new("rnn_tanh_i5_h129_l1", "rnn_tanh", 5, 129, 1, true, true));
            Add<Fx_rnn_tanh_i5_h16_l1, Fx_rnn_tanh_i5_h16_l1.State>(new("rnn_tanh_i5_h16_l1", "rnn_tanh", 5, 16, 1, true, true));
            Add<Fx_rnn_tanh_i5_h17_l1, Fx_rnn_tanh_i5_h17_l1.State>(new("rnn_tanh_i5_h17_l1", "rnn_tanh", 5, 17, 1, true, true));
            Add<Fx_rnn_tanh_i5_h1_l1, Fx_rnn_tanh_i5_h1_l1.State>(new("rnn_tanh_i5_h1_l1", "rnn_tanh", 5, 1, 1, true, true));
            Add<Fx_rnn_tanh_i5_h3_l1, Fx_rnn_tanh_i5_h3_l1.State>(new("rnn_tanh_i5_h3_l1", "rnn_tanh", 5, 3, 1, true, true));
            Add<Fx_rnn_tanh_i5_h64_l1, Fx_rnn_tanh_i5_h64_l1.State>(new("rnn_tanh_i5_h64_l1", "rnn_tanh", 5, 64, 1, true, true));
            Add<Fx_rnn_tanh_i7_h16_l3, Fx_rnn_tanh_i7_h16_l3.State>(new("rnn_tanh_i7_h16_l3", "rnn_tanh", 7, 16, 3, true, true));
            Add<Fx_grubefore_i3_h17_l2, Fx_grubefore_i3_h17_l2.State>(new("grubefore_i3_h17_l2", "gru", 3, 17, 2, true, false));
            Add<Fx_grubefore_i4_h33_l2_nobias, Fx_grubefore_i4_h33_l2_nobias.State>(new("grubefore_i4_h33_l2_nobias", "gru", 4, 33, 2, false, false));
            Add<Fx_grubefore_i5_h129_l1, Fx_grubefore_i5_h129_l1.State>(new("grubefore_i5_h129_l1", "gru", 5, 129, 1, true, false));
            Add<Fx_grubefore_i5_h16_l1, Fx_grubefore_i5_h16_l1.State>(new("grubefore_i5_h16_l1", "gru", 5, 16, 1, true, false));
            Add<Fx_grubefore_i5_h17_l1, Fx_grubefore_i5_h17_l1.State>(new("grubefore_i5_h17_l1", "gru", 5, 17, 1, true, false));
            Add<Fx_grubefore_i5_h1_l1, Fx_grubefore_i5_h1_l1.State>(new("grubefore_i5_h1_l1", "gru", 5, 1, 1, true, false));
            Add<Fx_grubefore_i5_h3_l1, Fx_grubefore_i5_h3_l1.State>(new("grubefore_i5_h3_l1", "gru", 5, 3, 1, true, false));
            Add<Fx_grubefore_i5_h64_l1, Fx_grubefore_i5_h64_l1.State>(new("grubefore_i5_h64_l1", "gru", 5, 64, 1, true, false));
            Add<Fx_grubefore_i7_h16_l3, Fx_grubefore_i7_h16_l3.State>(new("grubefore_i7_h16_l3", "gru", 7, 16, 3, true, false));
            AddVariants();
            AddReversed();
        }
    }
}
