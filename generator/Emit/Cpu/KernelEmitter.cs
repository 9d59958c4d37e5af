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

        /// <summary>Most rows that share one pass over a block's weights.</summary>
        private const int MaxRowsPerTile = 4;

        private const string UnsafeApi = "global::System.Runtime.CompilerServices.Unsafe";

        public static void Emit(SourceWriter w, PackedKernel kernel) => Emit(w, kernel, WeightEncoding.Float32);

        /// <summary>The kernel reading its weights in <paramref name="encoding"/>, named with the encoding's suffix.</summary>
        public static void Emit(SourceWriter w, PackedKernel kernel, WeightEncoding encoding)
        {
            var documentation = encoding.IsFloat32
                ? kernel.Documentation
                : System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Append(kernel.Documentation, $"  Reads {encoding.Description}; the fp32 parameters stay the source of truth (QuantizeWeights)."));
            DispatchEmitter.Emit(w, kernel.Name + encoding.Suffix, encoding.Parameters(kernel), kernel.Arguments, documentation);
            foreach (var flavor in VectorFlavor.All)
            {
                w.Line();
                EmitFlavor(w, kernel, Shape.For(kernel, flavor), encoding);
            }
        }

        private static void EmitFlavor(SourceWriter w, PackedKernel kernel, Shape shape, WeightEncoding encoding)
        {
            const int block = Packing.BlockWidth;
            var flavor = shape.Flavor;
            var element = encoding.ElementType;
            var unit = flavor.Lanes == 1 ? "lane" : "vector";
            w.Line($"// {flavor.Description}: {Count(shape.Chunk, unit)} per gate × {Count(kernel.Gates, "gate")} × {Count(shape.Tile, "row")} in flight, {Count(shape.Passes, "pass")} over each block of {block} units,");
            w.Line($"// {Count(shape.Splits, "partial sum")} per accumulator, columns unrolled by {Unroll}" + (kernel.Columns > shape.MainColumns
                ? $"; columns {shape.MainColumns}..{kernel.Columns - 1} are written out at generation time."
                : "."));
            w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {kernel.Name}{encoding.Suffix}_{flavor.Suffix}({encoding.Parameters(kernel)})"))
            {
                using (w.Block($"for (int block = 0; block < {kernel.Blocks}; block++)"))
                {
                    w.Line($"ref {element} wBlock = ref {UnsafeApi}.Add(ref w, block * {kernel.Columns * kernel.Gates * block});");
                    if (kernel.NeedsUnitOffset)
                    {
                        w.Line($"int unit0 = block * {block};");
                    }

                    kernel.BlockSetup?.Invoke(w);
                    if (shape.Tile > 1)
                    {
                        // Rows in tiles share every weight load; the rows left over run one at a time.
                        w.Line("int row = 0;");
                        using (w.Block($"for (; row + {shape.Tile} <= rows; row += {shape.Tile})"))
                        {
                            EmitRows(w, kernel, shape, shape.Tile, encoding);
                        }

                        using (w.Block("for (; row < rows; row++)"))
                        {
                            EmitRows(w, kernel, shape, 1, encoding);
                        }
                    }
                    else
                    {
                        using (w.Block("for (int row = 0; row < rows; row++)"))
                        {
                            EmitRows(w, kernel, shape, 1, encoding);
                        }
                    }
                }
            }
        }

        private static void EmitRows(SourceWriter w, PackedKernel kernel, Shape shape, int tile, WeightEncoding encoding)
        {
            var rows = Enumerable.Range(0, tile).Select(r => new KernelRow(r == 0 ? "row" : $"row + {Int(r)}", tile == 1 ? string.Empty : "R" + Int(r))).ToArray();
            foreach (var row in rows)
            {
                kernel.RowSetup(w, row);
            }

            if (shape.Passes > 1)
            {
                using (w.Block($"for (int lane = 0; lane < {Packing.BlockWidth}; lane += {shape.Chunk * shape.Flavor.Lanes})"))
                {
                    EmitPass(w, kernel, shape, rows, "lane", encoding);
                }
            }
            else
            {
                EmitPass(w, kernel, shape, rows, null, encoding);
            }
        }

        private static void EmitPass(SourceWriter w, PackedKernel kernel, Shape shape, KernelRow[] rows, string? lane, WeightEncoding encoding)
        {
            var element = encoding.ElementType;
            var flavor = shape.Flavor;
            var chunk = shape.Chunk;
            // The same partial sums whether a row runs alone or in a tile, so Step and Forward agree bit for bit.
            var splits = shape.Splits;
            var gateStride = kernel.Gates * Packing.BlockWidth;
            string Offset(int constant) => lane is null ? Int(constant) : constant == 0 ? lane : $"{lane} + {Int(constant)}";
            string Acc(KernelRow row, int gate, int c, int split) =>
                $"a{Symbol(kernel, gate)}{c}{row.Suffix}" + (split == 0 ? string.Empty : "_" + Int(split));

            foreach (var row in rows)
            {
                for (var c = 0; c < chunk; c++)
                {
                    for (var g = 0; g < kernel.Gates; g++)
                    {
                        w.Line($"{flavor.Type} {Acc(row, g, c, 0)} = {kernel.Initial(flavor, row, g, Offset(c * flavor.Lanes))};");
                        for (var s = 1; s < splits; s++)
                        {
                            w.Line($"{flavor.Type} {Acc(row, g, c, s)} = {flavor.Zero};");
                        }
                    }
                }
            }

            w.Line(lane is null ? $"ref {element} wLanes = ref wBlock;" : $"ref {element} wLanes = ref {UnsafeApi}.Add(ref wBlock, {lane});");
            void Columns(int count, string column)
            {
                w.Line($"ref {element} wk = ref {UnsafeApi}.Add(ref wLanes, {column} * {gateStride});");
                foreach (var row in rows)
                {
                    w.Line($"ref float xk{row.Suffix} = ref {UnsafeApi}.Add(ref {row.Name("x")}, {column});");
                    for (var u = 0; u < count; u++)
                    {
                        var element = u == 0 ? $"xk{row.Suffix}" : $"{UnsafeApi}.Add(ref xk{row.Suffix}, {u})";
                        w.Line($"{flavor.Type} x{u}{row.Suffix} = {flavor.Broadcast(element)};");
                    }
                }

                for (var u = 0; u < count; u++)
                {
                    for (var c = 0; c < chunk; c++)
                    {
                        for (var g = 0; g < kernel.Gates; g++)
                        {
                            var load = encoding.Load(flavor, "wk", (u * gateStride) + (g * Packing.BlockWidth) + (c * flavor.Lanes));
                            if (rows.Length > 1)
                            {
                                w.Line($"{flavor.Type} w{Symbol(kernel, g)}{c}k{u} = {load};");
                                load = $"w{Symbol(kernel, g)}{c}k{u}";
                            }

                            foreach (var row in rows)
                            {
                                var acc = Acc(row, g, c, u % splits);
                                w.Line($"{acc} = global::RnnGen.Numerics.VectorMath.MultiplyAdd({load}, x{u}{row.Suffix}, {acc});");
                            }
                        }
                    }
                }
            }

            if (shape.MainColumns > 0)
            {
                using (w.Block($"for (int k = 0; k < {shape.MainColumns}; k += {Unroll})"))
                {
                    Columns(Unroll, "k");
                }
            }

            if (kernel.Columns > shape.MainColumns)
            {
                w.Line($"// Remaining {kernel.Columns - shape.MainColumns} column(s), fixed at generation time.");
                using (w.Block(string.Empty))
                {
                    Columns(kernel.Columns - shape.MainColumns, Int(shape.MainColumns));
                }
            }

            foreach (var row in rows)
            {
                for (var c = 0; c < chunk; c++)
                {
                    if (splits > 1)
                    {
                        for (var g = 0; g < kernel.Gates; g++)
                        {
                            var sum = string.Join(" + ", Enumerable.Range(0, splits).Select(s => Acc(row, g, c, s)));
                            w.Line($"{Acc(row, g, c, 0)} = {sum};");
                        }
                    }

                    var accumulators = Enumerable.Range(0, kernel.Gates).Select(g => Acc(row, g, c, 0)).ToArray();
                    using (w.Block(string.Empty))
                    {
                        kernel.Epilogue(new KernelEpilogue(w, flavor, row, accumulators, Offset(c * flavor.Lanes)));
                    }
                }
            }
        }

        private static string Symbol(PackedKernel kernel, int gate) =>
            gate < kernel.GateSymbols.Count ? kernel.GateSymbols[gate] : gate.ToString(CultureInfo.InvariantCulture);

        private static string Count(int count, string noun) =>
            $"{Int(count)} {noun}{(count == 1 ? string.Empty : noun.EndsWith("s", System.StringComparison.Ordinal) ? "es" : "s")}";

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>
        /// How a kernel is laid out for one width: vectors per gate kept in flight (<see cref="Chunk"/>), passes over a
        /// block, rows sharing each weight load (<see cref="Tile"/>) and partial sums per accumulator, all chosen to fill
        /// <see cref="RegisterBudget"/> accumulators.
        /// </summary>
        private sealed record Shape(VectorFlavor Flavor, int Chunk, int Passes, int Tile, int Splits, int MainColumns)
        {
            public static Shape For(PackedKernel kernel, VectorFlavor flavor)
            {
                var vectorsPerBlock = Packing.BlockWidth / flavor.Lanes;
                var chunk = Enumerable.Range(1, vectorsPerBlock)
                    .Where(c => vectorsPerBlock % c == 0 && kernel.Gates * c <= RegisterBudget)
                    .DefaultIfEmpty(1)
                    .Max();
                var perRow = kernel.Gates * chunk;
                var splits = System.Math.Min(Unroll, System.Math.Max(1, WantedChains / perRow));

                // AVX-512 has 32 vector registers, AVX2/SSE/NEON code is held to 16: leave room for weights and broadcasts.
                var tileBudget = flavor.Lanes == 16 ? 20 : RegisterBudget;
                var tile = flavor.Lanes == 1 ? 1 : System.Math.Max(1, System.Math.Min(MaxRowsPerTile, tileBudget / (perRow * splits)));
                return new Shape(flavor, chunk, vectorsPerBlock / chunk, tile, splits, kernel.Columns - (kernel.Columns % Unroll));
            }
        }
    }
}
