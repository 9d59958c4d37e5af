using System.Linq;
using System;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Text;
using Xunit;

namespace RnnGen.Runtime.Tests.Text
{
    /// <summary>Sampling: temperature, top-k, forbidden ids, the drawn distribution, reproducibility, no allocation.</summary>
    public sealed class SamplerTests
    {
        private static readonly float[] Row = { 0.05f, 0.15f, 0.3f, 0.5f };

        [Theory]
        [InlineData(1f)]
        [InlineData(0.5f)]
        [InlineData(2f)]
        public void Draws_follow_the_temperature_adjusted_distribution(float temperature)
        {
            var sampler = new Sampler(Row.Length) { Temperature = temperature };
            var expected = Row.Select(p => Math.Pow(p, 1.0 / temperature)).ToArray();
            AssertDistribution(sampler, Row, Normalise(expected), draws: 200_000, seed: 11);
        }

        [Fact]
        public void Temperature_near_zero_picks_the_argmax()
        {
            var row = new[] { 0.1f, 0.2f, 0.39f, 0.31f };
            foreach (var temperature in new[] { 1e-3f, 1e-20f, float.Epsilon })
            {
                var sampler = new Sampler(row.Length) { Temperature = temperature };
                var random = new Random(3);
                for (var i = 0; i < 2000; i++)
                {
                    Assert.Equal(2, sampler.Sample(row, random));
                }
            }
        }

        [Fact]
        public void Top_k_never_picks_outside_the_k_most_probable_and_renormalises_within_them()
        {
            var random = new Random(21);
            for (var trial = 0; trial < 20; trial++)
            {
                var row = Enumerable.Range(0, 50).Select(_ => (float)random.NextDouble()).ToArray();
                var k = 1 + (trial % 7);
                var top = Enumerable.Range(0, row.Length).OrderByDescending(i => row[i]).Take(k).ToHashSet();
                var sampler = new Sampler(row.Length) { TopK = k };
                var seen = new bool[row.Length];
                for (var draw = 0; draw < 3000; draw++)
                {
                    var id = sampler.Sample(row, random);
                    Assert.Contains(id, top);
                    seen[id] = true;
                }

                Assert.All(top, id => Assert.True(seen[id]));
            }

            var topTwo = new Sampler(Row.Length) { TopK = 2 };
            AssertDistribution(topTwo, Row, new[] { 0, 0, 0.3 / 0.8, 0.5 / 0.8 }, draws: 100_000, seed: 12);
        }

        [Fact]
        public void Top_k_breaks_ties_towards_the_lower_ids()
        {
            var row = Enumerable.Repeat(0.1f, 10).ToArray();
            var sampler = new Sampler(row.Length) { TopK = 3 };
            var random = new Random(4);
            var ids = Enumerable.Range(0, 3000).Select(_ => sampler.Sample(row, random)).Distinct().OrderBy(i => i);
            Assert.Equal(new[] { 0, 1, 2 }, ids);
        }

        [Fact]
        public void Forbidden_ids_and_unk_are_never_picked()
        {
            var row = new[] { 0.9f, 0.01f, 0.06f, 0.03f };
            var sampler = new Sampler(row.Length, forbidUnknown: true);
            Assert.True(sampler.IsForbidden(0));
            AssertDistribution(sampler, row, new[] { 0, 0.1, 0.6, 0.3 }, draws: 100_000, seed: 13);

            sampler.Forbid(2);
            sampler.TopK = 1;
            sampler.Temperature = 0.01f;
            var random = new Random(5);
            for (var i = 0; i < 2000; i++)
            {
                Assert.Equal(3, sampler.Sample(row, random)); // the best allowed id, although 0 and 2 are likelier
            }

            sampler.Allow(2);
            Assert.Equal(new[] { 0 }, sampler.ForbiddenIds);
            Assert.Equal(2, sampler.Sample(row, random));

            var onlyForbidden = new[] { 1f, 0f, 0f, 0f };
            var error = Assert.Throws<ArgumentException>(() => sampler.Sample(onlyForbidden, random));
            Assert.Contains("No allowed token has a nonzero probability", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void The_same_seed_gives_the_same_draws()
        {
            var row = Enumerable.Range(1, 30).Select(i => (float)i).ToArray();
            var sampler = new Sampler(row.Length) { Temperature = 0.8f, TopK = 10 };
            int[] Draws(int seed)
            {
                var random = new Random(seed);
                return Enumerable.Range(0, 500).Select(_ => sampler.Sample(row, random)).ToArray();
            }

            Assert.Equal(Draws(42), Draws(42));
            Assert.NotEqual(Draws(42), Draws(43));
        }

        [Fact]
        public void Sampling_allocates_nothing_after_warm_up()
        {
            var row = Enumerable.Range(0, 97).Select(i => (float)((i * 37) % 11) + 0.5f).ToArray();
            var samplers = new[]
            {
                new Sampler(row.Length),
                new Sampler(row.Length, forbidUnknown: true) { Temperature = 0.7f, TopK = 5 },
                new Sampler(row.Length) { Temperature = 1.3f, TopK = 96 },
            };
            var random = new Random(1);
            foreach (var sampler in samplers)
            {
                sampler.Sample(row, random);
            }

            var checksum = 0;
            Assert.Equal(0, Allocations.SteadyState(() =>
            {
                for (var i = 0; i < 1000; i++)
                {
                    foreach (var sampler in samplers)
                    {
                        checksum += sampler.Sample(row, random);
                    }
                }
            }));
            Assert.True(checksum > 0);
        }

        [Fact]
        public void Bad_settings_and_rows_are_rejected()
        {
            var sampler = new Sampler(4);
            foreach (var bad in new[] { 0f, -1f, float.NaN, float.PositiveInfinity, -0f })
            {
                Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Temperature = bad);
            }

            Assert.Throws<ArgumentOutOfRangeException>(() => sampler.TopK = -1);
            Assert.Throws<ArgumentOutOfRangeException>(() => sampler.TopK = 5);
            sampler.TopK = 4;
            Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Forbid(4));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Sampler(0));

