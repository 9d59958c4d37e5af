using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace RnnGen.Samples.AddingProblem
{
    /// <summary>
    /// Runs the experiment: for every length and cell, trains a fresh model and records its learning curve; at the
    /// longest length it also probes the gradient norm against distance before and after training. Then prints the
    /// tables and writes the two plots.
    /// </summary>
    public static class SampleRunner
    {
        /// <summary>Runs the sample with the parsed options.</summary>
        /// <param name="options">The options.</param>
        /// <returns>The exit code: 0.</returns>
        public static int Run(SampleOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            var clock = Stopwatch.StartNew();
            var longest = options.Lengths[^1];
            var prototypes = new List<IAddingNetwork>();
            foreach (var name in options.Cells)
            {
                prototypes.Add(CreateModel(name));
            }

            Report.Header(options, prototypes);

            var runs = new List<TrainingRun>();
            var probes = new List<GradientProfile>();
            foreach (var length in options.Lengths)
            {
                var testSet = CreateTestSet(options, length);
                var runsOfLength = new List<TrainingRun>();
                foreach (var name in options.Cells)
                {
                    var model = CreateModel(name);
                    model.InitializeParameters(new Random(options.Seed));
                    var distances = GradientProbe.DistancesFor(length);
                    if (length == longest)
                    {
                        probes.Add(GradientProbe.Measure(model, testSet[0], distances, "init"));
                    }

                    var rate = name == "simplernn" ? options.SimpleRnnLearningRate : options.LearningRate;
                    var settings = new TrainingSettings(options.Steps, options.EvaluateEvery, rate, options.ClipNorm, options.Seed);
                    var run = Trainer.Train(model, length, testSet, settings, point => Report.Progress(model.Cell, length, point, options.Steps));
                    Report.RunFinished(run, rate);
                    runsOfLength.Add(run);
                    if (length == longest)
                    {
                        probes.Add(GradientProbe.Measure(model, testSet[0], distances, "trained"));
                    }
                }

                Report.LearningCurves(length, runsOfLength);
                runs.AddRange(runsOfLength);
            }

            Report.Results(options.Lengths, runs);
            Report.GradientNorms(probes);

            var (curvesPath, gradientsPath) = Charts.Write(options.OutputDirectory, runs.FindAll(r => r.Length == longest), probes, longest);
            Console.WriteLine($"Plots: {Path.GetFullPath(curvesPath)}, {Path.GetFullPath(gradientsPath)}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total time: {clock.Elapsed.TotalSeconds:F1} s"));
            return 0;
        }

        /// <summary>A fresh, uninitialised model for a cell name.</summary>
        /// <param name="name">One of <see cref="SampleCommand.CellNames"/>.</param>
        /// <returns>The model.</returns>
        public static IAddingNetwork CreateModel(string name) => name switch
        {
            "simplernn" => new SimpleRnnAdder(),
            "lstm" => new LstmAdder(),
            "gru" => new GruAdder(),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown cell."),
        };

        private static List<AddingBatch> CreateTestSet(SampleOptions options, int length)
        {
            // Its own seed per length, disjoint from the training stream (Seed + 1): the same held-out set for every cell.
            var random = new Random(unchecked((options.Seed * 7919) + length));
            var batches = new List<AddingBatch>();
            for (var i = 0; i < options.TestBatches; i++)
            {
                batches.Add(AddingTask.Create(random, length, ModelLimits.BatchSize));
            }

            return batches;
        }
    }
}
