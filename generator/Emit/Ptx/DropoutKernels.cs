namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>
    /// Training-only dropout on the device, one thread per element: drawing a site's mask from the same counter-based
    /// stream as the CPU (<c>RnnGen.Numerics.DropoutMasks</c>: element i of a draw is SplitMix64 of
    /// state + (i + 1)·γ, so every thread computes its own element and the masks are the CPU's bit for bit), and
    /// multiplying rows by the mask of their sequence (forward values, and gradients in place).
    /// </summary>
    internal static class DropoutKernels
    {
        public const string Sample = "rnngen_dropout_sample";
        public const string Apply = "rnngen_dropout_apply";

        /// <summary>The SplitMix64 increment (2^64 / φ) and its two finaliser multipliers.</summary>
        private const ulong Gamma = 0x9E3779B97F4A7C15UL;
        private const ulong Mix1 = 0xBF58476D1CE4E5B9UL;
        private const ulong Mix2 = 0x94D049BB133111EBUL;

        /// <summary>
        /// mask[i] = u_i &lt; rate ? 0 : keep for i &lt; count, u_i the 24 high bits of SplitMix64(state + (i + 1)·γ)
        /// over 2^24. Parameters: ws, mask, count, rate, keep, state.
        /// </summary>
        public static PtxKernelBuilder BuildSample()
        {
            var k = SequenceKernels.Start(Sample, "A dropout mask: 0 with probability rate, else keep = 1 / (1 - rate); element i from SplitMix64(state + (i + 1)·γ), as the CPU.");
            var ws = k.Pointer("ws");
            var mask = k.Parameter("mask", PtxType.S32);
            var count = k.Parameter("count", PtxType.S32);
            var rate = k.Parameter("rate", PtxType.F32);
            var keep = k.Parameter("keep", PtxType.F32);
            var state = k.Parameter("state", PtxType.U64);
            var (i, end) = SequenceKernels.Index(k, count);
            var z = k.Add(PtxType.U64, state, k.Mul(PtxType.U64, k.Convert(PtxType.U64, PtxType.U32, k.Add(PtxType.S32, i, 1)), Gamma));
            z = k.Mul(PtxType.U64, k.Xor64(z, k.ShiftRight64(z, 30)), Mix1);
            z = k.Mul(PtxType.U64, k.Xor64(z, k.ShiftRight64(z, 27)), Mix2);
            z = k.Xor64(z, k.ShiftRight64(z, 31));
            var high = k.Convert(PtxType.U32, PtxType.U64, k.ShiftRight64(z, 40));
            var u = k.Mul(PtxType.F32, k.Convert(PtxType.F32, PtxType.U32, high), 1f / (1 << 24)); // exact: 24 bits
            var value = k.Select(PtxType.F32, 0f, keep, k.Compare(PtxCompare.Lt, PtxType.F32, u, rate));
            k.Store(PtxSpace.Global, PtxType.F32, k.Element(ws, k.Add(PtxType.S32, mask, i)), value);
            SequenceKernels.Finish(k, end);
            return k;
        }

        /// <summary>
        /// dst[i] = src[i] · mask[b][j] for the count elements of rows [r][stride], r = t·batch + b, j = i mod stride:
        /// every step of sequence b times its mask row. In place when src and dst coincide.
        /// Parameters: src, dst, masks, srcOffset, dstOffset, maskOffset, stride, batch, count.
        /// </summary>
        public static PtxKernelBuilder BuildApply()
        {
            var k = SequenceKernels.Start(Apply, "Rows times their sequence's dropout mask: a dropped layer input, h(t-1) for W_hh, the head's input, or a gradient through them.");
            var src = k.Pointer("src");
            var dst = k.Pointer("dst");
            var masks = k.Pointer("masks");
            var srcOffset = k.Parameter("srcOffset", PtxType.S32);
            var dstOffset = k.Parameter("dstOffset", PtxType.S32);
            var maskOffset = k.Parameter("maskOffset", PtxType.S32);
            var stride = k.Parameter("stride", PtxType.S32);
            var batch = k.Parameter("batch", PtxType.S32);
            var count = k.Parameter("count", PtxType.S32);
            var (i, end) = SequenceKernels.Index(k, count);
            var j = k.Rem(PtxType.S32, i, stride);
            var b = k.Rem(PtxType.S32, k.Div(PtxType.S32, i, stride), batch);
            var m = k.Load(PtxSpace.Global, PtxType.F32, k.Element(masks, k.Add(PtxType.S32, k.MulAdd(b, stride, j), maskOffset)));
            var x = k.Load(PtxSpace.Global, PtxType.F32, k.Element(src, k.Add(PtxType.S32, i, srcOffset)));
            k.Store(PtxSpace.Global, PtxType.F32, k.Element(dst, k.Add(PtxType.S32, i, dstOffset)), k.Mul(PtxType.F32, x, m));
            SequenceKernels.Finish(k, end);
            return k;
        }
    }
}
