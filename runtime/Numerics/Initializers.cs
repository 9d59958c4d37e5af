using System;

namespace RnnGen.Numerics
{
    /// <summary>Seeded random tensors for parameter initialisation (PyTorch's defaults).</summary>
    public static class Initializers
    {
        /// <summary>A new array of <paramref name="count"/> samples of U(-bound, bound).</summary>
        public static float[] Uniform(int count, float bound, Random random)
        {
            var values = new float[count];
            FillUniform(values, bound, random);
            return values;
        }

        /// <summary>Fills <paramref name="destination"/> with samples of U(-bound, bound), in order (the same stream as <see cref="Uniform"/>).</summary>
        public static void FillUniform(Span<float> destination, float bound, Random random)
        {
            ArgumentNullException.ThrowIfNull(random);
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = (float)(((2 * random.NextDouble()) - 1) * bound);
            }
        }

        /// <summary>A new array of <paramref name="count"/> samples of N(0, 1) (PyTorch's embedding default).</summary>
        public static float[] Normal(int count, Random random)
        {
            var values = new float[count];
            FillNormal(values, random);
            return values;
        }

        /// <summary>Fills <paramref name="destination"/> with samples of N(0, 1), in order (the same stream as <see cref="Normal"/>).</summary>
        public static void FillNormal(Span<float> destination, Random random)
        {
            ArgumentNullException.ThrowIfNull(random);
            for (var i = 0; i < destination.Length; i++)
            {
                // Box-Muller; 1 - NextDouble() is in (0, 1], so the log is finite.
                var u = 1 - random.NextDouble();
                destination[i] = (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble()));
            }
        }
    }
}
