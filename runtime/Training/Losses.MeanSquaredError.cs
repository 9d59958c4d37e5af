using System;
using System.Numerics.Tensors;

namespace RnnGen.Training
{
    /// <content>Mean squared error through the head's activation.</content>
    public static partial class Losses
    {
        /// <summary>
        /// Mean squared error: the mean over counted elements of <c>(y - t)²</c>, with the gradient with respect to
        /// the head's pre-activation written to <paramref name="preActivationGradients"/>: <c>2 (y - t) / count</c>
        /// times the activation's derivative, expressed through the output y (Linear 1, Tanh <c>1 - y²</c>, Sigmoid
        /// <c>y (1 - y)</c>, Relu <c>y &gt; 0</c>; Softmax applies its row Jacobian, <c>y ⊙ (g - (g · y))</c>).
        /// </summary>
        /// <param name="outputs">The head's outputs y, <c>[rows][width]</c>.</param>
        /// <param name="targets">The targets, same length; padded rows may hold anything.</param>
        /// <param name="activation">The head's activation, whose derivative is applied.</param>
        /// <param name="preActivationGradients">Receives d(mean loss)/d(pre-activation), same length; zero for padded rows.</param>
        /// <param name="rowMask">Empty, or one weight per row: 1 counts, 0 is padding.</param>
        /// <param name="width">Elements per row; 0 infers it from <paramref name="rowMask"/> (length / rows), or
        /// treats everything as one row when there is no mask. Softmax needs the row, so give one of the two.</param>
        /// <returns>The mean squared error over the counted elements (0 when none counts).</returns>
        /// <exception cref="ArgumentException">Lengths disagree, the length is not rows × width, a mask weight is
        /// negative or not finite, or Softmax is given neither a width nor a mask.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is negative or <paramref name="activation"/> is not defined.</exception>
        public static float MeanSquaredError(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, Activation activation, Span<float> preActivationGradients, ReadOnlySpan<float> rowMask = default, int width = 0)
        {
            if (activation is < Activation.Linear or > Activation.Softmax)
            {
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "activation must be Linear, Tanh, Relu, Sigmoid or Softmax.");
            }

            if (activation == Activation.Softmax && width == 0 && rowMask.IsEmpty)
            {
                throw new ArgumentException("width must be given (or a rowMask to infer it from) for Softmax, whose derivative couples the elements of a row.", nameof(width));
            }

            width = RowWidth(nameof(outputs), outputs.Length, targets.Length, preActivationGradients.Length, nameof(preActivationGradients), rowMask, width);
            var rows = outputs.Length / width;
            var total = MaskTotal(rowMask, rows) * width;
            if (total == 0)
            {
                preActivationGradients.Clear();
                return 0f;
            }

            var loss = 0.0;
            for (var row = 0; row < rows; row++)
            {
                var gradient = preActivationGradients.Slice(row * width, width);
                var weight = Weight(rowMask, row);
                if (weight == 0)
                {
                    gradient.Clear();
                    continue;
                }

                var y = outputs.Slice(row * width, width);
                var t = targets.Slice(row * width, width);
                var scale = 2.0 * weight / total;
                var rowLoss = 0.0;
                for (var i = 0; i < y.Length; i++)
                {
                    double yi = y[i];
                    var difference = yi - t[i];
                    rowLoss += difference * difference;
                    gradient[i] = (float)(scale * difference * Derivative(activation, yi));
                }

                loss += weight * rowLoss;
                if (activation == Activation.Softmax)
                {
                    // dL/dz = y ⊙ (g - g·y) for the gradient g with respect to the softmax outputs.
                    var dot = TensorPrimitives.Dot(gradient, y);
                    TensorPrimitives.Subtract(gradient, dot, gradient);
                    TensorPrimitives.Multiply(gradient, y, gradient);
                }
            }

            return (float)(loss / total);
        }

        /// <summary>d activation / d pre-activation, written in terms of the output y; 1 for Softmax (applied per row instead).</summary>
        private static double Derivative(Activation activation, double y) => activation switch
        {
            Activation.Tanh => 1 - (y * y),
            Activation.Sigmoid => y * (1 - y),
            Activation.Relu => y > 0 ? 1 : 0,
            _ => 1,
        };
    }
}
