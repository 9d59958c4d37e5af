using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace RnnGen.Samples.AddingProblem
{
    /// <summary>
    /// A base-10 logarithmic y axis on a ScottPlot 5 plot. ScottPlot has no log scale of its own, so the series are
    /// plotted as log10(y) and the axis gets ticks at whole decades, labelled with the powers of ten they stand for.
    /// Values a log axis cannot show (zero, negative, not finite) break the line rather than vanish silently into it.
    /// </summary>
    public sealed class LogYAxis
    {
        /// <summary>The most labelled decades; a wider range labels only every k-th one and marks the others as minor ticks.</summary>
        private const int MaxLabels = 10;

        private static readonly string Superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹";

        private readonly Plot plot;
        private double lowest = double.PositiveInfinity;
        private double highest = double.NegativeInfinity;

        /// <summary>Creates the axis on a plot's left y axis.</summary>
        /// <param name="plot">The plot.</param>
        public LogYAxis(Plot plot)
        {
            ArgumentNullException.ThrowIfNull(plot);
            this.plot = plot;
        }

        /// <summary>Adds a line, one scatter per unbroken run of showable points; only the first is named in the legend.</summary>
        /// <param name="legend">Its legend entry.</param>
        /// <param name="color">Its colour.</param>
        /// <param name="xs">The x values.</param>
        /// <param name="ys">The y values (not their logarithms), as many as <paramref name="xs"/>.</param>
        /// <param name="width">The line width in pixels.</param>
        /// <param name="dashed">Whether the line is dashed.</param>
        /// <param name="markers">Whether each point gets a filled square.</param>
        public void AddLine(string legend, Color color, IReadOnlyList<double> xs, IReadOnlyList<double> ys, float width = 2, bool dashed = false, bool markers = false)
        {
            ArgumentNullException.ThrowIfNull(xs);
            ArgumentNullException.ThrowIfNull(ys);
            ArgumentOutOfRangeException.ThrowIfNotEqual(ys.Count, xs.Count, nameof(ys));
            var named = false;
            var segmentX = new List<double>();
            var segmentY = new List<double>();
            for (var i = 0; i <= xs.Count; i++)
            {
                var y = i < xs.Count ? ToLog(ys[i]) : double.NaN;
                if (!double.IsNaN(y) && double.IsFinite(xs[i]))
                {
                    segmentX.Add(xs[i]);
                    segmentY.Add(y);
                    Include(y);
                    continue;
                }

                if (segmentX.Count > 0)
                {
                    var scatter = plot.Add.Scatter(segmentX.ToArray(), segmentY.ToArray(), color);
                    scatter.LineWidth = width;
                    scatter.LinePattern = dashed ? LinePattern.Dashed : LinePattern.Solid;
                    scatter.MarkerShape = markers ? MarkerShape.FilledSquare : MarkerShape.None;
                    scatter.MarkerSize = markers ? 7 : 0;
                    scatter.LegendText = named ? string.Empty : legend;
                    named = true;
                    segmentX.Clear();
                    segmentY.Clear();
                }
            }
        }

        /// <summary>Adds a thin dashed horizontal reference line across the plot, named in the legend.</summary>
        /// <param name="legend">Its legend entry.</param>
        /// <param name="y">Its value (not its logarithm); must be positive.</param>
        /// <param name="color">Its colour.</param>
        public void AddHorizontalLine(string legend, double y, Color color)
        {
            var log = ToLog(y);
            if (double.IsNaN(log))
            {
                throw new ArgumentOutOfRangeException(nameof(y), y, "A log axis shows only positive finite values.");
            }

            var line = plot.Add.HorizontalLine(log, 1.5f, color, LinePattern.Dashed);
            line.LegendText = legend;
            Include(log);
        }

        /// <summary>
        /// Sets the y limits to the whole decades around everything added, with a labelled tick per decade (per k-th
        /// decade over a wide range) and minor ticks in between. Call it after the last line.
        /// </summary>
        public void Apply()
        {
            var low = double.IsFinite(lowest) ? (int)Math.Floor(lowest + 1e-9) : -1;
            var high = double.IsFinite(highest) ? (int)Math.Ceiling(highest - 1e-9) : 0;
            if (high <= low)
            {
                high = low + 1;
            }

            var every = Math.Max(1, (int)Math.Ceiling((high - low) / (double)MaxLabels));
            low = (int)Math.Floor((double)low / every) * every;
            high = (int)Math.Ceiling((double)high / every) * every;
            var ticks = new NumericManual();
            for (var exponent = low; exponent <= high; exponent++)
            {
                if ((exponent - low) % every == 0)
                {
                    ticks.AddMajor(exponent, Label(exponent));
                }
                else
                {
                    ticks.AddMinor(exponent);
                }

                // Within a decade the 2..9 multiples, as on log paper; over a wide range they would only be clutter.
                if (every == 1 && exponent < high)
                {
                    for (var multiple = 2; multiple <= 9; multiple++)
                    {
                        ticks.AddMinor(exponent + Math.Log10(multiple));
                    }
                }
            }

            plot.Axes.Left.TickGenerator = ticks;
            plot.Axes.SetLimitsY(low, high);
        }

        /// <summary>The label of the tick at 10^<paramref name="exponent"/>: plain decimals near 1, powers of ten beyond.</summary>
        /// <param name="exponent">The decade.</param>
        /// <returns>E.g. <c>0.01</c>, <c>1</c>, <c>100</c>, <c>10⁻⁵</c>.</returns>
        public static string Label(int exponent)
        {
            if (exponent is >= -2 and <= 2)
            {
                return Math.Pow(10, exponent).ToString("0.##", CultureInfo.InvariantCulture);
            }

            var text = new StringBuilder("10");
            if (exponent < 0)
            {
                text.Append('⁻');
            }

            foreach (var digit in Math.Abs(exponent).ToString(CultureInfo.InvariantCulture))
            {
                text.Append(Superscripts[digit - '0']);
            }

            return text.ToString();
        }

        private static double ToLog(double value) => value > 0 && double.IsFinite(value) ? Math.Log10(value) : double.NaN;

        private void Include(double log)
        {
            lowest = Math.Min(lowest, log);
            highest = Math.Max(highest, log);
        }
    }
}
