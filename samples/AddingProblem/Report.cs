using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace RnnGen.Samples.AddingProblem
{
    /// <summary>The console output: the models, live progress, and the result tables in Markdown.</summary>
    public static class Report
    {
        /// <summary>A test MSE below this counts as solved (the baseline is 0.167).</summary>
        public const double SolvedBelow = 0.01;

        private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

        /// <summary>Prints the task, the models with their parameter counts and the settings.</summary>
        /// <param name="options">The options.</param>
        /// <param name="models">One model of each cell that will be trained.</param>
        public static void Header(SampleOptions options, IReadOnlyList<IAddingNetwork> models)
        {
            ArgumentNullException.ThrowIfNull(options);
            ArgumentNullException.ThrowIfNull(models);
            Console.WriteLine("The adding problem (Hochreiter & Schmidhuber 1997): each step is (value in [0,1), marker); two markers, one per half;");
            Console.WriteLine(string.Create(Invariant, $"the target at the last step is the sum of the two marked values. Always answering 1 scores MSE {AddingTask.BaselineMse:F3}."));
            Console.WriteLine();
            var table = new TextTable("model", "units", "parameters", "learning rate");
            foreach (var model in models)
            {
                var rate = model is SimpleRnnAdder ? options.SimpleRnnLearningRate : options.LearningRate;
                table.AddRow($"{model.Cell} → Dense(1)", model.Units.ToString(Invariant), model.TrainableParameters.ToString("N0", Invariant), rate.ToString(Invariant));
            }

            Console.Write(table);
            Console.WriteLine();
            Console.WriteLine(string.Create(Invariant, $"Adam, clip global norm {options.ClipNorm}, batch {ModelLimits.BatchSize}, {options.Steps} steps per run, lengths {string.Join(", ", options.Lengths)}, test set {options.TestBatches * ModelLimits.BatchSize} held-out sequences per length, seed {options.Seed}."));
            Console.WriteLine();
        }

        /// <summary>Shows the latest curve point on one overwritten line (only when the output is a terminal).</summary>
        /// <param name="cell">The cell.</param>
        /// <param name="length">The sequence length.</param>
        /// <param name="point">The point.</param>
        /// <param name="steps">The run's total steps.</param>
        public static void Progress(string cell, int length, CurvePoint point, int steps)
        {
            if (!Console.IsOutputRedirected)
            {
                Console.Write(string.Create(Invariant, $"\r  {cell,-9} T={length,-4} step {point.Step,6}/{steps}  test MSE {point.TestMse,-10:G3}"));
            }
        }

        /// <summary>Prints one line when a run ends.</summary>
        /// <param name="run">The run.</param>
        /// <param name="learningRate">Its learning rate.</param>
        public static void RunFinished(TrainingRun run, float learningRate)
        {
            ArgumentNullException.ThrowIfNull(run);
            var line = string.Create(Invariant, $"  {run.Cell,-9} T={run.Length,-4} lr {learningRate}: test MSE {run.Curve[0].TestMse:G3} → {run.FinalMse:G3} (best {run.BestMse:G3}) in {run.Seconds:F1} s, {run.Seconds * 1000 / Math.Max(1, run.Curve[^1].Step):F2} ms/step{(run.SkippedSteps > 0 ? $", {run.SkippedSteps} steps skipped (non-finite gradient)" : string.Empty)}");
            Console.WriteLine(Console.IsOutputRedirected ? line : "\r" + line.PadRight(100));
        }

        /// <summary>Prints the learning curves of one length: test MSE per cell at each evaluation.</summary>
        /// <param name="length">The sequence length.</param>
        /// <param name="runs">The runs of that length, with evaluations at the same steps.</param>
        public static void LearningCurves(int length, IReadOnlyList<TrainingRun> runs)
        {
            ArgumentNullException.ThrowIfNull(runs);
            Console.WriteLine();
            Console.WriteLine($"Learning curves, T = {length}: test MSE (baseline {AddingTask.BaselineMse.ToString("F3", Invariant)})");
            var header = new List<string> { "step" };
            foreach (var run in runs)
            {
                header.Add(run.Cell);
            }

            var table = new TextTable([.. header]);
            for (var i = 0; i < runs[0].Curve.Count; i++)
            {
                var row = new List<string> { runs[0].Curve[i].Step.ToString(Invariant) };
                foreach (var run in runs)
                {
                    row.Add(i < run.Curve.Count ? Mse(run.Curve[i].TestMse) : string.Empty);
                }

                table.AddRow([.. row]);
            }

            Console.Write(table);
            Console.WriteLine();
        }

        /// <summary>Prints the final test MSE per cell and length (✔ when below <see cref="SolvedBelow"/>) and the run times.</summary>
        /// <param name="lengths">The lengths (columns).</param>
        /// <param name="runs">All runs.</param>
        public static void Results(IReadOnlyList<int> lengths, IReadOnlyList<TrainingRun> runs)
        {
            ArgumentNullException.ThrowIfNull(lengths);
            ArgumentNullException.ThrowIfNull(runs);
            var header = new List<string> { "cell" };
            foreach (var length in lengths)
            {
                header.Add($"T = {length}");
            }

            var cells = new List<string>();
            foreach (var run in runs)
            {
                if (!cells.Contains(run.Cell))
                {
                    cells.Add(run.Cell);
                }
            }

            var mse = new TextTable([.. header]);
            var time = new TextTable([.. header]);
            foreach (var cell in cells)
            {
                var mseRow = new List<string> { cell };
                var timeRow = new List<string> { cell };
                foreach (var length in lengths)
                {
                    var run = runs.Find(cell, length);
                    mseRow.Add(run is null ? string.Empty : Mse(run.FinalMse) + (run.FinalMse < SolvedBelow ? " ✔" : " ✘"));
                    timeRow.Add(run is null ? string.Empty : run.Seconds.ToString("F1", Invariant));
                }

                mse.AddRow([.. mseRow]);
                time.AddRow([.. timeRow]);
            }

            Console.WriteLine($"Final test MSE after training (✔ solved: below {SolvedBelow.ToString(Invariant)}; baseline {AddingTask.BaselineMse.ToString("F3", Invariant)})");
            Console.Write(mse);
            Console.WriteLine();
            Console.WriteLine("Training time per run, seconds (evaluations included)");
            Console.Write(time);
            Console.WriteLine();
        }

        /// <summary>Prints ‖dL/dh‖ (and the LSTM's ‖dL/dc‖) against distance, at initialisation and after training.</summary>
        /// <param name="probes">The profiles, all of the same length and distances.</param>
        public static void GradientNorms(IReadOnlyList<GradientProfile> probes)
        {
            ArgumentNullException.ThrowIfNull(probes);
            if (probes.Count == 0)
            {
                return;
            }

            var length = probes[0].Length;
            foreach (var label in new[] { "init", "trained" })
            {
                var chosen = new List<GradientProfile>();
                foreach (var probe in probes)
                {
                    if (probe.Label == label)
                    {
                        chosen.Add(probe);
                    }
                }

                Console.WriteLine($"Gradient norm against distance, T = {length}, {(label == "init" ? "at initialisation" : "after training")}: mean over 32 sequences of ‖dL/dh(T-1-d)‖, L = (y - target)²");
                var header = new List<string> { "d" };
                foreach (var probe in chosen)
                {
                    header.Add($"{probe.Cell} dh");
                    if (probe.CellNorms is not null)
                    {
                        header.Add($"{probe.Cell} dc");
                    }
                }

                var table = new TextTable([.. header]);
                var distances = chosen[0].Distances;
                for (var i = 0; i < distances.Count; i++)
                {
                    var row = new List<string> { distances[i].ToString(Invariant) };
                    foreach (var probe in chosen)
                    {
                        row.Add(Norm(probe.HiddenNorms[i]));
                        if (probe.CellNorms is not null)
                        {
                            row.Add(Norm(probe.CellNorms[i]));
                        }
                    }

                    table.AddRow([.. row]);
                }

                var ratio = new List<string> { $"d={distances[^1]} / d={distances[0]}" };
                foreach (var probe in chosen)
                {
                    ratio.Add(Norm(probe.HiddenNorms[^1] / probe.HiddenNorms[0]));
                    if (probe.CellNorms is not null)
                    {
                        ratio.Add(Norm(probe.CellNorms[^1] / probe.CellNorms[0]));
                    }
                }

                table.AddRow([.. ratio]);
                Console.Write(table);
                if (chosen.Exists(p => p.HiddenNorms.Contains(0.0)))
                {
                    Console.WriteLine("(0: the gradient underflowed: below float's smallest value, 1.4E-45.)");
                }

                Console.WriteLine();
            }
        }

        private static TrainingRun? Find(this IReadOnlyList<TrainingRun> runs, string cell, int length)
        {
            foreach (var run in runs)
            {
                if (run.Cell == cell && run.Length == length)
                {
                    return run;
                }
            }

            return null;
        }

        private static string Mse(double value) => value.ToString("G3", Invariant);

        private static string Norm(double value) => value.ToString("0.00E+00", Invariant);
    }
}
