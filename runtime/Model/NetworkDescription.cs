using System;
using System.Collections.Generic;
using System.Text;

namespace RnnGen
{
    /// <summary>
    /// What a generated network is, as values: its input, its layers in the order they run, its head and its limits.
    /// Every generated model exposes one through <see cref="IRecurrentNetwork.Description"/>, so code written once
    /// (an importer, a training loop, a report) can serve any model.
    /// </summary>
    /// <example>
    /// <code>
    /// NetworkDescription d = model.Description;
    /// Console.WriteLine(d.Architecture);   // Embedding(96, 32) → LSTM(256) → LSTM(256) → Dense(96, Softmax)
    /// </code>
    /// </example>
    public sealed class NetworkDescription
    {
        /// <summary>Creates a description; generated models call this once, in a static initialiser.</summary>
        /// <param name="inputSize">Float features per step (0 for a token model).</param>
        /// <param name="vocabularySize">Token ids per step are looked up in an embedding of this many rows (0 for float inputs).</param>
        /// <param name="embeddingDimension">The embedding's width (0 for float inputs).</param>
        /// <param name="layers">The recurrent layers in the order they run.</param>
        /// <param name="head">The output head, or null.</param>
        /// <param name="maxSequenceLength">The most steps one <c>Forward</c> runs.</param>
        /// <param name="maxBatchSize">The most sequences one <c>Forward</c> runs.</param>
        /// <param name="parameterCount">Trainable parameters, counted as PyTorch does.</param>
        /// <param name="packedParameterLength">Floats in the packed parameter buffer (with alignment padding).</param>
        public NetworkDescription(
            int inputSize,
            int vocabularySize,
            int embeddingDimension,
            IReadOnlyList<RecurrentLayerInfo> layers,
            DenseLayerInfo? head,
            int maxSequenceLength,
            int maxBatchSize,
            int parameterCount,
            int packedParameterLength)
        {
            ArgumentNullException.ThrowIfNull(layers);
            if (layers.Count == 0)
            {
                throw new ArgumentException("A network has at least one recurrent layer.", nameof(layers));
            }

            InputSize = inputSize;
            VocabularySize = vocabularySize;
            EmbeddingDimension = embeddingDimension;
            Layers = layers;
            Head = head;
            MaxSequenceLength = maxSequenceLength;
            MaxBatchSize = maxBatchSize;
            ParameterCount = parameterCount;
            PackedParameterLength = packedParameterLength;
        }

        /// <summary>Float features per step; 0 for a token model (see <see cref="VocabularySize"/>).</summary>
        public int InputSize { get; }

        /// <summary>Rows of the embedding table token ids index; 0 for a float-input model.</summary>
        public int VocabularySize { get; }

        /// <summary>The embedding's width; 0 for a float-input model.</summary>
        public int EmbeddingDimension { get; }

        /// <summary>Whether each step's input is a token id looked up in an embedding (else <see cref="InputSize"/> floats).</summary>
        public bool HasEmbedding => VocabularySize > 0;

        /// <summary>The recurrent layers in the order they run.</summary>
        public IReadOnlyList<RecurrentLayerInfo> Layers { get; }

        /// <summary>The output head, or null when the last recurrent layer's output is the network's.</summary>
        public DenseLayerInfo? Head { get; }

        /// <summary>Floats per output step.</summary>
        public int OutputSize => Head?.Units ?? Layers[Layers.Count - 1].OutputSize;

        /// <summary>Whether the network outputs every step (false: the last step of each sequence only).</summary>
        public bool ReturnsSequences => Layers[Layers.Count - 1].ReturnSequences;

        /// <summary>The most steps one <c>Forward</c> runs.</summary>
        public int MaxSequenceLength { get; }

        /// <summary>The most sequences one <c>Forward</c> runs.</summary>
        public int MaxBatchSize { get; }

        /// <summary>Trainable parameters, counted as PyTorch does.</summary>
        public int ParameterCount { get; }

        /// <summary>Floats in the packed parameter buffer, and in a gradient buffer for <c>Backward</c>.</summary>
        public int PackedParameterLength { get; }

        /// <summary>Whether any layer or the head has training-only dropout.</summary>
        public bool HasDropout
        {
            get
            {
                foreach (RecurrentLayerInfo layer in Layers)
                {
                    if (layer.Dropout > 0 || layer.RecurrentDropout > 0)
                    {
                        return true;
                    }
                }

                return Head is { Dropout: > 0 };
            }
        }

        /// <summary>The network on one line, e.g. <c>Embedding(96, 32) → LSTM(256) → Dense(96, Softmax)</c>.</summary>
        public string Architecture
        {
            get
            {
                var text = new StringBuilder();
                text.Append(HasEmbedding ? "Embedding(" + VocabularySize + ", " + EmbeddingDimension + ")" : "Input(" + InputSize + ")");
                foreach (RecurrentLayerInfo layer in Layers)
                {
                    text.Append(" → ").Append(layer);
                }

                if (Head is not null)
                {
                    text.Append(" → ").Append(Head);
                }

                return text.ToString();
            }
        }

        /// <inheritdoc/>
        public override string ToString() => Architecture;
    }
}
