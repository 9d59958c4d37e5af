using System;
using System.Collections.Generic;

namespace RnnGen.Samples.AddingProblem
{
    /// <summary>The sample's two plots, built from the training runs and the gradient profiles.</summary>
    public static class Charts
    {
        private static readonly Rgb Baseline = new(120, 120, 120);
        private static readonly Rgb LstmCell = new(23, 190, 207);

        /// <summary>The colour of a cell's lines: SimpleRNN red, LSTM blue, GRU green.</summary>
        /// <param name="cell">The cell's name.</param>
        /// <returns>The colour.</returns>
        public static Rgb ColorOf(string cell) => cell switch
        {
            "SimpleRNN" => new Rgb(214, 39, 40),
            "LSTM" => new Rgb(31, 119, 180),
            "GRU" => new Rgb(44, 160, 44),
            _ => new Rgb(148, 103, 189),
        };

        /// <summary>Test MSE against training step (log y), one line per cell, with the 0.167 baseline.</summary>
        /// <param name="runs">The runs of one length.</param>
        /// <param name="length">That length.</param>
        /// <returns>The plot.</returns>
        public static LinePlot LearningCurves(IReadOnlyList<TrainingRun> runs, int length)
        {
            ArgumentNullException.ThrowIfNull(runs);
            var plot = new LinePlot($"Adding problem, T = {length}: test MSE", "training step", "test MSE (log)", logY: true)
            {
                Legend = LegendCorner.BottomLeft,
            };
            foreach (var run in runs)
            {
                var points = new List<(double X, double Y)>();
                foreach (var point in run.Curve)
                {
                    points.Add((point.Step, point.TestMse));
                }

                // The SimpleRNN goes first and wider: the LSTM sits on the same plateau for a long time and would hide it.
                plot.AddSeries(run.Cell, ColorOf(run.Cell), points, thickness: run.Cell == "SimpleRNN" ? 7 : 3);
            }

            plot.AddHorizontalLine("predict 1: 0.167", AddingTask.BaselineMse, Baseline);
            return plot;
        }

        /// <summary>
        /// ‖dL/dh‖ against distance d from the last step (log y): solid after training, dashed at initialisation; for
        /// the LSTM also ‖dL/dc‖ (the cell state, its memory path) in a lighter colour. Zeros (underflow) are left out.
        /// </summary>
        /// <param name="probes">The profiles.</param>
        /// <param name="length">Their sequence length.</param>
        /// <returns>The plot.</returns>
        public static LinePlot GradientNorms(IReadOnlyList<GradientProfile> probes, int length)
        {
            ArgumentNullException.ThrowIfNull(probes);
            var plot = new LinePlot($"Gradient reaching back d steps, T = {length}", "distance d from the last step", "mean |dL/dh|, |dL/dc| (log)", logY: true)
            {
                Legend = LegendCorner.BottomLeft,
            };
            foreach (var label in new[] { "trained", "init" })
            {
                foreach (var probe in probes)
                {
                    if (probe.Label != label)
                    {
                        continue;
                    }

                    var points = new List<(double X, double Y)>();
                    for (var i = 0; i < probe.Distances.Count; i++)
                    {
                        points.Add((probe.Distances[i], probe.HiddenNorms[i]));
                    }

                    plot.AddSeries(probe.CellNorms is null ? $"{probe.Cell} {label}" : $"{probe.Cell} {label} dL/dh", ColorOf(probe.Cell), points, dashed: label == "init", markers: true);
                    if (probe.CellNorms is { } cellNorms)
                    {
                        var cellPoints = new List<(double X, double Y)>();
                        for (var i = 0; i < probe.Distances.Count; i++)
                        {
                            cellPoints.Add((probe.Distances[i], cellNorms[i]));
                        }

                        plot.AddSeries($"{probe.Cell} {label} dL/dc", LstmCell, cellPoints, dashed: label == "init", markers: true);
                    }
                }
            }

            return plot;
        }
    }
}
