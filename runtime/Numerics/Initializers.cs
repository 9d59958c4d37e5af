using System;

namespace RnnGen.Numerics
{
    /// <summary>Seeded random tensors for parameter initialisation (PyTorch's defaults).</summary>
    public static class Initializers
    {
        /// <summary>A new array of <paramref name="count"/> samples of U(-bound, bound).</summary>
        public static float[] Uniform(int count, float bound, Random random)
        {
            ArgumentNullException.ThrowIfNull(random);
            var values = new float[count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(((2 * random.NextDouble()) - 1) * bound);
            }

            return values;
        }

        /// <summary>A new array of <paramref name="count"/> samples of N(0, 1) (PyTorch's embedding default).</summary>
        public static float[] Normal(int count, Random random)
        {
            ArgumentNullException.ThrowIfNull(random);
            var values = new float[count];
            for (var i = 0; i < values.Length; i++)
            {
                // Box-Muller; 1 - NextDouble() is in (0, 1], so the log is finite.
                var u = 1 - random.NextDouble();
                values[i] = (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble()));
            }

            return values;
        }
    }
}
