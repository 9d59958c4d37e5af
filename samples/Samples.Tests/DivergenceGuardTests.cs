using System;
using RnnGen.Samples.Common;
using Xunit;

namespace RnnGen.Samples.Tests
{
    /// <summary>The samples' guard against non-finite steps.</summary>
    public sealed class DivergenceGuardTests
    {
        [Fact]
        public void Finite_steps_pass_and_non_finite_ones_are_skipped_and_counted()
        {
            var guard = new DivergenceGuard(maxConsecutive: 3);
            Assert.True(guard.Accept(1.5f, 2f, 1));
            Assert.False(guard.Accept(float.NaN, 2f, 2));
            Assert.False(guard.Accept(1f, float.PositiveInfinity, 3));
            Assert.True(guard.Accept(1f, 1f, 4)); // a good step resets the run of skips
            Assert.False(guard.Accept(float.NaN, float.NaN, 5));
            Assert.False(guard.Accept(float.NaN, 1f, 6));
            Assert.Equal(4, guard.Skipped);
        }

        [Fact]
        public void Too_many_skips_in_a_row_stop_training_with_the_step_in_the_message()
        {
            var guard = new DivergenceGuard(maxConsecutive: 2);
            Assert.False(guard.Accept(float.NaN, 1f, 41));
            var error = Assert.Throws<InvalidOperationException>(() => guard.Accept(float.NaN, 1f, 42));
            Assert.Contains("step 42", error.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => new DivergenceGuard(0));
        }
    }
}
