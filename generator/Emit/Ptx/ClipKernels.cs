namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>
    /// Gradient clipping by global L2 norm (<c>RnnGen.Training.GradientClipping.ClipByGlobalNorm</c>) on the device:
    /// per-block sums of g² (<see cref="BuildSumOfSquares"/>), <see cref="BlockSum.Finish"/> with root = 1 for the
    /// norm, then <see cref="BuildScale"/>, which reads the norm where the finish left it so the host never waits.
    /// </summary>
    internal static class ClipKernels
    {
        public const string SumOfSquares = "rnngen_sum_of_squares";
        public const string Scale = "rnngen_clip_scale";

        /// <summary>partials[block] = Σ g² over the block's elements. Parameters: values, partials, count.</summary>
        public static PtxKernelBuilder BuildSumOfSquares()
        {
            var k = new PtxKernelBuilder(SumOfSquares) { MaxThreads = BlockSum.Threads };
            k.Comment("Pass one of the global norm: each block's sum of g^2, in a fixed order.");
            var values = k.Pointer("values");
            var partials = k.Pointer("partials");
            var count = k.Parameter("count", PtxType.S32);
            BlockSum.PerElement(k, partials, count, i =>
            {
                var g = k.Load(PtxSpace.Global, PtxType.F32, k.Element(values, i));
                return k.Mul(PtxType.F32, g, g);
            });
            return k;
        }

        /// <summary>
        /// g ← g · (maxNorm / norm) when maxNorm &lt; norm &lt; ∞; a NaN or infinite norm changes nothing (the step is
        /// skipped instead, as on the CPU). Parameters: values, count, norm (a device float), maxNorm.
        /// </summary>
        public static PtxKernelBuilder BuildScale()
        {
            var k = new PtxKernelBuilder(Scale) { MaxThreads = BlockSum.Threads };
            k.Comment("Clipping: g *= maxNorm / norm when the norm exceeds maxNorm and is finite.");
            var values = k.Pointer("values");
            var count = k.Parameter("count", PtxType.S32);
            var normAddress = k.Pointer("norm");
            var maxNorm = k.Parameter("maxNorm", PtxType.F32);
            var i = k.MulAdd(k.Special(PtxSpecial.BlockIndex), BlockSum.Threads, k.Special(PtxSpecial.ThreadIndex));
            var end = k.NewLabel("end");
            k.Branch(end, k.Compare(PtxCompare.Ge, PtxType.S32, i, count));
            var norm = k.Load(PtxSpace.Global, PtxType.F32, normAddress);
            k.Branch(end, k.Compare(PtxCompare.Le, PtxType.F32, norm, maxNorm));
            k.Branch(end, IsFinite(k, norm), negate: true);
            var at = k.Element(values, i);
            var scale = k.DivideExact(maxNorm, norm);
            k.Store(PtxSpace.Global, PtxType.F32, at, k.Mul(PtxType.F32, k.Load(PtxSpace.Global, PtxType.F32, at), scale));
            k.Label(end);
            k.Return();
            return k;
        }

        /// <summary>|x| &lt; ∞: false for ±∞ and for NaN (every ordered compare with NaN is false).</summary>
        public static PtxRegister IsFinite(PtxKernelBuilder k, PtxRegister x) =>
            k.Compare(PtxCompare.Lt, PtxType.F32, k.Abs(PtxType.F32, x), float.PositiveInfinity);
    }
}
