using System;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Training
{
    /// <summary>Learning-rate schedules at chosen steps, and applying them to an optimizer.</summary>
    public sealed class ScheduleTests
    {
        [Fact]
        public void Constant_is_the_same_at_every_step()
        {
            var schedule = new ConstantSchedule(0.1f);
            Assert.Equal(0.1f, schedule.LearningRateAt(0));
            Assert.Equal(0.1f, schedule.LearningRateAt(1_000_000));
        }

        [Theory]
        [InlineData(0, 1.0)]
        [InlineData(9, 1.0)]
        [InlineData(10, 0.5)]
        [InlineData(19, 0.5)]
        [InlineData(25, 0.25)]
        [InlineData(100, 0.0009765625)]
        public void Step_decay_multiplies_by_gamma_every_step_size_steps(long step, double expected)
        {
            Assert.Equal(expected, new StepDecaySchedule(1f, 10, 0.5f).LearningRateAt(step), 7);
        }

        [Theory]
        [InlineData(0, 2.0)]
        [InlineData(1, 1.0)]
        [InlineData(3, 0.25)]
        public void Exponential_multiplies_by_gamma_every_step(long step, double expected)
        {
            Assert.Equal(expected, new ExponentialSchedule(2f, 0.5f).LearningRateAt(step), 7);
        }

        [Fact]
        public void Exponential_stays_finite_and_non_negative_for_long_runs()
        {
            Assert.Equal(0f, new ExponentialSchedule(1f, 0.5f).LearningRateAt(10_000));
            Assert.Equal(float.MaxValue, new ExponentialSchedule(1f, 2f).LearningRateAt(10_000));
        }

        [Theory]
        [InlineData(0, 1.0)]
        [InlineData(25, 0.8681980515339464)] // 0.1 + 0.45 (1 + cos(π/4))
        [InlineData(50, 0.55)]
        [InlineData(75, 0.2318019484660536)]
        [InlineData(100, 0.1)]
        [InlineData(150, 0.1)]
        public void Cosine_anneals_to_the_minimum_and_stays_there(long step, double expected)
        {
            Assert.Equal(expected, new CosineAnnealingSchedule(1f, 100, 0.1f).LearningRateAt(step), 6);
        }

        [Theory]
        [InlineData(0, 0.0)]
        [InlineData(5, 0.5)]
        [InlineData(9, 0.9)]
        [InlineData(10, 1.0)]   // the cosine's step 0
        [InlineData(60, 0.55)]  // the cosine's step 50
        [InlineData(110, 0.1)]
        public void Warmup_rises_linearly_then_hands_over_to_the_schedule(long step, double expected)
        {
            var schedule = new CosineAnnealingSchedule(1f, 100, 0.1f).WithLinearWarmup(10);
            Assert.Equal(expected, schedule.LearningRateAt(step), 6);
        }

        [Fact]
        public void Warmup_start_factor_sets_the_first_rate()
        {
            var schedule = new LinearWarmupSchedule(new ConstantSchedule(2f), 10, startFactor: 0.1f);
            Assert.Equal(0.2f, schedule.LearningRateAt(0), 6);
            Assert.Equal(1.1f, schedule.LearningRateAt(5), 6); // 2 × (0.1 + 0.9 × 0.5)
            Assert.Equal(2f, schedule.LearningRateAt(10), 6);
        }

        [Fact]
        public void Apply_sets_the_rate_for_the_optimizers_next_step()
        {
            var schedule = new StepDecaySchedule(1f, 2, 0.1f);
            var sgd = new Sgd(1, learningRate: 123f);
            var parameter = new[] { 0f };
            var rates = new float[5];
            for (var i = 0; i < rates.Length; i++)
            {
                rates[i] = schedule.Apply(sgd);
                Assert.Equal(rates[i], sgd.LearningRate);
                sgd.Step(parameter, new[] { -1f });
            }

            Assert.Equal(new[] { 1f, 1f, 0.1f, 0.1f, 0.01f }, rates, (x, y) => Math.Abs(x - y) < 1e-7f);
            Assert.Equal(2.21f, parameter[0], 6); // the sum of the rates, with gradient -1
        }

        [Fact]
        public void Bad_arguments_are_rejected()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(1f).LearningRateAt(-1));
            Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(-1f));
            Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(float.NaN));
            Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecaySchedule(1f, 0, 0.5f));
            Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecaySchedule(1f, 10, 0f));
            Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialSchedule(1f, -0.5f));
            Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingSchedule(1f, 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingSchedule(1f, 10, -0.1f));
            Assert.Throws<ArgumentNullException>(() => new LinearWarmupSchedule(null!, 10));
            Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(1f).WithLinearWarmup(0));
            Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(1f).WithLinearWarmup(10, 1.5f));
            Assert.Throws<ArgumentNullException>(() => new ConstantSchedule(1f).Apply(null!));
        }
    }
}
