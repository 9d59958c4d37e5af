using System;
using System.Linq;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Training
{
    /// <summary>Initialiser statistics, orthogonality, reproducibility and argument checks.</summary>
    public sealed class WeightInitializerTests
    {
        [Fact]
        public void Glorot_uniform_stays_within_its_limit_and_has_the_expected_variance()
        {
            const int rows = 64, columns = 32;
            var limit = Math.Sqrt(6.0 / (rows + columns)); // 0.25
            var values = new float[rows * columns];
            WeightInitializers.GlorotUniform(values, rows, columns, seed: 1);

            Assert.All(values, v => Assert.True(Math.Abs(v) <= limit, $"{v} is outside ±{limit}."));
            Assert.True(values.Max(Math.Abs) > 0.95 * limit, "the samples should reach close to the limit");

            var mean = values.Average(v => (double)v);
            var variance = values.Average(v => ((double)v - mean) * (v - mean));
            var expectedVariance = limit * limit / 3; // = 2 / (fan_in + fan_out)
            Assert.True(Math.Abs(mean) < 0.015, $"mean {mean}");
            Assert.True(Math.Abs((variance / expectedVariance) - 1) < 0.1, $"variance {variance}, expected {expectedVariance}");
        }

        [Fact]
        public void Glorot_gain_scales_the_limit()
        {
            var plain = new float[100];
            var scaled = new float[100];
            WeightInitializers.GlorotUniform(plain, 10, 10, seed: 3);
            WeightInitializers.GlorotUniform(scaled, 10, 10, seed: 3, gain: 2f);
            for (var i = 0; i < plain.Length; i++)
            {
                Assert.Equal(2 * plain[i], scaled[i], 6);
            }
        }

        [Fact]
        public void Same_seed_gives_the_same_values_and_another_seed_others()
        {
            float[] Glorot(int seed)
            {
                var values = new float[48];
                WeightInitializers.GlorotUniform(values, 6, 8, seed);
                return values;
            }

            float[] Orthogonal(int seed)
            {
                var values = new float[48];
                WeightInitializers.Orthogonal(values, 6, 8, seed);
                return values;
            }

            Assert.Equal(Glorot(7), Glorot(7));
            Assert.NotEqual(Glorot(7), Glorot(8));
            Assert.Equal(Orthogonal(7), Orthogonal(7));
            Assert.NotEqual(Orthogonal(7), Orthogonal(8));

            var fromRandom = new float[48];
            WeightInitializers.GlorotUniform(fromRandom, 6, 8, new Random(7));
            Assert.Equal(Glorot(7), fromRandom);
        }

        [Theory]
        [InlineData(16, 16)]
        [InlineData(20, 7)]   // tall: orthonormal columns
        [InlineData(7, 20)]   // wide: orthonormal rows
        [InlineData(1, 1)]
        [InlineData(64, 256)] // an LSTM's weight_hh shape transposed
        [InlineData(256, 64)]
        public void Orthogonal_has_orthonormal_rows_or_columns(int rows, int columns)
        {
            var w = new float[rows * columns];
            WeightInitializers.Orthogonal(w, rows, columns, seed: 11);
            AssertGramIsScaledIdentity(w, rows, columns, 1.0);
        }

        [Fact]
        public void Orthogonal_gain_scales_q()
        {
            var w = new float[12 * 5];
            WeightInitializers.Orthogonal(w, 12, 5, seed: 2, gain: 2f);
            AssertGramIsScaledIdentity(w, 12, 5, 4.0);
        }

        [Fact]
        public void Orthogonal_square_entries_have_the_moments_of_a_uniform_rotation()
        {
            // Haar-distributed Q has E[W_ij] = 0 and E[W_ij²] = 1/n: check the second moment over many draws, which
            // a biased sign convention or a broken Gram-Schmidt (e.g. unnormalised columns) would miss.
            const int n = 4, draws = 500;
            var random = new Random(9);
            var w = new float[n * n];
            var sumSquares = 0.0;
            var sum = 0.0;
            for (var d = 0; d < draws; d++)
            {
                WeightInitializers.Orthogonal(w, n, n, random);
                sum += w[0];
                sumSquares += w[0] * (double)w[0];
            }

            Assert.True(Math.Abs(sum / draws) < 0.1, $"mean of W[0,0] {sum / draws}");
            Assert.True(Math.Abs((sumSquares / draws) - (1.0 / n)) < 0.04, $"mean of W[0,0]² {sumSquares / draws}");
        }

        private static void AssertGramIsScaledIdentity(float[] w, int rows, int columns, double scale)
        {
            // W Wᵀ (rows ≤ columns) or Wᵀ W (rows > columns): the Gram matrix of the smaller side.
            var wide = rows <= columns;
            var n = wide ? rows : columns;
            var worst = 0.0;
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    var dot = 0.0;
                    for (var k = 0; k < (wide ? columns : rows); k++)
                    {
                        dot += wide
                            ? (double)w[(i * columns) + k] * w[(j * columns) + k]
                            : (double)w[(k * columns) + i] * w[(k * columns) + j];
                    }

                    worst = Math.Max(worst, Math.Abs(dot - (i == j ? scale : 0)));
                }
            }

            Assert.True(worst <= 1e-5 * scale, $"{rows}×{columns}: Gram matrix differs from {scale}·I by {worst:E3}.");
        }

        [Fact]
        public void Zeros_and_unit_forget_bias_write_what_they_say()
        {
            var values = Enumerable.Repeat(3f, 5).ToArray();
            WeightInitializers.Zeros(values);
            Assert.All(values, v => Assert.Equal(0f, v));

            WeightInitializers.UnitForgetBias(values);
            Assert.All(values, v => Assert.Equal(1f, v));

            const int hidden = 3;
            var bias = Enumerable.Repeat(7f, 4 * hidden).ToArray();
            WeightInitializers.UnitForgetBias(bias, hidden);
            Assert.Equal([0f, 0f, 0f, 1f, 1f, 1f, 0f, 0f, 0f, 0f, 0f, 0f], bias); // gates i, f, g, o
        }

        [Fact]
        public void Bad_shapes_are_rejected_with_the_expected_length()
        {
            var error = Assert.Throws<ArgumentException>(() => WeightInitializers.GlorotUniform(new float[10], 3, 4, seed: 1));
            Assert.Equal("destination", error.ParamName);
            Assert.Contains("12", error.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => WeightInitializers.Orthogonal(new float[13], 3, 4, seed: 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => WeightInitializers.Orthogonal(new float[0], 0, 4, seed: 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => WeightInitializers.GlorotUniform(new float[4], 4, 1, seed: 1, gain: float.NaN));
            Assert.Throws<ArgumentNullException>(() => WeightInitializers.Orthogonal(new float[4], 2, 2, random: null!));
            var bias = Assert.Throws<ArgumentException>(() => WeightInitializers.UnitForgetBias(new float[10], 3));
            Assert.Contains("12", bias.Message, StringComparison.Ordinal);
        }
    }
}
