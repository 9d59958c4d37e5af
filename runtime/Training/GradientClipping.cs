using System;
using System.Numerics.Tensors;

namespace RnnGen.Training
{
    /// <summary>
    /// Gradient clipping by global L2 norm (PyTorch's <c>clip_grad_norm_</c>) and by value
    /// (<c>clip_grad_value_</c>), over one span or several spans treated as one vector. Allocates nothing.
    /// </summary>
    public static class GradientClipping
    {
        /// <summary>The L2 norm <c>√Σ g²</c> of <paramref name="gradients"/>.</summary>
        /// <param name="gradients">The values.</param>
        /// <returns>The norm (0 for an empty span; +∞ or NaN when a value is).</returns>
        public static float GlobalNorm(ReadOnlySpan<float> gradients) => (float)Math.Sqrt(SumOfSquares(gradients));

        /// <summary>The L2 norm of all the <paramref name="gradients"/> buffers taken as one vector: <c>√Σ_buffers Σ g²</c>.</summary>
        /// <param name="gradients">The buffers (e.g. <c>float[]</c>s, which convert implicitly).</param>
        /// <returns>The norm (0 when there are no values).</returns>
        public static float GlobalNorm(params ReadOnlySpan<Memory<float>> gradients)
        {
            var sum = 0.0;
            foreach (var buffer in gradients)
            {
                sum += SumOfSquares(buffer.Span);
            }

            return (float)Math.Sqrt(sum);
        }

        /// <summary>
        /// Scales <paramref name="gradients"/> by <c>maxNorm / norm</c> when their L2 norm exceeds
        /// <paramref name="maxNorm"/>, so the result has norm <paramref name="maxNorm"/>; leaves them unchanged otherwise.
        /// </summary>
        /// <param name="gradients">The gradients, clipped in place.</param>
        /// <param name="maxNorm">The largest norm allowed (finite, &gt; 0).</param>
        /// <returns>The norm before clipping. When it is not finite (an overflow or a NaN), the gradients are left
        /// unchanged so the caller can see it and skip the step; <see cref="TryClipByGlobalNorm"/> makes that check
        /// part of the call.</returns>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not finite and positive.</exception>
        /// <remarks>PyTorch divides by <c>norm + 1e-6</c>; this divides by the norm itself, so the clipped norm is
        /// <paramref name="maxNorm"/> to rounding.</remarks>
        public static float ClipByGlobalNorm(Span<float> gradients, float maxNorm)
        {
            Guard.Positive(maxNorm, nameof(maxNorm));
            var norm = Math.Sqrt(SumOfSquares(gradients));
            if (norm > maxNorm && double.IsFinite(norm))
            {
                TensorPrimitives.Multiply(gradients, (float)(maxNorm / norm), gradients);
            }

            return (float)norm;
        }

        /// <summary>
        /// The safe form of <see cref="ClipByGlobalNorm(Span{float}, float)"/> for a training loop: clips, and returns
        /// false (leaving the gradients unchanged) when their norm is NaN or infinite, so a diverged step can be skipped
        /// before an optimiser writes NaN into the parameters.
        /// </summary>
        /// <param name="gradients">The gradients, clipped in place.</param>
        /// <param name="maxNorm">The largest norm allowed (finite, &gt; 0).</param>
        /// <param name="norm">The norm before clipping.</param>
        /// <returns>True when the norm is finite (apply the step); false when it is not (skip it).</returns>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not finite and positive.</exception>
        /// <example>
        /// <code>
        /// if (GradientClipping.TryClipByGlobalNorm(gradients, 5f, out var norm))
        ///     adam.Step(model.PackedParameters, gradients);
        /// else
        ///     skipped++;   // NaN or ∞ somewhere: the weights stay as they were
        /// </code>
        /// </example>
        public static bool TryClipByGlobalNorm(Span<float> gradients, float maxNorm, out float norm)
        {
            norm = ClipByGlobalNorm(gradients, maxNorm);
            return float.IsFinite(norm);
        }

        /// <summary>
        /// Clips several buffers by their global norm taken together: when <c>√Σ_buffers Σ g²</c> exceeds
        /// <paramref name="maxNorm"/>, every buffer is scaled by the same <c>maxNorm / norm</c>.
        /// </summary>
        /// <param name="maxNorm">The largest norm allowed (finite, &gt; 0).</param>
        /// <param name="gradients">The buffers, clipped in place.</param>
        /// <returns>The global norm before clipping (non-finite: nothing is changed).</returns>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not finite and positive.</exception>
        public static float ClipByGlobalNorm(float maxNorm, params ReadOnlySpan<Memory<float>> gradients)
        {
            Guard.Positive(maxNorm, nameof(maxNorm));
            var sum = 0.0;
            foreach (var buffer in gradients)
            {
                sum += SumOfSquares(buffer.Span);
            }

            var norm = Math.Sqrt(sum);
            if (norm > maxNorm && double.IsFinite(norm))
            {
                var scale = (float)(maxNorm / norm);
                foreach (var buffer in gradients)
                {
                    var span = buffer.Span;
                    TensorPrimitives.Multiply(span, scale, span);
                }
            }

            return (float)norm;
        }

        /// <summary>Clamps every gradient to <c>[-limit, limit]</c> in place.</summary>
        /// <param name="gradients">The gradients.</param>
        /// <param name="limit">The largest magnitude allowed (finite, at least 0).</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative or not finite.</exception>
        public static void ClipByValue(Span<float> gradients, float limit)
        {
            Guard.NonNegative(limit, nameof(limit));
            TensorPrimitives.Clamp(gradients, -limit, limit, gradients);
        }

        /// <summary>Clamps every value of every buffer to <c>[-limit, limit]</c> in place.</summary>
        /// <param name="limit">The largest magnitude allowed (finite, at least 0).</param>
        /// <param name="gradients">The buffers.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative or not finite.</exception>
        public static void ClipByValue(float limit, params ReadOnlySpan<Memory<float>> gradients)
        {
            Guard.NonNegative(limit, nameof(limit));
            foreach (var buffer in gradients)
            {
                var span = buffer.Span;
                TensorPrimitives.Clamp(span, -limit, limit, span);
            }
        }

        // Σ g² in float by TensorPrimitives (vectorised, pairwise-ish partial sums), widened once per buffer so a
        // sum over several buffers does not lose the small ones.
        private static double SumOfSquares(ReadOnlySpan<float> values) => TensorPrimitives.SumOfSquares(values);
    }
}
