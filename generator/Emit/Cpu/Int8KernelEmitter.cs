using System.Globalization;
using System.Linq;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Writes the int8 twin of a <see cref="PackedKernel"/> (<c>Weights = WeightFormat.Int8</c>): the same block setup,
    /// row setup, initial values and fused epilogue, around an int32 reduction over the int8 layout of
    /// <c>global::RnnGen.Numerics.Int8Weights</c>. Two flavors, not four: a Vector256 one whose inner step is one
    /// VPDPBUSD (AVX-VNNI; .NET 10 has no 512-bit VNNI, and where AVX-VNNI is missing <c>Int8Weights.Dot</c> emulates it
    /// with AVX2), and a scalar one for everything else (ARM64 included). Widening int8 to fp32 and using FMAs would
    /// have fitted the other widths, but costs three instructions per 8 weights where fp32 costs one and would be no
    /// faster than fp32 at all; integer dot products are what make 8-bit weights pay.
    /// </summary>
    internal static class Int8KernelEmitter
    {
        public const string Suffix = "Int8";

        private const string UnsafeApi = "global::System.Runtime.CompilerServices.Unsafe";
        private const string Int8Api = "global::RnnGen.Numerics.Int8Weights";
        private const string Vector = "global::System.Runtime.Intrinsics.Vector256";
        private const string FloatVector = "global::System.Runtime.Intrinsics.Vector256<float>";
        private const string IntVector = "global::System.Runtime.Intrinsics.Vector256<int>";

        /// <summary>Independent int32 dot-product chains wanted in flight (VPDPBUSD latency × throughput).</summary>
        private const int WantedChains = 8;

        public static string Parameters(PackedKernel kernel) =>
            "ref sbyte w, ref float wScale, ref int wCorrection" + kernel.Parameters.Substring("ref float w".Length);

        public static string Arguments(PackedKernel kernel) =>
            "ref w, ref wScale, ref wCorrection" + kernel.Arguments.Substring("ref w".Length);

        public static void Emit(SourceWriter w, PackedKernel kernel)
        {
            if (kernel.InputRow is null)
            {
                throw new System.InvalidOperationException($"{kernel.Name} does not name its input row; the int8 kernel needs it.");
            }

            var name = kernel.Name + Suffix;
            foreach (var line in kernel.Documentation)
            {
                w.Line("// " + line);
            }

            w.Line("//   Reads int8 weights q with one scale s_r per row (gate and unit) and rounds each input row to 8 bits,");
            w.Line("//   u_k = round(x_k / s_x) + 128 with s_x = max|x| / 127, so every W·x above is computed as");
            w.Line("//   s_r · s_x · (Σ_k u_k q_rk - 128 Σ_k q_rk), the sum exact in int32. The fp32 parameters stay the source of truth (QuantizeWeights).");
            w.Line("//   Vector256 (one VPDPBUSD per 8 rows × 4 columns) or scalar: see Int8KernelEmitter for why only these two.");
            w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"private static void {name}({Parameters(kernel)})"))
            {
                w.Line($"if ({Vector}.IsHardwareAccelerated) {name}_V256({Arguments(kernel)});");
                w.Line($"else {name}_Scalar({Arguments(kernel)});");
            }

            w.Line();
            EmitVector(w, kernel, name);
            w.Line();
            EmitScalar(w, kernel, name);
        }

        private static void EmitVector(SourceWriter w, PackedKernel kernel, string name)
        {
            const int block = Packing.BlockWidth;
            const int lanes = 8;
            const int chunks = block / lanes;
            var flavor = VectorFlavor.V256;
            var gates = kernel.Gates;
            var columns4 = Int8Columns(kernel) / 4;
            var gateBytes = block * 4;
            var splits = System.Math.Max(1, System.Math.Min(4, WantedChains / (gates * chunks)));
            var main = columns4 - (columns4 % splits);
            string Dot(int g, int c, int s) => $"dot{Symbol(kernel, g)}{Int(c)}" + (s == 0 ? string.Empty : "_" + Int(s));

            w.Line($"// Vector256: {Int(chunks)} int32 vectors per gate × {Int(gates)} gate(s), {Int(splits)} partial sum(s) each, over {Int(columns4)} groups of 4 columns.");
            w.Line(InferenceEmitter.FullOptimization);
            using (w.Block($"private static void {name}_V256({Parameters(kernel)})"))
            {
                using (EmitRowStart(w, kernel, flavor))
                using (w.Block($"for (int block = 0; block < {Int(kernel.Blocks)}; block++)"))
                {
                    EmitBlockStart(w, kernel, columns4);
                    for (var c = 0; c < chunks; c++)
                    {
                        for (var g = 0; g < gates; g++)
                        {
                            for (var s = 0; s < splits; s++)
                            {
                                w.Line($"{IntVector} {Dot(g, c, s)} = {IntVector}.Zero;");
                            }
                        }
                    }

                    void Group(string k4, int split)
                    {
                        w.Line($"ref sbyte wk{Int(split)} = ref {UnsafeApi}.Add(ref wBlock, ({k4}) * {Int(gates * gateBytes)});");
                        w.Line($"// u_4k..u_4k+3 in every lane: the 4 columns each VPDPBUSD lane sums.");
                        w.Line($"global::System.Runtime.Intrinsics.Vector256<byte> u{Int(split)} = {Vector}.AsByte({Vector}.Create({UnsafeApi}.ReadUnaligned<int>(ref {UnsafeApi}.Add(ref xq0, ({k4}) * 4))));");
                        for (var c = 0; c < chunks; c++)
                        {
                            for (var g = 0; g < gates; g++)
                            {
                                var dot = Dot(g, c, split);
                                w.Line($"{dot} = {Int8Api}.Dot({dot}, u{Int(split)}, {Vector}.LoadUnsafe(ref wk{Int(split)}, (uint)({Int((g * gateBytes) + (c * lanes * 4))})));");
                            }
                        }
                    }

                    if (main > 0)
                    {
                        using (w.Block($"for (int k4 = 0; k4 < {Int(main)}; {(splits == 1 ? "k4++" : "k4 += " + Int(splits))})"))
                        {
                            for (var s = 0; s < splits; s++)
                            {
                                Group(s == 0 ? "k4" : $"k4 + {Int(s)}", s);
                            }
                        }
                    }

                    for (var k4 = main; k4 < columns4; k4++)
                    {
                        w.Line($"// Column group {Int(k4)}, left over at generation time.");
                        using (w.Block(string.Empty))
                        {
                            Group(Int(k4), 0);
                        }
                    }

                    var row = KernelRow.Single;
                    for (var c = 0; c < chunks; c++)
                    {
                        var lane = Int(c * lanes);
                        w.Line($"// Lanes {lane}..{Int((c * lanes) + lanes - 1)}: gate = initial + (Σ u·q - 128 Σ q) · s_r · s_x, then the epilogue.");
                        var accumulators = new string[gates];
                        for (var g = 0; g < gates; g++)
                        {
                            var offset = g == 0 ? lane : $"{Int(g * block)} + {lane}";
                            var dot = string.Join(" + ", Enumerable.Range(0, splits).Select(s => Dot(g, c, s)));
                            accumulators[g] = $"a{Symbol(kernel, g)}{Int(c)}";
                            w.Line($"{FloatVector} {accumulators[g]} = global::RnnGen.Numerics.VectorMath.MultiplyAdd({Vector}.ConvertToSingle({(splits > 1 ? "(" + dot + ")" : dot)} - {Vector}.LoadUnsafe(ref correctionBlock, (uint)({offset}))), {Vector}.LoadUnsafe(ref scaleBlock, (uint)({offset})) * xScaleVector, {kernel.Initial(flavor, row, g, lane)});");
                        }

                        using (w.Block(string.Empty))
                        {
                            kernel.Epilogue(new KernelEpilogue(w, flavor, row, accumulators, lane));
                        }
                    }
                }
            }
        }

        private static void EmitScalar(SourceWriter w, PackedKernel kernel, string name)
        {
            const int block = Packing.BlockWidth;
            var flavor = VectorFlavor.Scalar;
            var gates = kernel.Gates;
            var columns4 = Int8Columns(kernel) / 4;
            w.Line("// Scalar: one lane at a time, every gate's int32 sum in flight.");
            w.Line(InferenceEmitter.FullOptimization);
            using (w.Block($"private static void {name}_Scalar({Parameters(kernel)})"))
            {
                using (EmitRowStart(w, kernel, flavor))
                using (w.Block($"for (int block = 0; block < {Int(kernel.Blocks)}; block++)"))
                {
                    EmitBlockStart(w, kernel, columns4);
                    using (w.Block($"for (int lane = 0; lane < {Int(block)}; lane++)"))
                    {
                        for (var g = 0; g < gates; g++)
                        {
                            w.Line($"int dot{Symbol(kernel, g)} = 0;");
                        }

                        using (w.Block($"for (int k = 0; k < {Int(columns4 * 4)}; k++)"))
                        {
                            w.Line($"int u = {UnsafeApi}.Add(ref xq0, k);");
                            w.Line($"ref sbyte wk = ref {UnsafeApi}.Add(ref wBlock, ((k >> 2) * {Int(gates * block * 4)}) + (lane * 4) + (k & 3));");
                            for (var g = 0; g < gates; g++)
                            {
                                w.Line($"dot{Symbol(kernel, g)} += u * {UnsafeApi}.Add(ref wk, {Int(g * block * 4)});");
                            }
                        }

                        w.Line("// gate = initial + (Σ u·q - 128 Σ q) · s_r · s_x, then the epilogue.");
                        var row = KernelRow.Single;
                        var accumulators = new string[gates];
                        for (var g = 0; g < gates; g++)
                        {
                            var offset = g == 0 ? "lane" : $"{Int(g * block)} + lane";
                            accumulators[g] = $"a{Symbol(kernel, g)}";
                            w.Line($"float {accumulators[g]} = global::RnnGen.Numerics.VectorMath.MultiplyAdd((float)(dot{Symbol(kernel, g)} - {UnsafeApi}.Add(ref correctionBlock, {offset})), {UnsafeApi}.Add(ref scaleBlock, {offset}) * xScale, {kernel.Initial(flavor, row, g, "lane")});");
                        }

                        using (w.Block(string.Empty))
                        {
                            kernel.Epilogue(new KernelEpilogue(w, flavor, row, accumulators, "lane"));
                        }
                    }
                }
            }
        }

        /// <summary>The scratch for the rounded input and the row loop, which rounds each row's x once for all blocks.</summary>
        private static SourceWriter.Scope EmitRowStart(SourceWriter w, PackedKernel kernel, VectorFlavor flavor)
        {
            var padded = Int8Columns(kernel);
            w.Line($"global::System.Span<byte> xq = stackalloc byte[{Int(padded)}];");
            w.Line("ref byte xq0 = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(xq);");
            var scope = w.Block("for (int row = 0; row < rows; row++)");
            w.Line($"// u = round(x / s_x) + 128 over the row's {Int(kernel.Columns)} input(s), s_x = max|x| / 127.");
            w.Line($"float xScale = {Int8Api}.QuantizeInput({kernel.InputRow!(KernelRow.Single)}, {Int(kernel.Columns)}, ref xq0);");
            if (flavor.Api is not null)
            {
                w.Line($"{flavor.Type} xScaleVector = {flavor.Broadcast("xScale")};");
            }

            return scope;
        }

        private static void EmitBlockStart(SourceWriter w, PackedKernel kernel, int columns4)
        {
            const int block = Packing.BlockWidth;
            w.Line($"ref sbyte wBlock = ref {UnsafeApi}.Add(ref w, block * {Int(columns4 * kernel.Gates * block * 4)});");
            w.Line($"ref float scaleBlock = ref {UnsafeApi}.Add(ref wScale, block * {Int(kernel.Gates * block)});");
            w.Line($"ref int correctionBlock = ref {UnsafeApi}.Add(ref wCorrection, block * {Int(kernel.Gates * block)});");
            if (kernel.NeedsUnitOffset)
            {
                w.Line($"int unit0 = block * {Int(block)};");
            }

            var row = KernelRow.Single;
            kernel.BlockSetup?.Invoke(w, row);
            kernel.RowSetup(w, row);
        }

        private static int Int8Columns(PackedKernel kernel) => (kernel.Columns + 3) & ~3;

        private static string Symbol(PackedKernel kernel, int gate) =>
            gate < kernel.GateSymbols.Count ? kernel.GateSymbols[gate] : Int(gate);

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
