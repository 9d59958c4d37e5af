using System.Collections.Generic;
using System.Linq;
using System;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Training
{
    /// <summary>The TBPTT(k1, k2) window schedule: bounds written out by hand, and the invariants for many sizes.</summary>
    public sealed class TruncatedBpttTests
    {
        [Fact]
        public void Overlapping_windows_look_back_k2_steps_and_count_k1_new_ones()
        {
            var windows = Windows(new TruncatedBptt(10, stride: 3, depth: 5));
            Assert.Equal(
                [
                    new BpttWindow(0, 0, 0, 3, 0, 0),
                    new BpttWindow(1, 1, 1, 6, 3, 1), // starts 1 step into window 0's Forward
                    new BpttWindow(2, 4, 4, 9, 6, 3),
                    new BpttWindow(3, 7, 7, 10, 9, 3), // a short last stride keeps the k2 - k1 steps before it
                ],
                windows);
        }

        [Fact]
        public void Depth_below_stride_warms_up_forward_only()
        {
            var windows = Windows(new TruncatedBptt(10, stride: 4, depth: 3));
            Assert.Equal(
                [
                    new BpttWindow(0, 0, 1, 4, 1, 0),
                    new BpttWindow(1, 4, 5, 8, 5, 3), // resumes at the end of window 0's main Forward
                    new BpttWindow(2, 8, 8, 10, 8, 3), // a short last stride needs no warm-up
                ],
                windows);
            Assert.Equal(1, windows[0].WarmupLength);
            Assert.Equal(0, windows[2].WarmupLength);
        }

        [Fact]
        public void Equal_stride_and_depth_are_consecutive_chunks()
        {
            var windows = Windows(new TruncatedBptt(7, stride: 3, depth: 3));
            Assert.Equal([(0, 3), (3, 6), (6, 7)], windows.Select(w => (w.Start, w.End)));
            Assert.All(windows, w => Assert.Equal(0, w.WarmupLength));
            Assert.All(windows, w => Assert.Equal(w.Start, w.LossStart));
            Assert.All(windows.Skip(1), w => Assert.Equal(3, w.ResumeAfter)); // continueState
        }

        [Theory]
        [InlineData(1, 1, 1)]
        [InlineData(50, 7, 7)]
        [InlineData(50, 7, 20)]
        [InlineData(50, 20, 7)]
        [InlineData(13, 5, 100)]
        [InlineData(13, 100, 5)]
        public void Every_step_runs_and_losses_are_counted_at_most_once(int steps, int stride, int depth)
        {
            var schedule = new TruncatedBptt(steps, stride, depth);
            var windows = Windows(schedule);
            Assert.Equal(windows.Count, schedule.Count);
            Assert.Equal(0, windows[0].WarmupStart);
            Assert.Equal(steps, windows[^1].End);
            var counted = new int[steps];
            BpttWindow? previous = null;
            foreach (var window in windows)
            {
                Assert.InRange(window.Length, 1, depth);
                Assert.InRange(window.WarmupLength, 0, Math.Max(0, stride - depth));
                Assert.InRange(Math.Max(window.Length, window.WarmupLength), 1, schedule.LongestForward);
                Assert.InRange(window.LossStart, window.Start, window.End - 1);
                Assert.Equal(Math.Min((window.Index + 1) * stride, steps), window.End); // strides tile the sequence
                if (previous is { } before)
                {
                    // The state the window resumes from lies within the previous main Forward.
                    Assert.Equal(window.WarmupStart, before.Start + window.ResumeAfter);
                    Assert.InRange(window.ResumeAfter, 0, before.Length);
                }

                for (var t = window.LossStart; t < window.End; t++)
                {
                    counted[t]++;
                }

                previous = window;
            }

            Assert.All(counted, c => Assert.InRange(c, 0, 1));
            if (depth >= stride)
            {
                Assert.All(counted, c => Assert.Equal(1, c)); // every loss counted exactly once
            }
            else
            {
                Assert.Equal(windows.Sum(w => w.Length), counted.Sum()); // only the backpropagated steps
            }
        }

        [Fact]
        public void Bad_arguments_name_themselves()
        {
            Assert.Equal("steps", Assert.Throws<ArgumentOutOfRangeException>(() => new TruncatedBptt(0, 1, 1)).ParamName);
            Assert.Equal("stride", Assert.Throws<ArgumentOutOfRangeException>(() => new TruncatedBptt(5, 0, 1)).ParamName);
            Assert.Equal("depth", Assert.Throws<ArgumentOutOfRangeException>(() => new TruncatedBptt(5, 1, -1)).ParamName);
            var schedule = new TruncatedBptt(5, 2, 2);
            Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => schedule[3]).ParamName);
            Assert.Throws<ArgumentOutOfRangeException>(() => schedule[-1]);
        }

        [Fact]
        public void Enumerating_allocates_nothing()
        {
            var schedule = new TruncatedBptt(1000, 7, 20);
            var sum = Sum();
            Assert.Equal(0, Allocations.SteadyState(() => sum += Sum()));
            Assert.True(sum > 0);

            long Sum()
            {
                long total = 0;
                foreach (var window in schedule)
                {
                    total += window.Length;
                }

                return total;
            }
        }

        private static List<BpttWindow> Windows(TruncatedBptt schedule)
        {
            var windows = new List<BpttWindow>();
            foreach (var window in schedule)
            {
                windows.Add(window);
            }

            return windows;
        }
    }
}
