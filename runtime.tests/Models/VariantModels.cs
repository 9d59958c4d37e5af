// Cell variants beyond PyTorch's (configurable activations), checked against the scalar reference and finite
// differences through the same registry as the conformance models.
using RnnGen.Runtime.Tests.Helpers;

namespace RnnGen.Runtime.Tests.Models
{
    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Lstm(17, Activation = Activation.Relu, RecurrentActivation = Activation.HardSigmoid)]
    public sealed partial class Vx_lstm_relu_hard : IFloatModel<Vx_lstm_relu_hard.State>
    {
    }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [Lstm(16, Activation = Activation.Linear, RecurrentActivation = Activation.Tanh)]
    [Lstm(16, Activation = Activation.Linear, RecurrentActivation = Activation.Tanh)]
    public sealed partial class Vx_lstm_linear_tanh : IFloatModel<Vx_lstm_linear_tanh.State>
    {
    }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [Gru(17, Activation = Activation.Sigmoid, RecurrentActivation = Activation.HardSigmoid)]
    public sealed partial class Vx_gru_sigmoid_hard : IFloatModel<Vx_gru_sigmoid_hard.State>
    {
    }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [Gru(16, ResetAfter = false, Activation = Activation.Relu, RecurrentActivation = Activation.Linear)]
    [Gru(16, ResetAfter = false, Activation = Activation.Relu, RecurrentActivation = Activation.Linear)]
    public sealed partial class Vx_grubefore_relu_linear : IFloatModel<Vx_grubefore_relu_linear.State>
    {
    }

    [RecurrentNetwork(InputSize = 6, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(18, Activation.Sigmoid)]
    [SimpleRnn(18, Activation.Sigmoid)]
    public sealed partial class Vx_rnn_sigmoid : IFloatModel<Vx_rnn_sigmoid.State>
    {
    }

    [RecurrentNetwork(InputSize = 6, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(19, Activation.HardSigmoid)]
    public sealed partial class Vx_rnn_hard : IFloatModel<Vx_rnn_hard.State>
    {
    }

    [RecurrentNetwork(InputSize = 6, SequenceLength = 8, BatchSize = 4)]
    [SimpleRnn(20, Activation.Linear, UseBias = false)]
    public sealed partial class Vx_rnn_linear : IFloatModel<Vx_rnn_linear.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Lstm(17, Peepholes = true)]
    [Lstm(17, Peepholes = true)]
    public sealed partial class Vx_lstm_peephole : IFloatModel<Vx_lstm_peephole.State>
    {
    }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [Lstm(16, CoupledGates = true)]
    public sealed partial class Vx_lstm_cifg : IFloatModel<Vx_lstm_cifg.State>
    {
    }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4)]
    [Lstm(17, CoupledGates = true, Peepholes = true, UseBias = false)]
    [Lstm(17, CoupledGates = true, Peepholes = true, UseBias = false)]
    public sealed partial class Vx_lstm_cifg_peephole : IFloatModel<Vx_lstm_cifg_peephole.State>
    {
    }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4)]
    [Gru(16, Minimal = true)]
    [Gru(16, Minimal = true)]
    public sealed partial class Vx_mgu : IFloatModel<Vx_mgu.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4)]
    [Gru(17, Minimal = true, RecurrentActivation = Activation.HardSigmoid, Bidirectional = true)]
    public sealed partial class Vx_mgu_hard_bi : ISequenceModel
    {
    }

    public static partial class ConformanceModels
    {
        private static void AddVariants()
        {
            Add<Vx_lstm_relu_hard, Vx_lstm_relu_hard.State>(new("lstm_relu_hardsigmoid", "lstm", 5, 17, 1, true, true) { Activation = Activation.Relu, RecurrentActivation = Activation.HardSigmoid });
            Add<Vx_lstm_linear_tanh, Vx_lstm_linear_tanh.State>(new("lstm_linear_tanh_l2", "lstm", 3, 16, 2, true, true) { Activation = Activation.Linear, RecurrentActivation = Activation.Tanh });
            Add<Vx_gru_sigmoid_hard, Vx_gru_sigmoid_hard.State>(new("gru_sigmoid_hardsigmoid", "gru", 4, 17, 1, true, true) { Activation = Activation.Sigmoid, RecurrentActivation = Activation.HardSigmoid });
            Add<Vx_grubefore_relu_linear, Vx_grubefore_relu_linear.State>(new("grubefore_relu_linear_l2", "gru", 4, 16, 2, true, false) { Activation = Activation.Relu, RecurrentActivation = Activation.Linear });
            Add<Vx_rnn_sigmoid, Vx_rnn_sigmoid.State>(new("rnn_sigmoid_l2", "rnn_sigmoid", 6, 18, 2, true, true) { Activation = Activation.Sigmoid });
            Add<Vx_rnn_hard, Vx_rnn_hard.State>(new("rnn_hardsigmoid", "rnn_hardsigmoid", 6, 19, 1, true, true) { Activation = Activation.HardSigmoid });
            Add<Vx_rnn_linear, Vx_rnn_linear.State>(new("rnn_linear", "rnn_linear", 6, 20, 1, false, true) { Activation = Activation.Linear });
            Add<Vx_lstm_peephole, Vx_lstm_peephole.State>(new("lstm_peephole_l2", "lstm", 5, 17, 2, true, true) { Peepholes = true });
            Add<Vx_lstm_cifg, Vx_lstm_cifg.State>(new("lstm_cifg", "lstm", 4, 16, 1, true, true) { CoupledGates = true });
            Add<Vx_lstm_cifg_peephole, Vx_lstm_cifg_peephole.State>(new("lstm_cifg_peephole_l2", "lstm", 3, 17, 2, false, true) { CoupledGates = true, Peepholes = true });
            Add<Vx_mgu, Vx_mgu.State>(new("gru_minimal_l2", "gru", 4, 16, 2, true, false) { Minimal = true });
            AddSequence<Vx_mgu_hard_bi>(new("gru_minimal_hardsigmoid_bi", "gru", 5, 17, 1, true, false) { Minimal = true, RecurrentActivation = Activation.HardSigmoid, Bidirectional = true });
        }
    }
}
