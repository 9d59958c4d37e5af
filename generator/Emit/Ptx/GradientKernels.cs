namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>
    /// The model-independent kernels of the GPU Backward, one thread per output element (a plain launch of
    /// ⌈n / 256⌉ blocks), every sum taken by one thread in row order, so each result is deterministic:
    /// <list type="bullet">
    /// <item>the weight-gradient GEMM over every step and sequence, dW[u][g][k] += Σ_r dy_g[r][u] · x[r][k], written
    /// into the packed layout of the parameters (a bias is the same sum with x = 1, a peephole with x[r][u]);</item>
    /// <item>the transposed product dx[r][k] += Σ_g Σ_u W[u][g][k] · dy_g[r][u] that hands dL/dx to the layer below,
    /// dL/dh to the last layer from the head, and dL/dE rows to the embedding;</item>
    /// <item>the caller's output gradients scattered into padded rows, the embedding rows of the tokens, and the
    /// embedding gradient: one thread per table element, adding the rows of every step that read its token; or,
    /// faster for a large vocabulary, one thread per row element with a float atomic add (whose order, and so last
    /// bits, depend on the schedule).</item>
    /// </list>
    /// Offsets are element offsets into the buffer each pointer names, passed at launch because they depend on the
    /// batch size.
    /// </summary>
    internal static class GradientKernels
    {
        public const int Threads = SequenceKernels.Threads;

        public const string WeightGradient = "rnngen_weight_gradient";
        public const string TransposedProduct = "rnngen_transposed_product";
        public const string ScatterRows = "rnngen_scatter_rows";
        public const string EmbeddingRows = "rnngen_embedding_rows";
        public const string EmbeddingGradient = "rnngen_embedding_gradient";
        public const string EmbeddingScatterAdd = "rnngen_embedding_scatter_add";

        private const int Lanes = Planning.Packing.BlockWidth;

        /// <summary>
        /// g[tensor + packed(u, first + c, k)] += Σ_r y[yOffset + r·yStride + c·yGateStride + u] · x(r, k, u) for every
        /// block, column k, gate c &lt; count and lane of a packed tensor ([block][column][gate][16]); x(r, k, u) is
        /// x[xOffset + r·xStride + k], or 1 (ones: a bias), or x[xOffset + r·xStride + u] (diagonal: a peephole).
        /// Parameters: g, y, x, tensor, columns, gates, first, count, yOffset, yStride, yGateStride, xOffset, xStride,
        /// ones, diagonal, rows, total (blocks · columns · count · 16).
        /// </summary>
        public static PtxKernelBuilder BuildWeightGradient()
        {
            var k = SequenceKernels.Start(WeightGradient, "dW = Σ_r dy ⊗ x over every step and sequence, added into a packed tensor of the gradients (x = 1 for a bias, x[r][u] for a peephole).");
            var g = k.Pointer("g");
            var y = k.Pointer("y");
            var x = k.Pointer("x");
            var tensor = k.Parameter("tensor", PtxType.S32);
            var columns = k.Parameter("columns", PtxType.S32);
            var gates = k.Parameter("gates", PtxType.S32);
            var first = k.Parameter("first", PtxType.S32);
            var count = k.Parameter("count", PtxType.S32);
            var yOffset = k.Parameter("yOffset", PtxType.S32);
            var yStride = k.Parameter("yStride", PtxType.S32);
            var yGateStride = k.Parameter("yGateStride", PtxType.S32);
            var xOffset = k.Parameter("xOffset", PtxType.S32);
            var xStride = k.Parameter("xStride", PtxType.S32);
            var ones = k.Compare(PtxCompare.Ne, PtxType.S32, k.Parameter("ones", PtxType.S32), 0);
            var diagonal = k.Compare(PtxCompare.Ne, PtxType.S32, k.Parameter("diagonal", PtxType.S32), 0);
            var rows = k.Parameter("rows", PtxType.S32);
            var total = k.Parameter("total", PtxType.S32);
            var (i, end) = SequenceKernels.Index(k, total);
            var lane = k.And(PtxType.B32, i, Lanes - 1);
            var rest = k.ShiftRight(i, 4);
            var c = k.Rem(PtxType.S32, rest, count);
            rest = k.Div(PtxType.S32, rest, count);
            var column = k.Rem(PtxType.S32, rest, columns);
            var block = k.Div(PtxType.S32, rest, columns);
            var unit = k.MulAdd(block, Lanes, lane);

            // packed(u, first + c, k) = ((block · columns + k) · gates + first + c) · 16 + lane
            var packed = k.MulAdd(k.Add(PtxType.S32, k.MulAdd(k.MulAdd(block, columns, column), gates, first), c), Lanes, lane);
            var dy = k.Element(y, k.Add(PtxType.S32, k.MulAdd(c, yGateStride, unit), yOffset));
            var input = k.Element(x, k.Add(PtxType.S32, k.Select(PtxType.S32, unit, column, diagonal), xOffset));
            var sum = k.Mov(PtxType.F32, 0f);
            var dyStep = k.MulWide(PtxType.S32, yStride, 4);
            var xStep = k.MulWide(PtxType.S32, xStride, 4);
            SequenceKernels.Loop(k, rows, 0, _ =>
            {
                var value = k.Mov(PtxType.F32, 1f);
                var skip = k.NewLabel("bias");
                k.Branch(skip, ones);
                k.LoadTo(value, PtxSpace.Global, PtxType.F32, input);
                k.Label(skip);
                k.FmaTo(sum, PtxType.F32, k.Load(PtxSpace.Global, PtxType.F32, dy), value, sum);
                k.MovTo(dy, PtxType.U64, k.Add(PtxType.U64, dy, dyStep));
                k.MovTo(input, PtxType.U64, k.Add(PtxType.U64, input, xStep));
            });
            var at = k.Element(g, k.Add(PtxType.S32, packed, tensor));
            k.Store(PtxSpace.Global, PtxType.F32, at, k.Add(PtxType.F32, k.Load(PtxSpace.Global, PtxType.F32, at), sum));
            SequenceKernels.Finish(k, end);
            return k;
        }

        /// <summary>
        /// dst[dstOffset + r·dstStride + k] += Σ_{c &lt; count} Σ_{u &lt; units} W[u][first + c][k] · y[yOffset + r·yStride + c·yGateStride + u],
        /// W a packed tensor in p ([block][column][gate][16]). One thread per (row, column).
        /// Parameters: p, y, dst, weights, columns, gates, first, count, units, yOffset, yStride, yGateStride,
        /// dstOffset, dstStride, rows.
        /// </summary>
        public static PtxKernelBuilder BuildTransposedProduct()
        {
            var k = SequenceKernels.Start(TransposedProduct, "dx = Wᵀ · dy for every row, added: dL/dx of a layer, dL/dh from the head, dL/dE rows.");
            var p = k.Pointer("p");
            var y = k.Pointer("y");
            var dst = k.Pointer("dst");
            var weights = k.Parameter("weights", PtxType.S32);
            var columns = k.Parameter("columns", PtxType.S32);
            var gates = k.Parameter("gates", PtxType.S32);
            var first = k.Parameter("first", PtxType.S32);
            var count = k.Parameter("count", PtxType.S32);
            var units = k.Parameter("units", PtxType.S32);
            var yOffset = k.Parameter("yOffset", PtxType.S32);
            var yStride = k.Parameter("yStride", PtxType.S32);
            var yGateStride = k.Parameter("yGateStride", PtxType.S32);
            var dstOffset = k.Parameter("dstOffset", PtxType.S32);
            var dstStride = k.Parameter("dstStride", PtxType.S32);
            var rows = k.Parameter("rows", PtxType.S32);
            var (i, end) = SequenceKernels.Index(k, k.Mul(PtxType.S32, rows, columns));
            var column = k.Rem(PtxType.S32, i, columns);
            var row = k.Div(PtxType.S32, i, columns);
            var blockStride = k.Mul(PtxType.S32, k.Mul(PtxType.S32, columns, gates), Lanes);
            var sum = k.Mov(PtxType.F32, 0f);
            SequenceKernels.Loop(k, count, 0, c =>
            {
                // Column k of gate first + c: 16 contiguous floats per block, blocks apart by the block stride.
                var gateColumn = k.MulAdd(k.Add(PtxType.S32, k.MulAdd(column, gates, first), c), Lanes, weights);
                var dyRow = k.Add(PtxType.S32, k.MulAdd(row, yStride, k.Mul(PtxType.S32, c, yGateStride)), yOffset);
                SequenceKernels.Loop(k, units, 0, u =>
                {
                    var block = k.ShiftRight(u, 4);
                    var lane = k.And(PtxType.B32, u, Lanes - 1);
                    var w = k.Load(PtxSpace.Global, PtxType.F32, k.Element(p, k.MulAdd(block, blockStride, k.Add(PtxType.S32, gateColumn, lane))), cache: PtxCache.ReadOnly);
                    var dy = k.Load(PtxSpace.Global, PtxType.F32, k.Element(y, k.Add(PtxType.S32, dyRow, u)));
                    k.FmaTo(sum, PtxType.F32, w, dy, sum);
                });
            });
            var at = k.Element(dst, k.Add(PtxType.S32, k.MulAdd(row, dstStride, column), dstOffset));
            k.Store(PtxSpace.Global, PtxType.F32, at, k.Add(PtxType.F32, k.Load(PtxSpace.Global, PtxType.F32, at), sum));
            SequenceKernels.Finish(k, end);
            return k;
        }

        /// <summary>
        /// dst[dstOffset + r·dstStride + j] = src[r·width + j] for j &lt; width; zero at padded steps (t ≥ length_b)
        /// when asked: the caller's dense output gradients in the workspace's padded rows.
        /// Parameters: dst, lengths, src, dstOffset, dstStride, width, rows, batch, zeroPadded.
        /// </summary>
        public static PtxKernelBuilder BuildScatterRows()
        {
            var k = SequenceKernels.Start(ScatterRows, "The caller's output gradients into padded rows; padded steps of shorter sequences have no loss (zero).");
            var dst = k.Pointer("dst");
            var lengths = k.Pointer("lengths");
            var src = k.Pointer("src");
            var dstOffset = k.Parameter("dstOffset", PtxType.S32);
            var dstStride = k.Parameter("dstStride", PtxType.S32);
            var width = k.Parameter("width", PtxType.S32);
            var rows = k.Parameter("rows", PtxType.S32);
            var batch = k.Parameter("batch", PtxType.S32);
            var zeroPadded = k.Compare(PtxCompare.Ne, PtxType.S32, k.Parameter("zeroPadded", PtxType.S32), 0);
            var (i, end) = SequenceKernels.Index(k, k.Mul(PtxType.S32, rows, width));
            var j = k.Rem(PtxType.S32, i, width);
            var row = k.Div(PtxType.S32, i, width);
            var value = k.Load(PtxSpace.Global, PtxType.F32, k.Element(src, i));
            var keep = SequenceKernels.KeepRow(k, lengths, row, batch, zeroPadded);
            k.Store(PtxSpace.Global, PtxType.F32, k.Element(dst, k.Add(PtxType.S32, k.MulAdd(row, dstStride, j), dstOffset)), k.Select(PtxType.F32, value, 0f, keep));
            SequenceKernels.Finish(k, end);
            return k;
        }

        /// <summary>
        /// dst[dstOffset + r·d + j] = E[tokens[r]][j]: the embedding rows each step read, the x of dW_ih.
        /// Parameters: p, tokens, dst, table, dstOffset, dimension, rows.
        /// </summary>
        public static PtxKernelBuilder BuildEmbeddingRows()
        {
            var k = SequenceKernels.Start(EmbeddingRows, "The embedding rows of the tokens, the input of the first layer's weight gradient.");
            var p = k.Pointer("p");
            var tokens = k.Pointer("tokens");
            var dst = k.Pointer("dst");
            var table = k.Parameter("table", PtxType.S32);
            var dstOffset = k.Parameter("dstOffset", PtxType.S32);
            var dimension = k.Parameter("dimension", PtxType.S32);
            var rows = k.Parameter("rows", PtxType.S32);
            var (i, end) = SequenceKernels.Index(k, k.Mul(PtxType.S32, rows, dimension));
            var j = k.Rem(PtxType.S32, i, dimension);
            var row = k.Div(PtxType.S32, i, dimension);
            var token = k.Load(PtxSpace.Global, PtxType.S32, k.Element(tokens, row), cache: PtxCache.ReadOnly);
            var value = k.Load(PtxSpace.Global, PtxType.F32, k.Element(p, k.MulAdd(token, dimension, k.Add(PtxType.S32, j, table))), cache: PtxCache.ReadOnly);
            k.Store(PtxSpace.Global, PtxType.F32, k.Element(dst, k.Add(PtxType.S32, i, dstOffset)), value);
            SequenceKernels.Finish(k, end);
            return k;
        }

        /// <summary>
        /// g[table + v·d + j] += Σ_{r: tokens[r] = v} src[srcOffset + r·d + j], the embedding gradient, by one of two
        /// kernels with the same parameters (g, tokens, src, table, srcOffset, dimension, vocabulary, rows):
        /// <paramref name="atomic"/>: one thread per row element with <c>atom.global.add.f32</c>, O(rows · d) work
        /// whatever the vocabulary, in an order the schedule decides; otherwise one thread per table element adding
        /// the rows in step order, so the result does not depend on the schedule.
        /// </summary>
        public static PtxKernelBuilder BuildEmbeddingSum(bool atomic)
        {
            var k = atomic
                ? SequenceKernels.Start(EmbeddingScatterAdd, "dL/dE[token] += dL/dx of every step, one thread per row element with a float atomic add.")
                : SequenceKernels.Start(EmbeddingGradient, "dL/dE[v] += Σ dL/dx over the steps whose token is v, one thread per table element (deterministic).");
            var g = k.Pointer("g");
            var tokens = k.Pointer("tokens");
            var src = k.Pointer("src");
            var table = k.Parameter("table", PtxType.S32);
            var srcOffset = k.Parameter("srcOffset", PtxType.S32);
            var dimension = k.Parameter("dimension", PtxType.S32);
            var vocabulary = k.Parameter("vocabulary", PtxType.S32);
            var rows = k.Parameter("rows", PtxType.S32);
            var (i, end) = SequenceKernels.Index(k, k.Mul(PtxType.S32, atomic ? rows : vocabulary, dimension));
            var j = k.Rem(PtxType.S32, i, dimension);
            var index = k.Div(PtxType.S32, i, dimension); // the row (atomic) or the token v
            if (atomic)
            {
                var token = k.Load(PtxSpace.Global, PtxType.S32, k.Element(tokens, index), cache: PtxCache.ReadOnly);
                var value = k.Load(PtxSpace.Global, PtxType.F32, k.Element(src, k.Add(PtxType.S32, i, srcOffset)));
                k.AtomicAdd(k.Element(g, k.MulAdd(token, dimension, k.Add(PtxType.S32, j, table))), value);
            }
            else
            {
                var sum = k.Mov(PtxType.F32, 0f);
                SequenceKernels.Loop(k, rows, 0, r =>
                {
                    var other = k.NewLabel("other_token");
                    var token = k.Load(PtxSpace.Global, PtxType.S32, k.Element(tokens, r), cache: PtxCache.ReadOnly);
                    k.Branch(other, k.Compare(PtxCompare.Ne, PtxType.S32, token, index));
                    var value = k.Load(PtxSpace.Global, PtxType.F32, k.Element(src, k.Add(PtxType.S32, k.MulAdd(r, dimension, j), srcOffset)));
                    k.MovTo(sum, PtxType.F32, k.Add(PtxType.F32, sum, value));
                    k.Label(other);
                });
                var at = k.Element(g, k.Add(PtxType.S32, i, table));
                k.Store(PtxSpace.Global, PtxType.F32, at, k.Add(PtxType.F32, k.Load(PtxSpace.Global, PtxType.F32, at), sum));
            }

            SequenceKernels.Finish(k, end);
            return k;
        }
    }
}
