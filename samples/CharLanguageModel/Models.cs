namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>
    /// The default model (<c>--size small</c>): characters embedded in 48 dimensions, two LSTM layers of 128 units and
    /// a softmax over the 98 token ids: 240,578 parameters. One training step (32 windows of 64 characters, forward,
    /// backward and Adam) takes about 35 ms on two cores, some 60,000 characters per second.
    /// </summary>
    [RecurrentNetwork(SequenceLength = TrainingDefaults.SequenceLength, BatchSize = TrainingDefaults.BatchSize, Cuda = true)]
    [Embedding(CharacterSet.Size, 48)]
    [Lstm(128)]
    [Lstm(128)]
    [Dense(CharacterSet.Size, Activation.Softmax)]
    public partial class SmallCharModel : ICharNetwork<SmallCharModel.State>
    {
        /// <inheritdoc/>
        public RnnGen.Gpu.ICudaTrainable<int> ToCudaTrainable(RnnGen.Gpu.GpuDevice device) => ToCuda(device);
    }

    /// <summary>
    /// The larger model (<c>--size large</c>): the same shape with two LSTM layers of 256 units, 869,570
    /// parameters, about 200 ms a training step: six times the cost of <see cref="SmallCharModel"/>.
    /// </summary>
    [RecurrentNetwork(SequenceLength = TrainingDefaults.SequenceLength, BatchSize = TrainingDefaults.BatchSize, Cuda = true)]
    [Embedding(CharacterSet.Size, 48)]
    [Lstm(256)]
    [Lstm(256)]
    [Dense(CharacterSet.Size, Activation.Softmax)]
    public partial class LargeCharModel : ICharNetwork<LargeCharModel.State>
    {
        /// <inheritdoc/>
        public RnnGen.Gpu.ICudaTrainable<int> ToCudaTrainable(RnnGen.Gpu.GpuDevice device) => ToCuda(device);
    }

    /// <summary>The window and batch the models are generated for; the training loop uses exactly these.</summary>
    public static class TrainingDefaults
    {
        /// <summary>Characters of input per training window (each window also needs one more character as the last target).</summary>
        public const int SequenceLength = 64;

        /// <summary>Windows per training batch.</summary>
        public const int BatchSize = 32;
    }
}
