using System.Collections.Generic;
using System.Linq;
using System;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Training
{
    /// <summary>
    /// Optimiser updates against values worked out from PyTorch's formulas (by hand, or in double by the reference
    /// at the bottom for long random runs), state checkpoints, argument checks and allocation.
    /// </summary>
    public sealed class OptimizerTests
    {
        private const double Tolerance = 1e-6;

        /// <summary>Runs one parameter starting at 1 through the given gradients; returns the parameter after each step.</summary>
        private static float[] Run(Optimizer optimizer, params float[] gradients)
        {
            var parameter = new[] { 1f };
            var trace = new float[gradients.Length];
            for (var i = 0; i < gradients.Length; i++)
            {
                optimizer.Step(parameter, new[] { gradients[i] });
                trace[i] = parameter[0];
            }

            return trace;
        }

        private static void AssertTrace(double[] expected, float[] actual)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(actual[i] - expected[i]) <= Tolerance, $"step {i + 1}: expected {expected[i]:R}, got {actual[i]:R}.");
            }
        }

        [Fact]
        public void Sgd_subtracts_the_scaled_gradient()
        {
            // p = 1 - 0.1 × 1 = 0.9; 0.9 - 0.1 × 0.5 = 0.85; 0.85 + 0.1 = 0.95
            AssertTrace([0.9, 0.85, 0.95], Run(new Sgd(1, learningRate: 0.1f), 1f, 0.5f, -1f));
        }

        [Fact]
        public void Sgd_momentum_starts_the_velocity_at_the_first_gradient()
        {
            // v = 1, p = 0.9; v = 0.9 + 0.5 = 1.4, p = 0.76; v = 1.26 - 1 = 0.26, p = 0.734
            AssertTrace([0.9, 0.76, 0.734], Run(new Sgd(1, learningRate: 0.1f, momentum: 0.9f), 1f, 0.5f, -1f));
        }

        [Fact]
        public void Sgd_nesterov_steps_along_gradient_plus_momentum_times_velocity()
        {
            // v = 1, step 1 + 0.9 = 1.9, p = 0.81; v = 1.4, step 0.5 + 1.26 = 1.76, p = 0.634;
            // v = 0.26, step -1 + 0.234 = -0.766, p = 0.7106
            AssertTrace([0.81, 0.634, 0.7106], Run(new Sgd(1, learningRate: 0.1f, momentum: 0.9f, nesterov: true), 1f, 0.5f, -1f));
        }

        [Fact]
        public void Sgd_dampening_scales_new_gradients_after_the_first_step()
        {
            // v = 1 (undampened), p = 0.9; v = 0.9 + 0.5 × 0.5 = 1.15, p = 0.785
            AssertTrace([0.9, 0.785], Run(new Sgd(1, learningRate: 0.1f, momentum: 0.9f, dampening: 0.5f), 1f, 0.5f));
        }

        [Fact]
        public void Sgd_weight_decay_adds_decay_times_parameter_to_the_gradient()
        {
            // g = 1 + 0.1 × 1 = 1.1, p = 0.89; g = 1 + 0.089 = 1.089, p = 0.7811
            AssertTrace([0.89, 0.7811], Run(new Sgd(1, learningRate: 0.1f, weightDecay: 0.1f), 1f, 1f));

            // With momentum: v = 1.1, p = 0.89; v = 0.99 + 1.089 = 2.079, p = 0.6821
            AssertTrace([0.89, 0.6821], Run(new Sgd(1, learningRate: 0.1f, momentum: 0.9f, weightDecay: 0.1f), 1f, 1f));
        }

        [Fact]
        public void AdaGrad_divides_by_the_root_of_the_summed_squares()
        {
            // sum = 4, p = 1 - 0.1 × 2 / 2 = 0.9; sum = 5, p = 0.9 - 0.1 / √5; sum = 6, p += 0.1 / √6
            AssertTrace([0.9, 0.8552786404570042, 0.8961034695017238], Run(new AdaGrad(1, learningRate: 0.1f), 2f, 1f, -1f));
        }

        [Fact]
        public void AdaGrad_options_match_pytorch()
        {
            // lr_decay 0.5: step 2 uses 0.1 / 1.5
            AssertTrace([0.9, 0.8701857603063362], Run(new AdaGrad(1, learningRate: 0.1f, learningRateDecay: 0.5f), 2f, 1f));

            // initial_accumulator_value 1: sum = 5, p = 1 - 0.2 / √5
            AssertTrace([0.9105572809040084], Run(new AdaGrad(1, learningRate: 0.1f, initialAccumulatorValue: 1f), 2f));

            // weight decay 0.5: g = 2.5, sum = 6.25, p = 0.9; g = 1.45, sum = 8.3525
            AssertTrace([0.9, 0.8498281910284997], Run(new AdaGrad(1, learningRate: 0.1f, weightDecay: 0.5f), 2f, 1f));
        }

        [Fact]
        public void RmsProp_divides_by_the_root_of_the_running_mean_square()
        {
            // sq = 0.01, p = 1 - 0.01 × 1 / (0.1 + 1e-8); sq = 0.0099 + 0.04 = 0.0499; ...
            AssertTrace([0.9000000099999991, 0.8104677178008459, 0.8514978677402905], Run(new RmsProp(1, learningRate: 0.01f), 1f, 2f, -1f));
            AssertTrace([0.9000000090909083, 0.811412056054726], Run(new RmsProp(1, learningRate: 0.01f, weightDecay: 0.1f), 1f, 2f));
        }

        [Fact]
        public void RmsProp_centered_with_momentum_matches_pytorch()
        {
            // sq = 0.01, ḡ = 0.01, d = √0.0099, b = 1 / d, p = 1 - 0.01 b = 0.89950
            AssertTrace(
                [0.8994962285750879, 0.7186975700385774, 0.5971422637149626],
                Run(new RmsProp(1, learningRate: 0.01f, momentum: 0.9f, centered: true), 1f, 2f, -1f));
        }

        [Fact]
        public void Adam_corrects_the_bias_of_both_moments()
        {
            // Step 1: m̂ = g, v̂ = g², so p moves by lr exactly (the hallmark of bias correction: without it the
            // step would be 0.1 × 0.1 / √0.001 ≈ 0.32).
            // Step 2: m = 0.04, v = 0.001249, m̂ = 0.04 / 0.19, v̂ = 0.001249 / 0.001999, p = 0.9 - 0.1 m̂ / √v̂
            AssertTrace([0.900000001, 0.8733662973709032, 0.8393233830648466], Run(new Adam(1, learningRate: 0.1f), 1f, -0.5f, 0.25f));
        }

        [Fact]
        public void Adam_epsilon_matters_for_small_gradients()
        {
            AssertTrace([0.90000099999, 0.8000019999800009], Run(new Adam(1, learningRate: 0.1f), 1e-3f, 1e-3f));
        }

        [Fact]
        public void Adam_weight_decay_is_l2_in_the_gradient_and_AdamW_decoupled()
        {
            // L2: g = 1.1 then -0.5 + 0.09 = -0.41.
            AssertTrace([0.9000000009090909, 0.8632183547937828], Run(new Adam(1, learningRate: 0.1f, weightDecay: 0.1f), 1f, -0.5f));

            // AdamW: p = 1 × (1 - 0.01) - 0.1 = 0.89, then p × 0.99 - the plain Adam step.
            AssertTrace([0.890000001, 0.8544662973609032], Run(new Adam(1, learningRate: 0.1f, weightDecay: 0.1f, decoupledWeightDecay: true), 1f, -0.5f));
        }

        public static TheoryData<string> OptimizerNames => new(Factories.Keys);

        private static readonly Dictionary<string, Func<int, Optimizer>> Factories = new()
        {
            ["sgd"] = n => new Sgd(n, 0.05f),
            ["sgd-momentum-decay"] = n => new Sgd(n, 0.05f, momentum: 0.9f, dampening: 0.1f, weightDecay: 0.01f),
            ["sgd-nesterov"] = n => new Sgd(n, 0.05f, momentum: 0.8f, nesterov: true, weightDecay: 0.02f),
            ["adagrad"] = n => new AdaGrad(n, 0.05f, learningRateDecay: 0.01f, weightDecay: 0.01f, initialAccumulatorValue: 0.1f),
            ["rmsprop"] = n => new RmsProp(n, 0.01f, alpha: 0.9f, weightDecay: 0.01f),
            ["rmsprop-centered-momentum"] = n => new RmsProp(n, 0.01f, alpha: 0.9f, momentum: 0.5f, centered: true),
            ["adam"] = n => new Adam(n, 0.01f, weightDecay: 0.01f),
            ["adamw"] = n => new Adam(n, 0.01f, beta1: 0.8f, beta2: 0.99f, weightDecay: 0.1f, decoupledWeightDecay: true),
        };

        [Theory]
        [MemberData(nameof(OptimizerNames))]
        public void Every_element_of_a_long_buffer_follows_the_double_reference(string name)
        {
            // 1000 elements: every vector width's main loop and tail; 5 steps of random gradients.
            const int count = 1000;
            var optimizer = Factories[name](count);
            var reference = new Reference(name, count);
            var random = new Random(12);
            var parameters = Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
            var expected = parameters.Select(p => (double)p).ToArray();
            var gradients = new float[count];
            for (var step = 1; step <= 5; step++)
            {
                for (var i = 0; i < count; i++)
                {
                    gradients[i] = (float)((random.NextDouble() * 4) - 2);
                }

                optimizer.Step(parameters, gradients);
                reference.Step(expected, gradients, step);
            }

            var worst = 0.0;
            for (var i = 0; i < count; i++)
            {
                worst = Math.Max(worst, Math.Abs(parameters[i] - expected[i]));
            }

            Assert.True(worst <= 1e-5, $"{name}: max deviation from the double reference {worst:E3}.");
            Assert.Equal(5, optimizer.StepCount);
        }

        [Theory]
        [MemberData(nameof(OptimizerNames))]
        public void Restoring_saved_state_continues_exactly_where_training_left_off(string name)
        {
            const int count = 37;
            var random = new Random(3);
            var grads = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray()).ToArray();
            var start = Enumerable.Range(0, count).Select(i => (float)Math.Sin(i)).ToArray();

            var straight = Factories[name](count);
            var p1 = (float[])start.Clone();
            foreach (var g in grads)
            {
                straight.Step(p1, g);
            }

            var first = Factories[name](count);
            var p2 = (float[])start.Clone();
            first.Step(p2, grads[0]);
            first.Step(p2, grads[1]);
            var saved = first.State.ToDictionary(t => t.Name, t => t.Values.ToArray());
            var savedSteps = first.StepCount;

            var resumed = Factories[name](count);
            resumed.Restore(savedSteps, saved);
            resumed.Step(p2, grads[2]);
            resumed.Step(p2, grads[3]);

            Assert.Equal(p1, p2); // bit for bit
            Assert.Equal(4, resumed.StepCount);
        }

        [Fact]
        public void State_tensors_carry_pytorch_names_and_one_float_per_parameter()
        {
            Assert.Empty(new Sgd(3).State);
            Assert.Equal(["momentum_buffer"], new Sgd(3, momentum: 0.9f).State.Select(t => t.Name));
            Assert.Equal(["sum"], new AdaGrad(3).State.Select(t => t.Name));
            Assert.Equal(["square_avg", "momentum_buffer", "grad_avg"], new RmsProp(3, momentum: 0.5f, centered: true).State.Select(t => t.Name));
            var adam = new Adam(3);
            Assert.Equal(["exp_avg", "exp_avg_sq"], adam.State.Select(t => t.Name));
            Assert.All(adam.State, t => Assert.Equal(3, t.Length));

            // The tensors are live: a step shows up in them.
            adam.Step(new float[3], new[] { 1f, 2f, 3f });
            Assert.Equal(0.2f, adam.State[0].Values[1], 6);
        }

        [Fact]
        public void Reset_returns_to_the_initial_state()
        {
            var adagrad = new AdaGrad(2, initialAccumulatorValue: 0.5f);
            adagrad.Step(new float[2], new[] { 1f, 1f });
            Assert.Equal(1.5f, adagrad.State[0].Values[0]);
            adagrad.Reset();
            Assert.Equal(0, adagrad.StepCount);
            Assert.Equal([0.5f, 0.5f], adagrad.State[0].Values.ToArray());

            var sgd = new Sgd(1, 0.1f, momentum: 0.9f);
            var first = Run(sgd, 1f, 0.5f);
            sgd.Reset();
            Assert.Equal(first, Run(sgd, 1f, 0.5f));
        }

        [Fact]
        public void Restore_rejects_missing_unknown_or_mis_sized_tensors_before_writing()
        {
            var adam = new Adam(4);
            adam.Step(new float[4], new[] { 1f, 1f, 1f, 1f });
            var before = adam.State[0].Values.ToArray();

            var missing = Assert.Throws<ArgumentException>(() => adam.Restore(1, new Dictionary<string, float[]> { ["exp_avg"] = new float[4] }));
            Assert.Equal("savedState", missing.ParamName);
            Assert.Contains("exp_avg_sq", missing.Message, StringComparison.Ordinal);

            var wrongLength = Assert.Throws<ArgumentException>(() => adam.Restore(1, new Dictionary<string, float[]> { ["exp_avg"] = new float[4], ["exp_avg_sq"] = new float[5] }));
            Assert.Contains("length 4", wrongLength.Message, StringComparison.Ordinal);

            var unknown = Assert.Throws<ArgumentException>(() => adam.Restore(1, new Dictionary<string, float[]> { ["exp_avg"] = new float[4], ["exp_avg_sq"] = new float[4], ["sum"] = new float[4] }));
            Assert.Contains("'sum'", unknown.Message, StringComparison.Ordinal);

            Assert.Throws<ArgumentOutOfRangeException>(() => adam.Restore(-1, new Dictionary<string, float[]>()));
            Assert.Equal(before, adam.State[0].Values.ToArray());
            Assert.Equal(1, adam.StepCount);

            Assert.Throws<ArgumentException>(() => adam.State[0].CopyFrom(new float[3]));
            Assert.Throws<ArgumentException>(() => adam.State[0].CopyTo(new float[5]));
        }

        [Fact]
        public void Step_names_the_span_with_the_wrong_length_and_the_expected_length()
        {
            var sgd = new Sgd(5);
            var parameters = Assert.Throws<ArgumentException>(() => sgd.Step(new float[4], new float[5]));
            Assert.Equal("parameters", parameters.ParamName);
            Assert.Contains("length 5", parameters.Message, StringComparison.Ordinal);
            Assert.Contains("got 4", parameters.Message, StringComparison.Ordinal);

            var gradients = Assert.Throws<ArgumentException>(() => sgd.Step(new float[5], new float[6]));
            Assert.Equal("gradients", gradients.ParamName);
            Assert.Equal(0, sgd.StepCount); // a rejected step is not counted
        }

        [Fact]
        public void Bad_hyperparameters_are_rejected()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(1, learningRate: -0.1f));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(1, learningRate: float.NaN));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(1, momentum: -0.5f));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(1, weightDecay: -1f));
            Assert.Throws<ArgumentException>(() => new Sgd(1, nesterov: true));
            Assert.Throws<ArgumentException>(() => new Sgd(1, momentum: 0.9f, dampening: 0.1f, nesterov: true));
            Assert.Throws<ArgumentOutOfRangeException>(() => new AdaGrad(1, epsilon: -1e-10f));
            Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(1, alpha: 1f));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(1, beta1: 1f));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(1, beta2: -0.1f));

            var adam = new Adam(1);
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = -1e-3f);
            Assert.Contains(">= 0", error.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = float.PositiveInfinity);
            Assert.Throws<ArgumentOutOfRangeException>(() => adam.StepCount = -1);
            adam.LearningRate = 0.5f;
            Assert.Equal(0.5f, adam.LearningRate);
        }

        [Fact]
        public void A_learning_rate_change_takes_effect_on_the_next_step()
        {
            var sgd = new Sgd(1, learningRate: 0.1f);
            var parameter = new[] { 1f };
            sgd.Step(parameter, new[] { 1f });
            sgd.LearningRate = 0.5f;
            sgd.Step(parameter, new[] { 1f });
            Assert.Equal(0.4f, parameter[0], 6);
        }

        [Theory]
        [MemberData(nameof(OptimizerNames))]
        public void Step_allocates_nothing_after_warm_up(string name)
        {
            const int count = 333;
            var optimizer = Factories[name](count);
            var parameters = new float[count];
            var gradients = Enumerable.Range(0, count).Select(i => (float)Math.Cos(i)).ToArray();
            Assert.Equal(0, Allocations.SteadyState(() =>
            {
                for (var i = 0; i < 20; i++)
                {
                    optimizer.Step(parameters, gradients);
                }
            }));
        }

        /// <summary>PyTorch's update rules written out per element in double, for the configurations in <see cref="Factories"/>.</summary>
        private sealed class Reference(string name, int count)
        {
            private readonly double[] a = new double[count];
            private readonly double[] b = new double[count];
            private readonly double[] c = new double[count];
            private bool initialised;

            public void Step(double[] p, float[] gradients, int t)
            {
                if (!initialised && name == "adagrad")
                {
                    Array.Fill(a, 0.1f);
                }

                initialised = true;
                for (var i = 0; i < p.Length; i++)
                {
                    double g = gradients[i];
                    switch (name)
                    {
                        case "sgd":
                            p[i] -= 0.05f * g;
                            break;
                        case "sgd-momentum-decay":
                            g += 0.01f * p[i];
                            a[i] = t == 1 ? g : (0.9f * a[i]) + ((1 - 0.1f) * g);
                            p[i] -= 0.05f * a[i];
                            break;
                        case "sgd-nesterov":
                            g += 0.02f * p[i];
                            a[i] = t == 1 ? g : (0.8f * a[i]) + g;
                            p[i] -= 0.05f * (g + (0.8f * a[i]));
                            break;
                        case "adagrad":
                            g += 0.01f * p[i];
                            a[i] += g * g;
                            p[i] -= 0.05f / (1 + ((t - 1) * 0.01f)) * g / (Math.Sqrt(a[i]) + 1e-10f);
                            break;
                        case "rmsprop":
                            g += 0.01f * p[i];
                            a[i] = (0.9f * a[i]) + ((1 - 0.9f) * g * g);
                            p[i] -= 0.01f * g / (Math.Sqrt(a[i]) + 1e-8f);
                            break;
                        case "rmsprop-centered-momentum":
                            a[i] = (0.9f * a[i]) + ((1 - 0.9f) * g * g);
                            c[i] = (0.9f * c[i]) + ((1 - 0.9f) * g);
                            b[i] = (0.5f * b[i]) + (g / (Math.Sqrt(a[i] - (c[i] * c[i])) + 1e-8f));
                            p[i] -= 0.01f * b[i];
                            break;
                        case "adam":
                            g += 0.01f * p[i];
                            AdamUpdate(p, i, g, t, 0.9f, 0.999f);
                            break;
                        case "adamw":
                            p[i] *= 1 - (0.01f * 0.1f);
                            AdamUpdate(p, i, g, t, 0.8f, 0.99f);
                            break;
                        default:
                            throw new InvalidOperationException(name);
                    }
                }
            }

            private void AdamUpdate(double[] p, int i, double g, int t, double beta1, double beta2)
            {
                a[i] = (beta1 * a[i]) + ((1 - beta1) * g);
                b[i] = (beta2 * b[i]) + ((1 - beta2) * g * g);
                var mHat = a[i] / (1 - Math.Pow(beta1, t));
                var vHat = b[i] / (1 - Math.Pow(beta2, t));
                p[i] -= 0.01f * mHat / (Math.Sqrt(vHat) + 1e-8f);
            }
        }
    }
}
