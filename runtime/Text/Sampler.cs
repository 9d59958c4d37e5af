using System;
using System.Collections.Generic;
using System.Numerics.Tensors;

namespace RnnGen.Text
{
    /// <summary>
    /// Picks the next token from a probability row (a softmax head's output) with temperature, optional top-k and
    /// forbidden ids (e.g. never <c>&lt;unk&gt;</c>). Allocation-free per call: the scratch buffers are sized to the
    /// vocabulary once, so one sampler serves one thread; use one per thread.
    /// </summary>
    /// <remarks>
    /// For a row <c>p</c>: forbidden ids get weight 0; the others get <c>p_i^(1/T)</c> (computed as
    /// <c>(p_i / p_max)^(1/T)</c> so that the largest weight is exactly 1 and a small <c>T</c> cannot underflow every
    /// weight); with top-k, only the k largest weights stay (ties broken towards the lower id); then an id is drawn with
    /// probability proportional to its weight, from one <see cref="Random.NextDouble"/>. As <c>T → 0</c> this becomes
    /// argmax; <c>T = 1</c> samples <c>p</c> itself; large <c>T</c> approaches uniform over tokens with <c>p_i &gt; 0</c>.
    /// </remarks>
    public sealed class Sampler
    {
        private readonly float[] weights;
        private readonly float[] selection;
        private readonly bool[] forbidden;
        private readonly List<int> forbiddenIds = new();
        private float temperature = 1f;
        private int topK;

        /// <summary>Creates a sampler for rows of <paramref name="vocabularySize"/> probabilities.</summary>
        /// <param name="vocabularySize">The row length (a network's <c>OutputSize</c>, a vocabulary's <c>Count</c>).</param>
        /// <param name="forbidUnknown">Never pick <see cref="Vocabulary.UnknownId"/>.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabularySize"/> is less than 1.</exception>
        public Sampler(int vocabularySize, bool forbidUnknown = false)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
            VocabularySize = vocabularySize;
            weights = new float[vocabularySize];
            selection = new float[vocabularySize];
            forbidden = new bool[vocabularySize];
            if (forbidUnknown && vocabularySize > Vocabulary.UnknownId)
            {
                Forbid(Vocabulary.UnknownId);
            }
        }

        /// <summary>The row length this sampler takes.</summary>
        public int VocabularySize { get; }

        /// <summary>
        /// The temperature <c>T</c>: weights are <c>p^(1/T)</c>, renormalised. 1 (the default) samples the row as is; below
        /// 1 sharpens towards argmax; above 1 flattens. Must be finite and greater than 0.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is not a finite number greater than 0.</exception>
        public float Temperature
        {
            get => temperature;
            set
            {
                if (!(value > 0f) || !float.IsFinite(value))
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "Temperature must be a finite number greater than 0 (use a small value such as 1e-3 for argmax).");
                }