            var random = new Random(1);
            Assert.Contains("must have 4 values", Assert.Throws<ArgumentException>(() => sampler.Sample(new float[3], random)).Message, StringComparison.Ordinal);
            Assert.Contains("probabilities[2] = -0.5", Assert.Throws<ArgumentException>(() => sampler.Sample(new[] { 0.5f, 0.5f, -0.5f, 0.5f }, random)).Message, StringComparison.Ordinal);
            Assert.Contains("probabilities[1] = NaN", Assert.Throws<ArgumentException>(() => sampler.Sample(new[] { 0.5f, float.NaN, 0f, 0f }, random)).Message, StringComparison.Ordinal);
            Assert.Contains("probabilities[3] = Infinity", Assert.Throws<ArgumentException>(() => sampler.Sample(new[] { 0.5f, 0f, 0f, float.PositiveInfinity }, random)).Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => sampler.Sample(new float[4], random));
        }

        [Fact]
        public void Zero_probability_ids_are_never_picked_and_rows_need_not_sum_to_one()
        {
            var row = new[] { 0f, 2f, 0f, 6f };
            AssertDistribution(new Sampler(4), row, new[] { 0, 0.25, 0, 0.75 }, draws: 50_000, seed: 8);
            AssertDistribution(new Sampler(4) { Temperature = 50f }, row, Normalise(new[] { 0, Math.Pow(2.0 / 6.0, 1.0 / 50), 0, 1 }), draws: 50_000, seed: 9);
        }

        private static double[] Normalise(double[] weights)
        {
            var total = weights.Sum();
            return weights.Select(w => w / total).ToArray();
        }

        /// <summary>
        /// Pearson's chi-square over the ids with nonzero expected probability, against the 99.99% quantile for their
        /// degrees of freedom (seeded, so deterministic); ids with zero expected probability must never be drawn.
        /// </summary>
        private static void AssertDistribution(Sampler sampler, float[] row, double[] expected, int draws, int seed)
        {
            var counts = new int[row.Length];
            var random = new Random(seed);
            for (var i = 0; i < draws; i++)
            {
                counts[sampler.Sample(row, random)]++;
            }

            double chiSquare = 0;
            var categories = 0;
            for (var id = 0; id < row.Length; id++)
            {
                if (expected[id] == 0)
                {
                    Assert.Equal(0, counts[id]);
                    continue;
                }

                var e = expected[id] * draws;
                chiSquare += (counts[id] - e) * (counts[id] - e) / e;
                categories++;
            }

            // 99.99% quantiles of chi-square with 1, 2, 3 degrees of freedom.
            var limit = (categories - 1) switch { 1 => 15.14, 2 => 18.42, 3 => 21.11, _ => throw new ArgumentException("unsupported") };
            Assert.True(chiSquare < limit, $"chi-square {chiSquare:F2} >= {limit} for counts [{string.Join(", ", counts)}], expected [{string.Join(", ", expected.Select(p => (p * draws).ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}]");
        }
    }
}
