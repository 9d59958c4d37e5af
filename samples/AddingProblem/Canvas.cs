using System;

namespace RnnGen.Samples.AddingProblem
{
    /// <summary>An opaque 8-bit RGB colour.</summary>
    /// <param name="R">Red.</param>
    /// <param name="G">Green.</param>
    /// <param name="B">Blue.</param>
    public readonly record struct Rgb(byte R, byte G, byte B)
    {
        /// <summary>White.</summary>
        public static Rgb White => new(255, 255, 255);

        /// <summary>Black.</summary>
        public static Rgb Black => new(0, 0, 0);
    }

    /// <summary>
    /// An RGB raster with the few drawing operations a line plot needs: pixels, filled rectangles, thick (optionally
    /// dashed) lines and text in <see cref="PixelFont"/>, horizontal or turned a quarter left. Drawing outside the
    /// current clip rectangle is ignored.
    /// </summary>
    public sealed class Canvas
    {
        private readonly byte[] pixels;
        private int clipLeft;
        private int clipTop;
        private int clipRight;
        private int clipBottom;

        /// <summary>Creates a canvas filled with <paramref name="background"/>.</summary>
        /// <param name="width">Width in pixels (at least 1).</param>
        /// <param name="height">Height in pixels (at least 1).</param>
        /// <param name="background">The fill colour.</param>
        public Canvas(int width, int height, Rgb background)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
            Width = width;
            Height = height;
            pixels = new byte[width * height * 3];
            ResetClip();
            FillRectangle(0, 0, width, height, background);
        }

        /// <summary>Width in pixels.</summary>
        public int Width { get; }

        /// <summary>Height in pixels.</summary>
        public int Height { get; }

        /// <summary>The pixels, row by row from the top, 3 bytes (R, G, B) each, as <see cref="PngWriter"/> takes them.</summary>
        public ReadOnlySpan<byte> Pixels => pixels;

        /// <summary>Restricts drawing to the rectangle <c>[left, right) × [top, bottom)</c>.</summary>
        /// <param name="left">The first column.</param>
        /// <param name="top">The first row.</param>
        /// <param name="right">One past the last column.</param>
        /// <param name="bottom">One past the last row.</param>
        public void SetClip(int left, int top, int right, int bottom)
        {
            clipLeft = Math.Max(0, left);
            clipTop = Math.Max(0, top);
            clipRight = Math.Min(Width, right);
            clipBottom = Math.Min(Height, bottom);
        }

        /// <summary>Allows drawing anywhere on the canvas again.</summary>
        public void ResetClip() => SetClip(0, 0, Width, Height);

        /// <summary>Sets one pixel (ignored outside the clip rectangle).</summary>
        /// <param name="x">The column.</param>
        /// <param name="y">The row, 0 at the top.</param>
        /// <param name="color">The colour.</param>
        public void SetPixel(int x, int y, Rgb color)
        {
            if (x < clipLeft || x >= clipRight || y < clipTop || y >= clipBottom)
            {
                return;
            }

            var i = ((y * Width) + x) * 3;
            pixels[i] = color.R;
            pixels[i + 1] = color.G;
            pixels[i + 2] = color.B;
        }

        /// <summary>Fills <c>[x, x + width) × [y, y + height)</c>.</summary>
        /// <param name="x">The left column.</param>
        /// <param name="y">The top row.</param>
        /// <param name="width">Width in pixels.</param>
        /// <param name="height">Height in pixels.</param>
        /// <param name="color">The colour.</param>
        public void FillRectangle(int x, int y, int width, int height, Rgb color)
        {
            for (var row = y; row < y + height; row++)
            {
                for (var column = x; column < x + width; column++)
                {
                    SetPixel(column, row, color);
                }
            }
        }

