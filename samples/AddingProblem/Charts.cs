using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace RnnGen.Samples.AddingProblem
{
    /// <summary>The sample's two figures (ScottPlot 5), built from the training runs and the gradient profiles.</summary>
    public static class Charts
    {
        /// <summary>The figures' width in pixels.</summary>
        public const int Width = 1000;

        /// <summary>The figures' height in pixels.</summary>
        public const int Height = 620;

        /// <summary>The file name of the learning-curve figure.</summary>
        public const string CurvesFile = "adding-curves.png";

        /// <summary>The file name of the gradient-norm figure.</summary>
        public const string GradientsFile = "adding-gradients.png";

        private static readonly Color Baseline = new(110, 110, 110);
        private static readonly Color LstmCell = new(23, 190, 207);
        private static readonly string[] SansFamilies = ["DejaVu Sans", "Liberation Sans", "Segoe UI", "Helvetica Neue", "Arial"];

        /// <summary>The colour of a cell's lines: SimpleRNN red, LSTM blue, GRU green.</summary>
        /// <param name="cell">The cell's name.</param>
        /// <returns>The colour.</returns>
        public static Color ColorOf(string cell) => cell switch
        {
            "SimpleRNN" => new Color(214, 39, 40),
            "LSTM" => new Color(31, 119, 180),
            "GRU" => new Color(44, 160, 44),
            _ => new Color(148, 103, 189),
        };

        /// <summary>Writes both figures as PNG files into a directory (created if missing).</summary>
        /// <param name="directory">The directory.</param>
        /// <param name="runs">The runs of <paramref name="length"/>, one per cell.</param>
        /// <param name="probes">The gradient profiles measured at <paramref name="length"/>.</param>
        /// <param name="length">The sequence length both figures show.</param>
        /// <returns>The two files' paths.</returns>
        public static (string Curves, string Gradients) Write(string directory, IReadOnlyList<TrainingRun> runs, IReadOnlyList<GradientProfile> probes, int length)
        {
            Directory.CreateDirectory(directory);
            var curves = Path.Combine(directory, CurvesFile);
            var gradients = Path.Combine(directory, GradientsFile);
            using (var plot = LearningCurves(runs, length))
            {
                plot.SavePng(curves, Width, Height);
            }

            using (var plot = GradientNorms(probes, length))
            {
                plot.SavePng(gradients, Width, Height);
            }

            return (curves, gradients);
        }

        /// <summary>Test MSE against training step (log y), one line per cell, with the 0.167 baseline.</summary>
        /// <param name="runs">The runs of one length.</param>
        /// <param name="length">That length.</param>
        /// <returns>The plot; the caller disposes of it.</returns>
        public static Plot LearningCurves(IReadOnlyList<TrainingRun> runs, int length)
        {
            ArgumentNullException.ThrowIfNull(runs);
            var plot = NewPlot($"Adding problem, T = {length}: test MSE during training", "training step", "test MSE (log scale)");
            var axis = new LogYAxis(plot);
            var lastStep = 1.0;
            foreach (var run in runs)
            {
                var steps = new List<double>();
                var mse = new List<double>();
                foreach (var point in run.Curve)
                {
                    steps.Add(point.Step);
                    mse.Add(point.TestMse);
                }

                lastStep = Math.Max(lastStep, steps.Count > 0 ? steps[^1] : 0);

                // The SimpleRNN goes first and wider: the LSTM sits on the same plateau for a long time and would hide it.
                axis.AddLine(run.Cell, ColorOf(run.Cell), steps, mse, width: run.Cell == "SimpleRNN" ? 6 : 2.5f);
            }

            axis.AddHorizontalLine($"always answer 1: MSE {AddingTask.BaselineMse:0.000}", AddingTask.BaselineMse, Baseline);
            axis.Apply();
            plot.Axes.SetLimitsX(0, lastStep);

            // Above the plateau, late in training, is the one corner no curve passes through.
            plot.ShowLegend(Alignment.UpperRight);
            return plot;
        }

        /// <summary>
        /// ‖dL/dh‖ against distance d from the last step (log y): solid after training, dashed at initialisation; for
        /// the LSTM also ‖dL/dc‖ (the cell state, its memory path) in a lighter colour. Zeros (underflow) are left out.
        /// </summary>
        /// <param name="probes">The profiles.</param>
        /// <param name="length">Their sequence length.</param>
        /// <returns>The plot; the caller disposes of it.</returns>
        public static Plot GradientNorms(IReadOnlyList<GradientProfile> probes, int length)
        {
            ArgumentNullException.ThrowIfNull(probes);
            var plot = NewPlot($"Gradient reaching back d steps, T = {length}", "distance d from the last step", "mean ‖dL/dh‖, ‖dL/dc‖ (log scale)");
            var axis = new LogYAxis(plot);
            foreach (var label in new[] { "trained", "init" })
            {
                foreach (var probe in probes)
                {
                    if (probe.Label != label)
                    {
                        continue;
                    }

                    var distances = probe.Distances.Select(d => (double)d).ToArray();
                    var dashed = label == "init";
                    axis.AddLine(probe.CellNorms is null ? $"{probe.Cell} {label}" : $"{probe.Cell} {label}, dL/dh", ColorOf(probe.Cell), distances, probe.HiddenNorms, dashed: dashed, markers: true);
                    if (probe.CellNorms is { } cellNorms)
                    {
                        axis.AddLine($"{probe.Cell} {label}, dL/dc", LstmCell, distances, cellNorms, dashed: dashed, markers: true);
                    }
                }
            }

            axis.Apply();
            plot.Axes.SetLimitsX(0, length);

            // Below the initial gradients' diagonal: trained curves stay high, untrained ones fall from the top left.
            plot.ShowLegend(Alignment.LowerLeft);
            return plot;
        }

        private static Plot NewPlot(string title, string xLabel, string yLabel)
        {
            var plot = new Plot();

            // ScottPlot's default family is whatever the system calls its default, a serif face on many Linux
            // machines; a sans face with the superscripts and ‖ the labels use reads better where there is one.
            if (SansFont() is { } sans)
            {
                plot.Font.Set(sans);
            }

            plot.Title(title, 20);
            plot.XLabel(xLabel, 16);
            plot.YLabel(yLabel, 16);
            plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
            plot.Axes.Left.TickLabelStyle.FontSize = 14;
            plot.Legend.FontSize = 14;

            // Long enough to show that a legend entry's line is dashed.
            plot.Legend.SymbolWidth = 40;
            plot.Axes.Bottom.TickGenerator = new NumericAutomatic { TargetTickCount = 20 };

            // Room for half of the last x tick label, which is centred on the plot's right edge.
            plot.Axes.Right.MinimumSize = 30;
            return plot;
        }

        private static string? SansFont()
        {
            foreach (var family in SansFamilies)
            {
                if (string.Equals(Fonts.GetTypeface(family, bold: false, italic: false)?.FamilyName, family, StringComparison.OrdinalIgnoreCase))
                {
                    return family;
                }
            }

            return null;
        }
    }
}
