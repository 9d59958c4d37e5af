using System;
using System.IO;
using System.Linq;
using System.Threading;
using RnnGen.Gpu;
using RnnGen.Runtime.Tests.Gpu.Interpreter;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Runtime.Tests.Gpu.Training
{
    /// <summary>
    /// A whole training step on the device (Forward, ComputeLoss, the device Backward reading dL/dz where the loss wrote
    /// it and writing the gradients the optimiser reads, clipping at 5, Adam) against the CPU's (Forward, the loss,
    /// Backward, ClipByGlobalNorm, Adam) from the same weights, and the <see cref="Trainer{TInput}"/> driving either.
    /// Parameters within 1e-4 of each PyTorch tensor's largest |value|, losses and norms within 1e-5 relative.
    /// </summary>
    public sealed class GpuTrainingStepTests(ITestOutputHelper output)
    {
        private const double ParameterTolerance = 1e-4;
        private const double LossTolerance = 1e-5;

        [Fact]
        public void The_device_backward_writes_the_buffer_the_optimiser_reads_and_reads_what_the_loss_wrote()
        {
            using var device = new PtxInterpreterDevice(3);
            var model = new GpuEmbeddingLstm();
            model.InitializeParameters(new Random(5));
            using var gpu = model.ToCuda(device);
            Assert.Same(gpu.GradientBuffer, gpu.Training.Gradients);

            // Backward() before any loss: the output gradients are not this Forward's.
            var batch = TokenBatch(model, new Lcg(8));
            gpu.Forward(batch.InputSpan, batch.LengthSpan, new float[batch.OutputLength], batch.BatchSize);
            var error = Assert.Throws<InvalidOperationException>(() => gpu.Backward());
            Assert.Contains("ComputeLoss", error.Message, StringComparison.Ordinal);

            // Backward() after the loss equals Backward(span) with the CPU's dL/dz for the same batch.
            gpu.Training.ComputeLoss(TrainingLoss.SoftmaxCrossEntropy, batch);
            gpu.ClearGradients();
            gpu.Backward();
            var onDevice = new float[GpuEmbeddingLstm.PackedParameterLength];
            gpu.Training.DownloadGradients(onDevice);

            var outputs = new float[batch.OutputLength];
            var dz = new float[batch.OutputLength];
            model.Forward(batch.InputSpan, batch.LengthSpan, outputs, batch.BatchSize);
            TrainingLoss.SoftmaxCrossEntropy.Compute<int>(outputs, batch, dz, new float[batch.OutputRows]);
            var expected = new float[GpuEmbeddingLstm.PackedParameterLength];
            model.Backward(dz, expected);
            Report("GpuEmbeddingLstm Backward()", AssertTensors(model, expected, onDevice, "gradients"));

            // One Backward per Forward, as with a span; and a new Forward needs its own loss first.
            Assert.Throws<InvalidOperationException>(() => gpu.Backward());
            gpu.Forward(batch.InputSpan, batch.LengthSpan, new float[batch.OutputLength], batch.BatchSize);
            Assert.Equal(0, gpu.Training.LossRows);
            Assert.Contains("ComputeLoss", Assert.Throws<InvalidOperationException>(() => gpu.Backward()).Message, StringComparison.Ordinal);
            gpu.Training.ComputeLoss(TrainingLoss.SoftmaxCrossEntropy, batch);
            gpu.Backward();
        }

        [Fact]
        public void Three_device_steps_of_a_token_lstm_with_softmax_cross_entropy_match_the_CPU() =>
            AssertStepsMatch(new GpuEmbeddingLstm(), (m, d) => m.ToCuda(d), TrainingLoss.SoftmaxCrossEntropy, TokenBatch);

        [Fact]
        public void Three_device_steps_of_a_float_gru_with_mean_squared_error_match_the_CPU() =>
            AssertStepsMatch(new GpuGruResetAfter(), (m, d) => m.ToCuda(d), TrainingLoss.MeanSquaredError(Activation.Sigmoid), FloatBatch);

        [Fact]
        public void Three_device_steps_of_a_bidirectional_stack_with_mean_squared_error_match_the_CPU() =>
            AssertStepsMatch(new GpuBidirectionalMultiplyAverage(), (m, d) => m.ToCuda(d), TrainingLoss.MeanSquaredError(Activation.Tanh), FloatBatch);

        [Fact]
        public void The_trainer_on_the_device_matches_the_trainer_on_the_CPU()
        {
            var cpu = new GpuEmbeddingLstm();
            cpu.InitializeParameters(new Random(11));
            var onGpu = new GpuEmbeddingLstm();
            cpu.PackedParameters.CopyTo(onGpu.PackedParameters);
            using var device = new PtxInterpreterDevice(12);
            using var gpu = onGpu.ToCuda(device);
            var options = new TrainerOptions(Steps: 4) { ClipNorm = 5f, ValidateEvery = 2, ValidationBatches = 1, ReportEvery = 1 };
            var cpuReports = new Reports();
            var gpuReports = new Reports();
            var cpuResult = new Trainer<int>(cpu, new Adam(GpuEmbeddingLstm.PackedParameterLength, learningRate: 3e-3f), options).Run(new FixedData(21), new FixedData(22), cpuReports);
            var gpuResult = new Trainer<int>(onGpu, gpu, new Adam(GpuEmbeddingLstm.PackedParameterLength, learningRate: 3e-3f), options).Run(new FixedData(21), new FixedData(22), gpuReports);

            Assert.Equal(TrainingStopReason.Completed, gpuResult.Reason);
            Assert.Equal(cpuResult.StepsTaken, gpuResult.StepsTaken);
            Assert.Equal(4, gpuResult.StepsTaken);
            Assert.Equal(cpuReports.Items.Length, gpuReports.Items.Length);
            for (var i = 0; i < cpuReports.Items.Length; i++)
            {
                var (c, g) = (cpuReports.Items[i], gpuReports.Items[i]);
                Assert.Equal(c.Kind, g.Kind);
                Assert.Equal(c.Step, g.Step);
                AssertClose(c.Loss, g.Loss, LossTolerance, $"report {i} loss");
                AssertClose(c.ValidationLoss, g.ValidationLoss, LossTolerance, $"report {i} validation loss");
                AssertClose(c.GradientNorm, g.GradientNorm, LossTolerance, $"report {i} norm");
            }

            // Run copied the device's parameters back into the CPU twin.
            Report("Trainer GPU vs CPU, 4 steps", AssertTensors(cpu, cpu.PackedParameters.ToArray(), onGpu.PackedParameters.ToArray(), "parameters"));
        }

        [Fact]
        public void The_trainer_with_dropout_on_the_device_matches_the_trainer_on_the_CPU()
        {
            // Both models start from the same dropout stream (ToCuda takes the CPU model's), so every step drops the same units.
            var cpu = new GpuDropoutEmbedding();
            cpu.InitializeParameters(new Random(13));
            var onGpu = new GpuDropoutEmbedding();
            cpu.PackedParameters.CopyTo(onGpu.PackedParameters);
            using var device = new PtxInterpreterDevice(14);
            using var gpu = onGpu.ToCuda(device);
            var options = new TrainerOptions(Steps: 4) { ClipNorm = 5f, ValidateEvery = 2, ValidationBatches = 1, ReportEvery = 1 };
            var cpuReports = new Reports();
            var gpuReports = new Reports();
            new Trainer<int>(cpu, new Adam(GpuDropoutEmbedding.PackedParameterLength, learningRate: 3e-3f), options).Run(new FixedData(23, 5, 13), new FixedData(24, 5, 13), cpuReports);
            new Trainer<int>(onGpu, gpu, new Adam(GpuDropoutEmbedding.PackedParameterLength, learningRate: 3e-3f), options).Run(new FixedData(23, 5, 13), new FixedData(24, 5, 13), gpuReports);

            Assert.Equal(cpuReports.Items.Length, gpuReports.Items.Length);
            for (var i = 0; i < cpuReports.Items.Length; i++)
            {
                var (c, g) = (cpuReports.Items[i], gpuReports.Items[i]);
                AssertClose(c.Loss, g.Loss, LossTolerance, $"report {i} loss");
                AssertClose(c.ValidationLoss, g.ValidationLoss, LossTolerance, $"report {i} validation loss");
                AssertClose(c.GradientNorm, g.GradientNorm, LossTolerance, $"report {i} norm");
            }

            Report("Trainer with dropout GPU vs CPU, 4 steps", AssertTensors(cpu, cpu.PackedParameters.ToArray(), onGpu.PackedParameters.ToArray(), "parameters"));

            // The check has teeth: without the device's dropout the run differs.
            var plain = new GpuDropoutEmbedding();
            plain.InitializeParameters(new Random(13));
            var plainReports = new Reports();
            using (var plainGpu = plain.ToCuda(device))
            {
                new Trainer<int>(plain, new NoDropout(plainGpu), new Adam(GpuDropoutEmbedding.PackedParameterLength, learningRate: 3e-3f), options).Run(new FixedData(23, 5, 13), new FixedData(24, 5, 13), plainReports);
            }

            Assert.True(Math.Abs(plainReports.Items[0].Loss - cpuReports.Items[0].Loss) > LossTolerance, "a step without dropout gave the same loss");
        }

        /// <summary>A device model whose dropout switch is stuck off: what the trainer would do without it.</summary>
        private sealed class NoDropout(RnnGen.Gpu.ICudaTrainable<int> inner) : RnnGen.Gpu.ICudaTrainable<int>
        {
            public RnnGen.Gpu.CudaTraining Training => inner.Training;

            public bool ApplyDropout
            {
                get => false;
                set { }
            }

            public void Forward(ReadOnlySpan<int> inputs, ReadOnlySpan<int> lengths, Span<float> outputs, int batchSize, bool continueState) => inner.Forward(inputs, lengths, outputs, batchSize, continueState);

            public void ClearGradients() => inner.ClearGradients();

            public void Backward() => inner.Backward();

            public void UpdateParameters(ReadOnlySpan<float> packed) => inner.UpdateParameters(packed);

            public void DownloadParameters(Span<float> packed) => inner.DownloadParameters(packed);

            public void Dispose() => inner.Dispose();
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void A_checkpoint_from_either_side_resumes_on_the_other(bool firstOnGpu)
        {
            var path = Path.Combine(Path.GetTempPath(), "rnngen-gpu-trainer-" + Guid.NewGuid().ToString("N") + ".safetensors");
            try
            {
                var reference = new GpuEmbeddingLstm();
                reference.InitializeParameters(new Random(13));
                var start = reference.PackedParameters.ToArray();
                new Trainer<int>(reference, NewAdam(), new TrainerOptions(Steps: 4)).Run(new FixedData(31));

                // Two steps on one side, saved; two more on the other, resumed from the file.
                var first = new GpuEmbeddingLstm();
                start.CopyTo(first.PackedParameters);
                var second = new GpuEmbeddingLstm();
                using var device = new PtxInterpreterDevice(14);
                using var gpu = (firstOnGpu ? first : second).ToCuda(device);
                var save = new TrainerOptions(Steps: 2) { CheckpointPath = path, CheckpointEvery = 2 };
                var resume = new TrainerOptions(Steps: 4) { CheckpointPath = path, Resume = true };
                var firstRun = firstOnGpu ? new Trainer<int>(first, gpu, NewAdam(), save) : new Trainer<int>(first, NewAdam(), save);
                Assert.Equal(2, firstRun.Run(new FixedData(31)).StepsTaken);
                var secondRun = firstOnGpu ? new Trainer<int>(second, NewAdam(), resume) : new Trainer<int>(second, gpu, NewAdam(), resume);
                var result = secondRun.Run(new FixedData(33)); // batches 3 and 4 of the uninterrupted run
                Assert.Equal(2, result.StepsTaken);
                Assert.Equal(4, result.FinalStep);
                Report($"resume {(firstOnGpu ? "GPU -> CPU" : "CPU -> GPU")}", AssertTensors(reference, reference.PackedParameters.ToArray(), second.PackedParameters.ToArray(), "parameters"));
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void Cancellation_and_a_bad_batch_behave_as_on_the_CPU()
        {
            var cpu = new GpuGruResetAfter();
            cpu.InitializeParameters(new Random(17));
            var onGpu = new GpuGruResetAfter();
            cpu.PackedParameters.CopyTo(onGpu.PackedParameters);
            using var device = new PtxInterpreterDevice(18);
            using var gpu = onGpu.ToCuda(device);
            var before = onGpu.PackedParameters.ToArray();

            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            var stopped = new Trainer<float>(onGpu, gpu, new Adam(GpuGruResetAfter.PackedParameterLength), new TrainerOptions(Steps: 3)).Run(new NaNData(-1), cancellation: cancelled.Token);
            Assert.Equal(TrainingStopReason.Cancelled, stopped.Reason);
            Assert.Equal(0, stopped.StepsTaken);
            Assert.Equal(before, onGpu.PackedParameters.ToArray());

            // The second batch has a NaN input: skipped on both sides, the weights stay those of the last finite step.
            var options = new TrainerOptions(Steps: 3) { ClipNorm = 5f };
            var cpuResult = new Trainer<float>(cpu, new Adam(GpuGruResetAfter.PackedParameterLength, learningRate: 1e-2f), options).Run(new NaNData(1));
            var gpuResult = new Trainer<float>(onGpu, gpu, new Adam(GpuGruResetAfter.PackedParameterLength, learningRate: 1e-2f), options).Run(new NaNData(1));
            Assert.Equal(1, cpuResult.SkippedSteps);
            Assert.Equal(cpuResult.SkippedSteps, gpuResult.SkippedSteps);
            Assert.Equal(cpuResult.StepsTaken, gpuResult.StepsTaken);
            Report("NaN batch skipped", AssertTensors(cpu, cpu.PackedParameters.ToArray(), onGpu.PackedParameters.ToArray(), "parameters"));

            // Every batch bad: the divergence guard stops both.
            var diverged = new Trainer<float>(onGpu, gpu, new Adam(GpuGruResetAfter.PackedParameterLength), new TrainerOptions(Steps: 3) { MaxConsecutiveSkips = 2 }).Run(new NaNData(-2));
            Assert.Equal(TrainingStopReason.Diverged, diverged.Reason);
        }

        private static Adam NewAdam() => new(GpuEmbeddingLstm.PackedParameterLength, learningRate: 3e-3f);

        private void AssertStepsMatch<TModel, TInput>(TModel cpu, Func<TModel, GpuDevice, ICudaTrainable<TInput>> toCuda, TrainingLoss loss, Func<TModel, Lcg, TrainingBatch<TInput>> makeBatch)
            where TModel : IRecurrentNetwork<TInput>
            where TInput : unmanaged
        {
            cpu.InitializeParameters(new Random(7));
            using var device = new PtxInterpreterDevice(9);
            using var gpu = toCuda(cpu, device); // the same initial weights
            var count = cpu.PackedParameters.Length;
            var cpuAdam = new Adam(count, learningRate: 1e-2f);
            using var gpuAdam = gpu.Training.CreateOptimizer(new Adam(count, learningRate: 1e-2f));
            var lcg = new Lcg(41);
            var worstLoss = 0.0;
            for (var step = 0; step < 3; step++)
            {
                var batch = makeBatch(cpu, lcg);
                var outputs = new float[batch.OutputLength];
                var dz = new float[batch.OutputLength];
                var gradients = new float[count];
                cpu.Forward(batch.InputSpan, batch.LengthSpan, outputs, batch.BatchSize);
                var cpuLoss = loss.Compute<TInput>(outputs, batch, dz, new float[batch.OutputRows]);
                cpu.Backward(dz, gradients);
                var cpuNorm = GradientClipping.ClipByGlobalNorm(gradients, 5f);
                cpuAdam.Step(cpu.PackedParameters, gradients);

                gpu.Forward(batch.InputSpan, batch.LengthSpan, new float[batch.OutputLength], batch.BatchSize, false);
                gpu.Training.ComputeLoss(loss, batch);
                gpu.ClearGradients();
                gpu.Backward();
                Assert.True(gpuAdam.TryStep(5f, out var gpuNorm));
                var gpuLoss = gpu.Training.ReadLoss();

                worstLoss = Math.Max(worstLoss, Math.Abs(cpuLoss - gpuLoss) / Math.Abs(cpuLoss));
                AssertClose(cpuLoss, gpuLoss, LossTolerance, $"{typeof(TModel).Name} step {step} loss");
                AssertClose(cpuNorm, gpuNorm, LossTolerance, $"{typeof(TModel).Name} step {step} norm");
            }

            Assert.Equal(3, cpuAdam.StepCount);
            Assert.Equal(3, gpuAdam.Host.StepCount);
            var actual = new float[count];
            gpu.DownloadParameters(actual);
            var worst = AssertTensors(cpu, cpu.PackedParameters.ToArray(), actual, "parameters");
            Report($"{typeof(TModel).Name} 3 steps", worst);
            output.WriteLine($"  worst loss difference {worstLoss:E2} relative");
        }

        private static TrainingBatch<int> TokenBatch<TModel>(TModel model, Lcg lcg)
            where TModel : IRecurrentNetwork<int>
        {
            var batch = new TrainingBatch<int>(model.Description) { Steps = 6, BatchSize = 3, HasLengths = true };
            lcg.Tokens(18, 23).CopyTo(batch.Inputs, 0);
            lcg.Tokens(18, 23).CopyTo(batch.TokenTargets, 0);
            new[] { 6, 4, 5 }.CopyTo(batch.Lengths, 0);
            batch.Validate();
            return batch;
        }

        private static TrainingBatch<float> FloatBatch<TModel>(TModel model, Lcg lcg)
            where TModel : IRecurrentNetwork<float>
        {
            var d = model.Description;
            var batch = new TrainingBatch<float>(d) { Steps = d.MaxSequenceLength, BatchSize = d.MaxBatchSize };
            lcg.Uniform(batch.Steps * batch.BatchSize * d.InputSize, 1f).CopyTo(batch.Inputs, 0);
            var targets = lcg.Uniform(batch.OutputLength, 0.45f); // in (-0.45, 0.45): inside Tanh's range; +0.5 for Sigmoid
            for (var i = 0; i < targets.Length; i++)
            {
                batch.Targets[i] = targets[i] + 0.5f;
            }

            batch.Validate();
            return batch;
        }

        /// <summary>Every PyTorch tensor within <see cref="ParameterTolerance"/> of its largest |value|; returns the worst ratio.</summary>
        private static double AssertTensors(IRecurrentNetwork model, float[] expected, float[] actual, string what)
        {
            var worst = 0.0;
            foreach (var tensor in model.PyTorchTensors)
            {
                var e = new float[tensor.Length];
                var a = new float[tensor.Length];
                model.ExportPyTorchGradient(tensor.Name, expected, e);
                model.ExportPyTorchGradient(tensor.Name, actual, a);
                var scale = e.Max(v => Math.Abs((double)v));
                Assert.True(scale > 0, $"{what} {tensor.Name} is all zeros: the comparison would prove nothing");
                var error = e.Zip(a, (x, y) => Math.Abs((double)x - y)).Max() / scale;
                Assert.True(error <= ParameterTolerance, $"{what} {tensor.Name}: worst difference {error:E2} of its largest |value| (tolerance {ParameterTolerance:E0})");
                worst = Math.Max(worst, error);
            }

            return worst;
        }

        private static void AssertClose(double expected, double actual, double tolerance, string what)
        {
            if (double.IsNaN(expected))
            {
                Assert.True(double.IsNaN(actual), $"{what}: CPU NaN, GPU {actual}");
                return;
            }

            Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(Math.Abs(expected), 1e-6), $"{what}: CPU {expected:R}, GPU {actual:R}");
        }

        private void Report(string what, double worst) =>
            output.WriteLine($"{what}: worst difference {worst:E2} of a tensor's largest |value|");

        /// <summary>The same deterministic batches on every run: batch i from seed + i (3 sequences of <paramref name="steps"/> tokens).</summary>
        private sealed class FixedData(uint seed, int steps = 6, int vocabulary = 23) : ITrainingData<int>
        {
            private uint _next = seed;

            public void Next(TrainingBatch<int> batch)
            {
                var lcg = new Lcg(_next++);
                batch.Steps = steps;
                batch.BatchSize = 3;
                lcg.Tokens(3 * steps, vocabulary).CopyTo(batch.Inputs, 0);
                lcg.Tokens(3 * steps, vocabulary).CopyTo(batch.TokenTargets, 0);
            }
        }

        /// <summary>Float batches for GpuGruResetAfter; batch number <c>bad</c> (or every one when negative) has a NaN input.</summary>
        private sealed class NaNData(int bad) : ITrainingData<float>
        {
            private int _index;

            public void Next(TrainingBatch<float> batch)
            {
                var lcg = new Lcg((uint)(100 + _index));
                batch.Steps = GpuGruResetAfter.MaxSequenceLength;
                batch.BatchSize = GpuGruResetAfter.MaxBatchSize;
                lcg.Uniform(batch.Steps * batch.BatchSize * GpuGruResetAfter.InputSize, 1f).CopyTo(batch.Inputs, 0);
                var targets = lcg.Uniform(batch.OutputLength, 0.45f);
                for (var i = 0; i < targets.Length; i++)
                {
                    batch.Targets[i] = targets[i] + 0.5f;
                }

                if (bad < 0 || _index == bad)
                {
                    batch.Inputs[2] = float.NaN;
                }

                _index++;
            }
        }

        private sealed class Reports : IProgress<TrainingReport>
        {
            private readonly System.Collections.Generic.List<TrainingReport> _items = new();

            public TrainingReport[] Items => _items.ToArray();

            public void Report(TrainingReport value) => _items.Add(value);
        }
    }
}
