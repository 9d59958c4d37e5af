using System;
using System.Numerics.Tensors;

namespace RnnGen.Numerics
{
    /// <summary>
    /// Inverted dropout with one mask per sequence (variational dropout, as Keras' <c>dropout</c> and
    /// <c>recurrent_dropout</c>): a mask is [batch][stride], and every time step of sequence b is multiplied by row b.
    /// Generated <c>Forward</c>/<c>Backward</c> call these; rows are time-major, [steps][batch][stride].
    /// </summary>
    public static class DropoutMasks
    {
        /// <summary>The SplitMix64 increment, 2^64 / φ: the stream advances by this per element drawn.</summary>
        private const ulong Gamma = 0x9E3779B97F4A7C15UL;

        /// <summary>
        /// Fills <paramref name="mask"/> with 0 (probability <paramref name="rate"/>) or 1 / (1 - rate), drawing from
        /// the stream in <paramref name="state"/> (advanced in place past the elements drawn; deterministic for a given
        /// seed). The stream is counter-based (SplitMix64): element i is <see cref="Uniform"/>(state, i), so the GPU
        /// draws the same masks with one thread per element.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is not in [0, 1).</exception>
        public static void Sample(Span<float> mask, float rate, ref ulong state)
        {
            if (!(rate >= 0f && rate < 1f))
            {
                throw new ArgumentOutOfRangeException(nameof(rate), rate, "A dropout rate must be in [0, 1).");
            }

            var keep = 1f / (1f - rate);
            for (var i = 0; i < mask.Length; i++)
            {
                mask[i] = Uniform(state, i) < rate ? 0f : keep;
            }

            state = Advance(state, mask.Length);
        }

        /// <summary>
        /// Element <paramref name="index"/> of the stream at <paramref name="state"/>: the 24 high bits of
        /// SplitMix64(state + (index + 1)·γ) over 2^24, a uniform float in [0, 1) with every value exact.
        /// </summary>
        public static float Uniform(ulong state, long index)
        {
            var z = state + (((ulong)index + 1) * Gamma);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 40) * (1f / (1 << 24));
        }

        /// <summary>The state after <paramref name="count"/> elements have been drawn from <paramref name="state"/>.</summary>
        public static ulong Advance(ulong state, long count) => state + ((ulong)count * Gamma);

        /// <summary>
        /// destination[t][b] = source[t][b] ⊙ mask[b] for <paramref name="steps"/> time steps of
        /// <paramref name="batchSize"/> rows of <paramref name="stride"/> floats. In place when the spans coincide.
        /// </summary>
        public static void Apply(ReadOnlySpan<float> source, ReadOnlySpan<float> mask, Span<float> destination, int stride, int batchSize, int steps)
        {
            var block = batchSize * stride;
            var rowMask = mask.Slice(0, block);
            for (var t = 0; t < steps; t++)
            {
                TensorPrimitives.Multiply(source.Slice(t * block, block), rowMask, destination.Slice(t * block, block));
            }
        }

        /// <summary>
        /// destination[t][b] = table[tokens[t][b]] ⊙ mask[b]: an embedding lookup with input dropout, rows of
        /// <paramref name="dimension"/> floats.
        /// </summary>
        public static void ApplyGathered(ReadOnlySpan<float> table, ReadOnlySpan<int> tokens, int dimension, ReadOnlySpan<float> mask, Span<float> destination, int batchSize)
        {
            for (var r = 0; r < tokens.Length; r++)
            {
                TensorPrimitives.Multiply(table.Slice(tokens[r] * dimension, dimension), mask.Slice(r % batchSize * dimension, dimension), destination.Slice(r * dimension, dimension));
            }
        }

        /// <summary>destination += values ⊙ mask over <c>mask.Length</c> floats: a dropped product's gradient joined to the state's.</summary>
        public static void MultiplyAdd(ReadOnlySpan<float> values, ReadOnlySpan<float> mask, Span<float> destination)
        {
            var length = mask.Length;
            TensorPrimitives.MultiplyAdd(values.Slice(0, length), mask, destination.Slice(0, length), destination.Slice(0, length));
        }

        /// <summary>Copies the unpadded [batch][width] part of a [batch][stride] mask.</summary>
        public static void CopyUnpadded(ReadOnlySpan<float> mask, int stride, int width, int batchSize, Span<float> destination)
        {
            Shapes.RequireShape(destination.Length, nameof(destination), batchSize, width);
            PaddedRows.Unpad(mask, stride, width, batchSize, destination);
        }
    }
}
