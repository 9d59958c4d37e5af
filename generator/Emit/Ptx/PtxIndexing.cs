namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>Address arithmetic on float and int arrays: element offsets in 32 bits, byte addresses in 64.</summary>
    internal static class PtxIndexing
    {
        /// <summary>base + 4·index, for a global array of 4-byte elements.</summary>
        public static PtxRegister Element(this PtxKernelBuilder k, PtxRegister globalBase, PtxOperand index) =>
            k.Add(PtxType.U64, globalBase, k.MulWide(PtxType.S32, index, 4));

        /// <summary>base + 4·index in the shared window.</summary>
        public static PtxRegister SharedElement(this PtxKernelBuilder k, PtxRegister sharedBase, PtxOperand index) =>
            k.Fma(PtxType.S32, index, 4, sharedBase);

        /// <summary>a·b + c in 32-bit integers.</summary>
        public static PtxRegister MulAdd(this PtxKernelBuilder k, PtxOperand a, PtxOperand b, PtxOperand c) =>
            k.Fma(PtxType.S32, a, b, c);
    }
}
