using System;
using System.Collections.Generic;
using System.Diagnostics;
using RnnGen.Training;

namespace RnnGen.Samples.AddingProblem
{
    /// <summary>How one model is trained.</summary>
    /// <param name="Steps">Adam steps, each on a fresh batch of <see cref="ModelLimits.BatchSize"/> sequences.</param>
    /// <param name="EvaluateEvery">Steps between test-set evaluations (the learning curve's resolution).</param>
    /// <param name="LearningRate">Adam's learning rate.</param>
    /// <param name="ClipNorm">The largest global gradient norm; larger gradients are scaled down to it.</param>
    /// <param name="Seed">Seed of the initial weights and of the training batches.</param>
    public sealed record TrainingSettings(int Steps, int EvaluateEvery, float LearningRate, float ClipNorm, int Seed);

    /// <summary>One point of a learning curve.</summary>
    /// <param name="Step">Training steps done.</param>
    /// <param name="TestMse">Mean squared error on the held-out test set after those steps.</param>
    /// <param name="TrainMse">Mean training loss over the steps since the previous point (NaN at step 0).</param>
    public readonly record struct CurvePoint(int Step, double TestMse, double TrainMse);

    /// <summary>The outcome of training one cell on one sequence length.</summary>
    /// <param name="Cell">The cell's name.</param>
    /// <param name="Length">The sequence length.</param>
    /// <param name="Curve">Test MSE at step 0 and every <see cref="TrainingSettings.EvaluateEvery"/> steps, and at the end.</param>
    /// <param name="SkippedSteps">Steps skipped because the gradient was not finite.</param>
    /// <param name="Seconds">Wall-clock training time, evaluations included.</param>
    public sealed record TrainingRun(string Cell, int Length, IReadOnlyList<CurvePoint> Curve, int SkippedSteps, double Seconds)
    {
        /// <summary>The test MSE after the last step.</summary>
        public double FinalMse => Curve[^1].TestMse;

        /// <summary>The lowest test MSE seen on the curve.</summary>
        public double BestMse
        {
            get
            {
                var best = double.PositiveInfinity;
                foreach (var point in Curve)
                {
                    best = Math.Min(best, point.TestMse);
                }

                return best;
            }
        }
    }

    /// <summary>
    /// Trains a model on the adding problem: Adam on the mean squared error of the last step's output (a linear head),
    /// the gradient from the generated BPTT <c>Backward</c>, clipped by global norm; the test MSE on a fixed held-out
    /// set is recorded every few steps.
    /// </summary>
    public static class Trainer
    {
        /// <summary>Trains <paramref name="model"/> (already initialised) in place.</summary>
        /// <param name="model">The model.</param>
        /// <param name="length">The sequence length, at most <see cref="ModelLimits.MaxSequenceLength"/>.</param>
        /// <param name="testSet">The held-out batches, each of <paramref name="length"/> steps.</param>
        /// <param name="settings">Steps, learning rate, clipping and seed.</param>
        /// <param name="progress">Called with each new curve point (for live output); may be null.</param>
        /// <returns>The learning curve and timing.</returns>
        public static TrainingRun Train(IAddingNetwork model, int length, IReadOnlyList<AddingBatch> testSet, TrainingSettings settings, Action<CurvePoint>? progress = null)
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentNullException.ThrowIfNull(testSet);
            ArgumentNullException.ThrowIfNull(settings);
            var options = new TrainerOptions(settings.Steps)
            {
                ClipNorm = settings.ClipNorm,
                ReportEvery = settings.EvaluateEvery,
                ValidateEvery = settings.EvaluateEvery,
                ValidationBatches = testSet.Count,
                MaxConsecutiveSkips = 100, // a curve shows a cell that diverges now and then; a hundred in a row ends its run
            };
            var trainer = new Trainer<float>(model, new Adam(model.PackedParameters.Length, settings.LearningRate), options, TrainingLoss.MeanSquaredError(Activation.Linear));
            var testData = new TestBatches(testSet);
            var curve = new List<CurvePoint>();
            var clock = Stopwatch.StartNew();
            var first = new CurvePoint(0, trainer.Validate(testData), double.NaN);
            curve.Add(first);
            progress?.Invoke(first);
            var reports = new CurveReports(curve, progress);
            var result = trainer.Run(new RandomBatches(new Random(settings.Seed + 1), length), testData, reports);
            return new TrainingRun(model.Cell, length, curve, result.SkippedSteps, clock.Elapsed.TotalSeconds);
        }

        /// <summary>Fresh random adding-problem batches of one length.</summary>
        private sealed class RandomBatches(Random random, int length) : ITrainingData<float>
        {
            private readonly AddingBatch batch = new(length, ModelLimits.BatchSize);

            public void Next(TrainingBatch<float> target)
            {
                AddingTask.Fill(random, batch);
                target.Steps = length;
                target.BatchSize = ModelLimits.BatchSize;
                batch.Inputs.CopyTo(target.Inputs, 0);
                batch.Targets.CopyTo(target.Targets, 0);
            }
        }

        /// <summary>The fixed test set, batch by batch, round and round.</summary>
        private sealed class TestBatches(IReadOnlyList<AddingBatch> testSet) : ITrainingData<float>
        {
            private int next;

            public void Next(TrainingBatch<float> target)
            {
                var batch = testSet[next];
                next = (next + 1) % testSet.Count;
                target.Steps = batch.Length;
                target.BatchSize = batch.BatchSize;
                batch.Inputs.CopyTo(target.Inputs, 0);
                batch.Targets.CopyTo(target.Targets, 0);
            }
        }

        /// <summary>A curve point per validation, with the mean training loss of the interval before it.</summary>
        private sealed class CurveReports(List<CurvePoint> curve, Action<CurvePoint>? progress) : IProgress<TrainingReport>
        {
            public void Report(TrainingReport value)
            {
                if (value.Kind != TrainingReportKind.Validation)
                {
                    return;
                }

                var point = new CurvePoint((int)value.Step, value.ValidationLoss, value.Loss);
                curve.Add(point);
                progress?.Invoke(point);
            }
        }

        /// <summary>The mean squared error of <paramref name="model"/> over every sequence of <paramref name="testSet"/>.</summary>
        /// <param name="model">The model.</param>
        /// <param name="testSet">Batches of equal size.</param>
        /// <returns>The MSE.</returns>
        public static double Evaluate(IAddingNetwork model, IReadOnlyList<AddingBatch> testSet)
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentNullException.ThrowIfNull(testSet);
            Span<float> outputs = stackalloc float[ModelLimits.BatchSize];
            var sum = 0.0;
            var count = 0;
            foreach (var batch in testSet)
            {
                var y = outputs[..batch.BatchSize];
                model.Predict(batch.Inputs, y, batch.BatchSize, continueState: false); // inference: no tape
                for (var b = 0; b < batch.BatchSize; b++)
                {
                    var difference = (double)y[b] - batch.Targets[b];
                    sum += difference * difference;
                }

                count += batch.BatchSize;
            }

            return sum / count;
        }
    }
}
