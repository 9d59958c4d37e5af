using System;

namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>
    /// The optimisers of <c>RnnGen.Training</c> on the device, one thread per parameter, with the same operations in
    /// the same order as the CPU update rules (round-to-nearest add, mul, div and sqrt, never contracted into an fma),
    /// so a step is bit-identical to the CPU's. Scalars that depend on the step (bias corrections, the scheduled
    /// learning rate) are computed by the host exactly as the CPU optimiser computes them and passed at launch.
    /// </summary>
    /// <remarks>
    /// Every kernel starts with the same two parameters after its buffers: <c>count</c> and <c>guard</c>, a device
    /// float (the gradient norm the clipping kernels wrote, or a zero): when it is NaN or infinite the kernel writes
    /// nothing, so a diverged step never reaches the parameters, as the CPU trainer skips it. Then <c>weightDecay</c>
    /// and <c>coupled</c>: when coupled ≠ 0, g ← p·wd + g (PyTorch's L2 weight decay) before the rule.
    /// </remarks>
    internal static class OptimizerKernels
    {
        public const string Adam = "rnngen_adam";
        public const string Sgd = "rnngen_sgd";
        public const string RmsProp = "rnngen_rmsprop";
        public const string AdaGrad = "rnngen_adagrad";

        /// <summary>
        /// p ← p·shrink; m ← m + (g - m)(1 - β1); v ← v·β2 + g(1 - β2)·g; p ← p - stepSize · m / (√v / c2 + ε).
        /// Parameters: parameters, gradients, exp_avg, exp_avg_sq, count, guard, weightDecay, coupled, shrink,
        /// oneMinusBeta1, beta2, oneMinusBeta2, stepSize, correction2Sqrt, epsilon.
        /// </summary>
        public static PtxKernelBuilder BuildAdam()
        {
            var (k, parameters, gradients) = Start(Adam, "Adam / AdamW: m += (g - m)(1 - b1); v = b2 v + (1 - b2) g^2; p = p shrink - lr/(1 - b1^t) m / (sqrt(v)/sqrt(1 - b2^t) + eps).");
            var m = k.Pointer("exp_avg");
            var v = k.Pointer("exp_avg_sq");
            Element(k, parameters, gradients, (i, p, g) =>
            {
                var shrink = k.Parameter("shrink", PtxType.F32);
                var oneMinusBeta1 = k.Parameter("oneMinusBeta1", PtxType.F32);
                var beta2 = k.Parameter("beta2", PtxType.F32);
                var oneMinusBeta2 = k.Parameter("oneMinusBeta2", PtxType.F32);
                var stepSize = k.Parameter("stepSize", PtxType.F32);
                var correction2Sqrt = k.Parameter("correction2Sqrt", PtxType.F32);
                var epsilon = k.Parameter("epsilon", PtxType.F32);
                return () =>
                {
                    var mAt = k.Element(m, i);
                    var vAt = k.Element(v, i);
                    var mi = k.Load(PtxSpace.Global, PtxType.F32, mAt);
                    mi = k.Add(PtxType.F32, mi, k.Mul(PtxType.F32, k.Sub(PtxType.F32, g, mi), oneMinusBeta1));
                    var vi = k.Add(PtxType.F32, k.Mul(PtxType.F32, k.Load(PtxSpace.Global, PtxType.F32, vAt), beta2), k.Mul(PtxType.F32, k.Mul(PtxType.F32, g, oneMinusBeta2), g));
                    k.Store(PtxSpace.Global, PtxType.F32, mAt, mi);
                    k.Store(PtxSpace.Global, PtxType.F32, vAt, vi);
                    var denominator = k.Add(PtxType.F32, k.DivideExact(k.SqrtExact(vi), correction2Sqrt), epsilon);
                    var update = k.Mul(PtxType.F32, stepSize, k.DivideExact(mi, denominator));
                    return k.Sub(PtxType.F32, k.Mul(PtxType.F32, p, shrink), update);
                };
            });
            return k;
        }

        /// <summary>
        /// mode 0: p ← g·(−lr) + p. mode 1 (momentum) / 2 (Nesterov): v ← g on the first step, else g(1 - d) + v·μ;
        /// then p ← v·(−lr) + p, or (Nesterov) p ← (v·μ + g)·(−lr) + p.
        /// Parameters: parameters, gradients, momentum_buffer, count, guard, weightDecay, coupled, negativeRate,
        /// momentum, oneMinusDampening, mode, first.
        /// </summary>
        public static PtxKernelBuilder BuildSgd()
        {
            var (k, parameters, gradients) = Start(Sgd, "SGD with optional heavy-ball or Nesterov momentum: v = mu v + (1 - d) g (v = g at step 1); p -= lr v, or lr (g + mu v).");
            var velocity = k.Pointer("momentum_buffer");
            Element(k, parameters, gradients, (i, p, g) =>
            {
                var negativeRate = k.Parameter("negativeRate", PtxType.F32);
                var momentum = k.Parameter("momentum", PtxType.F32);
                var oneMinusDampening = k.Parameter("oneMinusDampening", PtxType.F32);
                var mode = k.Parameter("mode", PtxType.S32);
                var first = k.Compare(PtxCompare.Ne, PtxType.S32, k.Parameter("first", PtxType.S32), 0);
                return () =>
                {
                    var result = k.Add(PtxType.F32, k.Mul(PtxType.F32, g, negativeRate), p);
                    var done = k.NewLabel("plain");
                    k.Branch(done, k.Compare(PtxCompare.Eq, PtxType.S32, mode, 0));
                    var at = k.Element(velocity, i);
                    var decayed = k.Mul(PtxType.F32, k.Load(PtxSpace.Global, PtxType.F32, at), momentum);
                    var vi = k.Select(PtxType.F32, g, k.Add(PtxType.F32, k.Mul(PtxType.F32, g, oneMinusDampening), decayed), first);
                    k.Store(PtxSpace.Global, PtxType.F32, at, vi);
                    var ahead = k.Add(PtxType.F32, k.Mul(PtxType.F32, vi, momentum), g);
                    var direction = k.Select(PtxType.F32, ahead, vi, k.Compare(PtxCompare.Eq, PtxType.S32, mode, 2));
                    k.MovTo(result, PtxType.F32, k.Add(PtxType.F32, k.Mul(PtxType.F32, direction, negativeRate), p));
                    k.Label(done);
                    return result;
                };
            });
            return k;
        }

        /// <summary>
        /// sq ← sq·α + g(1 - α)·g; centred: ḡ ← ḡ + (g - ḡ)(1 - α), d = √max(sq - ḡ², 0), else d = √sq;
        /// u = g / (d + ε); momentum: b ← b·μ + u, u = b; p ← p - u·lr.
        /// Parameters: parameters, gradients, square_avg, grad_avg, momentum_buffer, count, guard, weightDecay, coupled,
        /// alpha, oneMinusAlpha, epsilon, momentum, learningRate, centered, hasMomentum.
        /// </summary>
        public static PtxKernelBuilder BuildRmsProp()
        {
            var (k, parameters, gradients) = Start(RmsProp, "RMSProp: sq = a sq + (1 - a) g^2; (centred) gbar += (g - gbar)(1 - a); u = g / (sqrt(sq [- gbar^2]) + eps); b = mu b + u; p -= lr u.");
            var square = k.Pointer("square_avg");
            var mean = k.Pointer("grad_avg");
            var buffer = k.Pointer("momentum_buffer");
            Element(k, parameters, gradients, (i, p, g) =>
            {
                var alpha = k.Parameter("alpha", PtxType.F32);
                var oneMinusAlpha = k.Parameter("oneMinusAlpha", PtxType.F32);
                var epsilon = k.Parameter("epsilon", PtxType.F32);
                var momentum = k.Parameter("momentum", PtxType.F32);
                var learningRate = k.Parameter("learningRate", PtxType.F32);
                var centered = k.Parameter("centered", PtxType.S32);
                var hasMomentum = k.Parameter("hasMomentum", PtxType.S32);
                return () =>
                {
                    var sqAt = k.Element(square, i);
                    var s = k.Add(PtxType.F32, k.Mul(PtxType.F32, k.Load(PtxSpace.Global, PtxType.F32, sqAt), alpha), k.Mul(PtxType.F32, k.Mul(PtxType.F32, g, oneMinusAlpha), g));
                    k.Store(PtxSpace.Global, PtxType.F32, sqAt, s);
                    var variance = k.Mov(PtxType.F32, s);
                    var uncentred = k.NewLabel("uncentred");
                    k.Branch(uncentred, k.Compare(PtxCompare.Eq, PtxType.S32, centered, 0));
                    var meanAt = k.Element(mean, i);
                    var mi = k.Load(PtxSpace.Global, PtxType.F32, meanAt);
                    mi = k.Add(PtxType.F32, mi, k.Mul(PtxType.F32, k.Sub(PtxType.F32, g, mi), oneMinusAlpha));
                    k.Store(PtxSpace.Global, PtxType.F32, meanAt, mi);
                    k.MovTo(variance, PtxType.F32, k.Max(PtxType.F32, k.Sub(PtxType.F32, s, k.Mul(PtxType.F32, mi, mi)), 0f));
                    k.Label(uncentred);
                    var update = k.DivideExact(g, k.Add(PtxType.F32, k.SqrtExact(variance), epsilon));
                    var plain = k.NewLabel("no_momentum");
                    k.Branch(plain, k.Compare(PtxCompare.Eq, PtxType.S32, hasMomentum, 0));
                    var bufferAt = k.Element(buffer, i);
                    k.MovTo(update, PtxType.F32, k.Add(PtxType.F32, k.Mul(PtxType.F32, k.Load(PtxSpace.Global, PtxType.F32, bufferAt), momentum), update));
                    k.Store(PtxSpace.Global, PtxType.F32, bufferAt, update);
                    k.Label(plain);
                    return k.Sub(PtxType.F32, p, k.Mul(PtxType.F32, update, learningRate));
                };
            });
            return k;
        }

        /// <summary>
        /// s ← s + g·g; p ← p - g / (√s + ε) · rate, rate = lr / (1 + (t - 1)·lr_decay) from the host.
        /// Parameters: parameters, gradients, sum, count, guard, weightDecay, coupled, rate, epsilon.
        /// </summary>
        public static PtxKernelBuilder BuildAdaGrad()
        {
            var (k, parameters, gradients) = Start(AdaGrad, "AdaGrad: s += g^2; p -= g / (sqrt(s) + eps) * lr_t.");
            var sum = k.Pointer("sum");
            Element(k, parameters, gradients, (i, p, g) =>
            {
                var rate = k.Parameter("rate", PtxType.F32);
                var epsilon = k.Parameter("epsilon", PtxType.F32);
                return () =>
                {
                    var at = k.Element(sum, i);
                    var s = k.Add(PtxType.F32, k.Load(PtxSpace.Global, PtxType.F32, at), k.Mul(PtxType.F32, g, g));
                    k.Store(PtxSpace.Global, PtxType.F32, at, s);
                    var update = k.DivideExact(g, k.Add(PtxType.F32, k.SqrtExact(s), epsilon));
                    return k.Sub(PtxType.F32, p, k.Mul(PtxType.F32, update, rate));
                };
            });
            return k;
        }

        /// <summary>A kernel whose first two parameters are the parameters and the gradients.</summary>
        private static (PtxKernelBuilder Kernel, PtxRegister Parameters, PtxRegister Gradients) Start(string name, string summary)
        {
            var k = new PtxKernelBuilder(name) { MaxThreads = BlockSum.Threads };
            k.Comment(summary);
            return (k, k.Pointer("parameters"), k.Pointer("gradients"));
        }

        /// <summary>
        /// The shared frame, after the rule's state pointers: count, guard, weightDecay, coupled, then the rule's scalars (declared by
        /// <paramref name="rule"/>, which returns the body that computes the new p). Threads past count, and every
        /// thread when the guard is not finite, write nothing.
        /// </summary>
        private static void Element(PtxKernelBuilder k, PtxRegister parameters, PtxRegister gradients, Func<PtxRegister, PtxRegister, PtxRegister, Func<PtxRegister>> rule)
        {
            var count = k.Parameter("count", PtxType.S32);
            var guard = k.Pointer("guard");
            var weightDecay = k.Parameter("weightDecay", PtxType.F32);
            var coupled = k.Compare(PtxCompare.Ne, PtxType.S32, k.Parameter("coupled", PtxType.S32), 0);
            var i = k.MulAdd(k.Special(PtxSpecial.BlockIndex), BlockSum.Threads, k.Special(PtxSpecial.ThreadIndex));
            var p = k.New(PtxType.F32);
            var g = k.New(PtxType.F32);
            var body = rule(i, p, g);
            var end = k.NewLabel("end");
            k.Branch(end, k.Compare(PtxCompare.Ge, PtxType.S32, i, count));
            k.Branch(end, ClipKernels.IsFinite(k, k.Load(PtxSpace.Global, PtxType.F32, guard)), negate: true);
            var pAt = k.Element(parameters, i);
            k.LoadTo(p, PtxSpace.Global, PtxType.F32, pAt);
            var raw = k.Load(PtxSpace.Global, PtxType.F32, k.Element(gradients, i));
            k.MovTo(g, PtxType.F32, k.Select(PtxType.F32, k.Add(PtxType.F32, k.Mul(PtxType.F32, p, weightDecay), raw), raw, coupled));
            k.Store(PtxSpace.Global, PtxType.F32, pAt, body());
            k.Label(end);
            k.Return();
        }
    }
}
