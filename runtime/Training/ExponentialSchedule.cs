using System;

namespace RnnGen.Training
{
    /// <summary>Multiplies the rate by <see cref="Gamma"/> every step: <c>lr(t) = lr0 × γ^t</c> (PyTorch's <c>ExponentialLR</c>).</summary>
    public sealed class ExponentialSchedule : LearningRateSchedule
    {
        /// <summary>Creates the schedule.</summary>
        /// <param name="initialLearningRate">lr0, the rate of step 0.</param>
        /// <param name="gamma">The factor per step (finite, &gt; 0; typically just below 1).</param>
        /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range.</exception>
        public ExponentialSchedule(float initialLearningRate, float gamma)
        {
            CheckRate(initialLearningRate, nameof(initialLearningRate));
            Guard.Positive(gamma, nameof(gamma));
            InitialLearningRate = initialLearningRate;
            Gamma = gamma;
        }

        /// <summary>The rate of step 0.</summary>
        public float InitialLearningRate { get; }

        /// <summary>The factor per step.</summary>
        public float Gamma { get; }

        /// <inheritdoc/>
        protected internal override double Compute(long step)
        {
            // γ^t underflows to 0 for long runs with γ < 1 (and a rate, not a NaN, is still returned); γ > 1 is
            // capped at float.MaxValue so the rate stays finite.
            return Math.Min(InitialLearningRate * Math.Pow(Gamma, step), float.MaxValue);
        }
    }
}
