namespace RnnGen
{
    /// <summary>The cell a recurrent layer runs.</summary>
    public enum CellType
    {
        /// <summary>Elman RNN: h' = act(W_ih x + W_hh h + b).</summary>
        SimpleRnn = 0,

        /// <summary>Long short-term memory (gates i, f, g, o; a cell state c besides h).</summary>
        Lstm = 1,

        /// <summary>Gated recurrent unit (gates r, z, n).</summary>
        Gru = 2,
    }
}
