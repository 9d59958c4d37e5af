using System;
using System.Collections.Generic;

namespace RnnGen.Samples.Seq2Seq
{
    /// <summary>
    /// A batch laid out time-major, as the generated <c>Forward</c> takes it: the sources <c>[steps][batch]</c>, padded
    /// on the left with <see cref="SourceVocabulary.Pad"/> to the longest source in the batch (so every source's last
    /// character is the encoder's last step and its final state has just read it), and the decoder's teacher-forced
    /// inputs and targets <c>[11][batch]</c>.
    /// </summary>
    public sealed class Seq2SeqBatch
    {
        private readonly int[] sources;
        private readonly int[] decoderInputs;
        private readonly int[] decoderTargets;

        /// <summary>Allocates room for up to <paramref name="capacity"/> examples.</summary>
        /// <param name="capacity">1..<see cref="ModelLimits.MaxBatchSize"/>.</param>
        public Seq2SeqBatch(int capacity)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, ModelLimits.MaxBatchSize);
            Capacity = capacity;
            sources = new int[ModelLimits.MaxSourceLength * capacity];
            decoderInputs = new int[ModelLimits.DecoderSteps * capacity];
            decoderTargets = new int[ModelLimits.DecoderSteps * capacity];
        }

        /// <summary>The most examples the batch holds.</summary>
        public int Capacity { get; }

        /// <summary>The examples in the batch now.</summary>
        public int Count { get; private set; }

        /// <summary>The encoder steps: the longest source in the batch.</summary>
        public int SourceSteps { get; private set; }

        /// <summary>The source ids, <c>[SourceSteps][Count]</c>, left-padded.</summary>
        public ReadOnlySpan<int> Sources => sources.AsSpan(0, SourceSteps * Count);

        /// <summary>The decoder's inputs, <c>[11][Count]</c>: <see cref="TargetVocabulary.Start"/>, then the target's characters.</summary>
        public ReadOnlySpan<int> DecoderInputs => decoderInputs.AsSpan(0, ModelLimits.DecoderSteps * Count);

        /// <summary>What the decoder must output, <c>[11][Count]</c>: the target's characters, then <see cref="TargetVocabulary.End"/>.</summary>
        public ReadOnlySpan<int> DecoderTargets => decoderTargets.AsSpan(0, ModelLimits.DecoderSteps * Count);

        /// <summary>Fills the batch with <paramref name="count"/> examples from <paramref name="examples"/>, starting at <paramref name="start"/>.</summary>
        /// <param name="examples">The examples.</param>
        /// <param name="start">The first one to take.</param>
        /// <param name="count">How many, 1..<see cref="Capacity"/>.</param>
        public void Fill(IReadOnlyList<DateExample> examples, int start, int count)
        {
            ArgumentNullException.ThrowIfNull(examples);
            ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Capacity);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, examples.Count, nameof(count));
            var steps = 0;
            for (var b = 0; b < count; b++)
            {
                steps = Math.Max(steps, examples[start + b].Source.Length);
            }

            if (steps > ModelLimits.MaxSourceLength)
            {
                throw new ArgumentException($"A source is {steps} characters long; the encoder takes at most {ModelLimits.MaxSourceLength}.", nameof(examples));
            }

            Count = count;
            SourceSteps = steps;
            for (var b = 0; b < count; b++)
            {
                var example = examples[start + b];
                var padding = steps - example.Source.Length;
                for (var t = 0; t < steps; t++)
                {
                    sources[(t * count) + b] = t < padding ? SourceVocabulary.Pad : SourceVocabulary.Encode(example.Source[t - padding]);
                }

                decoderInputs[b] = TargetVocabulary.Start;
                for (var t = 0; t < DateTask.TargetLength; t++)
                {
                    var id = TargetVocabulary.Encode(example.Target[t]);
                    decoderTargets[(t * count) + b] = id;
                    decoderInputs[((t + 1) * count) + b] = id;
                }

                decoderTargets[(DateTask.TargetLength * count) + b] = TargetVocabulary.End;
            }
        }
    }
}
