namespace RnnGen.Runtime.Tests.Helpers
{
    /// <summary>A conformance model's shape: what the scalar reference needs to rebuild it.</summary>
    /// <param name="Name">Fixture name, e.g. <c>lstm_i5_h17_l1</c>.</param>
    /// <param name="Cell">rnn_tanh, rnn_relu, lstm or gru (PyTorch's names).</param>
    public sealed record ModelConfig(string Name, string Cell, int Input, int Hidden, int Layers, bool Bias, bool ResetAfter)
    {
        public int Gates => Cell switch
        {
            "lstm" => 4,
            "gru" => 3,
            _ => 1,
        };

        /// <summary>SimpleRNN's activation (rnn_relu means Relu), or the LSTM/GRU candidate's; Tanh by default.</summary>
        public Activation Activation { get; init; } = Activation.Tanh;

        /// <summary>The LSTM/GRU gates' activation; Sigmoid by default.</summary>
        public Activation RecurrentActivation { get; init; } = Activation.Sigmoid;

        public override string ToString() => Name;
    }
}
