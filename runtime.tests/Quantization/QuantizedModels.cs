// Reduced-precision twins of conformance and variant models: the same layers with Weights = BFloat16 or Int8, so a
// test can copy the parameters of the fp32 model across and compare Step outputs.
using RnnGen.Runtime.Tests.Helpers;

namespace RnnGen.Runtime.Tests.Quantization
{
    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4, Weights = WeightFormat.Int8)]
    [Lstm(129)]
    public sealed partial class Q8_lstm_i5_h129_l1 : IFloatModel<Q8_lstm_i5_h129_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4, Weights = WeightFormat.BFloat16)]
    [Lstm(129)]
    public sealed partial class Q16_lstm_i5_h129_l1 : IFloatModel<Q16_lstm_i5_h129_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4, Weights = WeightFormat.Int8)]
    [Gru(129)]
    public sealed partial class Q8_gru_i5_h129_l1 : IFloatModel<Q8_gru_i5_h129_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 4, Weights = WeightFormat.BFloat16)]
    [Gru(129)]
    public sealed partial class Q16_gru_i5_h129_l1 : IFloatModel<Q16_gru_i5_h129_l1.State>
    {
    }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4, Weights = WeightFormat.Int8)]
    [Lstm(17)]
    [Lstm(17)]
    public sealed partial class Q8_lstm_i3_h17_l2 : IFloatModel<Q8_lstm_i3_h17_l2.State>
    {
    }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 4, Weights = WeightFormat.BFloat16)]
    [Lstm(17)]
    [Lstm(17)]
    public sealed partial class Q16_lstm_i3_h17_l2 : IFloatModel<Q16_lstm_i3_h17_l2.State>
    {
    }

    [RecurrentNetwork(InputSize = 7, SequenceLength = 8, BatchSize = 4, Weights = WeightFormat.Int8)]
    [Gru(16)]
    [Gru(16)]
    [Gru(16)]
    public sealed partial class Q8_gru_i7_h16_l3 : IFloatModel<Q8_gru_i7_h16_l3.State>
    {
    }

    [RecurrentNetwork(InputSize = 7, SequenceLength = 8, BatchSize = 4, Weights = WeightFormat.BFloat16)]
    [Gru(16)]
    [Gru(16)]
    [Gru(16)]
    public sealed partial class Q16_gru_i7_h16_l3 : IFloatModel<Q16_gru_i7_h16_l3.State>
    {
    }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4, Weights = WeightFormat.Int8)]
    [SimpleRnn(33, Activation.Relu, UseBias = false)]
    [SimpleRnn(33, Activation.Relu, UseBias = false)]
    public sealed partial class Q8_rnn_relu_i4_h33_l2_nobias : IFloatModel<Q8_rnn_relu_i4_h33_l2_nobias.State>
    {
    }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4, Weights = WeightFormat.BFloat16)]
    [SimpleRnn(33, Activation.Relu, UseBias = false)]
    [SimpleRnn(33, Activation.Relu, UseBias = false)]
    public sealed partial class Q16_rnn_relu_i4_h33_l2_nobias : IFloatModel<Q16_rnn_relu_i4_h33_l2_nobias.State>
    {
    }

    // Cell variants: GRU reset_after = false (two W_hh passes), minimal GRU, LSTM with peepholes and coupled gates.
    [RecurrentNetwork(InputSize = 6, SequenceLength = 8, BatchSize = 2)]
    [Gru(20, ResetAfter = false)]
    [Gru(19, Minimal = true)]
    [Lstm(18, Peepholes = true, CoupledGates = true)]
    public sealed partial class F32_variants : IFloatModel<F32_variants.State>
    {
    }

    [RecurrentNetwork(InputSize = 6, SequenceLength = 8, BatchSize = 2, Weights = WeightFormat.Int8)]
    [Gru(20, ResetAfter = false)]
    [Gru(19, Minimal = true)]
    [Lstm(18, Peepholes = true, CoupledGates = true)]
    public sealed partial class Q8_variants : IFloatModel<Q8_variants.State>
    {
    }

    [RecurrentNetwork(InputSize = 6, SequenceLength = 8, BatchSize = 2, Weights = WeightFormat.BFloat16)]
    [Gru(20, ResetAfter = false)]
    [Gru(19, Minimal = true)]
    [Lstm(18, Peepholes = true, CoupledGates = true)]
    public sealed partial class Q16_variants : IFloatModel<Q16_variants.State>
    {
    }

    // Token input (the projection gathers embedding rows) and a softmax head (which stays fp32).
    [RecurrentNetwork(SequenceLength = 8)]
    [Embedding(30, 12)]
    [Lstm(40)]
    [Dense(30, Activation.Softmax)]
    public sealed partial class F32_embedding
    {
    }

    [RecurrentNetwork(SequenceLength = 8, Weights = WeightFormat.Int8)]
    [Embedding(30, 12)]
    [Lstm(40)]
    [Dense(30, Activation.Softmax)]
    public sealed partial class Q8_embedding
    {
    }

    [RecurrentNetwork(SequenceLength = 8, Weights = WeightFormat.BFloat16)]
    [Embedding(30, 12)]
    [Lstm(40)]
    [Dense(30, Activation.Softmax)]
    public sealed partial class Q16_embedding
    {
    }
}

namespace RnnGen.Runtime.Tests.Quantization
{
    /// <summary>The character model of the bits-per-character test, trained as it is (Forward and Backward use fp32).</summary>
    [RecurrentNetwork(SequenceLength = 32, BatchSize = 16, Weights = WeightFormat.Int8)]
    [Embedding(98, 16)]
    [Lstm(128)]
    [Dense(98, Activation.Softmax)]
    public sealed partial class Q8CharModel
    {
    }

    /// <summary><see cref="Q8CharModel"/>'s layers with bfloat16 weights in Step.</summary>
    [RecurrentNetwork(SequenceLength = 32, BatchSize = 16, Weights = WeightFormat.BFloat16)]
    [Embedding(98, 16)]
    [Lstm(128)]
    [Dense(98, Activation.Softmax)]
    public sealed partial class Q16CharModel
    {
    }

    /// <summary><see cref="Q8CharModel"/>'s layers with fp32 weights in Step: the reference.</summary>
    [RecurrentNetwork(SequenceLength = 32, BatchSize = 16)]
    [Embedding(98, 16)]
    [Lstm(128)]
    [Dense(98, Activation.Softmax)]
    public sealed partial class F32CharModel
    {
    }
}
