using System;
using System.Collections.Generic;
using System.Globalization;

namespace RnnGen.Samples.AddingProblem
{
    /// <summary>Where a plot's legend goes, inside the plotting area.</summary>
    public enum LegendCorner
    {
        /// <summary>The upper right corner.</summary>
        TopRight,

        /// <summary>The lower left corner.</summary>
        BottomLeft,

        /// <summary>The lower right corner.</summary>
        BottomRight,
    }

    /// <summary>
    /// A tiny line-plot rasteriser: axes with ticks, grid and labels, a linear x axis, a linear or base-10 logarithmic
    /// y axis, coloured (optionally dashed) series and a legend. Points whose y cannot be shown (not finite, or not
    /// positive on a log axis) break the line.
    /// </summary>
    public sealed class LinePlot
    {
        private const int Scale = 2;
        private const int CharWidth = PixelFont.Advance * Scale;
        private const int CharHeight = PixelFont.GlyphHeight * Scale;
        private static readonly Rgb Grid = new(225, 225, 225);
        private static readonly Rgb Ink = new(40, 40, 40);

        private readonly List<Series> series = [];

        /// <summary>Creates an empty plot.</summary>
        /// <param name="title">The title above the plot.</param>
        /// <param name="xLabel">The x axis' label.</param>
        /// <param name="yLabel">The y axis' label.</param>
        /// <param name="logY">Whether the y axis is logarithmic.</param>
        public LinePlot(string title, string xLabel, string yLabel, bool logY)
        {
            Title = title;
            XLabel = xLabel;
            YLabel = yLabel;
            LogY = logY;
        }

        /// <summary>The title.</summary>
        public string Title { get; }

        /// <summary>The x axis' label.</summary>
        public string XLabel { get; }

        /// <summary>The y axis' label.</summary>
        public string YLabel { get; }

        /// <summary>Whether the y axis is logarithmic (base 10).</summary>
        public bool LogY { get; }

        /// <summary>Where the legend is drawn.</summary>
        public LegendCorner Legend { get; set; } = LegendCorner.TopRight;

        /// <summary>Adds a series, drawn in the order added and listed in the legend.</summary>
        /// <param name="name">Its legend entry.</param>
        /// <param name="color">The line colour.</param>
        /// <param name="points">The points, in drawing order.</param>
        /// <param name="dashed">Whether the line is dashed.</param>
        /// <param name="markers">Whether each point gets a small square.</param>
        /// <param name="thickness">The line width in pixels (a wider line under a narrower one keeps both visible where they overlap).</param>
        public void AddSeries(string name, Rgb color, IReadOnlyList<(double X, double Y)> points, bool dashed = false, bool markers = false, int thickness = 3)
        {
            ArgumentNullException.ThrowIfNull(points);
            ArgumentOutOfRangeException.ThrowIfLessThan(thickness, 1);
            series.Add(new Series(name, color, points, dashed, markers, thickness));
        }

        /// <summary>Adds a horizontal reference line across the whole x range (a thin dashed line, listed in the legend).</summary>
        /// <param name="name">Its legend entry.</param>
        /// <param name="y">Its value.</param>
        /// <param name="color">Its colour.</param>
        public void AddHorizontalLine(string name, double y, Rgb color) =>
            series.Add(new Series(name, color, [(double.NaN, y)], Dashed: true, Markers: false, Thickness: 1));

