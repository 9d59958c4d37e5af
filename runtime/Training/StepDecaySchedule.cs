using System;

namespace RnnGen.Training
{
    /// <summary>
    /// Multiplies the rate by <see cref="Gamma"/> every <see cref="StepSize"/> steps:
    /// <c>lr(t) = lr0 × γ^⌊t / StepSize⌋</c> (PyTorch's <c>StepLR</c>).
    /// </summary>
    public sealed class StepDecaySchedule : LearningRateSchedule
    {
        /// <summary>Creates the schedule.</summary>
        /// <param name="initialLearningRate">lr0, the rate of steps 0 to <paramref name="stepSize"/> - 1.</param>
        /// <param name="stepSize">The number of steps between decays (at least 1).</param>
        /// <param name="gamma">The factor applied at each decay (finite, &gt; 0; typically below 1).</param>
        /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range.</exception>
        public StepDecaySchedule(float initialLearningRate, long stepSize, float gamma)
        {
            CheckRate(initialLearningRate, nameof(initialLearningRate));
            ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
            Guard.Positive(gamma, nameof(gamma));
            InitialLearningRate = initialLearningRate;
            StepSize = stepSize;
            Gamma = gamma;
        }

        /// <summary>The rate before the first decay.</summary>
        public float InitialLearningRate { get; }

        /// <summary>The number of steps between decays.</summary>
        public long StepSize { get; }

        /// <summary>The factor applied at each decay.</summary>
        public float Gamma { get; }

        /// <inheritdoc/>
        protected internal override double Compute(long step) => InitialLearningRate * Math.Pow(Gamma, step / StepSize);
    }
}
