using System;

namespace RnnGen.Training
{
    /// <summary>
    /// Losses over a batch of output rows that return the mean loss and write its gradient with respect to the
    /// head's pre-activation (the logits), so the activation's derivative is fused in and stays numerically stable.
    /// </summary>
    /// <remarks>
    /// <para>Rows are whatever the caller's outputs are made of, typically <c>[steps][batch]</c> rows of a
    /// generated model's <c>Forward</c> output. A row mask gives each row a weight: 1 counts, 0 is padding (its
    /// gradient is zeroed and it is left out of the mean); other non-negative weights weight the mean. An empty
    /// mask (the default) counts every row. When no row counts, the loss is 0 and every gradient is 0.</para>
    /// <para>Losses accumulate in double and round to float once. Gradients are divided by the number of counted
    /// elements, so they are the gradient of the returned mean. The gradient span must not overlap the inputs.
    /// Nothing is allocated.</para>
    /// </remarks>
    public static partial class Losses
    {
        /// <summary>
        /// The floor of every log-probability, as PyTorch's <c>BCELoss</c> clamps its logs: a probability of 0 costs
        /// 100 instead of +∞ (and 0 × log 0 stays 0).
        /// </summary>
        public const double MinimumLogProbability = -100;

        /// <summary>log(p) clamped below at <see cref="MinimumLogProbability"/>; NaN stays NaN.</summary>
        private static double ClampedLog(double p) => Math.Max(Math.Log(p), MinimumLogProbability);

        /// <summary>The weight of row <paramref name="row"/>: 1 without a mask.</summary>
        internal static float Weight(ReadOnlySpan<float> rowMask, int row) => rowMask.IsEmpty ? 1f : rowMask[row];

        /// <summary>Checks the mask (empty, or one finite non-negative weight per row) and returns the sum of the weights.</summary>
        internal static double MaskTotal(ReadOnlySpan<float> rowMask, int rows)
        {
            if (rowMask.IsEmpty)
            {
                return rows;
            }

            if (rowMask.Length != rows)
            {
                throw new ArgumentException($"rowMask must be empty or have one weight per row, {rows}; got {rowMask.Length}.", nameof(rowMask));
            }

            var total = 0.0;
            for (var row = 0; row < rowMask.Length; row++)
            {
                var weight = rowMask[row];
                if (!(weight >= 0) || float.IsPositiveInfinity(weight))
                {
                    throw new ArgumentException($"rowMask[{row}] = {weight}; row weights must be finite and >= 0 (1 counts, 0 is padding).", nameof(rowMask));
                }

                total += weight;
            }

            return total;
        }

        /// <summary>
        /// Checks that element-wise losses' spans agree and works out the row width: <paramref name="width"/> when
        /// given, else the length divided by the mask's rows, else the whole span as one row.
        /// </summary>
        private static int RowWidth(string outputsName, int outputs, int targets, int gradients, string gradientsName, ReadOnlySpan<float> rowMask, int width)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(width);
            if (targets != outputs)
            {
                throw new ArgumentException($"targets must have the same length as {outputsName}, {outputs}; got {targets}.", "targets");
            }

            if (gradients != outputs)
            {
                throw new ArgumentException($"{gradientsName} must have the same length as {outputsName}, {outputs}; got {gradients}.", gradientsName);
            }

            if (!rowMask.IsEmpty)
            {
                var rows = rowMask.Length;
                if (width == 0)
                {
                    if (outputs % rows != 0)
                    {
                        throw new ArgumentException($"{outputsName} must be rows × width with rows = rowMask.Length = {rows}; got {outputs} floats, not a multiple of {rows}.", outputsName);
                    }

                    return outputs / rows;
                }

                if ((long)rows * width != outputs)
                {
                    throw new ArgumentException($"{outputsName} must have length rowMask.Length × width = {rows} × {width} = {(long)rows * width}; got {outputs}.", outputsName);
                }

                return width;
            }

            if (width == 0)
            {
                return Math.Max(outputs, 1);
            }

            if (outputs % width != 0)
            {
                throw new ArgumentException($"{outputsName} must be a whole number of rows of width {width}; got {outputs} floats.", outputsName);
            }

            return width;
        }
    }
}
