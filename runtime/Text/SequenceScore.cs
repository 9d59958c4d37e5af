using System;

namespace RnnGen.Text
{
    /// <summary>
    /// How well a model predicted a sequence: the total natural-log probability it gave the tokens that actually came
    /// next, over <see cref="Count"/> scored steps, and the usual measures derived from it. Scores of several batches
    /// add up with <see cref="Add"/> (or <c>+</c>).
    /// </summary>
    /// <param name="LogProbability">Sum over scored steps of <c>ln p(target)</c>, in double; <c>-∞</c> if some target had probability 0.</param>
    /// <param name="Count">The number of scored steps.</param>
    public readonly record struct SequenceScore(double LogProbability, long Count)
    {
        /// <summary>Mean negative log-likelihood per scored step, in nats (the cross-entropy loss); NaN when <see cref="Count"/> is 0.</summary>
        public double MeanNegativeLogLikelihood => Count == 0 ? double.NaN : (0.0 - LogProbability) / Count;

        /// <summary><c>exp(MeanNegativeLogLikelihood)</c>: the effective number of equally likely choices per step.</summary>
        public double Perplexity => Math.Exp(MeanNegativeLogLikelihood);

        /// <summary><c>MeanNegativeLogLikelihood / ln 2</c>: bits per token (bits per character for a char-level model).</summary>
        public double BitsPerToken => MeanNegativeLogLikelihood / Math.Log(2.0);

        /// <summary>Scores a sequence or a batch of sequences laid out as rows.</summary>
        /// <param name="probabilities">
        /// <c>targets.Length</c> rows of equal length (the vocabulary size), row-major: <c>[steps][vocabulary]</c>, or a
        /// generated network's <c>[steps][batch][OutputSize]</c> with <c>targets</c> as <c>[steps][batch]</c>.
        /// </param>
        /// <param name="targets">For each row, the id of the token that actually came next.</param>
        /// <param name="scored">
        /// Optional, one per row: <see langword="true"/> where the step is scored, <see langword="false"/> for a masked step
        /// (padding) that is skipped, its target not even checked. Empty (the default) scores every step.
        /// </param>
        /// <returns>The total log-probability and the number of scored steps.</returns>
        /// <exception cref="ArgumentException">The rows do not divide evenly, <paramref name="scored"/> has the wrong
        /// length, or a scored target's probability is negative or NaN.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A scored target is outside the row.</exception>
        public static SequenceScore Compute(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> targets, ReadOnlySpan<bool> scored = default)
        {
            if (targets.IsEmpty)
            {
                return probabilities.IsEmpty
                    ? default
                    : throw new ArgumentException($"probabilities has {probabilities.Length} values but there are no targets.", nameof(probabilities));
            }

            if (probabilities.Length % targets.Length != 0 || probabilities.Length == 0)
            {
                throw new ArgumentException(
                    $"probabilities must be {targets.Length} rows (one per target) of equal length; {probabilities.Length} values do not divide into {targets.Length} rows.",
                    nameof(probabilities));
            }

            if (!scored.IsEmpty && scored.Length != targets.Length)
            {
                throw new ArgumentException($"scored must be empty or have one entry per target ({targets.Length}); got {scored.Length}.", nameof(scored));
            }

            var vocabulary = probabilities.Length / targets.Length;
            double total = 0;
            long count = 0;
            for (var step = 0; step < targets.Length; step++)
            {
                if (!scored.IsEmpty && !scored[step])
                {
                    continue;
                }

                var target = targets[step];
                if ((uint)target >= (uint)vocabulary)
                {
                    throw new ArgumentOutOfRangeException(nameof(targets), target, $"targets[{step}] = {target} is outside the row [0, {vocabulary}).");
                }

                var p = probabilities[(step * vocabulary) + target];
                if (!(p >= 0f))
                {
                    throw new ArgumentException($"probabilities[{step}][{target}] = {p} is not a probability.", nameof(probabilities));
                }

                total += Math.Log(p);
                count++;
            }

            return new SequenceScore(total, count);
        }

        /// <summary>Adds two scores (e.g. of two batches): log-probabilities and counts add.</summary>
        /// <param name="left">One score.</param>
        /// <param name="right">The other.</param>
        /// <returns>The combined score.</returns>
        public static SequenceScore operator +(SequenceScore left, SequenceScore right) => left.Add(right);

        /// <summary>Adds another score (e.g. of the next batch): log-probabilities and counts add.</summary>
        /// <param name="other">The other score.</param>
        /// <returns>The combined score.</returns>
        public SequenceScore Add(SequenceScore other) => new(LogProbability + other.LogProbability, Count + other.Count);
    }
}
