using System;

namespace RnnGen.Training
{
    /// <summary>
    /// A linear warm-up followed by another schedule. For <c>t &lt; W</c> the rate rises linearly from
    /// <c>startFactor × peak</c> towards <c>peak</c>, where <c>peak</c> is the wrapped schedule's step-0 rate:
    /// <c>lr(t) = peak × (s + (1 - s) t / W)</c>; from step W on, <c>lr(t) = schedule(t - W)</c>, so the wrapped
    /// schedule starts after the warm-up (e.g. warm-up then cosine decay).
    /// </summary>
    /// <remarks>With the default <c>startFactor</c> 0 the very first update has rate 0 (as Hugging Face's
    /// linear warm-up); pass a small positive factor to make it count.</remarks>
    public sealed class LinearWarmupSchedule : LearningRateSchedule
    {
        /// <summary>Creates the schedule.</summary>
        /// <param name="schedule">The schedule that follows the warm-up.</param>
        /// <param name="warmupSteps">W, the number of warm-up steps (at least 1).</param>
        /// <param name="startFactor">s, the fraction of the peak rate at step 0, in [0, 1].</param>
        /// <exception cref="ArgumentNullException"><paramref name="schedule"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range.</exception>
        public LinearWarmupSchedule(LearningRateSchedule schedule, long warmupSteps, float startFactor = 0)
        {
            ArgumentNullException.ThrowIfNull(schedule);
            ArgumentOutOfRangeException.ThrowIfLessThan(warmupSteps, 1);
            if (!(startFactor >= 0 && startFactor <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "startFactor must be in [0, 1].");
            }

            Schedule = schedule;
            WarmupSteps = warmupSteps;
            StartFactor = startFactor;
        }

        /// <summary>The schedule that follows the warm-up, started at its own step 0 on step <see cref="WarmupSteps"/>.</summary>
        public LearningRateSchedule Schedule { get; }

        /// <summary>The number of warm-up steps.</summary>
        public long WarmupSteps { get; }

        /// <summary>The fraction of the peak rate at step 0.</summary>
        public float StartFactor { get; }

        /// <inheritdoc/>
        protected internal override double Compute(long step)
        {
            if (step >= WarmupSteps)
            {
                return Schedule.Compute(step - WarmupSteps);
            }

            var factor = StartFactor + ((1 - (double)StartFactor) * step / WarmupSteps);
            return Schedule.Compute(0) * factor;
        }
    }
}
