using System;

namespace RnnGen.Numerics
{
    /// <summary>
    /// Moves rows between the caller's dense [rows][width] layout and the generated code's buffers, whose rows are
    /// padded to a multiple of 16 floats ([rows][stride]).
    /// </summary>
    public static class PaddedRows
    {
        /// <summary>destination[r][0..width) = padded[r][0..width) for each of <paramref name="rows"/> rows.</summary>
        public static void Unpad(ReadOnlySpan<float> padded, int stride, int width, int rows, Span<float> destination)
        {
            for (var r = 0; r < rows; r++)
            {
                padded.Slice(r * stride, width).CopyTo(destination.Slice(r * width, width));
            }
        }

        /// <summary>padded[r] = (source[r], zeros) for each of <paramref name="rows"/> rows.</summary>
        public static void Pad(ReadOnlySpan<float> source, int width, int rows, Span<float> padded, int stride)
        {
            padded.Slice(0, rows * stride).Clear();
            for (var r = 0; r < rows; r++)
            {
                source.Slice(r * width, width).CopyTo(padded.Slice(r * stride, width));
            }
        }
    }
}
