namespace RnnGen.Training
{
    /// <summary>The built-in losses of <see cref="TrainingLoss"/>, so the GPU path can pick its kernel.</summary>
    internal enum TrainingLossKind
    {
        /// <summary>A loss derived outside the library: CPU only.</summary>
        Custom,

        /// <summary><see cref="TrainingLoss.SoftmaxCrossEntropy"/>.</summary>
        SoftmaxCrossEntropy,

        /// <summary><see cref="TrainingLoss.BinaryCrossEntropy"/>.</summary>
        BinaryCrossEntropy,

        /// <summary><see cref="TrainingLoss.MeanSquaredError"/>.</summary>
        MeanSquaredError,
    }
}
