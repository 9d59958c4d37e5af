using System.Collections.Generic;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>The operations the executor dispatches on: one per (instruction, type) the contract lists.</summary>
    internal enum Op : byte
    {
        Mov32,
        Mov64,
        AddI32,
        SubI32,
        AddI64,
        SubI64,
        MulLoI32,
        MulLoI64,
        MulWideS32,
        MulWideU32,
        MadLoI32,
        MadWideS32,
        MadWideU32,
        DivS32,
        DivU32,
        RemS32,
        RemU32,
        MinS32,
        MinU32,
        MaxS32,
        MaxU32,
        NegS32,
        AddF32,
        SubF32,
        MulF32,
        FmaF32,
        DivF32,
        MinF32,
        MaxF32,
        NegF32,
        AbsF32,
        And32,
        Or32,
        Xor32,
        Xor64,
        Not32,
        AndPred,
        OrPred,
        XorPred,
        NotPred,
        Shl32,
        ShrU32,
        ShrU64,
        ShrS32,
        SetpS32,
        SetpU32,
        SetpS64,
        SetpU64,
        SetpF32,
        Selp32,
        CvtU64U32,
        CvtS64S32,
        CvtU32U64,
        CvtF32S32,
        CvtF32U32,
        CvtRziS32F32,
        CvtRmiF32F32,
        Ex2Approx,
        RcpApprox,
        Lg2Approx,
        SqrtF32,
        TanhApprox,
        LdGlobal,
        LdGlobalV4,
        LdShared,
        LdSharedV4,
        StGlobal,
        StShared,
        StSharedV4,
        LdAcquire,
        AtomAddU32,
        RedAddU32,
        AtomAddF32,
        Fence,
        BarSync,
        Bra,
        Exit,
    }

    /// <summary>The comparison of a setp.</summary>
    internal enum Cmp : byte
    {
        Eq,
        Ne,
        Lt,
        Le,
        Gt,
        Ge,
    }

    /// <summary>Modifiers that change how a memory operation behaves.</summary>
    internal static class InstrFlags
    {
        /// <summary>ld.global.nc: the data must not be written during the launch.</summary>
        public const byte NonCoherent = 1;

        /// <summary>atom/red .release (or the shared-address base register is 32-bit for shared accesses).</summary>
        public const byte Release = 2;

        /// <summary>The address base is a 32-bit register (shared memory).</summary>
        public const byte Address32 = 4;
    }

    /// <summary>
    /// One pre-decoded instruction. Every source is a register slot: immediates, parameters, special registers and
    /// symbol addresses live in per-thread constant slots after the declared registers, so reads never branch.
    /// </summary>
    internal struct Instr
    {
        public Op Op;
        public Cmp Cmp;
        public byte Flags;
        public bool GuardNegated;
        public int Guard;
        public int D;
        public int A;
        public int B;
        public int C;
        public int V0;
        public int V1;
        public int V2;
        public int V3;
        public int Target;
        public long Offset;
    }

    /// <summary>Where an instruction came from, for error messages.</summary>
    internal readonly record struct InstrSource(int Line, string Text);

    /// <summary>The declared type of a kernel parameter.</summary>
    internal enum ParamType
    {
        U64,
        U32,
        S32,
        F32,
    }

    /// <summary>A kernel parameter and the constant slot ld.param reads it from.</summary>
    internal readonly record struct ParamInfo(string Name, ParamType Type, int Slot);

    /// <summary>The classes of declared registers.</summary>
    internal enum RegClass : byte
    {
        Pred,
        B32,
        U32,
        S32,
        F32,
        B64,
        U64,
        S64,
        Special,
        Constant,
    }

    /// <summary>A decoded kernel: code, register layout, shared-memory layout.</summary>
    internal sealed class PtxEntry
    {
        public PtxEntry(string name) => Name = name;

        public string Name { get; }

        public Instr[] Code { get; set; } = System.Array.Empty<Instr>();

        public InstrSource[] Sources { get; set; } = System.Array.Empty<InstrSource>();

        public List<ParamInfo> Params { get; } = new();

        /// <summary>Slots 0..DeclaredRegisters-1 are the kernel's registers (garbage at start).</summary>
        public int DeclaredRegisters { get; set; }

        /// <summary>Which declared registers are predicates (initialised to garbage 0/1).</summary>
        public bool[] IsPredicate { get; set; } = System.Array.Empty<bool>();

        /// <summary>Total slots per thread: registers, then specials, then parameters, then constants.</summary>
        public int SlotCount { get; set; }

        /// <summary>First special slot: tid.x, ntid.x, ctaid.x, nctaid.x, then the constant 0 and 1 for .y/.z.</summary>
        public int SpecialBase { get; set; }

        /// <summary>Values of the constant slots (from <see cref="ConstantBase"/> on): immediates and addresses.</summary>
        public List<ulong> Constants { get; } = new();

        public int ConstantBase { get; set; }

        public int StaticSharedBytes { get; set; }

        /// <summary>Shared offset of the dynamic window (the module's .extern .shared array).</summary>
        public int DynamicSharedOffset { get; set; }

        public int MaxThreads { get; set; } = 1024;

        public bool UsesDynamicShared { get; set; }
    }

    /// <summary>A parsed module.</summary>
    internal sealed class PtxModuleImage
    {
        public Dictionary<string, PtxEntry> Entries { get; } = new(System.StringComparer.Ordinal);

        public int TargetSm { get; set; }

        public int Version { get; set; }
    }
}