        /// <summary>Draws a line of <paramref name="thickness"/> pixels from (x0, y0) to (x1, y1).</summary>
        /// <param name="x0">Start column.</param>
        /// <param name="y0">Start row.</param>
        /// <param name="x1">End column.</param>
        /// <param name="y1">End row.</param>
        /// <param name="color">The colour.</param>
        /// <param name="thickness">The width of the square brush (at least 1).</param>
        /// <param name="dash">0 for a solid line, or the length of dashes and of the gaps between them, in pixels.</param>
        /// <param name="dashOffset">How far along the dash pattern the line starts (to continue a pattern across segments).</param>
        /// <returns>The pattern position at the end of the line, for the next segment's <paramref name="dashOffset"/>.</returns>
        public double DrawLine(double x0, double y0, double x1, double y1, Rgb color, int thickness = 1, int dash = 0, double dashOffset = 0)
        {
            var dx = x1 - x0;
            var dy = y1 - y0;
            var length = Math.Sqrt((dx * dx) + (dy * dy));
            var steps = Math.Max(1, (int)Math.Ceiling(Math.Max(Math.Abs(dx), Math.Abs(dy))));
            var half = (thickness - 1) / 2;
            for (var i = 0; i <= steps; i++)
            {
                var t = (double)i / steps;
                if (dash > 0 && ((dashOffset + (t * length)) % (2 * dash)) >= dash)
                {
                    continue;
                }

                var x = (int)Math.Round(x0 + (t * dx));
                var y = (int)Math.Round(y0 + (t * dy));
                FillRectangle(x - half, y - half, thickness, thickness, color);
            }

            return dashOffset + length;
        }

        /// <summary>Draws text with its top-left corner at (x, y).</summary>
        /// <param name="x">The left column.</param>
        /// <param name="y">The top row.</param>
        /// <param name="text">The text (see <see cref="PixelFont"/> for the characters it has).</param>
        /// <param name="color">The colour.</param>
        /// <param name="scale">Pixels per font pixel.</param>
        public void DrawText(int x, int y, string text, Rgb color, int scale = 2)
        {
            ArgumentNullException.ThrowIfNull(text);
            for (var i = 0; i < text.Length; i++)
            {
                var glyph = PixelFont.Glyph(text[i]);
                for (var row = 0; row < PixelFont.GlyphHeight; row++)
                {
                    for (var column = 0; column < PixelFont.GlyphWidth; column++)
                    {
                        if ((glyph[row] & (1 << (PixelFont.GlyphWidth - 1 - column))) != 0)
                        {
                            FillRectangle(x + (((i * PixelFont.Advance) + column) * scale), y + (row * scale), scale, scale, color);
                        }
                    }
                }
            }
        }

        /// <summary>Draws text turned a quarter turn anticlockwise (reading upwards), its bottom-left corner at (x, y).</summary>
        /// <param name="x">The left column of the turned text.</param>
        /// <param name="y">The bottom row, where the text starts.</param>
        /// <param name="text">The text.</param>
        /// <param name="color">The colour.</param>
        /// <param name="scale">Pixels per font pixel.</param>
        public void DrawTextUpwards(int x, int y, string text, Rgb color, int scale = 2)
        {
            ArgumentNullException.ThrowIfNull(text);
            for (var i = 0; i < text.Length; i++)
            {
                var glyph = PixelFont.Glyph(text[i]);
                for (var row = 0; row < PixelFont.GlyphHeight; row++)
                {
                    for (var column = 0; column < PixelFont.GlyphWidth; column++)
                    {
                        if ((glyph[row] & (1 << (PixelFont.GlyphWidth - 1 - column))) != 0)
                        {
                            // Font (column, row) goes to (x + row, y - column): the glyph's top faces left.
                            var along = (i * PixelFont.Advance) + column;
                            FillRectangle(x + (row * scale), y - ((along + 1) * scale), scale, scale, color);
                        }
                    }
                }
            }
        }

        /// <summary>Encodes the canvas as a PNG file.</summary>
        /// <param name="path">The file to write.</param>
        public void SavePng(string path) => PngWriter.Write(path, Width, Height, pixels);
    }
}
