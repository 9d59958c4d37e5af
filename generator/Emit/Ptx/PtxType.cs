namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>The PTX types the emitter uses: the suffix an instruction carries.</summary>
    internal enum PtxType
    {
        Pred,
        B32,
        U32,
        S32,
        F32,
        B64,
        U64,
        S64,
    }

    /// <summary>The register file a value lives in: what a register is declared as, and what a type needs.</summary>
    internal enum PtxRegisterClass
    {
        Pred,
        Int32,
        Float32,
        Int64,
    }

    internal static class PtxTypes
    {
        /// <summary>The suffix as written after an opcode: "f32", "u64", "pred".</summary>
        public static string Suffix(this PtxType type) => type switch
        {
            PtxType.Pred => "pred",
            PtxType.B32 => "b32",
            PtxType.U32 => "u32",
            PtxType.S32 => "s32",
            PtxType.F32 => "f32",
            PtxType.B64 => "b64",
            PtxType.U64 => "u64",
            _ => "s64",
        };

        public static PtxRegisterClass Class(this PtxType type) => type switch
        {
            PtxType.Pred => PtxRegisterClass.Pred,
            PtxType.F32 => PtxRegisterClass.Float32,
            PtxType.B64 or PtxType.U64 or PtxType.S64 => PtxRegisterClass.Int64,
            _ => PtxRegisterClass.Int32,
        };

        /// <summary>The type a register of the class is declared with, and its name prefix.</summary>
        public static (string Declared, string Prefix) Declaration(this PtxRegisterClass registerClass) => registerClass switch
        {
            PtxRegisterClass.Pred => ("pred", "%p"),
            PtxRegisterClass.Float32 => ("f32", "%f"),
            PtxRegisterClass.Int64 => ("b64", "%rd"),
            _ => ("b32", "%r"),
        };

        public static bool IsInteger(this PtxType type) => type is not PtxType.F32 and not PtxType.Pred;

        /// <summary>Bytes a value of the type occupies in memory.</summary>
        public static int Size(this PtxType type) => type.Class() == PtxRegisterClass.Int64 ? 8 : 4;
    }
}