        /// <summary>Draws the plot.</summary>
        /// <param name="width">Image width in pixels.</param>
        /// <param name="height">Image height in pixels.</param>
        /// <returns>The canvas.</returns>
        public Canvas Render(int width = 960, int height = 600)
        {
            var canvas = new Canvas(width, height, Rgb.White);
            var (xMin, xMax, yMin, yMax) = DataRange();
            var xTicks = LinearTicks(ref xMin, ref xMax);
            var yTicks = LogY ? LogTicks(ref yMin, ref yMax) : LinearTicks(ref yMin, ref yMax);

            var yTickLabels = yTicks.ConvertAll(FormatY);
            var widestLabel = 0;
            foreach (var label in yTickLabels)
            {
                widestLabel = Math.Max(widestLabel, label.Length * CharWidth);
            }

            var left = 24 + CharHeight + widestLabel + 12;
            var top = 20 + CharHeight + 20;
            var right = width - 30;
            var bottom = height - (20 + CharHeight + 12 + CharHeight + 14);
            double X(double x) => left + ((x - xMin) / (xMax - xMin) * (right - left));
            double Y(double y) => LogY
                ? bottom - ((Math.Log10(y) - Math.Log10(yMin)) / (Math.Log10(yMax) - Math.Log10(yMin)) * (bottom - top))
                : bottom - ((y - yMin) / (yMax - yMin) * (bottom - top));

            // Grid, ticks and tick labels.
            foreach (var x in xTicks)
            {
                var px = (int)Math.Round(X(x));
                canvas.DrawLine(px, top, px, bottom, Grid);
                canvas.DrawLine(px, bottom, px, bottom + 5, Ink);
                var label = FormatNumber(x);
                canvas.DrawText(px - (PixelFont.Measure(label) * Scale / 2), bottom + 10, label, Ink, Scale);
            }

            for (var i = 0; i < yTicks.Count; i++)
            {
                var py = (int)Math.Round(Y(yTicks[i]));
                canvas.DrawLine(left, py, right, py, Grid);
                canvas.DrawLine(left - 5, py, left, py, Ink);
                canvas.DrawText(left - 10 - (PixelFont.Measure(yTickLabels[i]) * Scale), py - (CharHeight / 2), yTickLabels[i], Ink, Scale);
            }

            // Axes, title and axis labels.
            canvas.DrawLine(left, top, left, bottom, Ink);
            canvas.DrawLine(left, bottom, right, bottom, Ink);
            canvas.DrawText((width - (PixelFont.Measure(Title) * Scale)) / 2, 20, Title, Ink, Scale);
            canvas.DrawText(((left + right) / 2) - (PixelFont.Measure(XLabel) * Scale / 2), height - 20 - CharHeight, XLabel, Ink, Scale);
            canvas.DrawTextUpwards(20, ((top + bottom) / 2) + (PixelFont.Measure(YLabel) * Scale / 2), YLabel, Ink, Scale);

            // The series, clipped to the plotting area.
            canvas.SetClip(left + 1, top, right + 1, bottom);
            foreach (var s in series)
            {
                DrawSeries(canvas, s, X, Y, left, right);
            }

            canvas.ResetClip();
            DrawLegend(canvas, left, top, right, bottom);
            return canvas;
        }

        /// <summary>Renders the plot and writes it as a PNG file.</summary>
        /// <param name="path">The file.</param>
        /// <param name="width">Image width in pixels.</param>
        /// <param name="height">Image height in pixels.</param>
        public void SavePng(string path, int width = 960, int height = 600) => Render(width, height).SavePng(path);

        private void DrawSeries(Canvas canvas, Series s, Func<double, double> x, Func<double, double> y, int left, int right)
        {
            var dash = s.Dashed ? 8 : 0;
            if (s.Points.Count == 1 && double.IsNaN(s.Points[0].X))
            {
                var py = y(s.Points[0].Y);
                canvas.DrawLine(left, py, right, py, s.Color, 1, dash);
                return;
            }

            (double X, double Y)? previous = null;
            var pattern = 0.0;
            foreach (var (px, py) in s.Points)
            {
                if (!double.IsFinite(px) || !double.IsFinite(py) || (LogY && py <= 0))
                {
                    previous = null;
                    continue;
                }

                var point = (x(px), y(py));
                if (!double.IsFinite(point.Item2))
                {
                    previous = null;
                    continue;
                }

                if (previous is { } p)
                {
                    pattern = canvas.DrawLine(p.X, p.Y, point.Item1, point.Item2, s.Color, s.Thickness, dash, pattern);
                }

                if (s.Markers)
                {
                    canvas.FillRectangle((int)Math.Round(point.Item1) - 4, (int)Math.Round(point.Item2) - 4, 9, 9, s.Color);
                }

                previous = point;
            }
        }

