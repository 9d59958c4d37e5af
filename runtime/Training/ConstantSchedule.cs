namespace RnnGen.Training
{
    /// <summary>The same learning rate at every step.</summary>
    public sealed class ConstantSchedule : LearningRateSchedule
    {
        /// <summary>Creates the schedule.</summary>
        /// <param name="learningRate">The rate (finite, at least 0).</param>
        /// <exception cref="System.ArgumentOutOfRangeException">The rate is negative or not finite.</exception>
        public ConstantSchedule(float learningRate)
        {
            CheckRate(learningRate, nameof(learningRate));
            LearningRate = learningRate;
        }

        /// <summary>The rate returned for every step.</summary>
        public float LearningRate { get; }

        /// <inheritdoc/>
        protected internal override double Compute(long step) => LearningRate;
    }
}
