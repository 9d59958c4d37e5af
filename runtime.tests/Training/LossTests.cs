using System.Linq;
using System;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Training
{
    /// <summary>
    /// Losses against hand-computed values, gradients against central finite differences of the loss as a function
    /// of the pre-activation (in double), masks, argument checks and allocation.
    /// </summary>
    public sealed class LossTests
    {
        private const double GradientTolerance = 1e-6;

        // ---- softmax cross-entropy -------------------------------------------------------------------------

        [Fact]
        public void Softmax_cross_entropy_matches_hand_computed_values()
        {
            float[] p = [0.7f, 0.2f, 0.1f, /**/ 0.1f, 0.3f, 0.6f];
            var gradients = new float[6];
            var loss = Losses.SoftmaxCrossEntropy(p, [0, 2], 3, gradients);

            Assert.Equal(0.4337502838523616, loss, 6); // -(ln 0.7 + ln 0.6) / 2
            AssertClose([-0.15, 0.1, 0.05, 0.05, 0.15, -0.2], gradients); // (p - onehot) / 2
        }

        [Fact]
        public void Softmax_cross_entropy_mask_drops_padded_rows()
        {
            float[] p = [0.7f, 0.2f, 0.1f, /**/ 0.1f, 0.3f, 0.6f];
            var gradients = Enumerable.Repeat(9f, 6).ToArray();
            var loss = Losses.SoftmaxCrossEntropy(p, [0, -1], 3, gradients, rowMask: [1f, 0f]); // a padded row's target is not checked

            Assert.Equal(0.35667494393873245, loss, 6); // -ln 0.7 over one row
            AssertClose([-0.3, 0.2, 0.1, 0, 0, 0], gradients);

            Assert.Equal(0f, Losses.SoftmaxCrossEntropy(p, [0, 2], 3, gradients, rowMask: [0f, 0f]));
            Assert.All(gradients, g => Assert.Equal(0f, g));
        }

        [Fact]
        public void Softmax_cross_entropy_of_a_zero_probability_is_large_but_finite()
        {
            var gradients = new float[2];
            Assert.Equal(100f, Losses.SoftmaxCrossEntropy([0f, 1f], [0], 2, gradients), 4);
            AssertClose([-1, 1], gradients);
        }

        [Fact]
        public void Softmax_cross_entropy_gradient_matches_finite_differences()
        {
            const int rows = 5, classes = 7;
            var random = new Random(21);
            var logits = RandomValues(random, rows * classes, 3);
            int[] targets = [0, 6, 3, 3, 1];
            float[] mask = [1f, 1f, 0f, 1f, 0.5f];

            var probabilities = new float[rows * classes];
            SoftmaxRows(logits, classes, probabilities);
            var gradients = new float[rows * classes];
            var loss = Losses.SoftmaxCrossEntropy(probabilities, targets, classes, gradients, mask);

            double Loss(double[] z)
            {
                var total = 0.0;
                var weight = 0.0;
                for (var r = 0; r < rows; r++)
                {
                    var row = z.AsSpan(r * classes, classes);
                    var max = row.ToArray().Max();
                    var logSum = Math.Log(row.ToArray().Sum(v => Math.Exp(v - max))) + max;
                    total += mask[r] * (logSum - row[targets[r]]);
                    weight += mask[r];
                }

                return total / weight;
            }

            Assert.Equal(Loss(logits), loss, 6);
            AssertMatchesFiniteDifferences(Loss, logits, gradients);
        }

        [Fact]
        public void Softmax_cross_entropy_rejects_bad_arguments()
        {
            var gradients = new float[6];
            float[] p = [0.5f, 0.25f, 0.25f, 0.5f, 0.25f, 0.25f];
            var shape = Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(p.AsSpan(0, 5), [0, 1], 3, gradients));
            Assert.Equal("probabilities", shape.ParamName);
            Assert.Contains("2 × 3 = 6", shape.Message, StringComparison.Ordinal);
            Assert.Equal("logitGradients", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(p, [0, 1], 3, new float[5])).ParamName);
            var target = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(p, [0, 3], 3, gradients));
            Assert.Contains("targets[1] = 3", target.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(p, [-1, 0], 3, gradients));
            Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(p, [0, 0], 0, gradients));
            Assert.Equal("rowMask", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(p, [0, 1], 3, gradients, [1f])).ParamName);
            Assert.Equal("rowMask", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(p, [0, 1], 3, gradients, [1f, -1f])).ParamName);
            Assert.Equal("rowMask", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(p, [0, 1], 3, gradients, [1f, float.NaN])).ParamName);
        }

        // ---- binary cross-entropy --------------------------------------------------------------------------

        [Fact]
        public void Binary_cross_entropy_matches_hand_computed_values()
        {
            var gradients = new float[2];
            var loss = Losses.BinaryCrossEntropy([0.8f, 0.4f], [1f, 0f], gradients);
            Assert.Equal(0.3669845875401002, loss, 6); // -(ln 0.8 + ln 0.6) / 2
            AssertClose([-0.1, 0.2], gradients);         // (p - t) / 2

            Assert.Equal(Math.Log(2), Losses.BinaryCrossEntropy([0.5f], [0.5f], gradients.AsSpan(0, 1)), 6);
            Assert.Equal(0f, gradients[0]);
        }

        [Fact]
        public void Binary_cross_entropy_at_saturated_probabilities_is_clamped_like_pytorch()
        {
            var gradients = new float[2];
            Assert.Equal(0f, Losses.BinaryCrossEntropy([1f, 0f], [1f, 0f], gradients));
            Assert.Equal(100f, Losses.BinaryCrossEntropy([1f], [0f], gradients.AsSpan(0, 1)), 4);
            Assert.Equal(1f, gradients[0]);
        }

        [Fact]
        public void Binary_cross_entropy_gradient_matches_finite_differences_with_a_mask()
        {
            const int rows = 4, width = 3;
            var random = new Random(4);
            var logits = RandomValues(random, rows * width, 4);
            var targets = Enumerable.Range(0, rows * width).Select(_ => (float)random.NextDouble()).ToArray();
            float[] mask = [1f, 0f, 1f, 1f];
            var probabilities = logits.Select(z => (float)Sigmoid(z)).ToArray();
            var gradients = Enumerable.Repeat(5f, rows * width).ToArray();
            var loss = Losses.BinaryCrossEntropy(probabilities, targets, gradients, mask, width);

            double Loss(double[] z)
            {
                var total = 0.0;
                for (var i = 0; i < z.Length; i++)
                {
                    var p = Sigmoid(z[i]);
                    total += mask[i / width] * -((targets[i] * Math.Log(p)) + ((1 - targets[i]) * Math.Log(1 - p)));
                }

                return total / (3 * width);
            }

            Assert.Equal(Loss(logits), loss, 6);
            AssertMatchesFiniteDifferences(Loss, logits, gradients);
            Assert.All(gradients.Skip(width).Take(width), g => Assert.Equal(0f, g));

            // width inferred from the mask gives the same result.
            var inferred = new float[rows * width];
            Assert.Equal(loss, Losses.BinaryCrossEntropy(probabilities, targets, inferred, mask));
            Assert.Equal(gradients, inferred);
        }

        [Fact]
        public void Binary_cross_entropy_rejects_bad_arguments()
        {
            var g = new float[4];
            Assert.Equal("targets", Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropy(new float[4], new float[3], g)).ParamName);
            Assert.Equal("logitGradients", Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropy(new float[4], new float[4], new float[3])).ParamName);
            var target = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.BinaryCrossEntropy(new float[4], [0f, 1f, 1.5f, 0f], g));
            Assert.Contains("targets[2] = 1.5", target.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => Losses.BinaryCrossEntropy(new float[4], [0f, float.NaN, 0f, 0f], g));
            Losses.BinaryCrossEntropy(new float[4], [0f, 0f, 7f, -3f], g, rowMask: [1f, 0f]); // a padded row's targets are not checked
            var width = Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropy(new float[4], new float[4], g, rowMask: [1f, 1f], width: 3));
            Assert.Contains("2 × 3 = 6", width.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropy(new float[4], new float[4], g, rowMask: [1f, 1f, 1f]));
            Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropy(new float[4], new float[4], g, width: 3));
            Assert.Throws<ArgumentOutOfRangeException>(() => Losses.BinaryCrossEntropy(new float[4], new float[4], g, width: -1));
        }

        // ---- mean squared error ----------------------------------------------------------------------------

        [Theory]
        [InlineData(Activation.Linear, new float[] { 1f, 2f }, new float[] { 0f, 4f }, 2.5, new[] { 1.0, -2.0 })]     // (1 + 4) / 2; 2 (y - t) / 2
        [InlineData(Activation.Tanh, new float[] { 0.5f }, new float[] { 0f }, 0.25, new[] { 0.75 })]                // 2 × 0.5 × (1 - 0.25)
        [InlineData(Activation.Sigmoid, new float[] { 0.5f }, new float[] { 1f }, 0.25, new[] { -0.25 })]            // 2 × -0.5 × 0.25
        [InlineData(Activation.Relu, new float[] { 0f, 2f }, new float[] { 1f, 1f }, 1.0, new[] { 0.0, 1.0 })]       // a dead unit passes nothing
        public void Mean_squared_error_matches_hand_computed_values(Activation activation, float[] outputs, float[] targets, double expectedLoss, double[] expectedGradients)
        {
            var gradients = new float[outputs.Length];
            Assert.Equal(expectedLoss, Losses.MeanSquaredError(outputs, targets, activation, gradients), 6);
            AssertClose(expectedGradients, gradients);
        }

        [Theory]
        [InlineData(Activation.Linear)]
        [InlineData(Activation.Tanh)]
        [InlineData(Activation.Sigmoid)]
        [InlineData(Activation.Relu)]
        [InlineData(Activation.Softmax)]
        public void Mean_squared_error_gradient_matches_finite_differences_through_the_activation(Activation activation)
        {
            const int rows = 3, width = 4;
            var random = new Random(8 + (int)activation);
            var z = RandomValues(random, rows * width, 2);
            for (var i = 0; i < z.Length; i++)
            {
                if (Math.Abs(z[i]) < 0.1)
                {
                    z[i] += 0.2; // keep ReLU's kink out of the finite difference
                }
            }

            var targets = RandomValues(random, rows * width, 1).Select(v => (float)v).ToArray();
            float[] mask = [1f, 1f, 0f];
            var outputs = Activate(z, activation, width).Select(v => (float)v).ToArray();
            var gradients = new float[rows * width];
            var loss = Losses.MeanSquaredError(outputs, targets, activation, gradients, mask, width);

            double Loss(double[] pre)
            {
                var y = Activate(pre, activation, width);
                var total = 0.0;
                for (var i = 0; i < y.Length; i++)
                {
                    var d = y[i] - targets[i];
                    total += mask[i / width] * d * d;
                }

                return total / (2 * width);
            }

            Assert.Equal(Loss(z), loss, 6);
            AssertMatchesFiniteDifferences(Loss, z, gradients);
        }

        [Fact]
        public void Mean_squared_error_rejects_bad_arguments()
        {
            var g = new float[4];
            var softmax = Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(new float[4], new float[4], Activation.Softmax, g));
            Assert.Equal("width", softmax.ParamName);
            Assert.Throws<ArgumentOutOfRangeException>(() => Losses.MeanSquaredError(new float[4], new float[4], (Activation)99, g));
            Assert.Equal("targets", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(new float[4], new float[5], Activation.Linear, g)).ParamName);
            Assert.Equal("preActivationGradients", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(new float[4], new float[4], Activation.Linear, new float[2])).ParamName);
            Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(new float[4], new float[4], Activation.Linear, g, width: 3)).ParamName);
        }

        // ---- allocation ------------------------------------------------------------------------------------

        [Fact]
        public void Losses_allocate_nothing_after_warm_up()
        {
            const int rows = 8, width = 10;
            var p = Enumerable.Repeat(0.1f, rows * width).ToArray();
            var targets = Enumerable.Range(0, rows).Select(r => r % width).ToArray();
            var floatTargets = Enumerable.Repeat(0.5f, rows * width).ToArray();
            var mask = Enumerable.Repeat(1f, rows).ToArray();
            mask[3] = 0f;
            var g = new float[rows * width];

            void Run()
            {
                Losses.SoftmaxCrossEntropy(p, targets, width, g, mask);
                Losses.SoftmaxCrossEntropy(p, targets, width, g);
                Losses.BinaryCrossEntropy(p, floatTargets, g, mask, width);
                Losses.MeanSquaredError(p, floatTargets, Activation.Tanh, g, mask, width);
                Losses.MeanSquaredError(p, floatTargets, Activation.Softmax, g, default, width);
            }

            Assert.Equal(0, Allocations.SteadyState(() =>
            {
                for (var i = 0; i < 10; i++)
                {
                    Run();
                }
            }));
        }

        // ---- helpers ---------------------------------------------------------------------------------------

        private static double[] RandomValues(Random random, int count, double scale) =>
            Enumerable.Range(0, count).Select(_ => ((random.NextDouble() * 2) - 1) * scale).ToArray();

        private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

        private static void SoftmaxRows(double[] logits, int width, float[] destination)
        {
            var y = Activate(logits, Activation.Softmax, width);
            for (var i = 0; i < y.Length; i++)
            {
                destination[i] = (float)y[i];
            }
        }

        private static double[] Activate(double[] z, Activation activation, int width)
        {
            var y = new double[z.Length];
            for (var i = 0; i < z.Length; i++)
            {
                y[i] = activation switch
                {
                    Activation.Tanh => Math.Tanh(z[i]),
                    Activation.Sigmoid => Sigmoid(z[i]),
                    Activation.Relu => Math.Max(z[i], 0),
                    _ => z[i],
                };
            }

            if (activation == Activation.Softmax)
            {
                for (var r = 0; r < z.Length; r += width)
                {
                    var max = z.Skip(r).Take(width).Max();
                    var sum = z.Skip(r).Take(width).Sum(v => Math.Exp(v - max));
                    for (var i = r; i < r + width; i++)
                    {
                        y[i] = Math.Exp(z[i] - max) / sum;
                    }
                }
            }

            return y;
        }

        /// <summary>Central differences (h = 1e-5, in double) of <paramref name="loss"/> at <paramref name="point"/> against the analytic gradient.</summary>
        private static void AssertMatchesFiniteDifferences(Func<double[], double> loss, double[] point, float[] analytic)
        {
            const double h = 1e-5;
            Assert.Equal(point.Length, analytic.Length);
            var worst = 0.0;
            var largest = 0.0;
            for (var i = 0; i < point.Length; i++)
            {
                var shifted = (double[])point.Clone();
                shifted[i] = point[i] + h;
                var up = loss(shifted);
                shifted[i] = point[i] - h;
                var down = loss(shifted);
                var numeric = (up - down) / (2 * h);
                worst = Math.Max(worst, Math.Abs(numeric - analytic[i]));
                largest = Math.Max(largest, Math.Abs(numeric));
            }

            Assert.True(largest > 1e-3, "the check needs a gradient that is not ~0");
            Assert.True(worst <= GradientTolerance, $"analytic gradient differs from central differences by {worst:E3}.");
        }

        private static void AssertClose(double[] expected, float[] actual)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-6, $"[{i}]: expected {expected[i]}, got {actual[i]}.");
            }
        }
    }
}
