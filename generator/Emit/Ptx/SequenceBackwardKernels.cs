namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>
    /// The backward of the sequence kernels around the layers, one thread per element: a bidirectional layer's merge
    /// split back into both directions' dL/dh, and a unit's dL/dx rows added to the layer below's (back in time order
    /// for a reversed unit). Both write each destination element from one thread (the mirror is a bijection of a
    /// sequence's steps), so neither needs atomics.
    /// </summary>
    internal static class SequenceBackwardKernels
    {
        public const string MergeBackward = "rnngen_merge_gradient"; // not rnngen_merge_backward: that is rnngen_merge's parameter "backward"
        public const string AddRows = "rnngen_add_rows";

        /// <summary>
        /// The backward of <see cref="SequenceKernels.BuildMerge"/>: at output step t, dL/dh_fwd(t) and dL/dh_bwd at its
        /// processing step mirror(t) (both final states' rows when only the last step is kept) get
        /// concat: [d_fwd, d_bwd]; sum: d, d; multiply: d ⊙ h_bwd, d ⊙ h_fwd; average: d/2, d/2. They are added to.
        /// mode: 0 concat, 1 sum, 2 multiply, 3 average.
        /// Parameters: ws, bw, lengths, output, outputStride, forward, backward, stateStride, dForward, dBackward,
        /// units, mode, batch, steps, finalOnly.
        /// </summary>
        public static PtxKernelBuilder BuildMergeBackward()
        {
            var k = SequenceKernels.Start(MergeBackward, "dL/doutput of a bidirectional layer back through its merge into both directions' dL/dh.");
            var ws = k.Pointer("ws");
            var bw = k.Pointer("bw");
            var lengths = k.Pointer("lengths");
            var output = k.Parameter("output", PtxType.S32);
            var outputStride = k.Parameter("outputStride", PtxType.S32);
            var forward = k.Parameter("forward", PtxType.S32);
            var backward = k.Parameter("backward", PtxType.S32);
            var stateStride = k.Parameter("stateStride", PtxType.S32);
            var dForward = k.Parameter("dForward", PtxType.S32);
            var dBackward = k.Parameter("dBackward", PtxType.S32);
            var units = k.Parameter("units", PtxType.S32);
            var mode = k.Parameter("mode", PtxType.S32);
            var batch = k.Parameter("batch", PtxType.S32);
            var steps = k.Parameter("steps", PtxType.S32);
            var finalOnly = k.Compare(PtxCompare.Ne, PtxType.S32, k.Parameter("finalOnly", PtxType.S32), 0);
            var stepsInOutput = k.Select(PtxType.S32, 1, steps, finalOnly);
            var (i, end) = SequenceKernels.Index(k, k.Mul(PtxType.S32, k.Mul(PtxType.S32, stepsInOutput, batch), units));
            var j = k.Rem(PtxType.S32, i, units);
            var rowIndex = k.Div(PtxType.S32, i, units);
            var b = k.Rem(PtxType.S32, rowIndex, batch);
            var last = k.Sub(PtxType.S32, steps, 1);
            var t = k.Select(PtxType.S32, last, k.Div(PtxType.S32, rowIndex, batch), finalOnly);
            var back = k.Select(PtxType.S32, last, SequenceKernels.Mirror(k, lengths, t, b), finalOnly);
            var forwardAt = k.MulAdd(k.MulAdd(t, batch, b), stateStride, j);
            var backwardAt = k.MulAdd(k.MulAdd(back, batch, b), stateStride, j);
            var d = k.Element(bw, k.Add(PtxType.S32, k.MulAdd(k.MulAdd(t, batch, b), outputStride, j), output));
            var g = k.Load(PtxSpace.Global, PtxType.F32, d);
            var f = k.Load(PtxSpace.Global, PtxType.F32, k.Element(ws, k.Add(PtxType.S32, forwardAt, forward)));
            var r = k.Load(PtxSpace.Global, PtxType.F32, k.Element(ws, k.Add(PtxType.S32, backwardAt, backward)));

            // concat reads its second half for the backward direction; the other modes share one gradient.
            var concat = k.Compare(PtxCompare.Eq, PtxType.S32, mode, 0);
            var second = k.Mov(PtxType.F32, g);
            var notConcat = k.NewLabel("not_concat");
            k.Branch(notConcat, concat, negate: true);
            k.LoadTo(second, PtxSpace.Global, PtxType.F32, k.Element(d, units));
            k.Label(notConcat);
            var multiply = k.Compare(PtxCompare.Eq, PtxType.S32, mode, 2);
            var average = k.Compare(PtxCompare.Eq, PtxType.S32, mode, 3);
            var toForward = k.Select(PtxType.F32, k.Mul(PtxType.F32, g, r), g, multiply);
            toForward = k.Select(PtxType.F32, k.Mul(PtxType.F32, g, 0.5f), toForward, average);
            var toBackward = k.Select(PtxType.F32, k.Mul(PtxType.F32, g, f), second, multiply);
            toBackward = k.Select(PtxType.F32, k.Mul(PtxType.F32, g, 0.5f), toBackward, average);
            var df = k.Element(bw, k.Add(PtxType.S32, forwardAt, dForward));
            var db = k.Element(bw, k.Add(PtxType.S32, backwardAt, dBackward));
            k.Store(PtxSpace.Global, PtxType.F32, df, k.Add(PtxType.F32, k.Load(PtxSpace.Global, PtxType.F32, df), toForward));
            k.Store(PtxSpace.Global, PtxType.F32, db, k.Add(PtxType.F32, k.Load(PtxSpace.Global, PtxType.F32, db), toBackward));
            SequenceKernels.Finish(k, end);
            return k;
        }

        /// <summary>
        /// dst row (t', b) += src row (t, b) for every step, with t' = mirror(t) (a reversed unit's rows back in time
        /// order) or t' = t. Parameters: src, dst, lengths, srcOffset, dstOffset, width, batch, steps, reverse.
        /// </summary>
        public static PtxKernelBuilder BuildAddRows()
        {
            var k = SequenceKernels.Start(AddRows, "A unit's dL/dx rows added to the layer below's dL/doutput (or the caller's dL/dx), back in time order when the unit ran reversed.");
            var src = k.Pointer("src");
            var dst = k.Pointer("dst");
            var lengths = k.Pointer("lengths");
            var srcOffset = k.Parameter("srcOffset", PtxType.S32);
            var dstOffset = k.Parameter("dstOffset", PtxType.S32);
            var width = k.Parameter("width", PtxType.S32);
            var batch = k.Parameter("batch", PtxType.S32);
            var steps = k.Parameter("steps", PtxType.S32);
            var reverse = k.Compare(PtxCompare.Ne, PtxType.S32, k.Parameter("reverse", PtxType.S32), 0);
            var (i, end) = SequenceKernels.Index(k, k.Mul(PtxType.S32, k.Mul(PtxType.S32, steps, batch), width));
            var j = k.Rem(PtxType.S32, i, width);
            var rowIndex = k.Div(PtxType.S32, i, width);
            var b = k.Rem(PtxType.S32, rowIndex, batch);
            var t = k.Div(PtxType.S32, rowIndex, batch);
            var to = k.Select(PtxType.S32, SequenceKernels.Mirror(k, lengths, t, b), t, reverse);
            var value = k.Load(PtxSpace.Global, PtxType.F32, k.Element(src, k.Add(PtxType.S32, i, srcOffset)));
            var at = k.Element(dst, k.Add(PtxType.S32, k.MulAdd(k.MulAdd(to, batch, b), width, j), dstOffset));
            k.Store(PtxSpace.Global, PtxType.F32, at, k.Add(PtxType.F32, k.Load(PtxSpace.Global, PtxType.F32, at), value));
            SequenceKernels.Finish(k, end);
            return k;
        }
    }
}
