using System;
using RnnGen.Text;
using Xunit;

namespace RnnGen.Runtime.Tests.Text
{
    /// <summary>Sequence scoring against values worked out by hand.</summary>
    public sealed class SequenceScoreTests
    {
        private static readonly float[] Rows =
        {
            0.5f, 0.25f, 0.25f,
            0.125f, 0.25f, 0.625f,
            0.75f, 0.125f, 0.125f,
        };

        [Fact]
        public void Scores_match_hand_computed_values()
        {
            // ln 0.5 + ln 0.25 + ln 0.125 = -6 ln 2: mean NLL 2 ln 2 nats, 2 bits per token, perplexity 4.
            var score = SequenceScore.Compute(Rows, new[] { 0, 1, 2 });
            Assert.Equal(3, score.Count);
            Assert.Equal(-6 * Math.Log(2), score.LogProbability, 12);
            Assert.Equal(2 * Math.Log(2), score.MeanNegativeLogLikelihood, 12);
            Assert.Equal(2.0, score.BitsPerToken, 12);
            Assert.Equal(4.0, score.Perplexity, 12);
        }

        [Fact]
        public void Masked_steps_are_skipped_without_checking_their_targets()
        {
            // Steps 1 and 2: ln 0.625 + ln 0.125.
            var score = SequenceScore.Compute(Rows, new[] { -100, 2, 1 }, new[] { false, true, true });
            var expected = Math.Log(0.625) + Math.Log(0.125);
            Assert.Equal(2, score.Count);
            Assert.Equal(expected, score.LogProbability, 12);
            Assert.Equal(-expected / 2, score.MeanNegativeLogLikelihood, 12);
            Assert.Equal(Math.Exp(-expected / 2), score.Perplexity, 12);
            Assert.Equal(-expected / 2 / Math.Log(2), score.BitsPerToken, 12);
        }

        [Fact]
        public void Scores_of_batches_add_up_to_the_score_of_the_whole()
        {
            var whole = SequenceScore.Compute(Rows, new[] { 1, 2, 0 });
            var first = SequenceScore.Compute(Rows.AsSpan(0, 3), new[] { 1 });
            var rest = SequenceScore.Compute(Rows.AsSpan(3), new[] { 2, 0 });
            Assert.Equal(whole.Count, (first + rest).Count);
            Assert.Equal(whole.LogProbability, (first + rest).LogProbability, 14);
            var added = default(SequenceScore).Add(first).Add(rest);
            Assert.Equal(3, added.Count);
            Assert.Equal(Math.Log(0.25) + Math.Log(0.625) + Math.Log(0.75), added.LogProbability, 14);
        }

        [Fact]
        public void A_target_with_zero_probability_gives_infinite_perplexity_and_no_steps_give_NaN()
        {
            var score = SequenceScore.Compute(new[] { 1f, 0f }, new[] { 1 });
            Assert.Equal(double.NegativeInfinity, score.LogProbability);
            Assert.Equal(double.PositiveInfinity, score.Perplexity);

            var none = SequenceScore.Compute(Rows, new[] { 0, 0, 0 }, new[] { false, false, false });
            Assert.Equal(0, none.Count);
            Assert.True(double.IsNaN(none.MeanNegativeLogLikelihood));
            Assert.Equal(default, SequenceScore.Compute(ReadOnlySpan<float>.Empty, ReadOnlySpan<int>.Empty));
        }

        [Fact]
        public void Bad_shapes_and_targets_are_rejected()
        {
            Assert.Contains("do not divide into 2 rows", Assert.Throws<ArgumentException>(() => SequenceScore.Compute(Rows, new[] { 0, 1 })).Message, StringComparison.Ordinal);
            Assert.Contains("scored must be empty or have one entry per target (3); got 2", Assert.Throws<ArgumentException>(() => SequenceScore.Compute(Rows, new[] { 0, 1, 2 }, new[] { true, true })).Message, StringComparison.Ordinal);
            Assert.Contains("targets[1] = 3 is outside the row [0, 3)", Assert.Throws<ArgumentOutOfRangeException>(() => SequenceScore.Compute(Rows, new[] { 0, 3, 2 })).Message, StringComparison.Ordinal);
            Assert.Contains("is not a probability", Assert.Throws<ArgumentException>(() => SequenceScore.Compute(new[] { -0.5f, 1f }, new[] { 0 })).Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => SequenceScore.Compute(new[] { 1f }, ReadOnlySpan<int>.Empty));
        }
    }
}
