using System;
using System.Numerics;

namespace RnnGen.Training
{
    /// <summary>
    /// Adam with bias correction, as PyTorch's <c>torch.optim.Adam</c> computes it; with
    /// <c>decoupledWeightDecay</c> it is AdamW (<c>torch.optim.AdamW</c>).
    /// </summary>
    /// <remarks>
    /// With <c>g</c> the gradient and <c>t</c> the 1-based step:
    /// <code>
    /// g += wd p                     Adam's L2 weight decay, or
    /// p *= 1 - lr wd                AdamW's decoupled decay
    /// m  = β1 m + (1 - β1) g
    /// v  = β2 v + (1 - β2) g²
    /// p -= lr / (1 - β1^t) × m / (√v / √(1 - β2^t) + ε)
    /// </code>
    /// </remarks>
    public sealed class Adam : Optimizer
    {
        private readonly float[] firstMoment;
        private readonly float[] secondMoment;

        /// <summary>Creates the optimiser and its two moment estimates.</summary>
        /// <param name="parameterCount">The number of parameters (at least 1).</param>
        /// <param name="learningRate">The learning rate (PyTorch's default 1e-3).</param>
        /// <param name="beta1">The first moment's decay β1 in [0, 1) (default 0.9).</param>
        /// <param name="beta2">The second moment's decay β2 in [0, 1) (default 0.999).</param>
        /// <param name="epsilon">Added to the denominator (default 1e-8).</param>
        /// <param name="weightDecay">The weight decay coefficient (0 = none; PyTorch's AdamW uses 1e-2).</param>
        /// <param name="decoupledWeightDecay">True for AdamW's decay <c>p *= 1 - lr × wd</c>; false for L2 added to the gradient.</param>
        /// <exception cref="ArgumentOutOfRangeException">A coefficient is out of its range.</exception>
        public Adam(int parameterCount, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0, bool decoupledWeightDecay = false)
            : base(parameterCount, learningRate, weightDecay, decoupledWeightDecay)
        {
            Guard.Fraction(beta1, nameof(beta1));
            Guard.Fraction(beta2, nameof(beta2));
            Guard.NonNegative(epsilon, nameof(epsilon));
            Beta1 = beta1;
            Beta2 = beta2;
            Epsilon = epsilon;
            DecoupledWeightDecay = decoupledWeightDecay;
            firstMoment = AddState("exp_avg");
            secondMoment = AddState("exp_avg_sq");
        }

        /// <summary>The first moment's decay β1.</summary>
        public float Beta1 { get; }

        /// <summary>The second moment's decay β2.</summary>
        public float Beta2 { get; }

        /// <summary>The term added to the denominator for stability.</summary>
        public float Epsilon { get; }

        /// <summary>Whether weight decay is AdamW's decoupled shrinking rather than L2 in the gradient.</summary>
        public bool DecoupledWeightDecay { get; }

        /// <inheritdoc/>
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, int offset)
        {
            // Bias corrections in double, as PyTorch computes them with Python floats.
            var correction1 = 1 - Math.Pow(Beta1, step);
            var correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(Beta2, step));
            var stepSize = (float)(LearningRate / correction1);
            var decay = DecoupledWeightDecay && WeightDecay != 0 ? 1 - (LearningRate * WeightDecay) : 1f;

            // One pass over the four buffers (a pass per operation read and wrote them up to nine times, which was
            // most of the optimiser's time on small models). Per element, as PyTorch:
            //   p ← p (1 - lr·λ)                                  (AdamW only)
            //   m ← m + (1 - β1)(g - m);  v ← β2 v + (1 - β2) g²
            //   p ← p - (lr / (1 - β1ᵗ)) · m / (√v / √(1 - β2ᵗ) + ε)
            var oneMinusBeta1 = 1 - Beta1;
            var oneMinusBeta2 = 1 - Beta2;
            Span<float> m = firstMoment.AsSpan(offset, parameters.Length);
            Span<float> v = secondMoment.AsSpan(offset, parameters.Length);
            var i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var lanes = Vector<float>.Count;
                for (; i + lanes <= parameters.Length; i += lanes)
                {
                    var g = new Vector<float>(gradients.Slice(i, lanes));
                    var mi = new Vector<float>(m.Slice(i, lanes));
                    var vi = new Vector<float>(v.Slice(i, lanes));
                    var pi = new Vector<float>(parameters.Slice(i, lanes)) * decay;
                    mi += (g - mi) * oneMinusBeta1;
                    vi = (vi * Beta2) + (g * oneMinusBeta2 * g);
                    pi -= stepSize * (mi / ((Vector.SquareRoot(vi) / correction2Sqrt) + new Vector<float>(Epsilon)));
                    mi.CopyTo(m.Slice(i, lanes));
                    vi.CopyTo(v.Slice(i, lanes));
                    pi.CopyTo(parameters.Slice(i, lanes));
                }
            }

            for (; i < parameters.Length; i++)
            {
                var g = gradients[i];
                m[i] += (g - m[i]) * oneMinusBeta1;
                v[i] = (v[i] * Beta2) + (g * oneMinusBeta2 * g);
                parameters[i] = (parameters[i] * decay) - (stepSize * (m[i] / ((MathF.Sqrt(v[i]) / correction2Sqrt) + Epsilon)));
            }
        }
    }
}
