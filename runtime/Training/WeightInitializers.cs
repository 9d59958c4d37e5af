using System;

namespace RnnGen.Training
{
    /// <summary>
    /// Seeded, reproducible parameter initialisers that write a row-major <c>[rows × columns]</c> matrix (or a
    /// vector) into a caller-provided span, ready for a generated model's <c>ImportPyTorch(name, values)</c> or a
    /// gate view's <c>CopyFrom</c>.
    /// </summary>
    /// <remarks>
    /// Shapes follow PyTorch's <c>[out_features, in_features]</c>: <c>rows</c> is the fan-out and
    /// <c>columns</c> the fan-in (e.g. <c>weight_ih_l0</c> is <c>[4H × I]</c> for an LSTM). The same seed (or a
    /// <see cref="Random"/> in the same state) gives the same values on every machine.
    /// </remarks>
    public static partial class WeightInitializers
    {
        /// <summary>Fills <paramref name="destination"/> with zeros.</summary>
        /// <param name="destination">The values to clear.</param>
        public static void Zeros(Span<float> destination) => destination.Clear();

        /// <summary>Checks that a <c>[rows × columns]</c> matrix fits the destination exactly.</summary>
        private static void CheckMatrix(int destinationLength, int rows, int columns)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
            var expected = (long)rows * columns;
            if (destinationLength != expected)
            {
                throw new ArgumentException($"destination must have length rows × columns = {rows} × {columns} = {expected}; got {destinationLength}.", "destination");
            }
        }

        /// <summary>One sample of N(0, 1) by Box-Muller (the cosine branch).</summary>
        private static double NextGaussian(Random random)
        {
            var u = 1 - random.NextDouble(); // in (0, 1], so the log is finite
            return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble());
        }
    }
}
