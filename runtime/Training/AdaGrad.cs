using System;
using System.Numerics;

namespace RnnGen.Training
{
    /// <summary>AdaGrad, as PyTorch's <c>torch.optim.Adagrad</c> computes it.</summary>
    /// <remarks>
    /// With <c>g</c> the gradient (plus <c>weight_decay × p</c>) and <c>t</c> the 1-based step:
    /// <code>
    /// sum += g²
    /// p   -= lr / (1 + (t - 1) lr_decay) × g / (√sum + ε)
    /// </code>
    /// </remarks>
    public sealed class AdaGrad : Optimizer
    {
        private readonly float[] sum;

        /// <summary>Creates the optimiser and its accumulator.</summary>
        /// <param name="parameterCount">The number of parameters (at least 1).</param>
        /// <param name="learningRate">The learning rate (PyTorch's default 1e-2).</param>
        /// <param name="learningRateDecay">PyTorch's <c>lr_decay</c> (0 = none).</param>
        /// <param name="weightDecay">L2 weight decay added to the gradient (0 = none).</param>
        /// <param name="initialAccumulatorValue">The accumulator's starting value (PyTorch's <c>initial_accumulator_value</c>).</param>
        /// <param name="epsilon">Added to the denominator (PyTorch's default 1e-10).</param>
        /// <exception cref="ArgumentOutOfRangeException">A coefficient is negative or not finite.</exception>
        public AdaGrad(int parameterCount, float learningRate = 1e-2f, float learningRateDecay = 0, float weightDecay = 0, float initialAccumulatorValue = 0, float epsilon = 1e-10f)
            : base(parameterCount, learningRate, weightDecay)
        {
            Guard.NonNegative(learningRateDecay, nameof(learningRateDecay));
            Guard.NonNegative(initialAccumulatorValue, nameof(initialAccumulatorValue));
            Guard.NonNegative(epsilon, nameof(epsilon));
            LearningRateDecay = learningRateDecay;
            Epsilon = epsilon;
            sum = AddState("sum", initialAccumulatorValue);
        }

        /// <summary>PyTorch's <c>lr_decay</c>: the step-t rate is <c>lr / (1 + (t - 1) lr_decay)</c>.</summary>
        public float LearningRateDecay { get; }

        /// <summary>The term added to the denominator for stability.</summary>
        public float Epsilon { get; }

        /// <inheritdoc/>
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, int offset)
        {
            // One pass over the buffers. Per element, as PyTorch: s ← s + g²;  p ← p - lr_t · g / (√s + ε),
            // with lr_t = lr / (1 + (t - 1)·decay).
            var rate = (float)(LearningRate / (1 + ((step - 1) * (double)LearningRateDecay)));
            Span<float> accumulated = sum.AsSpan(offset, parameters.Length);
            var i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var lanes = Vector<float>.Count;
                for (; i + lanes <= parameters.Length; i += lanes)
                {
                    var g = new Vector<float>(gradients.Slice(i, lanes));
                    var total = new Vector<float>(accumulated.Slice(i, lanes)) + (g * g);
                    total.CopyTo(accumulated.Slice(i, lanes));
                    var update = g / (Vector.SquareRoot(total) + new Vector<float>(Epsilon));
                    (new Vector<float>(parameters.Slice(i, lanes)) - (update * rate)).CopyTo(parameters.Slice(i, lanes));
                }
            }

            for (; i < parameters.Length; i++)
            {
                var g = gradients[i];
                accumulated[i] += g * g;
                parameters[i] -= g / (MathF.Sqrt(accumulated[i]) + Epsilon) * rate;
            }
        }
    }
}
