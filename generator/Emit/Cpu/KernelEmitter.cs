using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Writes a <see cref="PackedKernel"/> once per vector width plus a dispatcher. The width is chosen with
    /// <c>VectorNNN.IsHardwareAccelerated</c>, a JIT-time constant, so only one branch survives in machine code.
    /// </summary>
    internal static class KernelEmitter
    {
        /// <summary>Accumulators a kernel keeps live: enough to hide FMA latency, few enough not to spill on x64.</summary>
        private const int RegisterBudget = 12;

        /// <summary>Independent FMA chains wanted per column step (2 FMA ports × 4 cycles latency).</summary>
        private const int WantedChains = 8;

        /// <summary>Columns per iteration of the reduction loop; the remainder is emitted straight-line.</summary>
        private const int Unroll = 4;

        private const string UnsafeApi = "global::System.Runtime.CompilerServices.Unsafe";

        public static void Emit(SourceWriter w, PackedKernel kernel)
        {
            EmitDispatcher(w, kernel);
            foreach (var flavor in VectorFlavor.All)
            {
                w.Line();
                EmitFlavor(w, kernel, flavor);
            }
        }

        private static void EmitDispatcher(SourceWriter w, PackedKernel kernel)
        {
            foreach (var line in kernel.Documentation)
            {
                w.Line("// " + line);
            }

            w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"private static void {kernel.Name}({kernel.Parameters})"))
            {
                var first = true;
                foreach (var flavor in VectorFlavor.All)
                {
                    var call = $"{kernel.Name}_{flavor.Suffix}({kernel.Arguments});";
                    if (flavor.AcceleratedCondition is { } condition)
                    {
                        w.Line($"{(first ? "if" : "else if")} ({condition}) {call}");
                        first = false;
                    }
                    else
                    {
                        w.Line($"else {call}");
                    }
                }
            }
        }

        private static void EmitFlavor(SourceWriter w, PackedKernel kernel, VectorFlavor flavor)
        {
            const int block = Packing.BlockWidth;
            var vectorsPerBlock = block / flavor.Lanes;
            var chunk = Enumerable.Range(1, vectorsPerBlock).Where(c => vectorsPerBlock % c == 0 && kernel.Gates * c <= RegisterBudget).DefaultIfEmpty(1).Max();
            var passes = vectorsPerBlock / chunk;
            var splits = System.Math.Min(Unroll, System.Math.Max(1, WantedChains / (kernel.Gates * chunk)));
            var gateStride = kernel.Gates * block;
            var mainColumns = kernel.Columns - (kernel.Columns % Unroll);

            var unit = flavor.Lanes == 1 ? "lane" : "vector";
            w.Line($"// {flavor.Description}: {Count(chunk, unit)} per gate × {Count(kernel.Gates, "gate")} in flight, {Count(passes, "pass")} over each block of {block} units,");
            w.Line($"// {Count(splits, "partial sum")} per accumulator, columns unrolled by {Unroll}" + (kernel.Columns > mainColumns
                ? $"; columns {mainColumns}..{kernel.Columns - 1} are written out at generation time."
                : "."));
            w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {kernel.Name}_{flavor.Suffix}({kernel.Parameters})"))
            {
                using (w.Block($"for (int block = 0; block < {kernel.Blocks}; block++)"))
                {
                    w.Line($"ref float wBlock = ref {UnsafeApi}.Add(ref w, block * {kernel.Columns * gateStride});");
                    if (kernel.NeedsUnitOffset)
                    {
                        w.Line($"int unit0 = block * {block};");
                    }

                    kernel.BlockSetup?.Invoke(w);
                    using (w.Block("for (int row = 0; row < rows; row++)"))
                    {
                        kernel.RowSetup(w);
                        if (passes > 1)
                        {
                            using (w.Block($"for (int lane = 0; lane < {block}; lane += {chunk * flavor.Lanes})"))
                            {
                                EmitPass(w, kernel, flavor, chunk, splits, "lane", mainColumns);
                            }
                        }
                        else
                        {
                            EmitPass(w, kernel, flavor, chunk, splits, null, mainColumns);
                        }
                    }
                }
            }
        }

        private static void EmitPass(SourceWriter w, PackedKernel kernel, VectorFlavor flavor, int chunk, int splits, string? lane, int mainColumns)
        {
            var gateStride = kernel.Gates * Packing.BlockWidth;
            string Offset(int constant) => lane is null ? Int(constant) : constant == 0 ? lane : $"{lane} + {Int(constant)}";
            string Acc(int gate, int c, int split) => $"a{Symbol(kernel, gate)}{c}" + (split == 0 ? string.Empty : "_" + Int(split));

            for (var c = 0; c < chunk; c++)
            {
                for (var g = 0; g < kernel.Gates; g++)
                {
                    w.Line($"var {Acc(g, c, 0)} = {kernel.Initial(flavor, g, Offset(c * flavor.Lanes))};");
                    for (var s = 1; s < splits; s++)
                    {
                        w.Line($"var {Acc(g, c, s)} = {flavor.Zero};");
                    }
                }
            }

            w.Line(lane is null ? "ref float wLanes = ref wBlock;" : $"ref float wLanes = ref {UnsafeApi}.Add(ref wBlock, {lane});");
            void Columns(int first, int count, string column)
            {
                w.Line($"ref float wk = ref {UnsafeApi}.Add(ref wLanes, {column} * {gateStride});");
                w.Line($"ref float xk = ref {UnsafeApi}.Add(ref x, {column});");
                for (var u = 0; u < count; u++)
                {
                    var element = u == 0 ? "xk" : $"{UnsafeApi}.Add(ref xk, {u})";
                    w.Line($"var x{u} = {flavor.Broadcast(element)};");
                }

                for (var u = 0; u < count; u++)
                {
                    for (var c = 0; c < chunk; c++)
                    {
                        for (var g = 0; g < kernel.Gates; g++)
                        {
                            var acc = Acc(g, c, (first + u) % splits);
                            w.Line($"{acc} = global::RnnGen.Numerics.VectorMath.MultiplyAdd({flavor.Load("wk", (u * gateStride) + (g * Packing.BlockWidth) + (c * flavor.Lanes))}, x{u}, {acc});");
                        }
                    }
                }
            }

            if (mainColumns > 0)
            {
                using (w.Block($"for (int k = 0; k < {mainColumns}; k += {Unroll})"))
                {
                    Columns(0, Unroll, "k");
                }
            }

            if (kernel.Columns > mainColumns)
            {
                w.Line($"// Remaining {kernel.Columns - mainColumns} column(s), fixed at generation time.");
                using (w.Block(string.Empty))
                {
                    Columns(0, kernel.Columns - mainColumns, Int(mainColumns));
                }
            }

            if (splits > 1)
            {
                for (var c = 0; c < chunk; c++)
                {
                    for (var g = 0; g < kernel.Gates; g++)
                    {
                        var sum = string.Join(" + ", Enumerable.Range(0, splits).Select(s => Acc(g, c, s)));
                        w.Line($"{Acc(g, c, 0)} = {sum};");
                    }
                }
            }

            for (var c = 0; c < chunk; c++)
            {
                var accumulators = Enumerable.Range(0, kernel.Gates).Select(g => Acc(g, c, 0)).ToArray();
                using (w.Block(string.Empty))
                {
                    kernel.Epilogue(new KernelEpilogue(w, flavor, accumulators, Offset(c * flavor.Lanes)));
                }
            }
        }

        private static string Symbol(PackedKernel kernel, int gate) =>
            gate < kernel.GateSymbols.Count ? kernel.GateSymbols[gate] : gate.ToString(CultureInfo.InvariantCulture);

        private static string Count(int count, string noun) =>
            $"{Int(count)} {noun}{(count == 1 ? string.Empty : noun.EndsWith("s", System.StringComparison.Ordinal) ? "es" : "s")}";

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
