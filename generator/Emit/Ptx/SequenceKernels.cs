using System;

namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>
    /// The small element-wise kernels around the layers, each one thread per element (a plain launch of
    /// ⌈n / 256⌉ blocks): copying a state slice, reversing rows in time within each sequence's length, merging the two
    /// directions of a bidirectional layer, the head's softmax per row, and gathering the outputs into the caller's
    /// dense layout. Offsets are element offsets into the workspace, passed at launch because they depend on the
    /// batch size.
    /// </summary>
    internal static class SequenceKernels
    {
        public const int Threads = 256;

        public const string Copy = "rnngen_copy";
        public const string Reverse = "rnngen_reverse_rows";
        public const string Merge = "rnngen_merge";
        public const string Softmax = "rnngen_softmax_rows";
        public const string Gather = "rnngen_gather_outputs";

        /// <summary>ws[dst + i] = ws[src + i] for i &lt; count. Parameters: ws, src, dst, count.</summary>
        public static PtxKernelBuilder BuildCopy()
        {
            var k = Start(Copy, "A state slice: h(-1) from the previous call's final state or from SetInitialState.");
            var ws = k.Pointer("ws");
            var src = k.Parameter("src", PtxType.S32);
            var dst = k.Parameter("dst", PtxType.S32);
            var count = k.Parameter("count", PtxType.S32);
            var (i, end) = Index(k, count);
            var value = k.Load(PtxSpace.Global, PtxType.F32, k.Element(ws, k.Add(PtxType.S32, src, i)));
            k.Store(PtxSpace.Global, PtxType.F32, k.Element(ws, k.Add(PtxType.S32, dst, i)), value);
            Finish(k, end);
            return k;
        }

        /// <summary>
        /// dst row (t, b) = src row (mirror(t, b), b), mirror = length_b - 1 - t inside the sequence, t after it.
        /// Parameters: ws, lengths, src, dst, width, batch, steps.
        /// </summary>
        public static PtxKernelBuilder BuildReverse()
        {
            var k = Start(Reverse, "Rows reversed in time within each sequence's length: the input of a reversed unit.");
            var ws = k.Pointer("ws");
            var lengths = k.Pointer("lengths");
            var src = k.Parameter("src", PtxType.S32);
            var dst = k.Parameter("dst", PtxType.S32);
            var width = k.Parameter("width", PtxType.S32);
            var batch = k.Parameter("batch", PtxType.S32);
            var steps = k.Parameter("steps", PtxType.S32);
            var (i, end) = Index(k, k.Mul(PtxType.S32, k.Mul(PtxType.S32, steps, batch), width));
            var j = k.Rem(PtxType.S32, i, width);
            var rowIndex = k.Div(PtxType.S32, i, width);
            var b = k.Rem(PtxType.S32, rowIndex, batch);
            var t = k.Div(PtxType.S32, rowIndex, batch);
            var from = Mirror(k, lengths, t, b);
            var value = k.Load(PtxSpace.Global, PtxType.F32, k.Element(ws, k.Add(PtxType.S32, k.MulAdd(k.MulAdd(from, batch, b), width, j), src)));
            k.Store(PtxSpace.Global, PtxType.F32, k.Element(ws, k.Add(PtxType.S32, dst, i)), value);
            Finish(k, end);
            return k;
        }

        /// <summary>
        /// A bidirectional layer's output at step t: h_fwd(t) with h_bwd at its processing step mirror(t)
        /// (both final states when only the last step is kept). mode: 0 concat, 1 sum, 2 multiply, 3 average.
        /// Parameters: ws, lengths, forward, backward, stateStride, output, outputStride, units, mode, batch, steps, finalOnly.
        /// </summary>
        public static PtxKernelBuilder BuildMerge()
        {
            var k = Start(Merge, "Merges the two directions of a bidirectional layer: [h_fwd, h_bwd], h_fwd + h_bwd, h_fwd ⊙ h_bwd or their mean.");
            var ws = k.Pointer("ws");
            var lengths = k.Pointer("lengths");
            var forward = k.Parameter("forward", PtxType.S32);
            var backward = k.Parameter("backward", PtxType.S32);
            var stateStride = k.Parameter("stateStride", PtxType.S32);
            var output = k.Parameter("output", PtxType.S32);
            var outputStride = k.Parameter("outputStride", PtxType.S32);
            var units = k.Parameter("units", PtxType.S32);
            var mode = k.Parameter("mode", PtxType.S32);
            var batch = k.Parameter("batch", PtxType.S32);
            var steps = k.Parameter("steps", PtxType.S32);
            var finalOnly = k.Compare(PtxCompare.Ne, PtxType.S32, k.Parameter("finalOnly", PtxType.S32), 0);
            var stepsInOutput = k.Select(PtxType.S32, 1, steps, finalOnly);
            var (i, end) = Index(k, k.Mul(PtxType.S32, k.Mul(PtxType.S32, stepsInOutput, batch), units));
            var j = k.Rem(PtxType.S32, i, units);
            var rowIndex = k.Div(PtxType.S32, i, units);
            var b = k.Rem(PtxType.S32, rowIndex, batch);
            var last = k.Sub(PtxType.S32, steps, 1);
            var t = k.Select(PtxType.S32, last, k.Div(PtxType.S32, rowIndex, batch), finalOnly);
            var back = k.Select(PtxType.S32, last, Mirror(k, lengths, t, b), finalOnly);
            var f = k.Load(PtxSpace.Global, PtxType.F32, k.Element(ws, k.Add(PtxType.S32, k.MulAdd(k.MulAdd(t, batch, b), stateStride, j), forward)));
            var r = k.Load(PtxSpace.Global, PtxType.F32, k.Element(ws, k.Add(PtxType.S32, k.MulAdd(k.MulAdd(back, batch, b), stateStride, j), backward)));
            var o = k.Element(ws, k.Add(PtxType.S32, k.MulAdd(k.MulAdd(t, batch, b), outputStride, j), output));
            var concat = k.Compare(PtxCompare.Eq, PtxType.S32, mode, 0);
            var sum = k.Add(PtxType.F32, f, r);
            var product = k.Mul(PtxType.F32, f, r);
            var value = k.Select(PtxType.F32, product, sum, k.Compare(PtxCompare.Eq, PtxType.S32, mode, 2));
            value = k.Select(PtxType.F32, k.Mul(PtxType.F32, sum, 0.5f), value, k.Compare(PtxCompare.Eq, PtxType.S32, mode, 3));
            value = k.Select(PtxType.F32, f, value, concat);
            k.Store(PtxSpace.Global, PtxType.F32, o, value);
            var notConcat = k.NewLabel("not_concat");
            k.Branch(notConcat, concat, negate: true);
            k.Store(PtxSpace.Global, PtxType.F32, k.Element(o, units), r);
            k.Label(notConcat);
            Finish(k, end);
            return k;
        }

        /// <summary>
        /// y = e^(x - max) / Σ e^(x - max) over each row, in place. One thread per row.
        /// Parameters: ws, offset, stride, width, rows.
        /// </summary>
        public static PtxKernelBuilder BuildSoftmax()
        {
            var k = Start(Softmax, "The head's softmax, one row per thread: y = e^(x - max) / Σ e^(x - max).");
            var ws = k.Pointer("ws");
            var offset = k.Parameter("offset", PtxType.S32);
            var stride = k.Parameter("stride", PtxType.S32);
            var width = k.Parameter("width", PtxType.S32);
            var rows = k.Parameter("rows", PtxType.S32);
            var (row, end) = Index(k, rows);
            var start = k.Element(ws, k.MulAdd(row, stride, offset));
            var max = k.Load(PtxSpace.Global, PtxType.F32, start);
            Loop(k, width, 1, j => k.MovTo(max, PtxType.F32, k.Max(PtxType.F32, max, k.Load(PtxSpace.Global, PtxType.F32, k.Element(start, j)))));
            var sum = k.Mov(PtxType.F32, 0f);
            Loop(k, width, 0, j =>
            {
                var at = k.Element(start, j);
                var e = PtxMath.Exp(k, k.Sub(PtxType.F32, k.Load(PtxSpace.Global, PtxType.F32, at), max));
                k.Store(PtxSpace.Global, PtxType.F32, at, e);
                k.MovTo(sum, PtxType.F32, k.Add(PtxType.F32, sum, e));
            });
            Loop(k, width, 0, j =>
            {
                var at = k.Element(start, j);
                k.Store(PtxSpace.Global, PtxType.F32, at, k.DivideExact(k.Load(PtxSpace.Global, PtxType.F32, at), sum));
            });
            Finish(k, end);
            return k;
        }

        /// <summary>
        /// out[r][j] = ws[src + r·stride + j] for j &lt; width, zero at padded steps (t ≥ length_b) when asked.
        /// Parameters: ws, lengths, out, src, stride, width, rows, batch, zeroPadded.
        /// </summary>
        public static PtxKernelBuilder BuildGather()
        {
            var k = Start(Gather, "The output rows in the caller's dense layout; padded steps of shorter sequences read zero.");
            var ws = k.Pointer("ws");
            var lengths = k.Pointer("lengths");
            var output = k.Pointer("out");
            var src = k.Parameter("src", PtxType.S32);
            var stride = k.Parameter("stride", PtxType.S32);
            var width = k.Parameter("width", PtxType.S32);
            var rows = k.Parameter("rows", PtxType.S32);
            var batch = k.Parameter("batch", PtxType.S32);
            var zeroPadded = k.Compare(PtxCompare.Ne, PtxType.S32, k.Parameter("zeroPadded", PtxType.S32), 0);
            var (i, end) = Index(k, k.Mul(PtxType.S32, rows, width));
            var j = k.Rem(PtxType.S32, i, width);
            var row = k.Div(PtxType.S32, i, width);
            var value = k.Load(PtxSpace.Global, PtxType.F32, k.Element(ws, k.Add(PtxType.S32, k.MulAdd(row, stride, j), src)));
            var keep = KeepRow(k, lengths, row, batch, zeroPadded);
            k.Store(PtxSpace.Global, PtxType.F32, k.Element(output, i), k.Select(PtxType.F32, value, 0f, keep));
            Finish(k, end);
            return k;
        }

        /// <summary>Whether row r = t·batch + b keeps its value: false at a padded step (t ≥ length_b) when <paramref name="zeroPadded"/>.</summary>
        internal static PtxRegister KeepRow(PtxKernelBuilder k, PtxRegister lengths, PtxRegister row, PtxRegister batch, PtxRegister zeroPadded)
        {
            var length = k.Load(PtxSpace.Global, PtxType.S32, k.Element(lengths, k.Rem(PtxType.S32, row, batch)), cache: PtxCache.ReadOnly);
            var padded = k.Compare(PtxCompare.Ge, PtxType.S32, k.Div(PtxType.S32, row, batch), length);
            var clear = k.Select(PtxType.S32, 1, 0, padded);
            return k.Compare(PtxCompare.Eq, PtxType.S32, k.Select(PtxType.S32, clear, 0, zeroPadded), 0);
        }

        internal static PtxKernelBuilder Start(string name, string summary)
        {
            var k = new PtxKernelBuilder(name) { MaxThreads = Threads };
            k.Comment(summary);
            return k;
        }

        /// <summary>i = blockIdx · 256 + threadIdx; threads at or past <paramref name="count"/> jump to the end.</summary>
        internal static (PtxRegister Index, string End) Index(PtxKernelBuilder k, PtxRegister count)
        {
            var i = k.MulAdd(k.Special(PtxSpecial.BlockIndex), Threads, k.Special(PtxSpecial.ThreadIndex));
            var end = k.NewLabel("end");
            k.Branch(end, k.Compare(PtxCompare.Ge, PtxType.S32, i, count));
            return (i, end);
        }

        internal static void Finish(PtxKernelBuilder k, string end)
        {
            k.Label(end);
            k.Return();
        }

        /// <summary>for (j = first; j &lt; count; j++) body(j).</summary>
        internal static void Loop(PtxKernelBuilder k, PtxRegister count, int first, Action<PtxRegister> body) =>
            PtxLoop.For(k, count, first, 1, body);

        /// <summary>The step that step t of sequence b trades places with: length - 1 - t inside the length, t after it.</summary>
        internal static PtxRegister Mirror(PtxKernelBuilder k, PtxRegister lengths, PtxRegister t, PtxRegister b)
        {
            var length = k.Load(PtxSpace.Global, PtxType.S32, k.Element(lengths, b), cache: PtxCache.ReadOnly);
            var inside = k.Compare(PtxCompare.Lt, PtxType.S32, t, length);
            return k.Select(PtxType.S32, k.Sub(PtxType.S32, k.Sub(PtxType.S32, length, 1), t), t, inside);
        }
    }
}
