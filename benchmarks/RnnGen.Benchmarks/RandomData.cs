using System;

namespace RnnGen.Benchmarks
{
    /// <summary>Seeded uniform inputs and gradients for the benchmarks, so every benchmark feeds the same kind of data.</summary>
    internal static class RandomData
    {
        /// <summary>Fills <paramref name="values"/> with uniform values in [-scale, scale).</summary>
        /// <param name="random">The seeded source.</param>
        /// <param name="values">The buffer to fill.</param>
        /// <param name="scale">Half the range.</param>
        /// <returns><paramref name="values"/>.</returns>
        public static float[] Fill(Random random, float[] values, float scale = 1f)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)((random.NextDouble() * 2) - 1) * scale;
            }

            return values;
        }
    }
}
