namespace RnnGen
{
    /// <summary>
    /// The number format of the weight copy that a model's streaming <c>Step</c> reads
    /// (<c>[RecurrentNetwork(Weights = ...)]</c>). The fp32 parameters stay the source of truth for import, export,
    /// <c>Forward</c> and training; the smaller copy is made from them.
    /// </summary>
    /// <remarks>Shared as source with the generator, which reads the numeric values from attribute metadata.</remarks>
#if RNNGEN_GENERATOR
    internal enum WeightFormat // The generator's copy stays internal so it cannot clash with the runtime's.
#else
    public enum WeightFormat
#endif
    {
        /// <summary>32-bit floats: Step reads the parameters themselves (the default).</summary>
        Float32 = 0,

        /// <summary>
        /// bfloat16 (the top 16 bits of a float, rounded to nearest even): half the bytes per weight, widened back to
        /// float in registers; about 3 significant decimal digits per weight.
        /// </summary>
        BFloat16 = 1,

        /// <summary>
        /// 8-bit integers with one float scale per row of each matrix (per gate and unit): a quarter of the bytes.
        /// Step also rounds each input vector to 8 bits (one scale per vector) and accumulates exact int32 dot products
        /// (AVX-VNNI where the CPU has it).
        /// </summary>
        Int8 = 2,
    }
}
