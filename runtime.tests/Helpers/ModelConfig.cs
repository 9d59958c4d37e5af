namespace RnnGen.Runtime.Tests.Helpers
{
    /// <summary>A conformance model's shape: what the scalar reference needs to rebuild it.</summary>
    /// <param name="Name">Fixture name, e.g. <c>lstm_i5_h17_l1</c>.</param>
    /// <param name="Cell">rnn_tanh, rnn_relu, lstm or gru (PyTorch's names).</param>
    public sealed record ModelConfig(string Name, string Cell, int Input, int Hidden, int Layers, bool Bias, bool ResetAfter)
    {
        public int Gates => Cell switch
        {
            "lstm" => CoupledGates ? 3 : 4,
            "gru" => Minimal ? 2 : 3,
            _ => 1,
        };

        /// <summary>LSTM with peephole vectors peephole_{i,f,o}_l{k}.</summary>
        public bool Peepholes { get; init; }

        /// <summary>LSTM with coupled input-forget gates: gates f, g, o and i = 1 - f.</summary>
        public bool CoupledGates { get; init; }

        /// <summary>The minimal GRU: gates f, n.</summary>
        public bool Minimal { get; init; }

        /// <summary>Every layer is bidirectional, merged by <see cref="MergeMode"/>.</summary>
        public bool Bidirectional { get; init; }

        public MergeMode MergeMode { get; init; } = MergeMode.Concat;

        /// <summary>Every layer runs backwards in time (Keras go_backwards).</summary>
        public bool GoBackwards { get; init; }

        /// <summary>Recurrent states: one per layer and direction.</summary>
        public int States => Layers * (Bidirectional ? 2 : 1);

        /// <summary>Width of an output row: the hidden size, or twice it for a concatenating bidirectional network.</summary>
        public int OutputWidth => Bidirectional && MergeMode == MergeMode.Concat ? 2 * Hidden : Hidden;

        /// <summary>Whether the generated model can Step (nothing runs backwards in time).</summary>
        public bool CanStream => !Bidirectional && !GoBackwards;

        /// <summary>SimpleRNN's activation (rnn_relu means Relu), or the LSTM/GRU candidate's; Tanh by default.</summary>
        public Activation Activation { get; init; } = Activation.Tanh;

        /// <summary>The LSTM/GRU gates' activation; Sigmoid by default.</summary>
        public Activation RecurrentActivation { get; init; } = Activation.Sigmoid;

        public override string ToString() => Name;
    }
}
