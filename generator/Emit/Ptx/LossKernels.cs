namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>
    /// The losses of <c>RnnGen.Training.Losses</c> on the device, one thread per output element: each writes its
    /// element's gradient with respect to the head's pre-activation (what <c>Backward</c> reads) and adds its share of
    /// the loss to its block's partial sum (<see cref="BlockSum"/>); <see cref="BlockSum.Finish"/> then divides the
    /// total by the counted elements. Rows carry (scale, weight) pairs the host computes from the row mask exactly as
    /// the CPU loss does: weight 0 is padding (gradient 0, no loss), scale = weight / total (2·weight / total for MSE).
    /// Parameters of each: outputs, targets, rowInfo, gradients, partials, rows, width (and activation for MSE).
    /// </summary>
    internal static class LossKernels
    {
        public const string SoftmaxCrossEntropy = "rnngen_loss_softmax_cross_entropy";
        public const string BinaryCrossEntropy = "rnngen_loss_binary_cross_entropy";
        public const string MeanSquaredError = "rnngen_loss_mean_squared_error";

        private const float Ln2 = 0.693147180559945309f;

        /// <summary>The floor of every log-probability (PyTorch's BCELoss clamp, Losses.MinimumLogProbability).</summary>
        private const float MinimumLog = -100f;

        /// <summary>
        /// g = (p - onehot(target)) · scale for counted rows, 0 for padding; loss share −weight · max(ln p[target], −100).
        /// targets are class ids, one per row.
        /// </summary>
        public static PtxKernelBuilder BuildSoftmaxCrossEntropy()
        {
            var k = Start(SoftmaxCrossEntropy, "Softmax cross-entropy against class ids: dL/dz = (p - onehot) · weight / total; loss share -weight · ln p[target].");
            var (outputs, targets, rowInfo, gradients, partials, rows, width) = Parameters(k);
            BlockSum.PerElement(k, partials, k.Mul(PtxType.S32, rows, width), i =>
            {
                var row = k.Div(PtxType.S32, i, width);
                var (scale, weight, counted) = RowInfo(k, rowInfo, row);
                var p = k.Load(PtxSpace.Global, PtxType.F32, k.Element(outputs, i));
                var isTarget = k.Compare(PtxCompare.Eq, PtxType.S32, k.Rem(PtxType.S32, i, width), k.Load(PtxSpace.Global, PtxType.S32, k.Element(targets, row)));
                var scaled = k.Mul(PtxType.F32, p, scale);
                var gradient = k.Select(PtxType.F32, k.Sub(PtxType.F32, scaled, scale), scaled, isTarget);
                k.Store(PtxSpace.Global, PtxType.F32, k.Element(gradients, i), k.Select(PtxType.F32, gradient, 0f, counted));
                var share = k.Select(PtxType.F32, k.Mul(PtxType.F32, weight, ClampedLog(k, p)), 0f, isTarget);
                return k.Neg(PtxType.F32, k.Select(PtxType.F32, share, 0f, counted));
            });
            return k;
        }

        /// <summary>g = (p - t) · scale; loss share −weight · (t · max(ln p, −100) + (1 - t) · max(ln(1 - p), −100)).</summary>
        public static PtxKernelBuilder BuildBinaryCrossEntropy()
        {
            var k = Start(BinaryCrossEntropy, "Binary cross-entropy of sigmoid outputs: dL/dz = (p - t) · weight / total; loss share -weight · (t ln p + (1 - t) ln(1 - p)).");
            var (outputs, targets, rowInfo, gradients, partials, rows, width) = Parameters(k);
            BlockSum.PerElement(k, partials, k.Mul(PtxType.S32, rows, width), i =>
            {
                var (scale, weight, counted) = RowInfo(k, rowInfo, k.Div(PtxType.S32, i, width));
                var p = k.Load(PtxSpace.Global, PtxType.F32, k.Element(outputs, i));
                var t = k.Load(PtxSpace.Global, PtxType.F32, k.Element(targets, i));
                var gradient = k.Mul(PtxType.F32, k.Sub(PtxType.F32, p, t), scale);
                k.Store(PtxSpace.Global, PtxType.F32, k.Element(gradients, i), k.Select(PtxType.F32, gradient, 0f, counted));
                var positive = k.Mul(PtxType.F32, t, ClampedLog(k, p));
                var negative = k.Mul(PtxType.F32, k.Sub(PtxType.F32, 1f, t), ClampedLog(k, k.Sub(PtxType.F32, 1f, p)));
                var share = k.Mul(PtxType.F32, weight, k.Add(PtxType.F32, positive, negative));
                return k.Neg(PtxType.F32, k.Select(PtxType.F32, share, 0f, counted));
            });
            return k;
        }

        /// <summary>
        /// g = scale · (y - t) · act'(y) with act' in terms of the output (activation 0 Linear: 1, 1 Tanh: 1 - y²,
        /// 2 Sigmoid: y (1 - y), 3 Relu: y &gt; 0); loss share weight · (y - t)².
        /// </summary>
        public static PtxKernelBuilder BuildMeanSquaredError()
        {
            var k = Start(MeanSquaredError, "Mean squared error through the head's activation: dL/dz = 2 weight / total · (y - t) · act'(y); loss share weight · (y - t)^2.");
            var (outputs, targets, rowInfo, gradients, partials, rows, width) = Parameters(k);
            var activation = k.Parameter("activation", PtxType.S32);
            BlockSum.PerElement(k, partials, k.Mul(PtxType.S32, rows, width), i =>
            {
                var (scale, weight, counted) = RowInfo(k, rowInfo, k.Div(PtxType.S32, i, width));
                var y = k.Load(PtxSpace.Global, PtxType.F32, k.Element(outputs, i));
                var difference = k.Sub(PtxType.F32, y, k.Load(PtxSpace.Global, PtxType.F32, k.Element(targets, i)));
                var tanh = k.Sub(PtxType.F32, 1f, k.Mul(PtxType.F32, y, y));
                var sigmoid = k.Mul(PtxType.F32, y, k.Sub(PtxType.F32, 1f, y));
                var relu = k.Select(PtxType.F32, 1f, 0f, k.Compare(PtxCompare.Gt, PtxType.F32, y, 0f));
                var derivative = k.Select(PtxType.F32, tanh, 1f, k.Compare(PtxCompare.Eq, PtxType.S32, activation, 1));
                derivative = k.Select(PtxType.F32, sigmoid, derivative, k.Compare(PtxCompare.Eq, PtxType.S32, activation, 2));
                derivative = k.Select(PtxType.F32, relu, derivative, k.Compare(PtxCompare.Eq, PtxType.S32, activation, 3));
                var gradient = k.Mul(PtxType.F32, k.Mul(PtxType.F32, scale, difference), derivative);
                k.Store(PtxSpace.Global, PtxType.F32, k.Element(gradients, i), k.Select(PtxType.F32, gradient, 0f, counted));
                var share = k.Mul(PtxType.F32, weight, k.Mul(PtxType.F32, difference, difference));
                return k.Select(PtxType.F32, share, 0f, counted);
            });
            return k;
        }

        private static PtxKernelBuilder Start(string name, string summary)
        {
            var k = new PtxKernelBuilder(name) { MaxThreads = BlockSum.Threads };
            k.Comment(summary);
            return k;
        }

        private static (PtxRegister Outputs, PtxRegister Targets, PtxRegister RowInfo, PtxRegister Gradients, PtxRegister Partials, PtxRegister Rows, PtxRegister Width) Parameters(PtxKernelBuilder k) =>
            (k.Pointer("outputs"), k.Pointer("targets"), k.Pointer("rowInfo"), k.Pointer("gradients"), k.Pointer("partials"),
             k.Parameter("rows", PtxType.S32), k.Parameter("width", PtxType.S32));

        /// <summary>The row's (scale, weight) pair and whether it counts (weight ≠ 0).</summary>
        private static (PtxRegister Scale, PtxRegister Weight, PtxRegister Counted) RowInfo(PtxKernelBuilder k, PtxRegister rowInfo, PtxRegister row)
        {
            var pair = k.Element(rowInfo, k.ShiftLeft(row, 1));
            var scale = k.Load(PtxSpace.Global, PtxType.F32, pair, cache: PtxCache.ReadOnly);
            var weight = k.Load(PtxSpace.Global, PtxType.F32, pair, 4, PtxCache.ReadOnly);
            return (scale, weight, k.Compare(PtxCompare.Ne, PtxType.F32, weight, 0f));
        }

        /// <summary>max(ln x, −100) = max(log2 x · ln 2, −100), written as a compare so a NaN stays NaN (max.f32 would drop it).</summary>
        private static PtxRegister ClampedLog(PtxKernelBuilder k, PtxRegister x)
        {
            var log = k.Mul(PtxType.F32, k.Log2(x), Ln2);
            return k.Select(PtxType.F32, MinimumLog, log, k.Compare(PtxCompare.Lt, PtxType.F32, log, MinimumLog));
        }
    }
}
