using System;
using System.Numerics.Tensors;

namespace RnnGen.Training
{
    /// <content>Binary cross-entropy.</content>
    public static partial class Losses
    {
        /// <summary>
        /// Binary cross-entropy of sigmoid outputs against targets in [0, 1]: the mean over counted elements of
        /// <c>-(t log p + (1 - t) log(1 - p))</c>, with the gradient with respect to the logits, <c>(p - t) / count</c>,
        /// written to <paramref name="logitGradients"/> (PyTorch's <c>BCEWithLogitsLoss</c> gradient; the loss is
        /// <c>BCELoss</c>'s, logs floored at <see cref="MinimumLogProbability"/>).
        /// </summary>
        /// <param name="probabilities">Sigmoid outputs <c>[rows][width]</c> (a <c>Dense(…, Activation.Sigmoid)</c> head's output).</param>
        /// <param name="targets">Targets in [0, 1], same length; padded rows may hold anything.</param>
        /// <param name="logitGradients">Receives d(mean loss)/d(logit), same length; zero for padded rows.</param>
        /// <param name="rowMask">Empty, or one weight per row: 1 counts, 0 is padding.</param>
        /// <param name="width">Elements per row; 0 infers it from <paramref name="rowMask"/> (length / rows), or
        /// treats everything as one row when there is no mask.</param>
        /// <returns>The mean loss over the counted elements (0 when none counts).</returns>
        /// <exception cref="ArgumentException">Lengths disagree, the length is not rows × width, or a mask weight is negative or not finite.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is negative or a counted target is outside [0, 1].</exception>
        public static float BinaryCrossEntropy(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> targets, Span<float> logitGradients, ReadOnlySpan<float> rowMask = default, int width = 0)
        {
            width = RowWidth(nameof(probabilities), probabilities.Length, targets.Length, logitGradients.Length, nameof(logitGradients), rowMask, width);
            var rows = probabilities.Length / width;
            var rowTotal = MaskTotal(rowMask, rows);
            for (var i = 0; i < targets.Length; i++)
            {
                var t = targets[i];
                if (Weight(rowMask, i / width) != 0 && !(t >= 0 && t <= 1))
                {
                    throw new ArgumentOutOfRangeException(nameof(targets), t, $"targets[{i}] = {t} is not in [0, 1].");
                }
            }

            var total = rowTotal * width;
            if (total == 0)
            {
                logitGradients.Clear();
                return 0f;
            }

            var loss = 0.0;
            for (var row = 0; row < rows; row++)
            {
                var gradient = logitGradients.Slice(row * width, width);
                var weight = Weight(rowMask, row);
                if (weight == 0)
                {
                    gradient.Clear();
                    continue;
                }

                var p = probabilities.Slice(row * width, width);
                var t = targets.Slice(row * width, width);
                var rowLoss = 0.0;
                for (var i = 0; i < p.Length; i++)
                {
                    // In double: 1 - p is exact for a float p, so log(1 - p) keeps its precision near p = 1.
                    double pi = p[i], ti = t[i];
                    rowLoss -= (ti * ClampedLog(pi)) + ((1 - ti) * ClampedLog(1 - pi));
                }

                loss += weight * rowLoss;

                // weight × (p - t) / total: the sigmoid's derivative p(1 - p) cancels the loss's denominator.
                TensorPrimitives.Subtract(p, t, gradient);
                TensorPrimitives.Multiply(gradient, (float)(weight / total), gradient);
            }

            return (float)(loss / total);
        }
    }
}
