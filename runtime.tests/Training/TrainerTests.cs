using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using RnnGen.IO;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Training
{
    /// <summary>The runtime's training loop against a hand-written loop, and each of its guarantees.</summary>
    public sealed class TrainerTests : IDisposable
    {
        private readonly string directory = Path.Combine(Path.GetTempPath(), "rnngen-trainer-" + Guid.NewGuid().ToString("N"));

        public TrainerTests() => Directory.CreateDirectory(directory);

        public void Dispose() => Directory.Delete(directory, recursive: true);

        [Fact]
        public void Learns_the_echo_task_and_reports_progress()
        {
            var model = new EchoModel();
            model.InitializeParameters(new Random(1));
            var reports = new List<TrainingReport>();
            var trainer = new Trainer<int>(model, new Adam(model.PackedParameters.Length, learningRate: 1e-2f), new TrainerOptions(Steps: 300) { ReportEvery = 100, ValidateEvery = 150 });
            TrainingResult result = trainer.Run(new EchoData(new Random(2)), new EchoData(new Random(3)), new SyncProgress(reports.Add));

            Assert.Equal(TrainingStopReason.Completed, result.Reason);
            Assert.Equal(300, result.StepsTaken);
            Assert.Equal(300, result.FinalStep);
            Assert.True(result.LastLoss < 0.1, $"loss {result.LastLoss}");
            Assert.True(result.BestValidationLoss < 0.1, $"validation {result.BestValidationLoss}");
            Assert.True(result.TokensPerSecond > 0);
            Assert.Equal(new long[] { 100, 150, 200, 300, 300 }, reports.ConvertAll(r => r.Step));
            Assert.Equal(TrainingReportKind.Validation, reports[1].Kind);
            Assert.True(reports[0].Loss > reports[3].Loss);
            Assert.All(reports, r => Assert.True(float.IsFinite(r.GradientNorm) && r.GradientNorm > 0));
        }

        [Fact]
        public void Steps_match_a_hand_written_loop_bit_for_bit()
        {
            var viaTrainer = new Fx_gru_i5_h17_l1();
            viaTrainer.InitializeParameters(new Random(4));
            var byHand = new Fx_gru_i5_h17_l1();
            viaTrainer.PackedParameters.CopyTo(byHand.PackedParameters);

            var schedule = new CosineAnnealingSchedule(1e-2f, 12, 1e-3f);
            new Trainer<float>(viaTrainer, new Adam(viaTrainer.PackedParameters.Length, learningRate: 1e-2f), new TrainerOptions(Steps: 12) { ClipNorm = 0.5f, Schedule = schedule })
                .Run(new RegressionData(new Random(5), 5, 17));

            var adam = new Adam(byHand.PackedParameters.Length, learningRate: 1e-2f);
            var data = new RegressionData(new Random(5), 5, 17);
            var batch = new TrainingBatch<float>(Fx_gru_i5_h17_l1.Description);
            var outputs = new float[batch.Targets.Length];
            var dOutputs = new float[outputs.Length];
            var gradients = new float[Fx_gru_i5_h17_l1.PackedParameterLength];
            for (int step = 0; step < 12; step++)
            {
                data.Next(batch);
                int length = batch.OutputLength;
                byHand.Forward(batch.InputSpan, default, outputs.AsSpan(0, length), batch.BatchSize);
                Losses.MeanSquaredError(outputs.AsSpan(0, length), batch.Targets.AsSpan(0, length), Activation.Linear, dOutputs.AsSpan(0, length), default, Fx_gru_i5_h17_l1.OutputSize);
                Array.Clear(gradients);
                byHand.Backward(dOutputs.AsSpan(0, length), gradients);
                GradientClipping.ClipByGlobalNorm(gradients, 0.5f);
                schedule.Apply(adam);
                adam.Step(byHand.PackedParameters, gradients);
            }

            Assert.Equal(byHand.PackedParameters.ToArray(), viaTrainer.PackedParameters.ToArray());
        }

        [Fact]
        public void A_resumed_run_continues_exactly_where_the_checkpoint_left_off()
        {
            string path = Path.Combine(directory, "echo.safetensors");
            var straight = new EchoModel();
            straight.InitializeParameters(new Random(1));
            var first = new EchoModel();
            straight.PackedParameters.CopyTo(first.PackedParameters);

            new Trainer<int>(straight, new Adam(straight.PackedParameters.Length, learningRate: 1e-2f), new TrainerOptions(Steps: 40))
                .Run(new EchoData(new Random(2), resetEvery: 20));

            // 20 steps, saved; then a fresh model and optimiser resume from the file for the next 20.
            var options = new TrainerOptions(Steps: 20) { CheckpointPath = path, CheckpointEvery = 10, Resume = true };
            new Trainer<int>(first, new Adam(first.PackedParameters.Length, learningRate: 1e-2f), options).Run(new EchoData(new Random(2), resetEvery: 20));
            var resumed = new EchoModel();
            var adam = new Adam(resumed.PackedParameters.Length, learningRate: 1e-2f);
            TrainingResult result = new Trainer<int>(resumed, adam, options with { Steps = 40 }).Run(new EchoData(new Random(2), resetEvery: 20));

            Assert.Equal(20, result.StepsTaken);
            Assert.Equal(40, adam.StepCount);
            Assert.Equal(straight.PackedParameters.ToArray(), resumed.PackedParameters.ToArray());
            Assert.Equal("40", TrainingCheckpoint.Load(path, new EchoModel())[TrainingCheckpoint.StepTensor]);
        }

        [Fact]
        public void Non_finite_steps_are_skipped_and_many_in_a_row_stop_the_run_as_diverged()
        {
            var model = new Fx_gru_i5_h17_l1();
            model.InitializeParameters(new Random(4));
            float[] before = model.PackedParameters.ToArray();
            var data = new RegressionData(new Random(5), 5, 17) { PoisonFrom = 0 };
            TrainingResult result = new Trainer<float>(model, new Adam(model.PackedParameters.Length), new TrainerOptions(Steps: 100) { MaxConsecutiveSkips = 4 }).Run(data);

            Assert.Equal(TrainingStopReason.Diverged, result.Reason);
            Assert.Equal(4, result.SkippedSteps);
            Assert.Equal(0, result.StepsTaken);
            Assert.Equal(before, model.PackedParameters.ToArray());
        }

        [Fact]
        public void Validation_that_stops_improving_stops_the_run_early()
        {
            var model = new EchoModel();
            model.InitializeParameters(new Random(1));
            // A learning rate of zero never improves the validation loss.
            var options = new TrainerOptions(Steps: 1000) { ValidateEvery = 5, EarlyStoppingPatience = 3 };
            TrainingResult result = new Trainer<int>(model, new Sgd(model.PackedParameters.Length, learningRate: 0f), options).Run(new EchoData(new Random(2)), new EchoData(new Random(3), resetEvery: 1));

            Assert.Equal(TrainingStopReason.EarlyStopped, result.Reason);
            Assert.Equal(20, result.FinalStep);
        }

        [Fact]
        public void Cancelled_before_the_first_step_still_writes_the_checkpoint()
        {
            string path = Path.Combine(directory, "cancel.safetensors");
            var model = new EchoModel();
            model.InitializeParameters(new Random(1));
            TrainingResult result = new Trainer<int>(model, new Adam(model.PackedParameters.Length), new TrainerOptions(Steps: 10) { CheckpointPath = path })
                .Run(new EchoData(new Random(2)), cancellation: new CancellationToken(canceled: true));

            Assert.Equal(TrainingStopReason.Cancelled, result.Reason);
            Assert.Equal(0, result.StepsTaken);
            Assert.True(File.Exists(path));
        }

        [Fact]
        public void A_bad_batch_shape_from_the_data_source_is_named()
        {
            var model = new EchoModel();
            var trainer = new Trainer<int>(model, new Adam(model.PackedParameters.Length), new TrainerOptions(Steps: 1));
            var error = Assert.Throws<InvalidOperationException>(() => trainer.Run(new ShapeData(steps: EchoModel.MaxSequenceLength + 1)));
            Assert.Contains("TrainingBatch.Steps must be in [1, 12]", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Options_and_optimizer_are_checked_up_front()
        {
            var model = new EchoModel();
            Assert.Throws<ArgumentException>("optimizer", () => new Trainer<int>(model, new Adam(10), new TrainerOptions(Steps: 1)));
            Assert.Throws<ArgumentOutOfRangeException>("Steps", () => new Trainer<int>(model, new Adam(model.PackedParameters.Length), new TrainerOptions(Steps: 0)));
            Assert.Throws<ArgumentOutOfRangeException>("ClipNorm", () => new Trainer<int>(model, new Adam(model.PackedParameters.Length), new TrainerOptions(Steps: 1) { ClipNorm = -1 }));
            Assert.Throws<ArgumentException>("Resume", () => new Trainer<int>(model, new Adam(model.PackedParameters.Length), new TrainerOptions(Steps: 1) { Resume = true }));
            Assert.Throws<ArgumentException>("description", () => new TrainingBatch<float>(EchoModel.Description));
        }

        [Fact]
        public void A_checkpoint_of_another_model_is_refused_and_changes_nothing()
        {
            string path = Path.Combine(directory, "other.safetensors");
            var other = new TinyCharModel();
            other.InitializeParameters(new Random(1));
            TrainingCheckpoint.Save(path, other, new Adam(other.PackedParameters.Length));

            var model = new EchoModel();
            model.InitializeParameters(new Random(2));
            float[] before = model.PackedParameters.ToArray();
            var adam = new Adam(model.PackedParameters.Length);
            var error = Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Load(path, model, adam));
            Assert.Contains("does not match Embedding(6, 8) → LSTM(32) → Dense(6, Softmax)", error.Message, StringComparison.Ordinal);
            Assert.Contains("Embedding(98, 16)", error.Message, StringComparison.Ordinal);
            Assert.Contains("embedding.weight", error.Message, StringComparison.Ordinal);
            Assert.Equal(before, model.PackedParameters.ToArray());
            Assert.Equal(0, adam.StepCount);
        }

        [Fact]
        public void Variable_length_batches_leave_padded_steps_out_of_the_loss()
        {
            var model = new Fx_gru_i5_h17_l1();
            model.InitializeParameters(new Random(4));
            var trainer = new Trainer<float>(model, new Sgd(model.PackedParameters.Length, learningRate: 0f), new TrainerOptions(Steps: 1) { ValidationBatches = 1 });
            var data = new RegressionData(new Random(5), 5, 17) { Lengths = new[] { 8, 3, 1, 5 } };
            double masked = trainer.Validate(data);

            // Poisoning the targets of padded steps must not change the loss.
            var poisoned = new RegressionData(new Random(5), 5, 17) { Lengths = new[] { 8, 3, 1, 5 }, PoisonPaddedTargets = true };
            Assert.Equal(masked, trainer.Validate(poisoned));
            Assert.True(masked > 0);
        }

        [Fact]
        public void A_training_step_allocates_nothing()
        {
            var model = new EchoModel();
            model.InitializeParameters(new Random(1));
            var adam = new Adam(model.PackedParameters.Length, learningRate: 1e-3f);
            var data = new EchoData(new Random(2));
            var trainer = new Trainer<int>(model, adam, new TrainerOptions(Steps: long.MaxValue) { ReportEvery = 1 });
            var progress = new SyncProgress(_ => { });

            // Ten steps per round, cut off by the data source; the run's own set-up is measured once per round, so
            // compare a 10-step round with a 30-step round: the difference is what 20 steps allocate.
            long Round(int count)
            {
                var limited = new LimitedData(data, count);
                return Allocations.SteadyState(() =>
                {
                    limited.Reset();
                    trainer.Run(limited, progress: progress, cancellation: limited.Token);
                });
            }

            long ten = Round(10);
            long thirty = Round(30);
            Assert.Equal(0, thirty - ten);
        }

        /// <summary>Random tokens; the target at step t is the token at t - 2 (rows before that have weight 0).</summary>
        private sealed class EchoData(Random random, int resetEvery = int.MaxValue) : ITrainingData<int>
        {
            private readonly int seed = random.Next();
            private Random? current;
            private int count;

            public void Next(TrainingBatch<int> batch)
            {
                // Restarting the stream every resetEvery batches makes a run split in two see the batches an unsplit run sees.
                if (count++ % resetEvery == 0)
                {
                    current = new Random(seed);
                }

                const int delay = 2;
                batch.HasRowWeights = true;
                for (int t = 0; t < batch.Steps; t++)
                {
                    for (int b = 0; b < batch.BatchSize; b++)
                    {
                        int row = (t * batch.BatchSize) + b;
                        batch.Inputs[row] = current!.Next(2, 6);
                        batch.TokenTargets[row] = t >= delay ? batch.Inputs[row - (delay * batch.BatchSize)] : 0;
                        batch.RowWeights[row] = t >= delay ? 1 : 0;
                    }
                }
            }
        }

        /// <summary>Random inputs and targets for a float model (sequence outputs of <c>width</c> floats).</summary>
        private sealed class RegressionData(Random random, int inputSize, int width) : ITrainingData<float>
        {
            public int PoisonFrom { get; init; } = int.MaxValue;

            public int[]? Lengths { get; init; }

            public bool PoisonPaddedTargets { get; init; }

            private int count;

            public void Next(TrainingBatch<float> batch)
            {
                for (int i = 0; i < batch.Steps * batch.BatchSize * inputSize; i++)
                {
                    batch.Inputs[i] = count >= PoisonFrom ? float.NaN : (float)((random.NextDouble() * 2) - 1);
                }

                for (int i = 0; i < batch.OutputRows * width; i++)
                {
                    int row = i / width;
                    bool padded = Lengths is not null && row / batch.BatchSize >= Lengths[row % batch.BatchSize];
                    float target = (float)(random.NextDouble() - 0.5);
                    batch.Targets[i] = padded && PoisonPaddedTargets ? 1e6f : target;
                }

                if (Lengths is not null)
                {
                    batch.HasLengths = true;
                    Lengths.CopyTo(batch.Lengths, 0);
                }

                count++;
            }
        }

        private sealed class ShapeData(int steps) : ITrainingData<int>
        {
            public void Next(TrainingBatch<int> batch) => batch.Steps = steps;
        }

        /// <summary>Passes batches through and cancels the run after <c>count</c> of them.</summary>
        private sealed class LimitedData(ITrainingData<int> inner, int count) : ITrainingData<int>
        {
            private CancellationTokenSource source = new();
            private int served;

            public CancellationToken Token => source.Token;

            public void Reset()
            {
                served = 0;
                if (source.IsCancellationRequested)
                {
                    source = new CancellationTokenSource();
                }
            }

            public void Next(TrainingBatch<int> batch)
            {
                inner.Next(batch);
                if (++served == count)
                {
                    source.Cancel();
                }
            }
        }

        /// <summary>Reports on the calling thread (<see cref="Progress{T}"/> would post to the thread pool).</summary>
        private sealed class SyncProgress(Action<TrainingReport> report) : IProgress<TrainingReport>
        {
            public void Report(TrainingReport value) => report(value);
        }
    }
}
