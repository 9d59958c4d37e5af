using System.Collections.Generic;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>One bias vector added to a gate: packed [block][gates][16], this term's gate at <paramref name="Gate"/>.</summary>
    internal sealed record BiasTerm(int Offset, int Gates, int Gate);

    /// <summary>
    /// A GEMM over all rows against a packed weight tensor ([block][column][gate][16 lanes]): the input projection of
    /// every step (biases folded in) and the dense head. Each block of 256 threads computes 16 rows × 16 units × every
    /// gate; the 16×16 input tile goes through shared memory so each input float is read once per tile, and the
    /// weights stream through the read-only path, 64 contiguous bytes per gate and column.
    /// </summary>
    internal sealed class PackedGemmKernel
    {
        public const int Threads = 256;
        public const int Tile = Packing.BlockWidth;

        /// <param name="TokenInput">The rows are embedding-table rows picked by token ids (Stride is the table's dimension).</param>
        /// <param name="TableOffset">The embedding table's offset in the parameters (token input only).</param>
        /// <param name="Stride">Floats between input rows.</param>
        public sealed record Input(bool TokenInput, int TableOffset, int Stride);

        public string Name { get; init; } = string.Empty;

        public int Columns { get; init; }

        public int Gates { get; init; }

        public int Blocks { get; init; }

        /// <summary>Padded units: the distance between gates in an output row.</summary>
        public int GateWidth { get; init; }

        public int WeightOffset { get; init; }

        public IReadOnlyList<IReadOnlyList<BiasTerm>> Biases { get; init; } = new List<IReadOnlyList<BiasTerm>>();

        public Input Source { get; init; } = new(false, 0, 0);

        public int OutputOffset { get; init; }

        public int OutputStride { get; init; }

        public Activation Activation { get; init; } = Activation.Linear;

        /// <summary>σ and tanh from tanh.approx.f32 (CudaFastMath).</summary>
        public bool FastMath { get; init; }

        public IReadOnlyList<string> Documentation { get; init; } = new List<string>();

        /// <summary>Parameters in launch order: p, ws, [tokens], rows, inputOffset.</summary>
        public PtxKernelBuilder Build()
        {
            var k = new PtxKernelBuilder(Name) { MaxThreads = Threads };
            foreach (var line in Documentation)
            {
                k.Comment(line);
            }

            var p = k.Pointer("p");
            var ws = k.Pointer("ws");
            var tokens = Source.TokenInput ? k.Pointer("tokens") : null;
            var rows = k.Parameter("rows", PtxType.S32);
            var inputOffset = k.Parameter("inputOffset", PtxType.S32);
            var tile = k.Shared(Name + "_tile", Tile * Tile * 4);

            var tid = k.Special(PtxSpecial.ThreadIndex);
            var cta = k.Special(PtxSpecial.BlockIndex);
            var lane = k.And(PtxType.B32, tid, Tile - 1);
            var rowInTile = k.ShiftRight(tid, 4);
            var block = k.Rem(PtxType.U32, cta, Blocks);
            var tileIndex = k.Div(PtxType.U32, cta, Blocks);
            var row = k.MulAdd(tileIndex, Tile, rowInTile);
            var loadRow = k.MulAdd(tileIndex, Tile, lane); // the row this thread loads into the tile (transposed, see below)
            var rowValid = k.Compare(PtxCompare.Lt, PtxType.S32, row, rows);
            var loadValid = k.Compare(PtxCompare.Lt, PtxType.S32, loadRow, rows);

            // Where this thread's tile loads read: input row loadRow, starting column = its lane's place in the chunk.
            PtxRegister rowStart;
            if (tokens is not null)
            {
                var clamped = k.Select(PtxType.S32, loadRow, 0, loadValid);
                var token = k.Load(PtxSpace.Global, PtxType.S32, k.Element(tokens, clamped), cache: PtxCache.ReadOnly);
                rowStart = k.Element(p, k.MulAdd(token, Source.Stride, Source.TableOffset));
            }
            else
            {
                var clamped = k.Select(PtxType.S32, loadRow, 0, loadValid);
                rowStart = k.Element(ws, k.MulAdd(clamped, Source.Stride, inputOffset));
            }

            // The tile holds x[tile row][chunk column] at [column][row]: thread (row r, lane l) loads row l's column r,
            // so a thread reads its own row's column kk at kk·16 + r with no bank conflict between the 16 lanes.
            var storeAt = k.SharedElement(tile, k.MulAdd(rowInTile, Tile, lane));
            var readBase = k.SharedElement(tile, rowInTile);
            var weights = k.Element(p, k.MulAdd(block, Columns * Gates * Tile, k.Add(PtxType.S32, lane, WeightOffset)));
            var acc = new PtxRegister[Gates];
            for (var g = 0; g < Gates; g++)
            {
                acc[g] = k.Mov(PtxType.F32, 0f);
            }

            var fullChunks = Columns / Tile;
            var tail = Columns % Tile;
            if (fullChunks > 0)
            {
                var chunk = k.Mov(PtxType.S32, 0);
                var loop = k.NewLabel("chunk");
                k.Label(loop);
                EmitChunk(k, chunk, Tile, rowStart, rowInTile, loadValid, storeAt, readBase, weights, acc);
                k.MovTo(chunk, PtxType.S32, k.Add(PtxType.S32, chunk, 1));
                k.Branch(loop, k.Compare(PtxCompare.Lt, PtxType.S32, chunk, fullChunks));
            }

            if (tail > 0)
            {
                EmitChunk(k, k.Mov(PtxType.S32, fullChunks), tail, rowStart, rowInTile, loadValid, storeAt, readBase, weights, acc);
            }

            var skip = k.NewLabel("skip_store");
            k.Branch(skip, rowValid, negate: true);
            var unit = k.MulAdd(block, Tile, lane);
            var output = k.Element(ws, k.MulAdd(row, OutputStride, k.Add(PtxType.S32, unit, OutputOffset)));
            for (var g = 0; g < Gates; g++)
            {
                var value = acc[g];
                foreach (var bias in Biases[g])
                {
                    var at = k.Element(p, k.MulAdd(block, bias.Gates * Tile, k.Add(PtxType.S32, lane, bias.Offset + (bias.Gate * Tile))));
                    value = k.Add(PtxType.F32, value, k.Load(PtxSpace.Global, PtxType.F32, at, cache: PtxCache.ReadOnly));
                }

                value = PtxMath.Activate(k, Activation, value, FastMath);
                k.Store(PtxSpace.Global, PtxType.F32, output, value, offsetBytes: 4L * g * GateWidth);
            }

            k.Label(skip);
            k.Return();
            return k;
        }

        /// <summary>
        /// One chunk of <paramref name="width"/> columns: load the tile (zero past the last row), sync, accumulate,
        /// sync. Columns past <paramref name="width"/> are never read, so no weight beyond the tensor is touched.
        /// </summary>
        private void EmitChunk(PtxKernelBuilder k, PtxRegister chunk, int width, PtxRegister rowStart, PtxRegister rowInTile, PtxRegister loadValid, PtxRegister storeAt, PtxRegister readBase, PtxRegister weights, PtxRegister[] acc)
        {
            var column = k.MulAdd(chunk, Tile, rowInTile);
            var value = k.Mov(PtxType.F32, 0f);
            var skip = k.NewLabel("skip_load");
            var inRange = k.Compare(PtxCompare.Lt, PtxType.S32, rowInTile, width);
            k.Branch(skip, inRange, negate: true);
            k.Branch(skip, loadValid, negate: true);
            k.LoadTo(value, PtxSpace.Global, PtxType.F32, k.Element(rowStart, column), cache: Source.TokenInput ? PtxCache.ReadOnly : PtxCache.Default);
            k.Label(skip);
            k.Store(PtxSpace.Shared, PtxType.F32, storeAt, value);
            k.BarrierSync();
            var chunkWeights = k.Add(PtxType.U64, weights, k.MulWide(PtxType.S32, chunk, Tile * Gates * Tile * 4));
            for (var kk = 0; kk < width; kk++)
            {
                var x = k.Load(PtxSpace.Shared, PtxType.F32, readBase, offsetBytes: 4L * kk * Tile);
                for (var g = 0; g < Gates; g++)
                {
                    var w = k.Load(PtxSpace.Global, PtxType.F32, chunkWeights, offsetBytes: 4L * ((kk * Gates) + g) * Tile, cache: PtxCache.ReadOnly);
                    k.FmaTo(acc[g], PtxType.F32, w, x, acc[g]);
                }
            }

            k.BarrierSync();
        }
    }
}
