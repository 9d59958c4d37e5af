using System;

namespace RnnGen.Training
{
    /// <content>Glorot (Xavier) uniform initialisation.</content>
    public static partial class WeightInitializers
    {
        /// <summary>
        /// Glorot/Xavier uniform: samples of <c>U(-a, a)</c> with <c>a = gain × √(6 / (fan_in + fan_out))</c>, where
        /// fan_in = <paramref name="columns"/> and fan_out = <paramref name="rows"/> (PyTorch's <c>xavier_uniform_</c>,
        /// Keras' <c>glorot_uniform</c>). The variance is <c>a² / 3 = gain² × 2 / (fan_in + fan_out)</c>.
        /// </summary>
        /// <param name="destination">The row-major matrix, <paramref name="rows"/> × <paramref name="columns"/> floats.</param>
        /// <param name="rows">The number of rows (fan-out, at least 1).</param>
        /// <param name="columns">The number of columns (fan-in, at least 1).</param>
        /// <param name="random">The random source, advanced by one draw per value.</param>
        /// <param name="gain">A scale factor (1 for linear or sigmoid layers, 5/3 for tanh in PyTorch's convention).</param>
        /// <exception cref="ArgumentException"><paramref name="destination"/> does not have rows × columns floats.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or <paramref name="gain"/> is not finite.</exception>
        public static void GlorotUniform(Span<float> destination, int rows, int columns, Random random, float gain = 1)
        {
            ArgumentNullException.ThrowIfNull(random);
            CheckMatrix(destination.Length, rows, columns);
            CheckGain(gain);
            var limit = gain * Math.Sqrt(6.0 / ((double)rows + columns));
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = (float)(((2 * random.NextDouble()) - 1) * limit);
            }
        }

        /// <summary>Glorot/Xavier uniform from a seed (see <see cref="GlorotUniform(Span{float}, int, int, Random, float)"/>).</summary>
        /// <param name="destination">The row-major matrix, <paramref name="rows"/> × <paramref name="columns"/> floats.</param>
        /// <param name="rows">The number of rows (fan-out, at least 1).</param>
        /// <param name="columns">The number of columns (fan-in, at least 1).</param>
        /// <param name="seed">The seed of a new <see cref="Random"/>.</param>
        /// <param name="gain">A scale factor.</param>
        /// <exception cref="ArgumentException"><paramref name="destination"/> does not have rows × columns floats.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or <paramref name="gain"/> is not finite.</exception>
        public static void GlorotUniform(Span<float> destination, int rows, int columns, int seed, float gain = 1) =>
            GlorotUniform(destination, rows, columns, new Random(seed), gain);

        private static void CheckGain(float gain)
        {
            if (!float.IsFinite(gain))
            {
                throw new ArgumentOutOfRangeException(nameof(gain), gain, "gain must be finite.");
            }
        }
    }
}
