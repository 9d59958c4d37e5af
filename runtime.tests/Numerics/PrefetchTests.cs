using RnnGen.Numerics;
using Xunit;

namespace RnnGen.Runtime.Tests.Numerics
{
    /// <summary>The kernels prefetch the next chunk's weights without bounds checks: that must never fault or write.</summary>
    public sealed class PrefetchTests
    {
        [Fact]
        public void Prefetching_inside_and_past_the_end_of_a_buffer_neither_faults_nor_changes_it()
        {
            var weights = new float[64];
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] = i;
            }

            ref var first = ref weights[0];
            for (var offset = 0; offset < 64 * 1024; offset += 16)
            {
                Prefetch.IntoL2(ref System.Runtime.CompilerServices.Unsafe.Add(ref first, offset)); // far past the end too
            }

            for (var i = 0; i < weights.Length; i++)
            {
                Assert.Equal(i, weights[i]);
            }
        }
    }
}
