using System;
using System.Numerics.Tensors;

namespace RnnGen.Training
{
    /// <summary>
    /// Stochastic gradient descent with optional momentum (heavy-ball or Nesterov), as PyTorch's
    /// <c>torch.optim.SGD</c> computes it.
    /// </summary>
    /// <remarks>
    /// With <c>g</c> the gradient (plus <c>weight_decay × p</c>), <c>μ</c> the momentum and <c>d</c> the dampening:
    /// <code>
    /// v = g                      on the first step
    /// v = μ v + (1 - d) g        afterwards
    /// p -= lr (g + μ v)          Nesterov
    /// p -= lr v                  otherwise (p -= lr g without momentum)
    /// </code>
    /// </remarks>
    public sealed class Sgd : Optimizer
    {
        private readonly float[]? velocity;
        private readonly float[]? lookahead;

        /// <summary>Creates the optimiser and, with momentum, its velocity buffer.</summary>
        /// <param name="parameterCount">The number of parameters (at least 1).</param>
        /// <param name="learningRate">The learning rate (PyTorch's default 1e-3).</param>
        /// <param name="momentum">The momentum factor μ (0 = none).</param>
        /// <param name="dampening">The dampening d applied to new gradients in the velocity (in [0, 1); 0 with Nesterov).</param>
        /// <param name="nesterov">Use Nesterov momentum (needs <paramref name="momentum"/> &gt; 0 and no dampening).</param>
        /// <param name="weightDecay">L2 weight decay added to the gradient (0 = none).</param>
        /// <exception cref="ArgumentOutOfRangeException">A coefficient is out of its range.</exception>
        /// <exception cref="ArgumentException">Nesterov without momentum or with dampening.</exception>
        public Sgd(int parameterCount, float learningRate = 1e-3f, float momentum = 0, float dampening = 0, bool nesterov = false, float weightDecay = 0)
            : base(parameterCount, learningRate, weightDecay)
        {
            Guard.NonNegative(momentum, nameof(momentum));
            Guard.Fraction(dampening, nameof(dampening));
            if (nesterov && (momentum == 0 || dampening != 0))
            {
                throw new ArgumentException($"Nesterov momentum needs momentum > 0 and dampening = 0; got momentum {momentum} and dampening {dampening}.", nameof(nesterov));
            }

            Momentum = momentum;
            Dampening = dampening;
            Nesterov = nesterov;
            if (momentum != 0)
            {
                velocity = AddState("momentum_buffer");
                if (nesterov)
                {
                    lookahead = new float[parameterCount];
                }
            }
        }

        /// <summary>The momentum factor μ (0 = plain SGD).</summary>
        public float Momentum { get; }

        /// <summary>The dampening d of new gradients in the velocity.</summary>
        public float Dampening { get; }

        /// <summary>Whether the update uses Nesterov momentum.</summary>
        public bool Nesterov { get; }

        /// <inheritdoc/>
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, int offset)
        {
            var rate = -LearningRate;
            if (velocity is null)
            {
                TensorPrimitives.MultiplyAdd(gradients, rate, parameters, parameters);
                return;
            }

            Span<float> v = velocity.AsSpan(offset, parameters.Length);
            if (step == 1)
            {
                gradients.CopyTo(v);
            }
            else
            {
                TensorPrimitives.Multiply(v, Momentum, v);
                TensorPrimitives.MultiplyAdd(gradients, 1 - Dampening, v, v);
            }

            if (lookahead is not null)
            {
                Span<float> ahead = lookahead.AsSpan(offset, parameters.Length);
                TensorPrimitives.MultiplyAdd(v, Momentum, gradients, ahead);
                TensorPrimitives.MultiplyAdd(ahead, rate, parameters, parameters);
            }
            else
            {
                TensorPrimitives.MultiplyAdd(v, rate, parameters, parameters);
            }
        }
    }
}
