namespace RnnGen
{
    /// <summary>One recurrent layer of a generated network, as its attribute declared it (see <see cref="NetworkDescription"/>).</summary>
    /// <param name="Cell">The cell.</param>
    /// <param name="Units">Hidden units per direction.</param>
    /// <param name="InputSize">Floats the layer reads per step (the embedding, the input features or the previous layer's output).</param>
    /// <param name="UseBias">Whether the layer has biases.</param>
    /// <param name="ReturnSequences">Whether the layer passes on every step (false: only the last step).</param>
    /// <param name="GoBackwards">Runs over reversed time (Keras <c>go_backwards</c>).</param>
    /// <param name="Bidirectional">A forward and a reversed copy with their own weights, merged by <paramref name="MergeMode"/>.</param>
    /// <param name="MergeMode">How a bidirectional layer's two directions are merged.</param>
    /// <param name="Activation">SimpleRNN's non-linearity; the candidate's (and LSTM cell output's) for LSTM and GRU.</param>
    /// <param name="RecurrentActivation">The gates' non-linearity (LSTM i, f, o; GRU r, z).</param>
    /// <param name="ResetAfter">GRU: the reset gate multiplies (W_hn h + b_hn), as PyTorch and ONNX's <c>linear_before_reset=1</c> do.</param>
    /// <param name="Peepholes">LSTM with peephole connections.</param>
    /// <param name="CoupledGates">LSTM with coupled input and forget gates.</param>
    /// <param name="Minimal">The minimal GRU (gates f, n).</param>
    /// <param name="Dropout">Training-only dropout rate of the layer's input.</param>
    /// <param name="RecurrentDropout">Training-only dropout rate of h(t-1) in the recurrent products.</param>
    public sealed record RecurrentLayerInfo(
        CellType Cell,
        int Units,
        int InputSize,
        bool UseBias,
        bool ReturnSequences,
        bool GoBackwards,
        bool Bidirectional,
        MergeMode MergeMode,
        Activation Activation,
        Activation RecurrentActivation,
        bool ResetAfter,
        bool Peepholes,
        bool CoupledGates,
        bool Minimal,
        float Dropout,
        float RecurrentDropout)
    {
        /// <summary>Floats the layer writes per step: <c>2 × Units</c> for a concatenated bidirectional layer, else <c>Units</c>.</summary>
        public int OutputSize => Bidirectional && MergeMode == MergeMode.Concat ? 2 * Units : Units;

        /// <summary>Whether the cell carries a cell state c besides h (LSTM).</summary>
        public bool HasCellState => Cell == CellType.Lstm;

        /// <summary>The layer as text, e.g. <c>LSTM(256)</c> or <c>Bidirectional(GRU(64), Concat)</c>.</summary>
        public override string ToString()
        {
            string cell = (Cell switch { CellType.Lstm => "LSTM", CellType.Gru => "GRU", _ => "SimpleRNN" }) + "(" + Units + ")";
            return Bidirectional ? "Bidirectional(" + cell + ", " + MergeMode + ")" : GoBackwards ? "Reversed(" + cell + ")" : cell;
        }
    }
}
