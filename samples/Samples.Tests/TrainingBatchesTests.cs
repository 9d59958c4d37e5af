using System;
using System.Linq;
using RnnGen.Samples.CharLanguageModel;
using Xunit;

namespace RnnGen.Samples.Tests
{
    /// <summary>The char-LM sample's two batch sources: random windows and stateful contiguous tracks.</summary>
    public sealed class TrainingBatchesTests
    {
        private const int Length = TrainingDefaults.SequenceLength;
        private const int Rows = TrainingDefaults.BatchSize;

        [Fact]
        public void Random_windows_are_time_major_with_targets_one_character_ahead_and_never_carry_state()
        {
            var text = Enumerable.Range(0, 5000).ToArray(); // id = position, so a window's contents reveal its offset
            var sampler = new BatchSampler(text, new Random(1));
            sampler.Next();
            Assert.False(sampler.ContinuesState);
            for (var row = 0; row < Rows; row++)
            {
                var start = sampler.Inputs[row];
                for (var t = 0; t < Length; t++)
                {
                    Assert.Equal(start + t, sampler.Inputs[(t * Rows) + row]);
                    Assert.Equal(start + t + 1, sampler.Targets[(t * Rows) + row]);
                }
            }
        }

        [Fact]
        public void Tracks_continue_from_one_batch_to_the_next_and_start_over_with_a_fresh_state()
        {
            var trackLength = (3 * Length) + 10; // three whole batches per pass
            var text = Enumerable.Range(0, Rows * trackLength).ToArray();
            var tracks = new TrackBatches(text, startStep: 0);

            tracks.Next();
            Assert.False(tracks.ContinuesState); // the first batch starts from zero
            var lastTargets = Enumerable.Range(0, Rows).Select(row => tracks.Targets[((Length - 1) * Rows) + row]).ToArray();
            for (var row = 0; row < Rows; row++)
            {
                Assert.Equal(row * trackLength, tracks.Inputs[row]); // each row is its own track
            }

            tracks.Next();
            Assert.True(tracks.ContinuesState);
            for (var row = 0; row < Rows; row++)
            {
                Assert.Equal(lastTargets[row], tracks.Inputs[row]); // picks up exactly where the row stopped
                Assert.Equal(tracks.Inputs[row] + 1, tracks.Targets[row]);
            }

            tracks.Next();
            Assert.True(tracks.ContinuesState);
            tracks.Next(); // a fourth batch does not fit: back to the tracks' beginnings
            Assert.False(tracks.ContinuesState);
            Assert.Equal(0, tracks.Inputs[0]);
        }

        [Fact]
        public void A_resumed_run_continues_at_its_step_s_position_without_carrying_a_state_it_does_not_have()
        {
            var trackLength = (4 * Length) + 1;
            var text = Enumerable.Range(0, Rows * trackLength).ToArray();
            var resumed = new TrackBatches(text, startStep: 2);
            resumed.Next();
            Assert.Equal(2 * Length, resumed.Inputs[0]); // chunk 2 of track 0
            Assert.True(resumed.ContinuesState); // the training loop still starts from zero: it has run no Forward yet

            Assert.Throws<ArgumentOutOfRangeException>(() => new TrackBatches(new int[Rows * Length], 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => new TrackBatches(text, -1));
        }
    }
}
