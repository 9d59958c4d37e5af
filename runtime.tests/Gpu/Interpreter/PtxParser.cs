using System;
using System.Collections.Generic;
using System.Globalization;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>
    /// Parses a PTX module of the contract's subset and decodes every entry into <see cref="Instr"/> arrays. Anything
    /// outside the subset (directive, instruction, type, modifier, operand shape) throws a <see cref="PtxException"/>
    /// naming the line and its text, like a JIT log.
    /// </summary>
    internal sealed class PtxParser
    {
        private static readonly string[] SpecialNames = { "%tid.x", "%ntid.x", "%ctaid.x", "%nctaid.x" };
        private static readonly string[] SpecialZero = { "%tid.y", "%tid.z", "%ctaid.y", "%ctaid.z" };
        private static readonly string[] SpecialOne = { "%ntid.y", "%ntid.z", "%nctaid.y", "%nctaid.z" };

        private readonly string[] _lines;
        private readonly List<Token> _tokens;
        private readonly PtxModuleImage _module = new();
        private int _pos;
        private string? _dynamicSharedName;
        private int _dynamicSharedAlign = 16;
        private bool _sawVersion;
        private bool _sawTarget;

        private PtxParser(string text)
        {
            _lines = text.Split('\n');
            _tokens = PtxLexer.Tokenize(text, _lines);
        }

        public static PtxModuleImage Parse(string text)
        {
            ArgumentNullException.ThrowIfNull(text);
            var parser = new PtxParser(text.Replace("\r\n", "\n", StringComparison.Ordinal));
            parser.ParseModule();
            return parser._module;
        }

        private Token Peek => _tokens[_pos];

        private Token Next() => _tokens[_pos++];

        private PtxException Error(Token at, string message) => new(at.Line, PtxLexer.Line(_lines, at.Line), message);

        private PtxException Error(int line, string message) => new(line, PtxLexer.Line(_lines, line), message);

        private void Expect(string punct)
        {
            var token = Next();
            if (!token.Is(punct))
            {
                throw Error(token, $"expected '{punct}' but found {PtxLexer.Describe(token)}");
            }
        }

        private Token ExpectKind(TokenKind kind, string what)
        {
            var token = Next();
            if (token.Kind != kind)
            {
                throw Error(token, $"expected {what} but found {PtxLexer.Describe(token)}");
            }

            return token;
        }

        private long ExpectInteger(string what)
        {
            var token = ExpectKind(TokenKind.Number, what);
            if (!TryParseInteger(token.Text, out var value))
            {
                throw Error(token, $"'{token.Text}' is not an integer");
            }

            return (long)value;
        }

        private void ParseModule()
        {
            while (Peek.Kind != TokenKind.End)
            {
                var token = Next();
                if (token.Kind != TokenKind.Directive)
                {
                    throw Error(token, $"expected a directive at module scope but found {PtxLexer.Describe(token)}");
                }

                switch (token.Text)
                {
                    case ".version":
                        ParseVersion();
                        break;
                    case ".target":
                        ParseTarget();
                        break;
                    case ".address_size":
                        if (ExpectInteger("an address size") != 64)
                        {
                            throw Error(token, ".address_size must be 64");
                        }

                        break;
                    case ".extern":
                        ParseExternShared(token);
                        break;
                    case ".visible":
                        var entry = Next();
                        if (entry.Kind != TokenKind.Directive || entry.Text != ".entry")
                        {
                            throw Error(entry, $"only '.visible .entry' is supported, found {PtxLexer.Describe(entry)}");
                        }

                        ParseEntry();
                        break;
                    case ".entry":
                        ParseEntry();
                        break;
                    default:
                        throw Error(token, $"unknown or unsupported directive '{token.Text}' at module scope");
                }
            }

            if (!_sawVersion || !_sawTarget)
            {
                throw Error(1, "the module must start with .version and .target");
            }
        }

        private void ParseVersion()
        {
            var token = ExpectKind(TokenKind.Number, "a version");
            var parts = token.Text.Split('.');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) ||
                !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor) || minor > 9)
            {
                throw Error(token, $"'{token.Text}' is not a PTX version");
            }

            var version = (major * 10) + minor;
            if (version < 60 || version > 78)
            {
                throw Error(token, $"PTX ISA {token.Text} is outside the supported 6.0 .. 7.8");
            }

            _module.Version = version;
            _sawVersion = true;
        }

        private void ParseTarget()
        {
            var token = ExpectKind(TokenKind.Identifier, "a target");
            _module.TargetSm = token.Text switch
            {
                "sm_70" => 70,
                "sm_75" => 75,
                "sm_80" => 80,
                "sm_90" => 90,
                _ => throw Error(token, $"unsupported target '{token.Text}' (sm_70, sm_75, sm_80, sm_90)"),
            };
            if (Peek.Is(","))
            {
                throw Error(Peek, "only one .target is supported");
            }

            _sawTarget = true;
        }

        private void ParseExternShared(Token at)
        {
            var space = Next();
            if (space.Text != ".shared")
            {
                throw Error(space, "only '.extern .shared' is supported");
            }

            var align = 1;
            if (Peek.Text == ".align")
            {
                Next();
                align = (int)ExpectInteger("an alignment");
            }

            var type = ExpectKind(TokenKind.Directive, "a type");
            if (type.Text is not (".b8" or ".b32" or ".f32" or ".u32"))
            {
                throw Error(type, $"unsupported shared element type '{type.Text}'");
            }

            var name = ExpectKind(TokenKind.Identifier, "a name");
            Expect("[");
            Expect("]");
            Expect(";");
            if (_dynamicSharedName != null)
            {
                throw Error(at, "only one .extern .shared array is supported");
            }

            if (align < 1 || (align & (align - 1)) != 0)
            {
                throw Error(at, "alignment must be a power of two");
            }

            _dynamicSharedName = name.Text;
            _dynamicSharedAlign = Math.Max(16, align);
        }

        private void ParseEntry()
        {
            var nameToken = ExpectKind(TokenKind.Identifier, "a kernel name");
            var entry = new PtxEntry(nameToken.Text);
            if (_module.Entries.ContainsKey(entry.Name))
            {
                throw Error(nameToken, $"kernel '{entry.Name}' is defined twice");
            }

            var rawParams = new List<(string Name, ParamType Type, Token At)>();
            Expect("(");
            if (!Peek.Is(")"))
            {
                while (true)
                {
                    var param = Next();
                    if (param.Text != ".param")
                    {
                        throw Error(param, $"expected .param but found {PtxLexer.Describe(param)}");
                    }

                    var type = ExpectKind(TokenKind.Directive, "a parameter type");
                    var paramType = type.Text switch
                    {
                        ".u64" => ParamType.U64,
                        ".u32" => ParamType.U32,
                        ".s32" => ParamType.S32,
                        ".f32" => ParamType.F32,
                        _ => throw Error(type, $"unsupported parameter type '{type.Text}'"),
                    };
                    var name = ExpectKind(TokenKind.Identifier, "a parameter name");
                    rawParams.Add((name.Text, paramType, name));
                    if (Peek.Is(","))
                    {
                        Next();
                        continue;
                    }

                    break;
                }
            }

            Expect(")");
            while (Peek.Kind == TokenKind.Directive)
            {
                var directive = Next();
                if (directive.Text != ".maxntid")
                {
                    throw Error(directive, $"unknown or unsupported performance directive '{directive.Text}'");
                }

                long product = ExpectInteger("a thread count");
                for (var k = 0; k < 2 && Peek.Is(","); k++)
                {
                    Next();
                    product *= ExpectInteger("a thread count");
                }

                if (product < 1 || product > 1024)
                {
                    throw Error(directive, ".maxntid must allow 1 to 1024 threads");
                }

                entry.MaxThreads = (int)product;
            }

            Expect("{");
            var body = ParseBody(entry);
            Decode(entry, rawParams, body);
            _module.Entries.Add(entry.Name, entry);
        }

        private sealed class Body
        {
            public Dictionary<string, (int Slot, RegClass Class)> Registers { get; } = new(StringComparer.Ordinal);

            public List<(string Name, int Offset, Token At)> Shared { get; } = new();

            public Dictionary<string, int> Labels { get; } = new(StringComparer.Ordinal);

            public List<RawInstruction> Instructions { get; } = new();

            public List<bool> IsPredicate { get; } = new();

            public int SharedBytes { get; set; }

            public int EndLine { get; set; }
        }

        private sealed record RawInstruction(Token Opcode, Token? Guard, bool GuardNegated, List<RawOperand> Operands);

        private enum OperandKind
        {
            Register,
            Integer,
            FloatBits,
            Symbol,
            Address,
            Vector,
        }

        private sealed record RawOperand(OperandKind Kind, string Name, ulong Value, long Offset, bool BaseIsRegister, List<string>? Elements, Token At);

        private Body ParseBody(PtxEntry entry)
        {
            var body = new Body();
            while (true)
            {
                var token = Next();
                if (token.Is("}"))
                {
                    body.EndLine = token.Line;
                    return body;
                }

                if (token.Kind == TokenKind.End)
                {
                    throw Error(token, $"kernel '{entry.Name}' has no closing '}}'");
                }

                if (token.Kind == TokenKind.Directive)
                {
                    switch (token.Text)
                    {
                        case ".reg":
                            ParseRegisterDeclaration(body);
                            break;
                        case ".shared":
                            ParseSharedDeclaration(body, token);
                            break;
                        default:
                            throw Error(token, $"unknown or unsupported directive '{token.Text}' in a kernel body");
                    }

                    continue;
                }

                Token? guard = null;
                var negated = false;
                if (token.Is("@"))
                {
                    if (Peek.Is("!"))
                    {
                        Next();
                        negated = true;
                    }

                    guard = ExpectKind(TokenKind.Register, "a predicate register");
                    token = Next();
                }

                if (token.Kind != TokenKind.Identifier)
                {
                    throw Error(token, $"expected an instruction or label but found {PtxLexer.Describe(token)}");
                }

                if (guard == null && Peek.Is(":"))
                {
                    Next();
                    if (token.Text.Contains('.', StringComparison.Ordinal))
                    {
                        throw Error(token, $"'{token.Text}' is not a valid label name");
                    }

                    if (!body.Labels.TryAdd(token.Text, body.Instructions.Count))
                    {
                        throw Error(token, $"label '{token.Text}' is defined twice");
                    }

                    continue;
                }

                var operands = new List<RawOperand>();
                if (!Peek.Is(";"))
                {
                    while (true)
                    {
                        operands.Add(ParseOperand());
                        if (Peek.Is(","))
                        {
                            Next();
                            continue;
                        }

                        break;
                    }
                }

                var end = Next();
                if (!end.Is(";"))
                {
                    throw Error(token, $"expected ';' after the operands of '{token.Text}' but found {PtxLexer.Describe(end)} (line {end.Line})");
                }

                body.Instructions.Add(new RawInstruction(token, guard, negated, operands));
            }
        }

        private void ParseRegisterDeclaration(Body body)
        {
            var type = ExpectKind(TokenKind.Directive, "a register type");
            var cls = type.Text switch
            {
                ".pred" => RegClass.Pred,
                ".b32" => RegClass.B32,
                ".u32" => RegClass.U32,
                ".s32" => RegClass.S32,
                ".f32" => RegClass.F32,
                ".b64" => RegClass.B64,
                ".u64" => RegClass.U64,
                ".s64" => RegClass.S64,
                _ => throw Error(type, $"unsupported register type '{type.Text}'"),
            };
            while (true)
            {
                var name = ExpectKind(TokenKind.Register, "a register name");
                if (name.Text.Contains('.', StringComparison.Ordinal))
                {
                    throw Error(name, $"'{name.Text}' is not a valid register name");
                }

                var count = -1;
                if (Peek.Is("<"))
                {
                    Next();
                    count = (int)ExpectInteger("a register count");
                    Expect(">");
                    if (count < 1 || count > 65536)
                    {
                        throw Error(name, "register count must be 1 to 65536");
                    }
                }

                if (count < 0)
                {
                    Declare(body, name, name.Text, cls);
                }
                else
                {
                    for (var k = 0; k < count; k++)
                    {
                        Declare(body, name, name.Text + k.ToString(CultureInfo.InvariantCulture), cls);
                    }
                }

                if (Peek.Is(","))
                {
                    Next();
                    continue;
                }

                break;
            }

            Expect(";");
        }

        private void Declare(Body body, Token at, string name, RegClass cls)
        {
            if (!body.Registers.TryAdd(name, (body.IsPredicate.Count, cls)))
            {
                throw Error(at, $"register '{name}' is declared twice");
            }

            body.IsPredicate.Add(cls == RegClass.Pred);
        }

        private void ParseSharedDeclaration(Body body, Token at)
        {
            var align = 1;
            if (Peek.Text == ".align")
            {
                Next();
                align = (int)ExpectInteger("an alignment");
                if (align < 1 || align > 256 || (align & (align - 1)) != 0)
                {
                    throw Error(at, "alignment must be a power of two up to 256");
                }
            }

            var type = ExpectKind(TokenKind.Directive, "a type");
            var elementSize = type.Text switch
            {
                ".b8" => 1,
                ".b32" or ".u32" or ".f32" => 4,
                _ => throw Error(type, $"unsupported shared element type '{type.Text}'"),
            };
            align = Math.Max(align, elementSize);
            var name = ExpectKind(TokenKind.Identifier, "a name");
            Expect("[");
            var count = ExpectInteger("an element count");
            Expect("]");
            Expect(";");
            if (count < 1 || count * elementSize > 1 << 20)
            {
                throw Error(at, "shared array size out of range");
            }

            var offset = (body.SharedBytes + align - 1) & ~(align - 1);
            foreach (var existing in body.Shared)
            {
                if (existing.Name == name.Text)
                {
                    throw Error(at, $"shared variable '{name.Text}' is declared twice");
                }
            }

            body.Shared.Add((name.Text, offset, at));
            body.SharedBytes = offset + (int)(count * elementSize);
        }

        private RawOperand ParseOperand()
        {
            var token = Next();
            if (token.Kind == TokenKind.Register)
            {
                return new RawOperand(OperandKind.Register, token.Text, 0, 0, true, null, token);
            }

            if (token.Kind == TokenKind.Identifier)
            {
                return new RawOperand(OperandKind.Symbol, token.Text, 0, 0, false, null, token);
            }

            if (token.Kind == TokenKind.Number || token.Is("-"))
            {
                var negative = token.Is("-");
                var number = negative ? ExpectKind(TokenKind.Number, "a number") : token;
                if (number.Text.Length == 10 && (number.Text.StartsWith("0f", StringComparison.Ordinal) || number.Text.StartsWith("0F", StringComparison.Ordinal)))
                {
                    if (negative || !uint.TryParse(number.Text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bits))
                    {
                        throw Error(number, $"'{number.Text}' is not a valid 0fXXXXXXXX float immediate");
                    }

                    return new RawOperand(OperandKind.FloatBits, number.Text, bits, 0, false, null, token);
                }

                if (!TryParseInteger(number.Text, out var value))
                {
                    throw Error(number, $"unsupported number literal '{number.Text}' (integers, 0x hex, or 0fXXXXXXXX floats)");
                }

                if (negative)
                {
                    if (value > 1UL << 63)
                    {
                        throw Error(number, "integer immediate out of range");
                    }

                    value = unchecked(0UL - value);
                }

                return new RawOperand(OperandKind.Integer, number.Text, value, negative ? 1 : 0, false, null, token);
            }

            if (token.Is("["))
            {
                var baseToken = Next();
                if (baseToken.Kind is not (TokenKind.Register or TokenKind.Identifier))
                {
                    throw Error(baseToken, $"expected a register or a name in an address but found {PtxLexer.Describe(baseToken)}");
                }

                long offset = 0;
                if (Peek.Is("+") || Peek.Is("-"))
                {
                    var sign = Next().Is("-") ? -1L : 1L;
                    if (Peek.Is("-"))
                    {
                        Next();
                        sign = -sign;
                    }

                    var number = ExpectKind(TokenKind.Number, "an address offset");
                    if (!TryParseInteger(number.Text, out var magnitude) || magnitude > int.MaxValue)
                    {
                        throw Error(number, $"'{number.Text}' is not a valid address offset");
                    }

                    offset = sign * (long)magnitude;
                }

                Expect("]");
                return new RawOperand(OperandKind.Address, baseToken.Text, 0, offset, baseToken.Kind == TokenKind.Register, null, token);
            }

            if (token.Is("{"))
            {
                var elements = new List<string>();
                while (true)
                {
                    elements.Add(ExpectKind(TokenKind.Register, "a register in a vector").Text);
                    if (Peek.Is(","))
                    {
                        Next();
                        continue;
                    }

                    break;
                }

                Expect("}");
                return new RawOperand(OperandKind.Vector, string.Empty, 0, 0, true, elements, token);
            }

            throw Error(token, $"expected an operand but found {PtxLexer.Describe(token)}");
        }

        private static bool TryParseInteger(string text, out ulong value)
        {
            if (text.Length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
            {
                return ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
            }

            return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }

        private void Decode(PtxEntry entry, List<(string Name, ParamType Type, Token At)> rawParams, Body body)
        {
            var declared = body.IsPredicate.Count;
            entry.DeclaredRegisters = declared;
            entry.IsPredicate = body.IsPredicate.ToArray();
            entry.SpecialBase = declared;
            var registers = body.Registers;
            for (var k = 0; k < SpecialNames.Length; k++)
            {
                registers[SpecialNames[k]] = (declared + k, RegClass.Special);
            }

            foreach (var name in SpecialZero)
            {
                registers[name] = (declared + 4, RegClass.Special);
            }

            foreach (var name in SpecialOne)
            {
                registers[name] = (declared + 5, RegClass.Special);
            }

            var paramBase = declared + 6;
            var paramSlots = new Dictionary<string, ParamInfo>(StringComparer.Ordinal);
            foreach (var (name, type, at) in rawParams)
            {
                var info = new ParamInfo(name, type, paramBase + entry.Params.Count);
                if (!paramSlots.TryAdd(name, info))
                {
                    throw Error(at, $"parameter '{name}' is declared twice");
                }

                entry.Params.Add(info);
            }

            entry.ConstantBase = paramBase + entry.Params.Count;
            var constantSlots = new Dictionary<ulong, int>();
            int Constant(ulong value)
            {
                if (!constantSlots.TryGetValue(value, out var slot))
                {
                    slot = entry.ConstantBase + entry.Constants.Count;
                    entry.Constants.Add(value);
                    constantSlots.Add(value, slot);
                }

                return slot;
            }

            var shared = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (name, offset, _) in body.Shared)
            {
                shared.Add(name, offset);
            }

            entry.StaticSharedBytes = body.SharedBytes;
            entry.DynamicSharedOffset = (body.SharedBytes + _dynamicSharedAlign - 1) & ~(_dynamicSharedAlign - 1);
            if (_dynamicSharedName != null)
            {
                if (!shared.TryAdd(_dynamicSharedName, entry.DynamicSharedOffset))
                {
                    throw Error(body.Shared.Find(s => s.Name == _dynamicSharedName).At, $"'{_dynamicSharedName}' is already the dynamic shared array");
                }
            }

            var code = new Instr[body.Instructions.Count + 1];
            var sources = new InstrSource[code.Length];
            for (var index = 0; index < body.Instructions.Count; index++)
            {
                var raw = body.Instructions[index];
                var line = raw.Opcode.Line;
                sources[index] = new InstrSource(line, PtxLexer.Line(_lines, line).Trim());
                if (!PtxOpcodeTable.TryGet(raw.Opcode.Text, out var spec))
                {
                    throw Error(raw.Opcode, $"unknown instruction, type or modifier '{raw.Opcode.Text}'");
                }

                if (_module.TargetSm < spec.MinSm || _module.Version < spec.MinVersion)
                {
                    throw Error(raw.Opcode, $"'{raw.Opcode.Text}' needs sm_{spec.MinSm} and PTX ISA {spec.MinVersion / 10}.{spec.MinVersion % 10} or later");
                }

                if (raw.Operands.Count != spec.Operands.Length)
                {
                    throw Error(raw.Opcode, $"'{raw.Opcode.Text}' takes {spec.Operands.Length} operands, found {raw.Operands.Count}");
                }

                var instr = new Instr { Op = spec.Op, Cmp = spec.Cmp, Flags = spec.Flags, Guard = -1, D = -1, A = -1, B = -1, C = -1, V0 = -1, V1 = -1, V2 = -1, V3 = -1, Target = -1 };
                if (raw.Guard is { } guard)
                {
                    if (!registers.TryGetValue(guard.Text, out var g) || g.Class != RegClass.Pred)
                    {
                        throw Error(guard, $"guard '{guard.Text}' is not a declared .pred register");
                    }

                    instr.Guard = g.Slot;
                    instr.GuardNegated = raw.GuardNegated;
                }

                var sourceIndex = 0;
                for (var k = 0; k < spec.Operands.Length; k++)
                {
                    var pattern = spec.Operands[k];
                    var operand = raw.Operands[k];
                    switch (pattern)
                    {
                        case "D32b":
                        case "D32i":
                        case "D32f":
                        case "D64":
                        case "DP":
                            instr.D = DestinationRegister(operand, pattern, registers);
                            break;
                        case "V4D":
                        case "V4S":
                            if (operand.Kind != OperandKind.Vector || operand.Elements!.Count != 4)
                            {
                                throw Error(operand.At, "expected a vector of four registers {a, b, c, d}");
                            }

                            var v = new int[4];
                            for (var e = 0; e < 4; e++)
                            {
                                if (!registers.TryGetValue(operand.Elements[e], out var reg) || !Fits(reg.Class, "32b"))
                                {
                                    throw Error(operand.At, $"'{operand.Elements[e]}' is not a declared 32-bit register");
                                }

                                v[e] = reg.Slot;
                            }

                            if (pattern == "V4D" && (v[0] == v[1] || v[0] == v[2] || v[0] == v[3] || v[1] == v[2] || v[1] == v[3] || v[2] == v[3]))
                            {
                                throw Error(operand.At, "a vector load's destination registers must be distinct");
                            }

                            (instr.V0, instr.V1, instr.V2, instr.V3) = (v[0], v[1], v[2], v[3]);
                            break;
                        case "AG":
                        case "AS":
                            if (operand.Kind != OperandKind.Address)
                            {
                                throw Error(operand.At, "expected an address [reg+offset]");
                            }

                            instr.Offset = operand.Offset;
                            if (operand.BaseIsRegister)
                            {
                                if (!registers.TryGetValue(operand.Name, out var reg))
                                {
                                    throw Error(operand.At, $"register '{operand.Name}' is not declared");
                                }

                                if (Fits(reg.Class, "64"))
                                {
                                    instr.A = reg.Slot;
                                }
                                else if (pattern == "AS" && Fits(reg.Class, "32i"))
                                {
                                    instr.A = reg.Slot;
                                    instr.Flags |= InstrFlags.Address32;
                                }
                                else
                                {
                                    throw Error(operand.At, pattern == "AG" ? $"a global address needs a 64-bit register, '{operand.Name}' is not one" : $"'{operand.Name}' cannot hold a shared address");
                                }
                            }
                            else
                            {
                                if (pattern == "AG" || !shared.TryGetValue(operand.Name, out var symbolOffset))
                                {
                                    throw Error(operand.At, pattern == "AG" ? $"'{operand.Name}' is not a global address (use a register)" : $"'{operand.Name}' is not a declared shared variable");
                                }

                                instr.A = Constant((ulong)symbolOffset);
                                if (operand.Name == _dynamicSharedName)
                                {
                                    entry.UsesDynamicShared = true;
                                }
                            }

                            sourceIndex = 1;
                            break;
                        case "AP32":
                        case "AP64":
                            if (operand.Kind != OperandKind.Address || operand.BaseIsRegister || operand.Offset != 0 || !paramSlots.TryGetValue(operand.Name, out var param))
                            {
                                throw Error(operand.At, "expected [parameter_name] naming one of the kernel's parameters");
                            }

                            if ((param.Type == ParamType.U64) != (pattern == "AP64"))
                            {
                                throw Error(operand.At, $"parameter '{param.Name}' is .{param.Type.ToString().ToLowerInvariant()}, which does not match the load's size");
                            }

                            instr.A = param.Slot;
                            sourceIndex = 1;
                            break;
                        case "L":
                            if (operand.Kind != OperandKind.Symbol || !body.Labels.TryGetValue(operand.Name, out var target))
                            {
                                throw Error(operand.At, $"'{operand.Name}' is not a label of this kernel");
                            }

                            instr.Target = target;
                            break;
                        case "B0":
                            if (operand.Kind != OperandKind.Integer || operand.Value != 0)
                            {
                                throw Error(operand.At, "only barrier 0 is supported (bar.sync 0)");
                            }

                            break;
                        default:
                            var slot = SourceSlot(operand, pattern, registers, shared, Constant, entry);
                            switch (sourceIndex++)
                            {
                                case 0: instr.A = slot; break;
                                case 1: instr.B = slot; break;
                                default: instr.C = slot; break;
                            }

                            break;
                    }
                }

                code[index] = instr;
            }

            code[^1] = new Instr { Op = Op.Exit, Guard = -1 };
            sources[^1] = new InstrSource(body.EndLine, "} (end of kernel)");
            entry.Code = code;
            entry.Sources = sources;
            entry.SlotCount = entry.ConstantBase + entry.Constants.Count;
        }

        private static bool Fits(RegClass cls, string want) => want switch
        {
            "32b" => cls is RegClass.B32 or RegClass.U32 or RegClass.S32 or RegClass.F32,
            "32i" => cls is RegClass.B32 or RegClass.U32 or RegClass.S32,
            "32f" => cls is RegClass.B32 or RegClass.F32,
            "64" => cls is RegClass.B64 or RegClass.U64 or RegClass.S64,
            "P" => cls == RegClass.Pred,
            _ => false,
        };

        private int DestinationRegister(RawOperand operand, string pattern, Dictionary<string, (int Slot, RegClass Class)> registers)
        {
            if (operand.Kind != OperandKind.Register)
            {
                throw Error(operand.At, "the destination must be a register");
            }

            if (!registers.TryGetValue(operand.Name, out var reg))
            {
                throw Error(operand.At, $"register '{operand.Name}' is not declared");
            }

            var want = pattern[1..];
            if (!Fits(reg.Class, want))
            {
                throw Error(operand.At, $"register '{operand.Name}' (.{reg.Class.ToString().ToLowerInvariant()}) does not fit the instruction's type");
            }

            return reg.Slot;
        }

        private int SourceSlot(RawOperand operand, string pattern, Dictionary<string, (int Slot, RegClass Class)> registers, Dictionary<string, int> shared, Func<ulong, int> constant, PtxEntry entry)
        {
            var isMov = pattern[0] == 'M';
            var want = pattern[1..];
            switch (operand.Kind)
            {
                case OperandKind.Register:
                    if (!registers.TryGetValue(operand.Name, out var reg))
                    {
                        throw Error(operand.At, $"register '{operand.Name}' is not declared");
                    }

                    if (reg.Class == RegClass.Special)
                    {
                        if (isMov && want != "64")
                        {
                            return reg.Slot;
                        }

                        throw Error(operand.At, $"special register '{operand.Name}' can only be read with mov.u32");
                    }

                    if (!Fits(reg.Class, want))
                    {
                        throw Error(operand.At, $"register '{operand.Name}' (.{reg.Class.ToString().ToLowerInvariant()}) does not fit the instruction's type");
                    }

                    return reg.Slot;
                case OperandKind.Integer:
                    if (want is "P" or "32f")
                    {
                        throw Error(operand.At, want == "P" ? "a predicate operand must be a register" : "a float operand needs a 0fXXXXXXXX immediate");
                    }

                    if (want != "64")
                    {
                        var negative = operand.Offset != 0;
                        var value = operand.Value;
                        if (negative ? (long)value < int.MinValue : value > uint.MaxValue)
                        {
                            throw Error(operand.At, $"immediate '{operand.At.Text}{(negative ? operand.Name : string.Empty)}' does not fit in 32 bits");
                        }

                        return constant((uint)value);
                    }

                    return constant(operand.Value);
                case OperandKind.FloatBits:
                    if (want is "32f" or "32b")
                    {
                        return constant(operand.Value);
                    }

                    throw Error(operand.At, "a float immediate is not valid here");
                case OperandKind.Symbol:
                    if (isMov && shared.TryGetValue(operand.Name, out var offset))
                    {
                        if (operand.Name == _dynamicSharedName)
                        {
                            entry.UsesDynamicShared = true;
                        }

                        return constant((ulong)offset);
                    }

                    throw Error(operand.At, $"'{operand.Name}' is not a register, an immediate or (for mov) a shared variable");
                default:
                    throw Error(operand.At, "unexpected operand");
            }
        }
    }
}
