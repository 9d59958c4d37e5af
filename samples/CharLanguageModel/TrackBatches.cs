using System;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>
    /// Batches for stateful training (char-rnn's way): the training text cut into <see cref="BatchSampler.BatchSize"/>
    /// contiguous tracks, each batch the next <see cref="BatchSampler.SequenceLength"/> characters of every track, so a
    /// row's state can carry from one batch into the next (truncated BPTT over one batch's length). At the end of the
    /// tracks it starts over from their beginnings, with a fresh state.
    /// </summary>
    public sealed class TrackBatches : IBatchSource
    {
        private const int Length = TrainingDefaults.SequenceLength;
        private const int Rows = TrainingDefaults.BatchSize;
        private readonly int[] text;
        private readonly int trackLength;
        private readonly int chunksPerPass;
        private long chunk;

        /// <summary>Creates the tracks over <paramref name="text"/>, positioned for step <paramref name="startStep"/>.</summary>
        /// <param name="text">The training ids; each track needs at least one batch (<c>BatchSize × (SequenceLength + 1)</c> ids).</param>
        /// <param name="startStep">The optimiser's step count (a resumed run continues where it left off).</param>
        public TrackBatches(int[] text, long startStep)
        {
            ArgumentNullException.ThrowIfNull(text);
            ArgumentOutOfRangeException.ThrowIfLessThan(text.Length, Rows * (Length + 1), nameof(text));
            ArgumentOutOfRangeException.ThrowIfNegative(startStep);
            this.text = text;
            trackLength = text.Length / Rows;
            chunksPerPass = (trackLength - 1) / Length;
            chunk = startStep % chunksPerPass;
        }

        /// <inheritdoc/>
        public int[] Inputs { get; } = new int[Length * Rows];

        /// <inheritdoc/>
        public int[] Targets { get; } = new int[Length * Rows];

        /// <inheritdoc/>
        public bool ContinuesState { get; private set; }

        /// <inheritdoc/>
        public void Next()
        {
            var position = (int)(chunk % chunksPerPass);
            ContinuesState = position != 0; // position 0: the tracks start over
            for (var row = 0; row < Rows; row++)
            {
                var start = (row * trackLength) + (position * Length);
                for (var t = 0; t < Length; t++)
                {
                    Inputs[(t * Rows) + row] = text[start + t];
                    Targets[(t * Rows) + row] = text[start + t + 1];
                }
            }

            chunk++;
        }
    }
}
