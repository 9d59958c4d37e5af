using System;

namespace RnnGen.Training
{
    /// <summary>
    /// A learning-rate schedule: a pure function from a step number to a learning rate.
    /// </summary>
    /// <remarks>
    /// The step is the number of optimiser steps already taken, i.e. 0 for the first update, which is what
    /// <see cref="Optimizer.StepCount"/> holds just before <see cref="Optimizer.Step"/>. So
    /// <c>schedule.Apply(optimizer); optimizer.Step(parameters, gradients);</c> trains step t with
    /// <c>LearningRateAt(t)</c>. Rates are computed in double and rounded to float once.
    /// </remarks>
    public abstract class LearningRateSchedule
    {
        /// <summary>The learning rate for the update that follows <paramref name="step"/> earlier updates.</summary>
        /// <param name="step">The number of steps already taken (at least 0).</param>
        /// <returns>A finite learning rate, at least 0.</returns>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
        public float LearningRateAt(long step)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(step);
            return (float)Compute(step);
        }

        /// <summary>Sets <paramref name="optimizer"/>'s learning rate for its next step, <see cref="Optimizer.StepCount"/>.</summary>
        /// <param name="optimizer">The optimizer to update.</param>
        /// <returns>The learning rate set.</returns>
        public float Apply(Optimizer optimizer)
        {
            ArgumentNullException.ThrowIfNull(optimizer);
            var rate = LearningRateAt(optimizer.StepCount);
            optimizer.LearningRate = rate;
            return rate;
        }

        /// <summary>This schedule preceded by a linear warm-up of <paramref name="warmupSteps"/> steps (see <see cref="LinearWarmupSchedule"/>).</summary>
        /// <param name="warmupSteps">The number of warm-up steps (at least 1).</param>
        /// <param name="startFactor">The fraction of the peak rate at step 0, in [0, 1].</param>
        /// <returns>The combined schedule.</returns>
        public LinearWarmupSchedule WithLinearWarmup(long warmupSteps, float startFactor = 0) => new(this, warmupSteps, startFactor);

        /// <summary>The rate at <paramref name="step"/> (already checked to be at least 0), in double.</summary>
        /// <param name="step">The number of steps already taken.</param>
        /// <returns>The learning rate.</returns>
        protected internal abstract double Compute(long step);

        /// <summary>Throws unless <paramref name="learningRate"/> is finite and at least 0.</summary>
        /// <param name="learningRate">The rate to check.</param>
        /// <param name="parameterName">The argument's name for the exception.</param>
        /// <exception cref="ArgumentOutOfRangeException">The rate is negative, infinite or NaN.</exception>
        protected static void CheckRate(float learningRate, string parameterName) => Guard.NonNegative(learningRate, parameterName);
    }
}
