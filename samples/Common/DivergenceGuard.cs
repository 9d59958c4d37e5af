using System;

namespace RnnGen.Samples.Common
{
    /// <summary>
    /// Decides whether a training step may be applied: a step whose loss or gradient norm is not finite is skipped
    /// (the weights stay as they were), and training stops with a clear error when that keeps happening.
    /// </summary>
    public sealed class DivergenceGuard
    {
        private readonly int maxConsecutive;
        private int consecutive;

        /// <summary>Creates a guard.</summary>
        /// <param name="maxConsecutive">Skipped steps in a row that count as divergence (at least 1).</param>
        public DivergenceGuard(int maxConsecutive = 10)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(maxConsecutive, 1);
            this.maxConsecutive = maxConsecutive;
        }

        /// <summary>Steps skipped so far.</summary>
        public int Skipped { get; private set; }

        /// <summary>Whether the step with this loss and gradient norm may be applied.</summary>
        /// <param name="loss">The step's loss.</param>
        /// <param name="gradientNorm">The global gradient norm (before clipping).</param>
        /// <param name="step">The step's number, for the error message.</param>
        /// <returns>True to apply the step; false to skip it.</returns>
        /// <exception cref="InvalidOperationException">The last <c>maxConsecutive</c> steps were all skipped.</exception>
        public bool Accept(float loss, float gradientNorm, long step)
        {
            if (float.IsFinite(loss) && float.IsFinite(gradientNorm))
            {
                consecutive = 0;
                return true;
            }

            Skipped++;
            if (++consecutive >= maxConsecutive)
            {
                throw new InvalidOperationException($"Training diverged: the loss or the gradient was not finite for {maxConsecutive} steps in a row (step {step}). Try a lower --learning-rate.");
            }

            return false;
        }

        /// <summary>Warns about an early stop and skipped steps after a run.</summary>
        /// <param name="stopped">Whether the run was stopped early.</param>
        /// <param name="steps">Steps taken.</param>
        /// <param name="planned">Steps asked for.</param>
        /// <param name="skipped">Steps skipped.</param>
        public static void WarnAfterRun(bool stopped, int steps, int planned, int skipped)
        {
            if (stopped)
            {
                ConsoleUi.Warning($"Stopped early after {steps:N0} of {planned:N0} steps.");
            }

            if (skipped > 0)
            {
                ConsoleUi.Warning($"{skipped} steps were skipped because the gradient was not finite.");
            }
        }
    }
}