                temperature = value;
            }
        }

        /// <summary>Keep only the k most probable allowed ids; 0 (the default) keeps all. Must be in <c>[0, VocabularySize]</c>.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is negative or larger than <see cref="VocabularySize"/>.</exception>
        public int TopK
        {
            get => topK;
            set
            {
                if (value < 0 || value > VocabularySize)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, $"TopK must be between 0 (no limit) and the vocabulary size {VocabularySize}.");
                }

                topK = value;
            }
        }

        /// <summary>The ids that are never picked, in the order they were forbidden.</summary>
        public IReadOnlyList<int> ForbiddenIds => forbiddenIds;

        /// <summary>Never pick <paramref name="id"/> (e.g. <see cref="Vocabulary.UnknownId"/>, or a padding id).</summary>
        /// <param name="id">An id in <c>[0, VocabularySize)</c>.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside the vocabulary.</exception>
        public void Forbid(int id)
        {
            CheckId(id);
            if (!forbidden[id])
            {
                forbidden[id] = true;
                forbiddenIds.Add(id);
            }
        }

        /// <summary>Allows an id forbidden before.</summary>
        /// <param name="id">An id in <c>[0, VocabularySize)</c>.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside the vocabulary.</exception>
        public void Allow(int id)
        {
            CheckId(id);
            if (forbidden[id])
            {
                forbidden[id] = false;
                forbiddenIds.Remove(id);
            }
        }

        /// <summary>Whether <paramref name="id"/> is never picked.</summary>
        /// <param name="id">An id in <c>[0, VocabularySize)</c>.</param>
        /// <returns>True when forbidden.</returns>
        public bool IsForbidden(int id)
        {
            CheckId(id);
            return forbidden[id];
        }

        /// <summary>Draws the next id from <paramref name="probabilities"/>. Allocates nothing.</summary>
        /// <param name="probabilities">One row of <see cref="VocabularySize"/> non-negative, finite values (they need not sum to 1).</param>
        /// <param name="random">The source of randomness; the same seed gives the same draws.</param>
        /// <returns>An allowed id with a nonzero weight.</returns>
        /// <exception cref="ArgumentException">The row has the wrong length, a negative, NaN or infinite value, or no allowed id has a nonzero probability.</exception>
        public int Sample(ReadOnlySpan<float> probabilities, Random random)
        {
            ArgumentNullException.ThrowIfNull(random);
            if (probabilities.Length != VocabularySize)
            {
                throw new ArgumentException($"probabilities must have {VocabularySize} values (one per token); got {probabilities.Length}.", nameof(probabilities));
            }

            var minimum = TensorPrimitives.Min(probabilities);
            var maximum = TensorPrimitives.Max(probabilities);
            if (!(minimum >= 0f) || !float.IsFinite(maximum))
            {
                throw BadProbability(probabilities);
            }

            var w = weights.AsSpan();
            probabilities.CopyTo(w);
            foreach (var id in forbiddenIds)
            {
                w[id] = 0f;
            }

            var largest = TensorPrimitives.Max(w);
            if (!(largest > 0f))
            {
                throw new ArgumentException("No allowed token has a nonzero probability: every nonzero entry of probabilities is forbidden.", nameof(probabilities));
            }

            if (temperature != 1f)
            {
                // (p / p_max)^(1/T): the largest weight is exactly 1, so no temperature underflows every weight.
                TensorPrimitives.Divide(w, largest, w);
                var exponent = 1f / temperature;
                if (float.IsFinite(exponent))
                {
                    TensorPrimitives.Pow(w, exponent, w);
                }
                else
                {
                    // A subnormal temperature: the limit is argmax (weight 1 for the largest, 0 for the rest).
                    for (var i = 0; i < w.Length; i++)
                    {
                        w[i] = w[i] == 1f ? 1f : 0f;
                    }
                }
            }

            if (topK > 0 && topK < w.Length)
            {
                KeepLargest(w, topK);
            }

            return Draw(w, random.NextDouble());
        }

        /// <summary>Zeroes all but the <paramref name="k"/> largest weights; ties at the threshold keep the lower ids.</summary>
        private void KeepLargest(Span<float> w, int k)
        {
            var copy = selection.AsSpan();
            w.CopyTo(copy);
            var threshold = KthLargest(copy, k);
            var above = 0;
            foreach (var value in w)
            {
                if (value > threshold)
                {
                    above++;
                }
            }

            var tiesToKeep = k - above;
            for (var i = 0; i < w.Length; i++)
            {
                if (w[i] < threshold)
                {
                    w[i] = 0f;
                }
                else if (w[i] == threshold)
                {
                    if (tiesToKeep > 0)
                    {
                        tiesToKeep--;
                    }
                    else
                    {
                        w[i] = 0f;
                    }
                }
            }
        }

        /// <summary>The k-th largest value (1-based) of <paramref name="values"/>, which is reordered: quickselect, expected O(n).</summary>
        private static float KthLargest(Span<float> values, int k)
        {
            var target = k - 1;
            var left = 0;
            var right = values.Length - 1;
            while (left < right)
            {
                // Median of three as the pivot; Hoare partition into descending order.
                var middle = left + ((right - left) / 2);
                var pivot = Median(values[left], values[middle], values[right]);
                var i = left;
                var j = right;
                while (i <= j)
                {
                    while (values[i] > pivot)
                    {
                        i++;
                    }

                    while (values[j] < pivot)
                    {
                        j--;
                    }

                    if (i <= j)
                    {
                        (values[i], values[j]) = (values[j], values[i]);
                        i++;
                        j--;
                    }
                }

                if (target <= j)
                {
                    right = j;
                }
                else if (target >= i)
                {
                    left = i;
                }
                else
                {
                    return values[target];
                }
            }

            return values[target];
        }

        private static float Median(float a, float b, float c) =>
            Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));

        /// <summary>Inverse-CDF draw over the weights, accumulated in double.</summary>
        private static int Draw(ReadOnlySpan<float> w, double uniform)
        {
            double total = 0;
            foreach (var value in w)
            {
                total += value;
            }

            var target = uniform * total;
            double cumulative = 0;
            var last = -1;
            for (var i = 0; i < w.Length; i++)
            {
                if (w[i] > 0f)
                {
                    cumulative += w[i];
                    last = i;
                    if (target < cumulative)
                    {
                        return i;
                    }
                }
            }

            return last; // rounding left target at the very top: the last id with weight
        }

        private static ArgumentException BadProbability(ReadOnlySpan<float> probabilities)
        {
            var i = 0;
            while (i < probabilities.Length - 1 && probabilities[i] >= 0f && float.IsFinite(probabilities[i]))
            {
                i++;
            }

            var value = probabilities[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            return new ArgumentException($"probabilities must be finite and non-negative; probabilities[{i}] = {value}.", nameof(probabilities));
        }

        private void CheckId(int id)
        {
            if ((uint)id >= (uint)VocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside the vocabulary [0, {VocabularySize}).");
            }
        }
    }
}
