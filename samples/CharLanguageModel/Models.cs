namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>
    /// The default model (<c>--size small</c>): characters embedded in 48 dimensions, two LSTM layers of 128 units and
    /// a softmax over the 98 token ids. About 0.23 M parameters; trains at several thousand characters per second on
    /// two cores.
    /// </summary>
    [RecurrentNetwork(SequenceLength = TrainingDefaults.SequenceLength, BatchSize = TrainingDefaults.BatchSize)]
    [Embedding(CharacterSet.Size, 48)]
    [Lstm(128)]
    [Lstm(128)]
    [Dense(CharacterSet.Size, Activation.Softmax)]
    public partial class SmallCharModel : ICharNetwork<SmallCharModel.State>
    {
        /// <inheritdoc/>
        public static string Architecture => $"Embedding({VocabularySize}, {EmbeddingDimension}) → LSTM({Layer0Units}) → LSTM({Layer1Units}) → Dense({OutputSize}, softmax)";

        /// <inheritdoc/>
        public static int TrainableParameters => ParameterCount;
    }

    /// <summary>
    /// The larger model (<c>--size large</c>): the same shape with two LSTM layers of 256 units, about 0.87 M
    /// parameters and roughly three times the cost per step of <see cref="SmallCharModel"/>.
    /// </summary>
    [RecurrentNetwork(SequenceLength = TrainingDefaults.SequenceLength, BatchSize = TrainingDefaults.BatchSize)]
    [Embedding(CharacterSet.Size, 48)]
    [Lstm(256)]
    [Lstm(256)]
    [Dense(CharacterSet.Size, Activation.Softmax)]
    public partial class LargeCharModel : ICharNetwork<LargeCharModel.State>
    {
        /// <inheritdoc/>
        public static string Architecture => $"Embedding({VocabularySize}, {EmbeddingDimension}) → LSTM({Layer0Units}) → LSTM({Layer1Units}) → Dense({OutputSize}, softmax)";

        /// <inheritdoc/>
        public static int TrainableParameters => ParameterCount;
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
