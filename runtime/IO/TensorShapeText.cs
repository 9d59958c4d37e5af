using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace RnnGen.IO
{
    /// <summary>Shape helpers shared by the reader and the writer: formatting as <c>[256, 32]</c> and element counts.</summary>
    internal static class TensorShapeText
    {
        /// <summary>Formats a shape the way PyTorch and safetensors print it: <c>[256, 32]</c>, <c>[]</c> for a scalar.</summary>
        public static string Format(ReadOnlySpan<int> shape)
        {
            var text = new StringBuilder("[");
            for (var i = 0; i < shape.Length; i++)
            {
                text.Append(i == 0 ? string.Empty : ", ").Append(shape[i].ToString(CultureInfo.InvariantCulture));
            }

            return text.Append(']').ToString();
        }

        /// <summary>Formats a shape read from a file.</summary>
        public static string Format(IReadOnlyList<long> shape)
        {
            var text = new StringBuilder("[");
            for (var i = 0; i < shape.Count; i++)
            {
                text.Append(i == 0 ? string.Empty : ", ").Append(shape[i].ToString(CultureInfo.InvariantCulture));
            }

            return text.Append(']').ToString();
        }

        /// <summary>The dimensions of a <see cref="TensorInfo"/>: <c>[Rows]</c> for a vector, <c>[Rows, Columns]</c> otherwise.</summary>
        public static int[] Dimensions(TensorInfo tensor) =>
            tensor.IsVector ? new[] { tensor.Rows } : new[] { tensor.Rows, tensor.Columns };

        /// <summary>The element count of a shape given by the caller; throws when a dimension is negative or the count overflows.</summary>
        public static long ElementCount(ReadOnlySpan<int> shape, string argument)
        {
            long count = 1;
            for (var i = 0; i < shape.Length; i++)
            {
                if (shape[i] < 0)
                {
                    throw new ArgumentOutOfRangeException(argument, $"{argument} {Format(shape)} has a negative dimension.");
                }

                count = checked(count * shape[i]);
            }

            return count;
        }

        /// <summary>True when a shape from a file equals the caller's shape exactly.</summary>
        public static bool SameShape(IReadOnlyList<long> actual, ReadOnlySpan<int> expected)
        {
            if (actual.Count != expected.Length)
            {
                return false;
            }

            for (var i = 0; i < expected.Length; i++)
            {
                if (actual[i] != expected[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
