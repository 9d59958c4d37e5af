using System;
using System.Numerics.Tensors;

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
        private readonly float[] work;

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

            work = new float[parameterCount];
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
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
        {
            // sq = α sq + (1 - α) g²
            TensorPrimitives.Multiply(squareAverage, Alpha, squareAverage);
            TensorPrimitives.Multiply(gradients, 1 - Alpha, work);
            TensorPrimitives.MultiplyAdd(work, gradients, squareAverage, squareAverage);

            if (gradientAverage is not null)
            {
                TensorPrimitives.Lerp(gradientAverage, gradients, 1 - Alpha, gradientAverage);
                TensorPrimitives.Multiply(gradientAverage, gradientAverage, work);
                TensorPrimitives.Subtract(squareAverage, work, work);

                // sq ≥ ḡ² holds exactly; rounding can break it by an ulp when they nearly cancel, where PyTorch
                // would take the square root of a negative number and produce NaN. Clamp at 0 instead.
                TensorPrimitives.Max(work, 0f, work);
                TensorPrimitives.Sqrt(work, work);
            }
            else
            {
                TensorPrimitives.Sqrt(squareAverage, work);
            }

            TensorPrimitives.Add(work, Epsilon, work);
            TensorPrimitives.Divide(gradients, work, work);
            if (momentumBuffer is not null)
            {
                TensorPrimitives.MultiplyAdd(momentumBuffer, Momentum, work, momentumBuffer);
                TensorPrimitives.MultiplyAdd(momentumBuffer, -LearningRate, parameters, parameters);
            }
            else
            {
                TensorPrimitives.MultiplyAdd(work, -LearningRate, parameters, parameters);
            }
        }
    }
}
