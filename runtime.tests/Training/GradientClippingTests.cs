using System.Linq;
using System;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Training
{
    /// <summary>Clipping by global norm and by value: the norm reported, the scaled result, and no change below the limit.</summary>
    public sealed class GradientClippingTests
    {
        [Fact]
        public void Global_norm_is_the_l2_norm_over_all_buffers()
        {
            Assert.Equal(5f, GradientClipping.GlobalNorm([3f, 4f]));
            Assert.Equal(13f, GradientClipping.GlobalNorm(new float[] { 3f }, new float[] { 4f, -12f }));
            Assert.Equal(0f, GradientClipping.GlobalNorm(ReadOnlySpan<float>.Empty));

            var random = new Random(5);
            var values = Enumerable.Range(0, 1001).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            var expected = Math.Sqrt(values.Sum(v => (double)v * v));
            Assert.Equal(expected, GradientClipping.GlobalNorm(values), 5);
            Assert.Equal(expected, GradientClipping.GlobalNorm(values.AsMemory(0, 500), values.AsMemory(500)), 5);
        }

        [Fact]
        public void Clipping_by_norm_scales_to_the_maximum_and_reports_the_norm_before()
        {
            float[] gradients = [3f, 4f];
            Assert.Equal(5f, GradientClipping.ClipByGlobalNorm(gradients, 1f));
            Assert.Equal(0.6f, gradients[0], 6);
            Assert.Equal(0.8f, gradients[1], 6);
            Assert.Equal(1f, GradientClipping.GlobalNorm(gradients), 6);
        }

        [Fact]
        public void Clipping_by_norm_leaves_gradients_at_or_below_the_maximum_untouched()
        {
            float[] gradients = [3f, 4f];
            Assert.Equal(5f, GradientClipping.ClipByGlobalNorm(gradients, 10f));
            Assert.Equal([3f, 4f], gradients);
            Assert.Equal(5f, GradientClipping.ClipByGlobalNorm(gradients, 5f));
            Assert.Equal([3f, 4f], gradients);
        }

        [Fact]
        public void Clipping_several_buffers_uses_one_scale_for_all()
        {
            float[] a = [3f];
            float[] b = [4f, 12f];
            Assert.Equal(13f, GradientClipping.ClipByGlobalNorm(6.5f, a, b));
            Assert.Equal(1.5f, a[0], 6);
            Assert.Equal(2f, b[0], 6);
            Assert.Equal(6f, b[1], 6);
        }

        [Fact]
        public void A_non_finite_norm_is_reported_and_nothing_is_scaled()
        {
            float[] overflow = [float.PositiveInfinity, 1f];
            Assert.Equal(float.PositiveInfinity, GradientClipping.ClipByGlobalNorm(overflow, 1f));
            Assert.Equal(1f, overflow[1]);

            float[] nan = [float.NaN, 1f];
            Assert.True(float.IsNaN(GradientClipping.ClipByGlobalNorm(nan, 1f)));
            Assert.Equal(1f, nan[1]);
        }

        [Fact]
        public void Clipping_by_value_clamps_each_element()
        {
            float[] gradients = [-3f, 0.5f, 2f, -0.1f, 1f];
            GradientClipping.ClipByValue(gradients, 1f);
            Assert.Equal([-1f, 0.5f, 1f, -0.1f, 1f], gradients);

            float[] a = [5f];
            float[] b = [-5f, 0.25f];
            GradientClipping.ClipByValue(0.5f, a, b);
            Assert.Equal([0.5f], a);
            Assert.Equal([-0.5f, 0.25f], b);
        }

        [Fact]
        public void Bad_limits_are_rejected()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(new float[2], 0f));
            Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(new float[2], -1f));
            Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(new float[2], float.NaN));
            Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(float.PositiveInfinity, new float[2]));
            Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue(new float[2], -1f));
            Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue(float.NaN, new float[2]));
        }

        [Fact]
        public void Clipping_allocates_nothing()
        {
            var a = new float[100];
            var b = new float[50];
            a.AsSpan().Fill(1f);
            b.AsSpan().Fill(-2f);
            Assert.Equal(0, Allocations.SteadyState(() =>
            {
                GradientClipping.ClipByGlobalNorm(a, 100f);
                GradientClipping.ClipByGlobalNorm(1000f, a, b);
                GradientClipping.ClipByValue(a, 10f);
                GradientClipping.ClipByValue(10f, a, b);
                GradientClipping.GlobalNorm(a, b);
            }));
        }
    }
}
