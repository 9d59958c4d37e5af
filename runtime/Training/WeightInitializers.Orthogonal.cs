using System;

namespace RnnGen.Training
{
    /// <content>Orthogonal initialisation.</content>
    public static partial class WeightInitializers
    {
        /// <summary>
        /// Orthogonal initialisation (Saxe et al. 2014), as PyTorch's <c>orthogonal_</c>: the Q factor of the QR
        /// decomposition of a Gaussian matrix, times <paramref name="gain"/>. With <c>rows ≥ columns</c> the columns
        /// are orthonormal (<c>WᵀW = I</c>); with <c>rows &lt; columns</c> the rows are (<c>WWᵀ = I</c>).
        /// </summary>
        /// <param name="destination">The row-major matrix, <paramref name="rows"/> × <paramref name="columns"/> floats.</param>
        /// <param name="rows">The number of rows (at least 1).</param>
        /// <param name="columns">The number of columns (at least 1).</param>
        /// <param name="random">The random source.</param>
        /// <param name="gain">A scale factor applied to Q.</param>
        /// <exception cref="ArgumentException"><paramref name="destination"/> does not have rows × columns floats.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or <paramref name="gain"/> is not finite.</exception>
        /// <remarks>
        /// <para>As in PyTorch, a wide matrix is drawn as its transpose (tall, <c>m = max(rows, columns)</c> by
        /// <c>n = min(rows, columns)</c>), factored, and Q transposed back.</para>
        /// <para>The QR is modified Gram-Schmidt in double with one reorthogonalisation pass ("twice is enough"), so
        /// Q is orthonormal to about 1e-15 before rounding to float. Gram-Schmidt makes every diagonal element of
        /// R positive, which is exactly the unique factorisation PyTorch reaches by multiplying Householder's Q by
        /// <c>sign(diag(R))</c>, so Q is distributed uniformly (Haar) over the orthogonal matrices. It costs
        /// O(m n²) and allocates an m × n double matrix: meant for initialisation, not a training step.</para>
        /// </remarks>
        public static void Orthogonal(Span<float> destination, int rows, int columns, Random random, float gain = 1)
        {
            ArgumentNullException.ThrowIfNull(random);
            CheckMatrix(destination.Length, rows, columns);
            CheckGain(gain);

            var tall = rows >= columns;
            var m = Math.Max(rows, columns);
            var n = Math.Min(rows, columns);

            // q holds the tall matrix column by column: column j is q[j*m .. j*m + m).
            // Drawn in the row-major order of the [rows × columns] matrix, transposed when wide.
            var q = new double[(long)m * n];
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    var value = NextGaussian(random);
                    if (tall)
                    {
                        q[((long)c * m) + r] = value; // A[r, c]: column c, element r
                    }
                    else
                    {
                        q[((long)r * m) + c] = value; // Aᵀ[c, r]: column r, element c
                    }
                }
            }

            for (var j = 0; j < n; j++)
            {
                var column = q.AsSpan(j * m, m);
                while (!Orthonormalise(q, column, j, m))
                {
                    // A column (numerically) in the span of the earlier ones: probability 0 with Gaussian input,
                    // but redraw rather than divide by ~0.
                    for (var i = 0; i < m; i++)
                    {
                        column[i] = NextGaussian(random);
                    }
                }
            }

            for (var j = 0; j < n; j++)
            {
                for (var i = 0; i < m; i++)
                {
                    var value = (float)(q[((long)j * m) + i] * gain);
                    if (tall)
                    {
                        destination[(i * columns) + j] = value; // W = Q: W[i, j]
                    }
                    else
                    {
                        destination[(j * columns) + i] = value; // W = Qᵀ: W[j, i]
                    }
                }
            }
        }

        /// <summary>Orthogonal initialisation from a seed (see <see cref="Orthogonal(Span{float}, int, int, Random, float)"/>).</summary>
        /// <param name="destination">The row-major matrix, <paramref name="rows"/> × <paramref name="columns"/> floats.</param>
        /// <param name="rows">The number of rows (at least 1).</param>
        /// <param name="columns">The number of columns (at least 1).</param>
        /// <param name="seed">The seed of a new <see cref="Random"/>.</param>
        /// <param name="gain">A scale factor applied to Q.</param>
        /// <exception cref="ArgumentException"><paramref name="destination"/> does not have rows × columns floats.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or <paramref name="gain"/> is not finite.</exception>
        public static void Orthogonal(Span<float> destination, int rows, int columns, int seed, float gain = 1) =>
            Orthogonal(destination, rows, columns, new Random(seed), gain);

        /// <summary>
        /// Makes <paramref name="column"/> (column <paramref name="j"/>) orthogonal to columns 0..j-1 of
        /// <paramref name="q"/> (already orthonormal) and normalises it; false when nothing independent was left.
        /// </summary>
        private static bool Orthonormalise(double[] q, Span<double> column, int j, int m)
        {
            var original = Norm(column);
            for (var pass = 0; pass < 2; pass++)
            {
                for (var k = 0; k < j; k++)
                {
                    var previous = q.AsSpan(k * m, m);
                    var projection = 0.0;
                    for (var i = 0; i < m; i++)
                    {
                        projection += previous[i] * column[i];
                    }

                    for (var i = 0; i < m; i++)
                    {
                        column[i] -= projection * previous[i];
                    }
                }
            }

            var norm = Norm(column);
            if (!(norm > 1e-10 * original))
            {
                return false;
            }

            for (var i = 0; i < m; i++)
            {
                column[i] /= norm;
            }

            return true;
        }

        private static double Norm(ReadOnlySpan<double> values)
        {
            var sum = 0.0;
            foreach (var value in values)
            {
                sum += value * value;
            }

            return Math.Sqrt(sum);
        }
    }
}
