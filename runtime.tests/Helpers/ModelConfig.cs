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

        public override string ToString() => Name;
    }
}
