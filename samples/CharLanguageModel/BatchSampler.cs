using System;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>
    /// Draws training batches: <see cref="BatchSize"/> windows of <see cref="SequenceLength"/> + 1 characters at random
    /// offsets of the training text, laid out time-major (<c>[step][row]</c>) as the generated <c>Forward</c> takes them.
    /// The targets are the inputs shifted by one character.
    /// </summary>
    public sealed class BatchSampler : IBatchSource
    {
        private readonly int[] text;
        private readonly Random random;

        /// <summary>Creates a sampler over <paramref name="text"/>.</summary>
        /// <param name="text">The training ids (at least <see cref="SequenceLength"/> + 1).</param>
        /// <param name="random">The source of the window offsets.</param>
        public BatchSampler(int[] text, Random random)
        {
            ArgumentNullException.ThrowIfNull(text);
            ArgumentNullException.ThrowIfNull(random);
            ArgumentOutOfRangeException.ThrowIfLessThan(text.Length, SequenceLength + 1, nameof(text));
            this.text = text;
            this.random = random;
        }

        /// <summary>Steps per window.</summary>
        public static int SequenceLength => TrainingDefaults.SequenceLength;

        /// <summary>Windows per batch.</summary>
        public static int BatchSize => TrainingDefaults.BatchSize;

        /// <inheritdoc/>
        public bool ContinuesState => false;

        /// <summary>The inputs of the current batch, <c>[SequenceLength][BatchSize]</c>.</summary>
        public int[] Inputs { get; } = new int[TrainingDefaults.SequenceLength * TrainingDefaults.BatchSize];

        /// <summary>The next character after each input, same layout.</summary>
        public int[] Targets { get; } = new int[TrainingDefaults.SequenceLength * TrainingDefaults.BatchSize];

        /// <summary>Fills <see cref="Inputs"/> and <see cref="Targets"/> with a new batch.</summary>
        public void Next()
        {
            for (var row = 0; row < BatchSize; row++)
            {
                var start = random.Next(text.Length - SequenceLength);
                for (var t = 0; t < SequenceLength; t++)
                {
                    Inputs[(t * BatchSize) + row] = text[start + t];
                    Targets[(t * BatchSize) + row] = text[start + t + 1];
                }
            }
        }
    }
}
