using System;

namespace RnnGen.Training
{
    /// <summary>
    /// Cosine annealing from an initial rate to a minimum over <see cref="Period"/> steps, then the minimum:
    /// <c>lr(t) = min + (lr0 - min)(1 + cos(π t / T)) / 2</c> for <c>t ≤ T</c>, <c>min</c> after.
    /// </summary>
    /// <remarks>This is PyTorch's <c>CosineAnnealingLR</c> up to <c>T_max</c>; where PyTorch's closed form
    /// would climb back up after <c>T_max</c>, this schedule stays at the minimum (no restarts).</remarks>
    public sealed class CosineAnnealingSchedule : LearningRateSchedule
    {
        /// <summary>Creates the schedule.</summary>
        /// <param name="initialLearningRate">lr0, the rate of step 0.</param>
        /// <param name="period">T, the step at which the minimum is reached (at least 1).</param>
        /// <param name="minimumLearningRate">The rate at step T and after (finite, at least 0).</param>
        /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range.</exception>
        public CosineAnnealingSchedule(float initialLearningRate, long period, float minimumLearningRate = 0)
        {
            CheckRate(initialLearningRate, nameof(initialLearningRate));
            ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
            CheckRate(minimumLearningRate, nameof(minimumLearningRate));
            InitialLearningRate = initialLearningRate;
            Period = period;
            MinimumLearningRate = minimumLearningRate;
        }

        /// <summary>The rate of step 0.</summary>
        public float InitialLearningRate { get; }

        /// <summary>The number of steps the annealing takes.</summary>
        public long Period { get; }

        /// <summary>The rate reached at step <see cref="Period"/> and kept after it.</summary>
        public float MinimumLearningRate { get; }

        /// <inheritdoc/>
        protected internal override double Compute(long step)
        {
            if (step >= Period)
            {
                return MinimumLearningRate;
            }

            var cosine = Math.Cos(Math.PI * step / Period);
            return MinimumLearningRate + ((InitialLearningRate - (double)MinimumLearningRate) * (1 + cosine) / 2);
        }
    }
}
