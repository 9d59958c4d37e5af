namespace RnnGen
{
    /// <summary>How a bidirectional layer combines its forward and backward outputs at each step (Keras <c>merge_mode</c>).</summary>
    /// <remarks>Shared as source with the generator, which reads the numeric values from attribute metadata.</remarks>
#if RNNGEN_GENERATOR
    internal enum MergeMode // The generator's copy stays internal so it cannot clash with the runtime's.
#else
    public enum MergeMode
#endif
    {
        /// <summary>[forward, backward]: 2 × units wide (the default; PyTorch's only mode).</summary>
        Concat = 0,

        /// <summary>forward + backward.</summary>
        Sum = 1,

        /// <summary>forward ⊙ backward.</summary>
        Multiply = 2,

        /// <summary>(forward + backward) / 2.</summary>
        Average = 3,
    }
}
