using System;

namespace RnnGen.Samples.Seq2Seq
{
    /// <summary>The limits every encoder and decoder is generated for.</summary>
    public static class ModelLimits
    {
        /// <summary>The longest source one encoder <c>Forward</c> accepts. The longest the task writes has 62 characters: "the twenty seventh of september two thousand and seventy seven" (every date and form rendered once).</summary>
        public const int MaxSourceLength = 64;

        /// <summary>Decoder steps: <see cref="TargetVocabulary.Start"/> and the 10 characters of <c>yyyy-mm-dd</c> in; the 10 characters and <see cref="TargetVocabulary.End"/> out.</summary>
        public const int DecoderSteps = DateTask.TargetLength + 1;

        /// <summary>The largest batch one <c>Forward</c> accepts (<c>--batch</c>'s upper bound).</summary>
        public const int MaxBatchSize = 256;

        /// <summary>The encoder's character embedding size.</summary>
        public const int SourceEmbedding = 32;

        /// <summary>The decoder's embedding size (13 ids).</summary>
        public const int TargetEmbedding = 16;
    }

    /// <summary>The encoder of the default model: 32-dimensional character embeddings into a GRU of 128 units whose final state is the output.</summary>
    [RecurrentNetwork(SequenceLength = ModelLimits.MaxSourceLength, BatchSize = ModelLimits.MaxBatchSize)]
    [Embedding(SourceVocabulary.Size, ModelLimits.SourceEmbedding)]
    [Gru(128, ReturnSequences = false)]
    public partial class Encoder128 : IEncoderNetwork
    {
        /// <inheritdoc/>
        public static string Architecture => $"Embedding({VocabularySize}, {EmbeddingDimension}) → GRU({Layer0Units}), final state";

        /// <inheritdoc/>
        public static int TrainableParameters => ParameterCount;

        /// <inheritdoc/>
        public static int Units => Layer0Units;
    }

    /// <summary>The decoder of the default model: a GRU of 128 units started from <see cref="Encoder128"/>'s final state, with a softmax over the 13 target ids.</summary>
    [RecurrentNetwork(SequenceLength = ModelLimits.DecoderSteps, BatchSize = ModelLimits.MaxBatchSize)]
    [Embedding(TargetVocabulary.Size, ModelLimits.TargetEmbedding)]
    [Gru(128)]
    [Dense(TargetVocabulary.Size, Activation.Softmax)]
    public partial class Decoder128 : IDecoderNetwork<Decoder128.State>
    {
        /// <inheritdoc/>
        public static string Architecture => $"Embedding({VocabularySize}, {EmbeddingDimension}) → GRU({Layer0Units}) → Dense({OutputSize}, softmax)";

        /// <inheritdoc/>
        public static int TrainableParameters => ParameterCount;

        /// <inheritdoc/>
        public void LoadStream(State state, ReadOnlySpan<float> hidden)
        {
            ArgumentNullException.ThrowIfNull(state);
            state.Set(0, hidden);
        }
    }

    /// <summary>The small encoder (<c>--hidden 64</c>).</summary>
    [RecurrentNetwork(SequenceLength = ModelLimits.MaxSourceLength, BatchSize = ModelLimits.MaxBatchSize)]
    [Embedding(SourceVocabulary.Size, ModelLimits.SourceEmbedding)]
    [Gru(64, ReturnSequences = false)]
    public partial class Encoder64 : IEncoderNetwork
    {
        /// <inheritdoc/>
        public static string Architecture => $"Embedding({VocabularySize}, {EmbeddingDimension}) → GRU({Layer0Units}), final state";

        /// <inheritdoc/>
        public static int TrainableParameters => ParameterCount;

        /// <inheritdoc/>
        public static int Units => Layer0Units;
    }

    /// <summary>The small decoder (<c>--hidden 64</c>).</summary>
    [RecurrentNetwork(SequenceLength = ModelLimits.DecoderSteps, BatchSize = ModelLimits.MaxBatchSize)]
    [Embedding(TargetVocabulary.Size, ModelLimits.TargetEmbedding)]
    [Gru(64)]
    [Dense(TargetVocabulary.Size, Activation.Softmax)]
    public partial class Decoder64 : IDecoderNetwork<Decoder64.State>
    {
        /// <inheritdoc/>
        public static string Architecture => $"Embedding({VocabularySize}, {EmbeddingDimension}) → GRU({Layer0Units}) → Dense({OutputSize}, softmax)";

        /// <inheritdoc/>
        public static int TrainableParameters => ParameterCount;

        /// <inheritdoc/>
        public void LoadStream(State state, ReadOnlySpan<float> hidden)
        {
            ArgumentNullException.ThrowIfNull(state);
            state.Set(0, hidden);
        }
    }

    /// <summary>The large encoder (<c>--hidden 256</c>).</summary>
    [RecurrentNetwork(SequenceLength = ModelLimits.MaxSourceLength, BatchSize = ModelLimits.MaxBatchSize)]
    [Embedding(SourceVocabulary.Size, ModelLimits.SourceEmbedding)]
    [Gru(256, ReturnSequences = false)]
    public partial class Encoder256 : IEncoderNetwork
    {
        /// <inheritdoc/>
        public static string Architecture => $"Embedding({VocabularySize}, {EmbeddingDimension}) → GRU({Layer0Units}), final state";

        /// <inheritdoc/>
        public static int TrainableParameters => ParameterCount;

        /// <inheritdoc/>
        public static int Units => Layer0Units;
    }

    /// <summary>The large decoder (<c>--hidden 256</c>).</summary>
    [RecurrentNetwork(SequenceLength = ModelLimits.DecoderSteps, BatchSize = ModelLimits.MaxBatchSize)]
    [Embedding(TargetVocabulary.Size, ModelLimits.TargetEmbedding)]
    [Gru(256)]
    [Dense(TargetVocabulary.Size, Activation.Softmax)]
    public partial class Decoder256 : IDecoderNetwork<Decoder256.State>
    {
        /// <inheritdoc/>
        public static string Architecture => $"Embedding({VocabularySize}, {EmbeddingDimension}) → GRU({Layer0Units}) → Dense({OutputSize}, softmax)";

        /// <inheritdoc/>
        public static int TrainableParameters => ParameterCount;

        /// <inheritdoc/>
        public void LoadStream(State state, ReadOnlySpan<float> hidden)
        {
            ArgumentNullException.ThrowIfNull(state);
            state.Set(0, hidden);
        }
    }
}
