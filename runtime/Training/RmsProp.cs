using System;
using System.Numerics;

namespace RnnGen.Training
{
    /// <summary>RMSProp, as PyTorch's <c>torch.optim.RMSprop</c> computes it (optionally centred, with momentum).</summary>
    /// <remarks>
    /// With <c>g</c> the gradient (plus <c>weight_decay × p</c>) and <c>α</c> the smoothing constant:
    /// <code>
    /// sq   = α sq + (1 - α) g²
    /// ḡ    = α ḡ + (1 - α) g                 centred only
    /// d    = √(sq - ḡ²) + ε  centred,  √sq + ε  otherwise
    /// b    = μ b + g / d;  p -= lr b          with momentum μ
    /// p   -= lr g / d                          without
    /// </code>
    /// </remarks>
    public sealed class RmsProp : Optimizer
    {
        private readonly float[] squareAverage;
        private readonly float[]? gradientAverage;
        private readonly float[]? momentumBuffer;

        /// <summary>Creates the optimiser and its running averages.</summary>
        /// <param name="parameterCount">The number of parameters (at least 1).</param>
        /// <param name="learningRate">The learning rate (PyTorch's default 1e-2).</param>
        /// <param name="alpha">The smoothing constant α in [0, 1) (PyTorch's default 0.99).</param>
        /// <param name="epsilon">Added to the denominator (PyTorch's default 1e-8).</param>
        /// <param name="weightDecay">L2 weight decay added to the gradient (0 = none).</param>
        /// <param name="momentum">The momentum factor μ (0 = none).</param>
        /// <param name="centered">Normalise by the estimated variance instead of the raw second moment.</param>
        /// <exception cref="ArgumentOutOfRangeException">A coefficient is out of its range.</exception>
        public RmsProp(int parameterCount, float learningRate = 1e-2f, float alpha = 0.99f, float epsilon = 1e-8f, float weightDecay = 0, float momentum = 0, bool centered = false)
            : base(parameterCount, learningRate, weightDecay)
        {
            Guard.Fraction(alpha, nameof(alpha));
            Guard.NonNegative(epsilon, nameof(epsilon));
            Guard.NonNegative(momentum, nameof(momentum));
            Alpha = alpha;
            Epsilon = epsilon;
            Momentum = momentum;
            Centered = centered;
            squareAverage = AddState("square_avg");
            if (momentum != 0)
            {
                momentumBuffer = AddState("momentum_buffer");
            }

            if (centered)
            {
                gradientAverage = AddState("grad_avg");
            }

        }

        /// <summary>The smoothing constant α of the running averages.</summary>
        public float Alpha { get; }

        /// <summary>The term added to the denominator for stability.</summary>
        public float Epsilon { get; }

        /// <summary>The momentum factor μ (0 = none).</summary>
        public float Momentum { get; }

        /// <summary>Whether the second moment is centred by the running mean of the gradient.</summary>
        public bool Centered { get; }

        /// <inheritdoc/>
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, int offset)
        {
            // One pass over the buffers. Per element, as PyTorch:
            //   sq ← α sq + (1 - α) g²;  centred: ḡ ← ḡ + (1 - α)(g - ḡ), d = √max(sq - ḡ², 0), else d = √sq
            //   u = g / (d + ε);  momentum: b ← μ b + u, p ← p - lr·b;  else p ← p - lr·u
            // (sq ≥ ḡ² holds exactly; rounding can break it by an ulp when they nearly cancel, where PyTorch would take
            // the square root of a negative number and produce NaN, so it is clamped at 0.)
            var oneMinusAlpha = 1 - Alpha;
            Span<float> sq = squareAverage.AsSpan(offset, parameters.Length);
            Span<float> mean = Slice(gradientAverage, offset, parameters.Length);
            Span<float> buffer = Slice(momentumBuffer, offset, parameters.Length);
            var i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var lanes = Vector<float>.Count;
                for (; i + lanes <= parameters.Length; i += lanes)
                {
                    var g = new Vector<float>(gradients.Slice(i, lanes));
                    var s = (new Vector<float>(sq.Slice(i, lanes)) * Alpha) + (g * oneMinusAlpha * g);
                    s.CopyTo(sq.Slice(i, lanes));
                    Vector<float> denominator;
                    if (!mean.IsEmpty)
                    {
                        var m = new Vector<float>(mean.Slice(i, lanes));
                        m += (g - m) * oneMinusAlpha;
                        m.CopyTo(mean.Slice(i, lanes));
                        denominator = Vector.SquareRoot(Vector.Max(s - (m * m), Vector<float>.Zero));
                    }
                    else
                    {
                        denominator = Vector.SquareRoot(s);
                    }

                    var update = g / (denominator + new Vector<float>(Epsilon));
                    if (!buffer.IsEmpty)
                    {
                        update = (new Vector<float>(buffer.Slice(i, lanes)) * Momentum) + update;
                        update.CopyTo(buffer.Slice(i, lanes));
                    }

                    (new Vector<float>(parameters.Slice(i, lanes)) - (update * LearningRate)).CopyTo(parameters.Slice(i, lanes));
                }
            }

            for (; i < parameters.Length; i++)
            {
                var g = gradients[i];
                sq[i] = (sq[i] * Alpha) + (g * oneMinusAlpha * g);
                float denominator;
                if (!mean.IsEmpty)
                {
                    mean[i] += (g - mean[i]) * oneMinusAlpha;
                    denominator = MathF.Sqrt(MathF.Max(sq[i] - (mean[i] * mean[i]), 0f));
                }
                else
                {
                    denominator = MathF.Sqrt(sq[i]);
                }

                var update = g / (denominator + Epsilon);
                if (!buffer.IsEmpty)
                {
                    update = (buffer[i] * Momentum) + update;
                    buffer[i] = update;
                }

                parameters[i] -= update * LearningRate;
            }
        }
    }
}
