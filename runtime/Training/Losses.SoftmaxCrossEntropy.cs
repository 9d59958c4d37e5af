using System;
using System.Numerics.Tensors;

namespace RnnGen.Training
{
    /// <content>Softmax cross-entropy.</content>
    public static partial class Losses
    {
        /// <summary>
        /// Cross-entropy of softmax outputs against class targets: the mean over counted rows of
        /// <c>-log p[row, target]</c>, with the gradient with respect to the logits, <c>(p - onehot(target)) / count</c>,
        /// written to <paramref name="logitGradients"/> (PyTorch's <c>CrossEntropyLoss</c> on the logits).
        /// </summary>
        /// <param name="probabilities">Softmax outputs <c>[rows][classes]</c> (a <c>Dense(…, Activation.Softmax)</c> head's output).</param>
        /// <param name="targets">The target class of each row, in <c>[0, classes)</c>; padded (weight 0) rows may hold anything.</param>
        /// <param name="classes">The number of classes (at least 1).</param>
        /// <param name="logitGradients">Receives d(mean loss)/d(logit), <c>[rows][classes]</c>; zero for padded rows.</param>
        /// <param name="rowMask">Empty, or one weight per row: 1 counts, 0 is padding.</param>
        /// <returns>The mean loss over the counted rows (0 when none counts). Each log is floored at
        /// <see cref="MinimumLogProbability"/>, so a probability that underflowed to 0 costs 100, not +∞.</returns>
        /// <exception cref="ArgumentException">A span has the wrong length or a mask weight is negative or not finite.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is below 1, or a counted row's target is not a class.</exception>
        public static float SoftmaxCrossEntropy(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> targets, int classes, Span<float> logitGradients, ReadOnlySpan<float> rowMask = default)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
            var rows = targets.Length;
            var expected = (long)rows * classes;
            if (probabilities.Length != expected)
            {
                throw new ArgumentException($"probabilities must have length targets.Length × classes = {rows} × {classes} = {expected}; got {probabilities.Length}.", nameof(probabilities));
            }

            Guard.Length(logitGradients.Length, probabilities.Length, nameof(logitGradients), "the length of probabilities");
            var total = MaskTotal(rowMask, rows);
            for (var row = 0; row < rows; row++)
            {
                if (Weight(rowMask, row) != 0 && (uint)targets[row] >= (uint)classes)
                {
                    throw new ArgumentOutOfRangeException(nameof(targets), targets[row], $"targets[{row}] = {targets[row]} is not a class in [0, {classes}).");
                }
            }

            if (total == 0)
            {
                logitGradients.Clear();
                return 0f;
            }

            var loss = 0.0;
            for (var row = 0; row < rows; row++)
            {
                var gradient = logitGradients.Slice(row * classes, classes);
                var weight = Weight(rowMask, row);
                if (weight == 0)
                {
                    gradient.Clear();
                    continue;
                }

                var target = targets[row];
                var p = probabilities.Slice(row * classes, classes);
                loss -= weight * ClampedLog(p[target]);

                // weight × (p - onehot) / total: the softmax Jacobian folded into the cross-entropy's derivative.
                var scale = (float)(weight / total);
                TensorPrimitives.Multiply(p, scale, gradient);
                gradient[target] -= scale;
            }

            return (float)(loss / total);
        }
    }
}
