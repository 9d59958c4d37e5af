using System;
using RnnGen.Numerics;
using Xunit;

namespace RnnGen.Runtime.Tests.Dropout
{
    /// <summary>
    /// The dropout mask stream is counter-based: element i of a draw depends only on the state and i, which is what
    /// lets the GPU draw a mask with one thread per element and get the CPU's bits.
    /// </summary>
    public sealed class DropoutStreamTests
    {
        [Fact]
        public void A_sampled_mask_is_the_stream_read_element_by_element()
        {
            var state = 0x1234_5678_9ABC_DEF0UL;
            var start = state;
            var mask = new float[1000];
            DropoutMasks.Sample(mask, 0.3f, ref state);
            for (var i = 0; i < mask.Length; i++)
            {
                Assert.Equal(DropoutMasks.Uniform(start, i) < 0.3f ? 0f : 1f / 0.7f, mask[i]);
            }

            Assert.Equal(DropoutMasks.Advance(start, mask.Length), state);
        }

        [Fact]
        public void Two_draws_in_a_row_equal_one_draw_of_both()
        {
            var one = 99UL;
            var two = 99UL;
            var whole = new float[300];
            var first = new float[120];
            var second = new float[180];
            DropoutMasks.Sample(whole, 0.5f, ref one);
            DropoutMasks.Sample(first, 0.5f, ref two);
            DropoutMasks.Sample(second, 0.5f, ref two);
            Assert.Equal(whole[..120], first);
            Assert.Equal(whole[120..], second);
            Assert.Equal(one, two);
        }

        [Fact]
        public void Uniforms_are_in_the_unit_interval_and_spread_evenly()
        {
            var buckets = new int[10];
            for (var i = 0; i < 100_000; i++)
            {
                var u = DropoutMasks.Uniform(7, i);
                Assert.InRange(u, 0f, 0.99999994f);
                buckets[(int)(u * 10)]++;
            }

            Assert.All(buckets, count => Assert.InRange(count, 9_500, 10_500)); // 10 000 each, a few σ (≈ 95) either way
        }
    }
}