        private void DrawLegend(Canvas canvas, int left, int top, int right, int bottom)
        {
            const int sample = 36;
            const int rowHeight = CharHeight + 10;
            var longest = 0;
            foreach (var s in series)
            {
                longest = Math.Max(longest, PixelFont.Measure(s.Name) * Scale);
            }

            var boxWidth = 12 + sample + 10 + longest + 12;
            var boxHeight = 10 + (series.Count * rowHeight);
            var x0 = Legend == LegendCorner.BottomLeft ? left + 12 : right - 12 - boxWidth;
            var y0 = Legend == LegendCorner.TopRight ? top + 12 : bottom - 12 - boxHeight;
            canvas.FillRectangle(x0, y0, boxWidth, boxHeight, Rgb.White);
            canvas.DrawLine(x0, y0, x0 + boxWidth, y0, Ink);
            canvas.DrawLine(x0, y0 + boxHeight, x0 + boxWidth, y0 + boxHeight, Ink);
            canvas.DrawLine(x0, y0, x0, y0 + boxHeight, Ink);
            canvas.DrawLine(x0 + boxWidth, y0, x0 + boxWidth, y0 + boxHeight, Ink);
            for (var i = 0; i < series.Count; i++)
            {
                var s = series[i];
                var rowTop = y0 + 10 + (i * rowHeight);
                var lineY = rowTop + (CharHeight / 2);
                canvas.DrawLine(x0 + 12, lineY, x0 + 12 + sample, lineY, s.Color, Math.Min(s.Thickness, 5), s.Dashed ? 8 : 0);
                if (s.Markers)
                {
                    canvas.FillRectangle(x0 + 12 + (sample / 2) - 4, lineY - 4, 9, 9, s.Color);
                }

                canvas.DrawText(x0 + 12 + sample + 10, rowTop, s.Name, Ink, Scale);
            }
        }

        private (double XMin, double XMax, double YMin, double YMax) DataRange()
        {
            double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity;
            double yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
            foreach (var s in series)
            {
                foreach (var (x, y) in s.Points)
                {
                    if (!double.IsFinite(y) || (LogY && y <= 0))
                    {
                        continue;
                    }

                    yMin = Math.Min(yMin, y);
                    yMax = Math.Max(yMax, y);
                    if (double.IsFinite(x))
                    {
                        xMin = Math.Min(xMin, x);
                        xMax = Math.Max(xMax, x);
                    }
                }
            }

            if (!double.IsFinite(xMin))
            {
                (xMin, xMax) = (0, 1);
            }

            if (!double.IsFinite(yMin))
            {
                (yMin, yMax) = LogY ? (0.1, 1) : (0, 1);
            }

            return (xMin, xMax, yMin, yMax);
        }

        /// <summary>Ticks at a 1-2-5 step giving about 5 to 10 intervals; widens [min, max] to whole steps.</summary>
        private static List<double> LinearTicks(ref double min, ref double max)
        {
            if (max <= min)
            {
                max = min + 1;
            }

            var raw = (max - min) / 6;
            var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
            var step = magnitude * (raw / magnitude < 1.5 ? 1 : raw / magnitude < 3.5 ? 2 : raw / magnitude < 7.5 ? 5 : 10);
            min = Math.Floor((min / step) + 1e-9) * step;
            max = Math.Ceiling((max / step) - 1e-9) * step;
            var ticks = new List<double>();
            for (var t = min; t <= max + (step / 2); t += step)
            {
                ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
            }

            return ticks;
        }

        /// <summary>Ticks at powers of ten (every k-th decade when there are many); widens [min, max] to whole decades.</summary>
        private static List<double> LogTicks(ref double min, ref double max)
        {
            var low = (int)Math.Floor(Math.Log10(min) + 1e-9);
            var high = (int)Math.Ceiling(Math.Log10(max) - 1e-9);
            if (high <= low)
            {
                high = low + 1;
            }

            var every = Math.Max(1, (int)Math.Ceiling((high - low) / 10.0));
            low = (int)Math.Floor((double)low / every) * every;
            high = (int)Math.Ceiling((double)high / every) * every;
            min = Math.Pow(10, low);
            max = Math.Pow(10, high);
            var ticks = new List<double>();
            for (var e = low; e <= high; e += every)
            {
                ticks.Add(Math.Pow(10, e));
            }

            return ticks;
        }

        private string FormatY(double value)
        {
            if (!LogY)
            {
                return FormatNumber(value);
            }

            var exponent = (int)Math.Round(Math.Log10(value));
            return exponent is >= -3 and <= 3 ? FormatNumber(value) : "1E" + exponent.ToString(CultureInfo.InvariantCulture);
        }

        private static string FormatNumber(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

        private sealed record Series(string Name, Rgb Color, IReadOnlyList<(double X, double Y)> Points, bool Dashed, bool Markers, int Thickness);
    }
}
