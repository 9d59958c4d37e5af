using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>Where a load or store goes.</summary>
    internal enum PtxSpace
    {
        Global,
        Shared,
    }

    /// <summary>
    /// The cache path of a global access: default; <c>.nc</c> (read-only: nothing writes the data during the launch);
    /// <c>.cg</c> (L2 only: data other blocks write during the launch, such as h(t)).
    /// </summary>
    internal enum PtxCache
    {
        Default,
        ReadOnly,
        L2Only,
    }

    internal enum PtxCompare
    {
        Eq,
        Ne,
        Lt,
        Le,
        Gt,
        Ge,
    }

    /// <summary>
    /// Builds one <c>.entry</c>: typed registers, parameters and instructions. Every instruction method checks that its
    /// operands are of the register class its type needs and records the ISA / SM it requires, so a wrong operand is
    /// an exception in the generator's unit tests, never a JIT error on a user's GPU.
    /// </summary>
    internal sealed class PtxKernelBuilder
    {
        private readonly List<(string Name, PtxType Type)> _parameters = new();
        private readonly List<(string Name, int Bytes)> _shared = new();
        private readonly List<string> _body = new();
        private readonly Dictionary<PtxRegisterClass, int> _counts = new();
        private readonly HashSet<string> _labels = new(StringComparer.Ordinal);
        private readonly HashSet<string> _usedLabels = new(StringComparer.Ordinal);
        private int _nextLabel;

        public PtxKernelBuilder(string name) => Name = name;

        public string Name { get; }

        /// <summary>What the kernel's instructions need.</summary>
        public PtxTarget Target { get; private set; } = PtxTarget.Baseline;

        /// <summary>Static shared memory in bytes.</summary>
        public int SharedBytes => _shared.Sum(s => s.Bytes);

        /// <summary>The largest block this kernel is launched with (<c>.maxntid</c>), 0 for unstated.</summary>
        public int MaxThreads { get; set; }

        public IReadOnlyList<(string Name, PtxType Type)> Parameters => _parameters;

        // ---- declarations ----

        /// <summary>Declares a parameter and loads it into a register at the top of the kernel.</summary>
        public PtxRegister Parameter(string name, PtxType type)
        {
            if (type is PtxType.Pred or PtxType.B32 or PtxType.B64)
            {
                throw new InvalidOperationException($"Parameter {name}: declare parameters as u64, u32, s32 or f32, not {type.Suffix()}.");
            }

            var qualified = Name + "_" + name;
            _parameters.Add((qualified, type));
            var register = New(type.Class());
            Emit($"ld.param.{type.Suffix()} {register}, [{qualified}];");
            return register;
        }

        /// <summary>A global pointer parameter, converted to a global address.</summary>
        public PtxRegister Pointer(string name)
        {
            var generic = Parameter(name, PtxType.U64);
            var global = New(PtxRegisterClass.Int64);
            Emit($"cvta.to.global.u64 {global}, {generic};");
            return global;
        }

        /// <summary>A <c>.shared</c> array of <paramref name="bytes"/> bytes, 16-byte aligned; returns its address.</summary>
        public PtxRegister Shared(string name, int bytes)
        {
            if (bytes <= 0 || bytes % 4 != 0)
            {
                throw new InvalidOperationException($"Shared array {name}: {bytes} bytes is not a positive multiple of 4.");
            }

            _shared.Add((name, bytes));
            var address = New(PtxRegisterClass.Int32);
            Emit($"mov.u32 {address}, {name};");
            return address;
        }

        public PtxRegister New(PtxRegisterClass registerClass)
        {
            _counts.TryGetValue(registerClass, out var count);
            _counts[registerClass] = count + 1;
            return new PtxRegister(registerClass, count);
        }

        public PtxRegister New(PtxType type) => New(type.Class());

        public string NewLabel(string hint) => "$L_" + hint + "_" + (_nextLabel++).ToString(CultureInfo.InvariantCulture);

        public void Comment(string text) => _body.Add("    // " + text);

        // ---- moves and conversions ----

        public PtxRegister Mov(PtxType type, PtxOperand value)
        {
            var d = New(type);
            MovTo(d, type, value);
            return d;
        }

        public void MovTo(PtxRegister d, PtxType type, PtxOperand value)
        {
            Check(type, d, value);
            Emit($"mov.{type.Suffix()} {d}, {value};");
        }

        public PtxRegister Special(PtxSpecial special) => Mov(PtxType.U32, special);

        /// <summary>cvt: 32 to 64 bits (zero- or sign-extending), int to float (round to nearest), float to int (toward zero).</summary>
        public PtxRegister Convert(PtxType to, PtxType from, PtxOperand a)
        {
            Check(from, a);
            var rounding = (to, from) switch
            {
                (PtxType.F32, PtxType.S32) or (PtxType.F32, PtxType.U32) => ".rn",
                (PtxType.S32, PtxType.F32) => ".rzi",
                (PtxType.U64, PtxType.U32) or (PtxType.S64, PtxType.S32) or (PtxType.U32, PtxType.U64) => string.Empty,
                _ => throw new InvalidOperationException($"cvt.{to.Suffix()}.{from.Suffix()} is not in RnnGen's PTX subset."),
            };
            var d = New(to);
            Emit($"cvt{rounding}.{to.Suffix()}.{from.Suffix()} {d}, {a};");
            return d;
        }

        // ---- arithmetic ----

        public PtxRegister Add(PtxType type, PtxOperand a, PtxOperand b) => Binary("add", type, a, b);

        public PtxRegister Sub(PtxType type, PtxOperand a, PtxOperand b) => Binary("sub", type, a, b);

        /// <summary>mul.rn.f32, or mul.lo for integers (the low half of the product).</summary>
        public PtxRegister Mul(PtxType type, PtxOperand a, PtxOperand b) => Binary(type == PtxType.F32 ? "mul" : "mul.lo", type, a, b);

        public PtxRegister Min(PtxType type, PtxOperand a, PtxOperand b) => Binary("min", type, a, b);

        public PtxRegister Max(PtxType type, PtxOperand a, PtxOperand b) => Binary("max", type, a, b);

        public PtxRegister Div(PtxType type, PtxOperand a, PtxOperand b) => Binary("div", type, a, b);

        public PtxRegister Rem(PtxType type, PtxOperand a, PtxOperand b)
        {
            if (type == PtxType.F32)
            {
                throw new InvalidOperationException("rem takes integer types only.");
            }

            return Binary("rem", type, a, b);
        }

        public PtxRegister And(PtxType type, PtxOperand a, PtxOperand b) => Binary("and", type, a, b);

        public PtxRegister ShiftLeft(PtxOperand a, int bits) => Binary("shl", PtxType.B32, a, bits);

        public PtxRegister ShiftRight(PtxOperand a, int bits) => Binary("shr", PtxType.U32, a, bits);

        /// <summary>a ^ b over 64 bits (xor.b64).</summary>
        public PtxRegister Xor64(PtxOperand a, PtxOperand b) => Binary("xor", PtxType.B64, a, b);

        /// <summary>a >> bits over 64 bits, zero-filling (shr.u64).</summary>
        public PtxRegister ShiftRight64(PtxOperand a, int bits) => Binary("shr", PtxType.U64, a, bits);

        /// <summary>a × b + c: fma.rn.f32 (one rounding), or mad.lo for integers.</summary>
        public PtxRegister Fma(PtxType type, PtxOperand a, PtxOperand b, PtxOperand c)
        {
            var d = New(type);
            FmaTo(d, type, a, b, c);
            return d;
        }

        public void FmaTo(PtxRegister d, PtxType type, PtxOperand a, PtxOperand b, PtxOperand c)
        {
            Check(type, d, a, b, c);
            Emit($"{(type == PtxType.F32 ? "fma.rn" : "mad.lo")}.{type.Suffix()} {d}, {a}, {b}, {c};");
        }

        /// <summary>The full 64-bit product of two 32-bit integers (addresses from indices).</summary>
        public PtxRegister MulWide(PtxType type, PtxOperand a, PtxOperand b)
        {
            if (type is not (PtxType.U32 or PtxType.S32))
            {
                throw new InvalidOperationException("mul.wide takes u32 or s32.");
            }

            Check(type, a, b);
            var d = New(PtxRegisterClass.Int64);
            Emit($"mul.wide.{type.Suffix()} {d}, {a}, {b};");
            return d;
        }

        public PtxRegister Neg(PtxType type, PtxOperand a) => Unary("neg", type, a);

        public PtxRegister Abs(PtxType type, PtxOperand a) => Unary("abs", type, a);

        /// <summary>2^a, approximate (ex2.approx.ftz.f32): the base of exp, sigmoid and tanh.</summary>
        public PtxRegister Exp2(PtxOperand a) => Unary("ex2.approx.ftz", PtxType.F32, a);

        /// <summary>1/a, approximate (rcp.approx.ftz.f32).</summary>
        public PtxRegister Reciprocal(PtxOperand a) => Unary("rcp.approx.ftz", PtxType.F32, a);

        /// <summary>tanh(a), approximate (tanh.approx.f32, sm_75 and PTX 7.0): only for the opt-in fast mode.</summary>
        public PtxRegister TanhApprox(PtxOperand a)
        {
            Require(PtxTarget.Turing);
            return Unary("tanh.approx", PtxType.F32, a);
        }

        /// <summary>√a rounded to nearest (sqrt.rn.f32): IEEE-exact, as <c>MathF.Sqrt</c> and <c>Vector.SquareRoot</c>.</summary>
        public PtxRegister SqrtExact(PtxOperand a) => Unary("sqrt.rn", PtxType.F32, a);

        /// <summary>log2(a), approximate (lg2.approx.ftz.f32): the base of the losses' logarithms.</summary>
        public PtxRegister Log2(PtxOperand a) => Unary("lg2.approx.ftz", PtxType.F32, a);

        /// <summary>a / b rounded to nearest (div.rn.f32).</summary>
        public PtxRegister DivideExact(PtxOperand a, PtxOperand b) => Binary("div.rn", PtxType.F32, a, b, rounding: false);

        // ---- predicates and selection ----

        public PtxRegister Compare(PtxCompare compare, PtxType type, PtxOperand a, PtxOperand b)
        {
            Check(type, a, b);
            var d = New(PtxRegisterClass.Pred);
            Emit($"setp.{compare.ToString().ToLowerInvariant()}.{type.Suffix()} {d}, {a}, {b};");
            return d;
        }

        public PtxRegister Or(PtxRegister a, PtxRegister b)
        {
            Check(PtxType.Pred, a, b);
            var d = New(PtxRegisterClass.Pred);
            Emit($"or.pred {d}, {a}, {b};");
            return d;
        }

        /// <summary>d = p ? a : b.</summary>
        public PtxRegister Select(PtxType type, PtxOperand a, PtxOperand b, PtxRegister p)
        {
            var d = New(type);
            SelectTo(d, type, a, b, p);
            return d;
        }

        public void SelectTo(PtxRegister d, PtxType type, PtxOperand a, PtxOperand b, PtxRegister p)
        {
            Check(type, d, a, b);
            Check(PtxType.Pred, p);
            Emit($"selp.{type.Suffix()} {d}, {a}, {b}, {p};");
        }

        // ---- memory ----

        public PtxRegister Load(PtxSpace space, PtxType type, PtxRegister address, long offsetBytes = 0, PtxCache cache = PtxCache.Default)
        {
            var d = New(type);
            LoadTo(d, space, type, address, offsetBytes, cache);
            return d;
        }

        public void LoadTo(PtxRegister d, PtxSpace space, PtxType type, PtxRegister address, long offsetBytes = 0, PtxCache cache = PtxCache.Default)
        {
            Check(type, d);
            CheckAddress(space, address, cache);
            Emit($"ld{SpaceText(space)}{CacheText(cache)}.{type.Suffix()} {d}, {Address(address, offsetBytes)};");
        }

        public void Store(PtxSpace space, PtxType type, PtxRegister address, PtxOperand value, long offsetBytes = 0, PtxCache cache = PtxCache.Default)
        {
            Check(type, value);
            if (cache == PtxCache.ReadOnly)
            {
                throw new InvalidOperationException("A store cannot take the read-only (.nc) path.");
            }

            CheckAddress(space, address, cache);
            Emit($"st{SpaceText(space)}{CacheText(cache)}.{type.Suffix()} {Address(address, offsetBytes)}, {value};");
        }

        /// <summary>A grid-wide arrival: adds <paramref name="value"/> with release semantics at GPU scope.</summary>
        public void ReleaseAdd(PtxRegister address, PtxOperand value)
        {
            Check(PtxType.U32, value);
            CheckAddress(PtxSpace.Global, address, PtxCache.Default);
            Emit($"red.release.gpu.global.add.u32 [{address}], {value};");
        }

        /// <summary>A relaxed float atomic add in global memory (<c>atom.global.add.f32</c>); returns the old value.</summary>
        public PtxRegister AtomicAdd(PtxRegister address, PtxOperand value)
        {
            Check(PtxType.F32, value);
            CheckAddress(PtxSpace.Global, address, PtxCache.Default);
            var d = New(PtxRegisterClass.Float32);
            Emit($"atom.global.add.f32 {d}, [{address}], {value};");
            return d;
        }

        /// <summary>A load with acquire semantics at GPU scope: what the grid barrier spins on.</summary>
        public PtxRegister AcquireLoad(PtxRegister address)
        {
            CheckAddress(PtxSpace.Global, address, PtxCache.Default);
            var d = New(PtxRegisterClass.Int32);
            Emit($"ld.acquire.gpu.global.u32 {d}, [{address}];");
            return d;
        }

        public void BarrierSync() => Emit("bar.sync 0;");

        // ---- control flow ----

        public void Label(string label)
        {
            if (!_labels.Add(label))
            {
                throw new InvalidOperationException($"Label {label} is defined twice in {Name}.");
            }

            _body.Add(label + ":");
        }

        public void Branch(string label, PtxRegister? predicate = null, bool negate = false)
        {
            if (predicate is not null)
            {
                Check(PtxType.Pred, predicate);
            }

            _usedLabels.Add(label);
            var guard = predicate is null ? string.Empty : (negate ? "@!" : "@") + predicate + " ";
            Emit($"{guard}bra{(predicate is null ? ".uni" : string.Empty)} {label};");
        }

        public void Return() => Emit("ret;");

        // ---- output ----

        /// <summary>The <c>.entry</c> text: parameters, declarations, body.</summary>
        public string Build()
        {
            var missing = _usedLabels.Where(l => !_labels.Contains(l)).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException($"{Name} branches to undefined label(s): {string.Join(", ", missing)}.");
            }

            var text = new StringBuilder();
            text.Append(".visible .entry ").Append(Name).Append('(');
            for (var i = 0; i < _parameters.Count; i++)
            {
                text.Append(i == 0 ? "\n" : ",\n").Append("    .param .").Append(_parameters[i].Type.Suffix()).Append(' ').Append(_parameters[i].Name);
            }

            text.Append("\n)\n");
            if (MaxThreads > 0)
            {
                text.Append(".maxntid ").Append(MaxThreads.ToString(CultureInfo.InvariantCulture)).Append(", 1, 1\n");
            }

            text.Append("{\n");
            foreach (var registerClass in new[] { PtxRegisterClass.Pred, PtxRegisterClass.Int32, PtxRegisterClass.Float32, PtxRegisterClass.Int64 })
            {
                if (_counts.TryGetValue(registerClass, out var count))
                {
                    var (declared, prefix) = registerClass.Declaration();
                    text.Append("    .reg .").Append(declared).Append(' ').Append(prefix).Append('<').Append(count.ToString(CultureInfo.InvariantCulture)).Append(">;\n");
                }
            }

            foreach (var (name, bytes) in _shared)
            {
                text.Append("    .shared .align 16 .b8 ").Append(name).Append('[').Append(bytes.ToString(CultureInfo.InvariantCulture)).Append("];\n");
            }

            text.Append('\n');
            foreach (var line in _body)
            {
                text.Append(line).Append('\n');
            }

            text.Append("}\n");
            return text.ToString();
        }

        // ---- checks ----

        private PtxRegister Binary(string opcode, PtxType type, PtxOperand a, PtxOperand b, bool rounding = true)
        {
            Check(type, a, b);
            var d = New(type);
            var op = type == PtxType.F32 && rounding && opcode is "add" or "sub" or "mul" ? opcode + ".rn" : opcode;
            Emit($"{op}.{type.Suffix()} {d}, {a}, {b};");
            return d;
        }

        private PtxRegister Unary(string opcode, PtxType type, PtxOperand a)
        {
            Check(type, a);
            var d = New(type);
            Emit($"{opcode}.{type.Suffix()} {d}, {a};");
            return d;
        }

        private static void Check(PtxType type, params PtxOperand[] operands)
        {
            foreach (var operand in operands)
            {
                var expected = type.Class();
                var actual = operand.Class;
                var fits = actual == expected || (actual is null && expected is PtxRegisterClass.Int32 or PtxRegisterClass.Int64);
                if (!fits)
                {
                    throw new InvalidOperationException($"Operand {operand} ({actual?.ToString() ?? "integer literal"}) does not fit type .{type.Suffix()} ({expected}).");
                }
            }
        }

        private static void CheckAddress(PtxSpace space, PtxRegister address, PtxCache cache)
        {
            var expected = space == PtxSpace.Global ? PtxRegisterClass.Int64 : PtxRegisterClass.Int32;
            if (address.RegisterClass != expected)
            {
                throw new InvalidOperationException($"A {space} address must be a {expected} register, not {address}.");
            }

            if (space == PtxSpace.Shared && cache != PtxCache.Default)
            {
                throw new InvalidOperationException("Cache qualifiers apply to global accesses only.");
            }
        }

        private void Require(PtxTarget target) => Target = PtxTarget.Max(Target, target);

        private void Emit(string instruction) => _body.Add("    " + instruction);

        private static string SpaceText(PtxSpace space) => space == PtxSpace.Global ? ".global" : ".shared";

        private static string CacheText(PtxCache cache) => cache switch
        {
            PtxCache.ReadOnly => ".nc",
            PtxCache.L2Only => ".cg",
            _ => string.Empty,
        };

        private static string Address(PtxRegister address, long offsetBytes) => offsetBytes == 0
            ? $"[{address}]"
            : $"[{address}+{offsetBytes.ToString(CultureInfo.InvariantCulture)}]";
    }
}
