namespace RnnGen.Generator.Model
{
    /// <summary>
    /// What the user asked for, read from the attributes: the incremental cache boundary. It holds no symbols,
    /// syntax or locations, only values, so an unchanged declaration yields an equal spec and nothing is re-emitted.
    /// </summary>
    internal sealed record ModelSpec(
        TypeShellSpec Shell,
        InputSpec Input,
        EquatableArray<RecurrentLayerSpec> Layers,
        DenseSpec? Head,
        int MaxSequenceLength,
        int MaxBatchSize)
    {
        /// <summary>Also emit PTX kernels and <c>ToCuda</c> (<c>[RecurrentNetwork(Cuda = true)]</c>).</summary>
        public bool Cuda { get; init; }

        /// <summary>σ and tanh from <c>tanh.approx.f32</c> in the GPU kernels (sm_75+, ~2^-11 relative error).</summary>
        public bool CudaFastMath { get; init; }

        /// <summary>The weight format Step reads (<c>[RecurrentNetwork(Weights = ...)]</c>); fp32 by default.</summary>
        public WeightFormat Weights { get; init; }
    }

    /// <summary>How each step's input arrives: float features, or token ids looked up in an embedding table.</summary>
    internal sealed record InputSpec(int Features, int Vocabulary, int EmbeddingDimension)
    {
        public bool IsEmbedding => Vocabulary > 0;

        /// <summary>Width of the vector the first recurrent layer reads.</summary>
        public int Width => IsEmbedding ? EmbeddingDimension : Features;
    }

    /// <summary>The cell a recurrent layer runs.</summary>
    internal enum CellKind
    {
        SimpleRnn,
        Lstm,
        Gru,
    }

    /// <summary>One recurrent layer, in the order the attributes were written.</summary>
    /// <param name="Dropout">Training-only dropout rate of the layer's input, in [0, 1).</param>
    /// <param name="RecurrentDropout">Training-only dropout rate of h(t-1) in the W_hh products, in [0, 1).</param>
    /// <param name="Activation">SimpleRNN's non-linearity; the candidate's (and LSTM cell output's) for LSTM and GRU.</param>
    /// <param name="RecurrentActivation">The gates' non-linearity (LSTM i, f, o; GRU r, z); Sigmoid for SimpleRNN (unused).</param>
    /// <param name="GoBackwards">Runs over reversed time and returns its outputs in that order (Keras go_backwards).</param>
    /// <param name="Bidirectional">A forward and a reversed copy with their own weights, merged by <paramref name="MergeMode"/>.</param>
    internal sealed record RecurrentLayerSpec(
        CellKind Cell,
        int Units,
        Activation Activation,
        bool UseBias,
        bool ReturnSequences,
        bool ResetAfter,
        float Dropout,
        float RecurrentDropout,
        Activation RecurrentActivation,
        bool GoBackwards,
        bool Bidirectional,
        MergeMode MergeMode)
    {
        /// <summary>LSTM with peephole connections.</summary>
        public bool Peepholes { get; init; }

        /// <summary>LSTM with coupled input and forget gates (gates f, g, o).</summary>
        public bool CoupledGates { get; init; }

        /// <summary>The minimal GRU (gates f, n; reset-before structure).</summary>
        public bool Minimal { get; init; }
    }

    /// <summary>The optional fully connected output head.</summary>
    /// <param name="Dropout">Training-only dropout rate of the head's input, in [0, 1).</param>
    internal sealed record DenseSpec(int Units, Activation Activation, bool UseBias, float Dropout);
}
