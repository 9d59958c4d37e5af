using System.Globalization;
using System.Linq;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Writes a <see cref="PackedKernel"/> once, generic over the vector width (<c>TOps : IVectorOps&lt;TVec&gt;</c>, called through a <c>default</c> instance),
    /// plus a dispatcher that picks the width with <c>VectorNNN.IsHardwareAccelerated</c>, a JIT-time constant, so only
    /// one call survives in machine code and the JIT compiles the body for that width alone. The register tile is the
    /// one that fits 32 vector registers (AVX-512); with 16 (AVX2, SSE) the body runs one row at a time.
    /// </summary>
    internal static class KernelEmitter
    {
        /// <summary>Accumulators a row tile may keep live with 32 vector registers, leaving room for weights and broadcasts.</summary>
        private const int WideRegisterBudget = 20;

        /// <summary>Independent FMA chains wanted per column step (2 FMA ports × 4 cycles latency).</summary>
        private const int WantedChains = 8;

        /// <summary>Columns per iteration of the reduction loop; the remainder is emitted straight-line.</summary>
        private const int Unroll = 4;

        /// <summary>Most rows that share one pass over a block's weights.</summary>
        private const int MaxRowsPerTile = 4;

        /// <summary>
        /// A block's weights beyond this many bytes (the L1 data cache of current x64 cores) are cut into column chunks
        /// of at most <see cref="ChunkBytes"/>, so each chunk stays in L1 while every row of a group reads it (a 64 KiB
        /// LSTM-256 slab would otherwise stream from L2 once per row tile). A slab that fits runs unchunked: measured,
        /// chunking a 48 KiB GRU-256 slab gained nothing on one core and cost 10 % on two.
        /// </summary>
        internal const int L1Bytes = 48 * 1024;

        /// <summary>Floats per 64-byte cache line.</summary>
        private const int LineFloats = 16;

        /// <summary>The most bytes of weights in one column chunk.</summary>
        private const int ChunkBytes = 32 * 1024;

        /// <summary>Rows that share a chunk of weights in L1 before the next chunk: also the partial sums kept between chunks.</summary>
        private const int GroupRows = 32;

        private const string UnsafeApi = "global::System.Runtime.CompilerServices.Unsafe";

        private const string Ops = VectorFlavor.OpsLocal;

        public static void Emit(SourceWriter w, PackedKernel kernel) => Emit(w, kernel, WeightEncoding.Float32);

        /// <summary>The kernel reading its weights in <paramref name="encoding"/>, named with the encoding's suffix.</summary>
        /// <param name="blockRange">
        /// Whether the kernel takes a range of unit blocks (<c>blockFirst</c>, <c>blockEnd</c>; all by default), for a
        /// wide layer whose steps split their blocks across cores. Only then: a loop over a constant number of blocks
        /// measured up to 17 % faster on a 128-unit LSTM.
        /// </param>
        public static void Emit(SourceWriter w, PackedKernel kernel, WeightEncoding encoding, bool blockRange = false)
        {
            var documentation = encoding.IsFloat32
                ? kernel.Documentation
                : System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Append(kernel.Documentation, $"  Reads {encoding.Description}; the fp32 parameters stay the source of truth (QuantizeWeights)."));
            var (parameters, arguments) = blockRange
                ? (encoding.Parameters(kernel) + $", int blockFirst = 0, int blockEnd = {Int(kernel.Blocks)}", kernel.Arguments + ", blockFirst, blockEnd")
                : (encoding.Parameters(kernel), kernel.Arguments);
            DispatchEmitter.Emit(w, kernel.Name + encoding.Suffix, parameters, arguments, documentation, generic: true);
            w.Line();
            EmitBody(w, kernel, Shape.For(kernel, encoding), encoding, blockRange);
        }

        private static void EmitBody(SourceWriter w, PackedKernel kernel, Shape shape, WeightEncoding encoding, bool blockRange)
        {
            const int block = Packing.BlockWidth;
            var element = encoding.ElementType;
            w.Line($"// One vector per gate × {Count(kernel.Gates, "gate")} × {Count(shape.Tile, "row")} in flight ({(shape.Tile > 1 ? $"{Int(shape.Tile)} with 32 vector registers, else 1" : "any width")}), one pass per {Ops}.Count lanes of each block of {block} units,");
            w.Line($"// {Count(shape.Splits, "partial sum")} per accumulator, columns unrolled by {Unroll}" + (shape.Chunks.Length > 1
                ? $"; the columns in {Count(shape.Chunks.Length, "chunk")} of at most {Int(ChunkBytes / 1024)} KiB of weights, each read by up to {Int(GroupRows)} rows from L1 (the sums carried between chunks)."
                : shape.Chunks[0].Main < kernel.Columns ? $"; columns {shape.Chunks[0].Main}..{kernel.Columns - 1} are written out at generation time." : "."));
            w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {kernel.Name}{encoding.Suffix}{VectorFlavor.GenericParameters}({encoding.Parameters(kernel)}{(blockRange ? ", int blockFirst, int blockEnd" : string.Empty)}) {VectorFlavor.GenericConstraints}"))
            {
                w.Line(VectorFlavor.OpsDeclaration);
                if (shape.TilesBlocks && !blockRange)
                {
                    EmitBlockTile(w, kernel, shape, encoding);
                }

                if (shape.Chunks.Length > 1)
                {
                    w.Line($"global::System.Span<float> carried = stackalloc float[global::System.Math.Min(rows, {Int(GroupRows)}) * {Int(kernel.Gates * block)}]; // [row of the group][gate][16]: the sums between chunks");
                    w.Line("ref float carry = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(carried);");
                }

                using (w.Block(blockRange ? "for (int block = blockFirst; block < blockEnd; block++)" : $"for (int block = 0; block < {kernel.Blocks}; block++)"))
                {
                    w.Line($"ref {element} wBlock = ref {UnsafeApi}.Add(ref w, block * {kernel.Columns * kernel.Gates * block});");
                    if (kernel.NeedsUnitOffset)
                    {
                        w.Line($"int unit0 = block * {block};");
                    }

                    kernel.BlockSetup?.Invoke(w, KernelRow.Single);
                    if (kernel.FusedProjection is { } fused)
                    {
                        w.Line($"ref float wInBlock = ref {UnsafeApi}.Add(ref wIn, block * {Int(fused.Columns * fused.Gates * block)});");
                        fused.BlockSetup?.Invoke(w, KernelRow.Single);
                    }

                    if (shape.Chunks.Length == 1)
                    {
                        EmitRowLoops(w, kernel, shape, encoding, shape.Chunks[0], "0", "rows");
                    }
                    else
                    {
                        EmitChunkedGroups(w, kernel, shape, encoding);
                    }
                }
            }
        }

        /// <summary>
        /// One row (a streaming <c>Step</c>, or a batch of one) with every block's accumulators in registers at once:
        /// each broadcast of x serves all blocks, their FMA chains interleave, and the loops over blocks and row tiles
        /// are gone. Measured on an LSTM 1→32 <c>Step</c> (pinned, best of 200 × 1000 steps): 84–86 → 71–72 ns, 75–79
        /// with only the recurrent kernel tiled. Every sum runs in the same order as in the loop over blocks, so the
        /// results are bit for bit the same.
        /// </summary>
        private static void EmitBlockTile(SourceWriter w, PackedKernel kernel, Shape shape, WeightEncoding encoding)
        {
            w.Line($"// One row: all {Int(kernel.Blocks)} blocks at once ({Count(kernel.Blocks * kernel.Gates * shape.Splits, "accumulator")} in registers), each broadcast of x serving every block.");
            using (w.Block($"if (rows == 1 && {Ops}.WideRegisterFile)"))
            {
                w.Line("const int row = 0;");
                var blocks = Enumerable.Range(0, kernel.Blocks).Select(b => new KernelRow("row", "B" + Int(b)) { FixedBlock = b }).ToArray();
                foreach (var b in blocks)
                {
                    w.Line($"ref {encoding.ElementType} {b.Name("wBlock")} = ref {UnsafeApi}.Add(ref w, {b.BlockOffset(kernel.Columns * kernel.Gates * Packing.BlockWidth)});");
                    kernel.BlockSetup?.Invoke(w, b);
                    kernel.RowSetup(w, b);
                }

                using (w.Block($"for (int lane = 0; lane < {Packing.BlockWidth}; lane += {Ops}.Count)"))
                {
                    EmitPass(w, kernel, shape, blocks, encoding, shape.Chunks[0], sharedInput: true);
                }

                w.Line("return;");
            }

            w.Line();
        }

        /// <summary>Per group of rows, every chunk of columns in turn: each chunk's weights serve the whole group from L1.</summary>
        private static void EmitChunkedGroups(SourceWriter w, PackedKernel kernel, Shape shape, WeightEncoding encoding)
        {
            using (w.Block($"for (int group = 0; group < rows; group += {Int(GroupRows)})"))
            {
                w.Line($"int groupEnd = global::System.Math.Min(rows, group + {Int(GroupRows)});");
                foreach (var chunk in shape.Chunks)
                {
                    w.Line($"// Columns {chunk.First}..{chunk.End - 1}.");
                    using (w.Block(string.Empty))
                    {
                        EmitRowLoops(w, kernel, shape, encoding, chunk, "group", "groupEnd");
                    }
                }
            }
        }

        /// <summary>The row tiles, then the rows left over one at a time, from <paramref name="first"/> to <paramref name="end"/>.</summary>
        private static void EmitRowLoops(SourceWriter w, PackedKernel kernel, Shape shape, WeightEncoding encoding, Chunk chunk, string first, string end)
        {
            w.Line($"int row = {first};");
            if (shape.Tile > 1)
            {
                // Rows in tiles share every weight load; the rows left over run one at a time.
                using (w.Block($"if ({Ops}.WideRegisterFile)"))
                using (w.Block($"for (; row + {shape.Tile} <= {end}; row += {shape.Tile})"))
                {
                    EmitRows(w, kernel, shape, shape.Tile, encoding, chunk);
                }
            }

            using (w.Block($"for (; row < {end}; row++)"))
            {
                EmitRows(w, kernel, shape, 1, encoding, chunk);
            }
        }

        private static void EmitRows(SourceWriter w, PackedKernel kernel, Shape shape, int tile, WeightEncoding encoding, Chunk chunk)
        {
            var rows = Enumerable.Range(0, tile).Select(r => new KernelRow(r == 0 ? "row" : $"row + {Int(r)}", tile == 1 ? string.Empty : "R" + Int(r))).ToArray();
            foreach (var row in rows)
            {
                kernel.RowSetup(w, row);
                if (kernel.FusedProjection is { } fused)
                {
                    w.Line($"ref float {row.Name("xIn")} = {fused.InputRow!(row)}; // the projection's input row");
                }
            }

            // One pass at 16 lanes: the JIT drops the loop for AVX-512.
            using (w.Block($"for (int lane = 0; lane < {Packing.BlockWidth}; lane += {Ops}.Count)"))
            {
                EmitPass(w, kernel, shape, rows, encoding, chunk);
            }
        }

        /// <param name="sharedInput">
        /// Whether <paramref name="rows"/> are the blocks of one row (<see cref="EmitBlockTile"/>): one x, weights per
        /// block; else rows of one block: weights shared, x per row.
        /// </param>
        private static void EmitPass(SourceWriter w, PackedKernel kernel, Shape shape, KernelRow[] rows, WeightEncoding encoding, Chunk chunk, bool sharedInput = false)
        {
            var element = encoding.ElementType;
            var flavor = VectorFlavor.Generic;
            // The same partial sums whether a row runs alone or in a tile, so Step and Forward agree bit for bit.
            var splits = shape.Splits;
            var gateStride = kernel.Gates * Packing.BlockWidth;
            string Acc(KernelRow row, int gate, int split) =>
                $"a{Symbol(kernel, gate)}0{row.Suffix}" + (split == 0 ? string.Empty : "_" + Int(split));

            // Columns [First, End) of a chunk: the unrolled loop (with an optional line at the top of each iteration),
            // then the remainder written out; lanes and input name the weights and each row's vector.
            void Reduce(Chunk part, string lanes, string input, string noun, string? prefetchLine)
            {
                if (part.Main > part.First)
                {
                    using (w.Block($"for (int k = {Int(part.First)}; k < {Int(part.Main)}; k += {Unroll})"))
                    {
                        if (prefetchLine is not null)
                        {
                            w.Line(prefetchLine);
                        }

                        Columns(Unroll, "k", lanes, input);
                    }
                }

                if (part.End > part.Main)
                {
                    w.Line($"// Remaining {part.End - part.Main} {noun}, fixed at generation time.");
                    using (w.Block(string.Empty))
                    {
                        Columns(part.End - part.Main, Int(part.Main), lanes, input);
                    }
                }
            }

            // A gate's partial sums added into the first, in one fixed order.
            string CloseSplits(KernelRow row, int gate) =>
                Enumerable.Range(1, splits - 1).Aggregate(Acc(row, gate, 0), (total, s) => flavor.Add(total, Acc(row, gate, s)));

            // Where a row's sums wait between chunks: [row of the group][gate][16].
            string Carried(KernelRow row, int gate) =>
                $"(({row.Row} - group) * {Int(gateStride)}) + {(gate == 0 ? "lane" : $"{Int(gate * Packing.BlockWidth)} + lane")}";

            foreach (var row in rows)
            {
                for (var g = 0; g < kernel.Gates; g++)
                {
                    var initial = !chunk.IsFirst ? flavor.Load("carry", Carried(row, g))
                        : kernel.FusedProjection is { } fused ? fused.Initial(flavor, row, g, "lane")
                        : kernel.Initial(flavor, row, g, "lane");
                    w.Line($"{flavor.Type} {Acc(row, g, 0)} = {initial};");
                    for (var s = 1; s < splits; s++)
                    {
                        w.Line($"{flavor.Type} {Acc(row, g, s)} = {flavor.Zero};");
                    }
                }
            }

            // The weights of a row tile's lanes, named lanes, and each row's input vector, named input.
            void Columns(int count, string column, string lanes = "wLanes", string input = "x")
            {
                if (sharedInput)
                {
                    SharedInputColumns(count, column);
                    return;
                }

                w.Line($"ref {element} wk = ref {UnsafeApi}.Add(ref {lanes}, {column} * {gateStride});");
                foreach (var row in rows)
                {
                    w.Line($"ref float xk{row.Suffix} = ref {UnsafeApi}.Add(ref {row.Name(input)}, {column});");
                    for (var u = 0; u < count; u++)
                    {
                        var element = u == 0 ? $"xk{row.Suffix}" : $"{UnsafeApi}.Add(ref xk{row.Suffix}, {u})";
                        w.Line($"{flavor.Type} x{u}{row.Suffix} = {flavor.Broadcast(element)};");
                    }
                }

                for (var u = 0; u < count; u++)
                {
                    for (var g = 0; g < kernel.Gates; g++)
                    {
                        var load = encoding.Load(flavor, "wk", (u * gateStride) + (g * Packing.BlockWidth));
                        if (rows.Length > 1)
                        {
                            w.Line($"{flavor.Type} w{Symbol(kernel, g)}0k{u} = {load};");
                            load = $"w{Symbol(kernel, g)}0k{u}";
                        }

                        foreach (var row in rows)
                        {
                            var acc = Acc(row, g, u % splits);
                            w.Line($"{acc} = {flavor.MultiplyAdd(load, $"x{u}{row.Suffix}", acc)};");
                        }
                    }
                }
            }

            // The blocks of one row: one broadcast of each x, each block's own weights.
            void SharedInputColumns(int count, string column)
            {
                foreach (var row in rows)
                {
                    w.Line($"ref {element} {row.Name("wk")} = ref {UnsafeApi}.Add(ref {row.Name("wLanes")}, {column} * {gateStride});");
                }

                w.Line($"ref float xk = ref {UnsafeApi}.Add(ref {rows[0].Name("x")}, {column});");
                for (var u = 0; u < count; u++)
                {
                    w.Line($"{flavor.Type} x{u} = {flavor.Broadcast(u == 0 ? "xk" : $"{UnsafeApi}.Add(ref xk, {u})")};");
                }

                for (var u = 0; u < count; u++)
                {
                    for (var g = 0; g < kernel.Gates; g++)
                    {
                        foreach (var row in rows)
                        {
                            var acc = Acc(row, g, u % splits);
                            w.Line($"{acc} = {flavor.MultiplyAdd(encoding.Load(flavor, row.Name("wk"), (u * gateStride) + (g * Packing.BlockWidth)), $"x{u}", acc)};");
                        }
                    }
                }
            }

            if (chunk.IsFirst && kernel.FusedProjection is { } projection)
            {
                // W_ih · x(t) first, in the projection's own column order and partial sums, closed as it closes them:
                // the same bits as a projection written out and read back, without the round trip through memory.
                // A projection split in column chunks carries its sums between them; this reduces in one pass, so it
                // gives the projection's bits only when the projection has one chunk (LayerKernels.FusesProjection).
                var projectionChunks = Shape.For(projection, encoding).Chunks;
                if (projectionChunks.Length != 1)
                {
                    throw new System.InvalidOperationException($"{kernel.Name} fuses a projection of {projectionChunks.Length} column chunks; only a one-chunk projection gives Forward's bits.");
                }

                w.Line($"ref {element} wInLanes = ref {UnsafeApi}.Add(ref wInBlock, lane);");
                Reduce(projectionChunks[0], "wInLanes", "xIn", "input column(s)", prefetchLine: null);

                if (kernel.ProjectionApartGate is not null && !chunk.IsLast)
                {
                    // Its projection sum waits in a register for the epilogue, so the step must be one chunk.
                    throw new System.InvalidOperationException($"{kernel.Name} keeps gate {kernel.ProjectionApartGate}'s projection apart, which needs one column chunk.");
                }

                foreach (var row in rows)
                {
                    for (var g = 0; g < kernel.Gates && splits > 1; g++)
                    {
                        w.Line($"{Acc(row, g, 0)} = {CloseSplits(row, g)};");
                        for (var s = 1; s < splits; s++)
                        {
                            w.Line($"{Acc(row, g, s)} = {flavor.Zero};");
                        }
                    }

                    if (kernel.ProjectionApartGate is int apart)
                    {
                        w.Line($"{flavor.Type} {row.Name(ProjectionApartName)} = {Acc(row, apart, 0)}; // the projection's own sum, read by the epilogue");
                        w.Line($"{Acc(row, apart, 0)} = {kernel.Initial(flavor, row, apart, "lane")};");
                    }
                }
            }

            var weightRows = sharedInput ? rows : new[] { KernelRow.Single };
            foreach (var row in weightRows)
            {
                w.Line($"ref {element} {row.Name("wLanes")} = ref {UnsafeApi}.Add(ref {row.Name("wBlock")}, lane);");
            }

            var prefetch = PrefetchesNextChunk(shape, encoding, rows, sharedInput) && chunk.Main > chunk.First;
            if (prefetch)
            {
                // The weights come from L3 once per step: while the group reads this chunk from L1, its row tiles
                // together ask for the next chunk (of this block, or the next block's first) in L2, a line per column step.
                var next = chunk.IsLast ? kernel.Columns * gateStride : chunk.End * gateStride;
                var lines = (chunk.Main - chunk.First) / Unroll;
                w.Line($"ref float wNext = ref {UnsafeApi}.Add(ref wBlock, {Int(next)} + ((({rows[0].Row} - group) / {Int(rows.Length)}) * {Int(lines * LineFloats)}));");
            }

            var prefetchStep = chunk.First == 0 ? "k" : $"(k - {Int(chunk.First)})";
            Reduce(chunk, "wLanes", "x", "column(s)", prefetch ? $"global::RnnGen.Numerics.Prefetch.IntoL2(ref {UnsafeApi}.Add(ref wNext, {prefetchStep} / {Unroll} * {Int(LineFloats)}));" : null);

            foreach (var row in rows)
            {
                if (splits > 1)
                {
                    for (var g = 0; g < kernel.Gates; g++)
                    {
                        w.Line($"{Acc(row, g, 0)} = {CloseSplits(row, g)};");
                    }
                }

                if (!chunk.IsLast)
                {
                    for (var g = 0; g < kernel.Gates; g++)
                    {
                        w.Line(flavor.Store(Acc(row, g, 0), "carry", Carried(row, g)));
                    }

                    continue;
                }

                var accumulators = Enumerable.Range(0, kernel.Gates).Select(g => Acc(row, g, 0)).ToArray();
                using (w.Block(string.Empty))
                {
                    kernel.Epilogue(new KernelEpilogue(w, flavor, row, accumulators, "lane"));
                }
            }
        }

        /// <summary>Whether a one-row call of <paramref name="kernel"/> keeps every block in registers at once (<see cref="EmitBlockTile"/>).</summary>
        public static bool TilesBlocks(PackedKernel kernel) => Shape.For(kernel, WeightEncoding.Float32).TilesBlocks;

        /// <summary>How many column chunks an fp32 pass of <paramref name="kernel"/> runs in (1 when a block's weights fit L1).</summary>
        public static int ColumnChunks(PackedKernel kernel) => Shape.For(kernel, WeightEncoding.Float32).Chunks.Length;

        /// <summary>The fp32 weight bytes of one block's first column chunk: what a row tile's pass reads from L1 first.</summary>
        public static int FirstChunkBytes(PackedKernel kernel)
        {
            var first = Shape.For(kernel, WeightEncoding.Float32).Chunks[0];
            return (first.End - first.First) * kernel.Gates * Packing.BlockWidth * sizeof(float);
        }

        /// <summary>The variable (per row) that holds <see cref="PackedKernel.ProjectionApartGate"/>'s projection sum.</summary>
        public const string ProjectionApartName = "xApart";

        /// <summary>
        /// Whether a pass prefetches the next chunk's weights: fp32 row tiles of a chunked kernel, whose block slabs
        /// (over 48 KiB each) make a layer's weights larger than L2. Measured on LSTM 256, batch 32, one core (W_hh
        /// 1 MiB): 2 % faster, outputs unchanged; at two cores each holds its half in L2 and it made no difference.
        /// </summary>
        private static bool PrefetchesNextChunk(Shape shape, WeightEncoding encoding, KernelRow[] rows, bool sharedInput) =>
            shape.Chunks.Length > 1 && encoding.IsFloat32 && rows.Length > 1 && !sharedInput;

        private static string Symbol(PackedKernel kernel, int gate) =>
            gate < kernel.GateSymbols.Count ? kernel.GateSymbols[gate] : gate.ToString(CultureInfo.InvariantCulture);

        private static string Count(int count, string noun) =>
            $"{Int(count)} {noun}{(count == 1 ? string.Empty : noun.EndsWith("s", System.StringComparison.Ordinal) ? "es" : "s")}";

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>
        /// How the generic body is laid out: one vector per gate in flight, rows sharing each weight load
        /// (<see cref="Tile"/>, with 32 registers) and partial sums per accumulator (<see cref="Splits"/>), chosen so each
        /// row keeps <see cref="WantedChains"/> independent FMAs going (at most 8 accumulators, which fit 16 registers);
        /// and the column chunks whose weights stay in L1 (one chunk when the block's slab fits).
        /// </summary>
        /// <remarks>
        /// <see cref="TilesBlocks"/>: whether one row can keep every block's accumulators in registers (a small layer:
        /// 2 blocks of LSTM, up to 3 of GRU, 5 of SimpleRNN or a head), which <see cref="EmitBlockTile"/> then does.
        /// </remarks>
        private sealed record Shape(int Tile, int Splits, Chunk[] Chunks, bool TilesBlocks)
        {
            public static Shape For(PackedKernel kernel, WeightEncoding encoding)
            {
                var perRow = kernel.Gates;
                var splits = System.Math.Min(Unroll, System.Math.Max(1, WantedChains / perRow));
                var tile = System.Math.Max(1, System.Math.Min(MaxRowsPerTile, WideRegisterBudget / (perRow * splits)));
                var chunks = Chunk.Split(kernel.Columns, kernel.Gates * Packing.BlockWidth * (encoding.IsFloat32 ? 4 : 2));
                var tilesBlocks = kernel.Blocks > 1 && chunks.Length == 1 && kernel.Blocks * perRow * splits <= WideRegisterBudget && kernel.FusedProjection is null;
                return new Shape(tile, splits, chunks, tilesBlocks);
            }
        }

        /// <summary>
        /// Columns [First, End) of one pass; [First, Main) run in the unrolled loop, the rest straight-line. The first
        /// chunk starts from the kernel's initial values, the last runs the epilogue; the others carry the sums.
        /// </summary>
        private sealed record Chunk(int First, int Main, int End, bool IsFirst, bool IsLast)
        {
            /// <summary>One chunk when the slab fits L1; else equal chunks (multiples of the unroll) of at most <see cref="ChunkBytes"/> each.</summary>
            public static Chunk[] Split(int columns, int bytesPerColumn)
            {
                var count = columns * bytesPerColumn > L1Bytes ? (columns * bytesPerColumn + ChunkBytes - 1) / ChunkBytes : 1;
                if (count == 1)
                {
                    return new[] { new Chunk(0, columns - (columns % Unroll), columns, true, true) };
                }

                var size = ((columns + count - 1) / count + Unroll - 1) / Unroll * Unroll;
                var chunks = new System.Collections.Generic.List<Chunk>();
                for (var first = 0; first < columns; first += size)
                {
                    var end = System.Math.Min(columns, first + size);
                    chunks.Add(new Chunk(first, end - ((end - first) % Unroll), end, first == 0, end == columns));
                }

                return chunks.ToArray();
            }
        }
    }
}
