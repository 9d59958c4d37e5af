using System;
using System.Globalization;

namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>
    /// A value an instruction reads: a register, an immediate, or a special register. Each knows its register class,
    /// so a builder method can refuse an operand of the wrong kind before any text is written.
    /// </summary>
    internal abstract class PtxOperand
    {
        /// <summary>The register class the operand fits; null for an integer immediate, which fits any integer type.</summary>
        public abstract PtxRegisterClass? Class { get; }

        public abstract string Text { get; }

        public override string ToString() => Text;

        public static implicit operator PtxOperand(int value) => new PtxImmediate(value.ToString(CultureInfo.InvariantCulture), null);

        public static implicit operator PtxOperand(float value) => PtxImmediate.Float(value);

        /// <summary>A 64-bit integer literal, written in hex (the random streams' constants).</summary>
        public static implicit operator PtxOperand(ulong value) => new PtxImmediate("0x" + value.ToString("X16", CultureInfo.InvariantCulture), null);
    }

    /// <summary>A register, declared by the kernel builder that made it.</summary>
    internal sealed class PtxRegister : PtxOperand
    {
        public PtxRegister(PtxRegisterClass registerClass, int number)
        {
            RegisterClass = registerClass;
            Number = number;
        }

        public PtxRegisterClass RegisterClass { get; }

        public int Number { get; }

        public override PtxRegisterClass? Class => RegisterClass;

        public override string Text => RegisterClass.Declaration().Prefix + Number.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A literal: an integer, or a float written as its exact IEEE-754 bits (<c>0f3F800000</c>).</summary>
    internal sealed class PtxImmediate : PtxOperand
    {
        private readonly PtxRegisterClass? _class;

        public PtxImmediate(string text, PtxRegisterClass? registerClass)
        {
            Text = text;
            _class = registerClass;
        }

        public override PtxRegisterClass? Class => _class;

        public override string Text { get; }

        public static PtxImmediate Float(float value)
        {
            var bits = BitConverter.ToUInt32(BitConverter.GetBytes(value), 0);
            return new PtxImmediate("0f" + bits.ToString("X8", CultureInfo.InvariantCulture), PtxRegisterClass.Float32);
        }
    }

    /// <summary>%tid.x, %ntid.x, %ctaid.x, %nctaid.x: read with <c>mov.u32</c>.</summary>
    internal sealed class PtxSpecial : PtxOperand
    {
        private PtxSpecial(string text) => Text = text;

        public static PtxSpecial ThreadIndex { get; } = new("%tid.x");

        public static PtxSpecial BlockSize { get; } = new("%ntid.x");

        public static PtxSpecial BlockIndex { get; } = new("%ctaid.x");

        public static PtxSpecial GridSize { get; } = new("%nctaid.x");

        public override PtxRegisterClass? Class => PtxRegisterClass.Int32;

        public override string Text { get; }
    }

    /// <summary>The address of a <c>.shared</c> array (its shared-window offset), for <c>mov.u32</c>.</summary>
    internal sealed class PtxSharedSymbol : PtxOperand
    {
        public PtxSharedSymbol(string name) => Text = name;

        public override PtxRegisterClass? Class => PtxRegisterClass.Int32;

        public override string Text { get; }
    }
}
