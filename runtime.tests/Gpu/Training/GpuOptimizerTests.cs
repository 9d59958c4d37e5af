using System;
using RnnGen.Runtime.Tests.Gpu.Interpreter;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Gpu.Training
{
    /// <summary>
    /// Each optimiser on the device against the same CPU optimiser, several steps on the same parameters and
    /// gradients with the learning rate changed between steps (as a schedule does): parameters, every state tensor
    /// and the step count bit-identical. The kernels do the CPU rule's correctly rounded operations in the CPU's
    /// order, and the step's scalars are computed on the host as the CPU rule computes them.
    /// </summary>
    public sealed class GpuOptimizerTests
    {
        public static TheoryData<string> Optimizers() => new()
        {
            "adam", "adam-l2", "adamw", "sgd", "sgd-momentum", "sgd-nesterov", "rmsprop", "rmsprop-centered-momentum", "adagrad",
        };

        internal static Optimizer Create(string name, int count) => name switch
        {
            "adam" => new Adam(count, learningRate: 3e-3f),
            "adam-l2" => new Adam(count, learningRate: 2e-3f, beta1: 0.8f, beta2: 0.99f, epsilon: 1e-6f, weightDecay: 0.05f),
            "adamw" => new Adam(count, learningRate: 2e-3f, weightDecay: 0.1f, decoupledWeightDecay: true),
            "sgd" => new Sgd(count, learningRate: 0.05f),
            "sgd-momentum" => new Sgd(count, learningRate: 0.05f, momentum: 0.9f, dampening: 0.1f, weightDecay: 0.01f),
            "sgd-nesterov" => new Sgd(count, learningRate: 0.05f, momentum: 0.8f, nesterov: true),
            "rmsprop" => new RmsProp(count, learningRate: 1e-2f),
            "rmsprop-centered-momentum" => new RmsProp(count, learningRate: 5e-3f, alpha: 0.9f, epsilon: 1e-6f, weightDecay: 0.02f, momentum: 0.7f, centered: true),
            "adagrad" => new AdaGrad(count, learningRate: 0.1f, learningRateDecay: 0.01f, weightDecay: 0.01f, initialAccumulatorValue: 0.1f),
            _ => throw new ArgumentException(name, nameof(name)),
        };

        [Theory]
        [MemberData(nameof(Optimizers))]
        public void Steps_on_the_device_are_bit_identical_to_the_CPU_optimiser(string name)
        {
            const int count = GpuEmbeddingLstm.PackedParameterLength;
            using var device = new PtxInterpreterDevice(31);
            var model = new GpuEmbeddingLstm();
            model.InitializeParameters(new Random(2));
            using var gpu = model.ToCuda(device);
            var parameters = new float[count];
            gpu.DownloadParameters(parameters); // the device's copy, padding lanes cleared: both sides start equal
            var cpu = Create(name, count);
            using var onDevice = gpu.Training.CreateOptimizer(Create(name, count));
            var lcg = new Lcg(32);
            for (var step = 1; step <= 4; step++)
            {
                var gradients = lcg.Uniform(count, step == 3 ? 4f : 0.5f);
                gradients[step] = 0f;
                cpu.LearningRate *= 0.9f;
                onDevice.Host.LearningRate = cpu.LearningRate;
                cpu.Step(parameters, gradients);
                gpu.Training.UploadGradients(gradients);
                onDevice.Step();
            }

            var actual = new float[count];
            gpu.DownloadParameters(actual);
            TrainingAsserts.Identical(parameters, actual, name + " parameters");
            onDevice.DownloadState();
            Assert.Equal(cpu.StepCount, onDevice.Host.StepCount);
            Assert.Equal(cpu.State.Count, onDevice.Host.State.Count);
            for (var s = 0; s < cpu.State.Count; s++)
            {
                Assert.Equal(cpu.State[s].Name, onDevice.Host.State[s].Name);
                TrainingAsserts.Identical(cpu.State[s].Values, onDevice.Host.State[s].Values, name + " " + cpu.State[s].Name);
            }

            Assert.Contains(actual, p => p != 0f);
        }

        [Fact]
        public void A_guarded_step_with_a_non_finite_norm_writes_nothing_and_does_not_count()
        {
            const int count = GpuEmbeddingLstm.PackedParameterLength;
            using var device = new PtxInterpreterDevice(33);
            var model = new GpuEmbeddingLstm();
            model.InitializeParameters(new Random(3));
            using var gpu = model.ToCuda(device);
            using var adam = gpu.Training.CreateOptimizer(new Adam(count));
            var before = new float[count];
            gpu.DownloadParameters(before);
            var gradients = new Lcg(34).Uniform(count, 1f);
            gradients[count / 2] = float.PositiveInfinity;
            gpu.Training.UploadGradients(gradients);
            Assert.False(adam.TryStep(1f, out var norm));
            Assert.Equal(float.PositiveInfinity, norm);
            Assert.Equal(0, adam.Host.StepCount);
            var after = new float[count];
            gpu.DownloadParameters(after);
            TrainingAsserts.Identical(before, after, "parameters after a skipped step");
            adam.DownloadState();
            Assert.All(adam.Host.State[0].Values.ToArray(), m => Assert.Equal(0f, m));

            // A finite step afterwards is the CPU's first step, clipped as the CPU trainer clips it.
            gradients[count / 2] = 0.25f;
            gpu.Training.UploadGradients(gradients);
            Assert.True(adam.TryStep(1f, out var finite));
            var cpu = new Adam(count);
            var cpuNorm = GradientClipping.ClipByGlobalNorm(gradients, 1f);
            cpu.Step(before, gradients);
            TrainingAsserts.Close(cpuNorm, finite, 1e-5, "norm");
            gpu.DownloadParameters(after);
            TrainingAsserts.Close(before, after, 1e-6, "parameters after the clipped step", floor: 1e-3);
            Assert.Equal(1, adam.Host.StepCount);
        }
    }
}
