using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace RnnGen.Onnx
{
    /// <summary>
    /// Reads an ONNX tensor's values as floats: float32 as is; float16, bfloat16 and float64 converted (rounded to
    /// the nearest float). External data is read from the file beside the model when the model was opened from a
    /// path; anything else is refused with a reason naming the tensor.
    /// </summary>
    internal static class OnnxTensorReader
    {
        /// <summary>The tensor's values, or null with <paramref name="problem"/> saying why not.</summary>
        /// <param name="tensor">The tensor.</param>
        /// <param name="baseDirectory">The model file's directory (external data is relative to it), or null for a stream.</param>
        /// <param name="problem">Why the values could not be read.</param>
        public static float[]? TryRead(TensorProto tensor, string? baseDirectory, out string problem)
        {
            problem = string.Empty;
            long count = 1;
            foreach (long dim in tensor.Dims)
            {
                count *= dim;
            }

            if (count > Array.MaxLength)
            {
                problem = "it has " + count + " elements, more than an array holds";
                return null;
            }

            ByteString? raw = tensor.RawData.IsEmpty ? null : tensor.RawData;
            if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            {
                byte[]? external = ReadExternal(tensor, baseDirectory, out problem);
                if (external is null)
                {
                    return null;
                }

                raw = ByteString.CopyFrom(external);
            }

            var values = new float[count];
            switch ((DataType)tensor.DataType)
            {
                case DataType.Float:
                    if (raw is not null)
                    {
                        if (!Length(raw, count, 4, out problem))
                        {
                            return null;
                        }

                        for (int i = 0; i < values.Length; i++)
                        {
                            values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Span.Slice(i * 4, 4));
                        }
                    }
                    else if (!Copy(tensor.FloatData, values, v => v, out problem))
                    {
                        return null;
                    }

                    return values;
                case DataType.Double:
                    if (raw is not null)
                    {
                        if (!Length(raw, count, 8, out problem))
                        {
                            return null;
                        }

                        for (int i = 0; i < values.Length; i++)
                        {
                            values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.Span.Slice(i * 8, 8));
                        }
                    }
                    else if (!Copy(tensor.DoubleData, values, v => (float)v, out problem))
                    {
                        return null;
                    }

                    return values;
                case DataType.Float16:
                case DataType.Bfloat16:
                    bool half = (DataType)tensor.DataType == DataType.Float16;
                    Func<int, float> convert = half
                        ? bits => (float)BitConverter.UInt16BitsToHalf((ushort)bits)
                        : bits => BitConverter.Int32BitsToSingle((bits & 0xFFFF) << 16); // bfloat16: float32's top 16 bits
                    if (raw is not null)
                    {
                        if (!Length(raw, count, 2, out problem))
                        {
                            return null;
                        }

                        for (int i = 0; i < values.Length; i++)
                        {
                            values[i] = convert(BinaryPrimitives.ReadUInt16LittleEndian(raw.Span.Slice(i * 2, 2)));
                        }
                    }
                    else if (!Copy(tensor.Int32Data, values, convert, out problem)) // 16-bit types keep their bits in int32_data
                    {
                        return null;
                    }

                    return values;
                default:
                    problem = "its data type is " + DataTypeName(tensor.DataType) + "; weights must be FLOAT, FLOAT16, BFLOAT16 or DOUBLE";
                    return null;
            }
        }

        /// <summary>An integer tensor's values (shapes, axes, indices), or null.</summary>
        public static long[]? TryReadIntegers(TensorProto tensor)
        {
            switch ((DataType)tensor.DataType)
            {
                case DataType.Int64:
                    if (!tensor.RawData.IsEmpty)
                    {
                        var values = new long[tensor.RawData.Length / 8];
                        for (int i = 0; i < values.Length; i++)
                        {
                            values[i] = BinaryPrimitives.ReadInt64LittleEndian(tensor.RawData.Span.Slice(i * 8, 8));
                        }

                        return values;
                    }

                    return [.. tensor.Int64Data];
                case DataType.Int32:
                    if (!tensor.RawData.IsEmpty)
                    {
                        var values = new long[tensor.RawData.Length / 4];
                        for (int i = 0; i < values.Length; i++)
                        {
                            values[i] = BinaryPrimitives.ReadInt32LittleEndian(tensor.RawData.Span.Slice(i * 4, 4));
                        }

                        return values;
                    }

                    return [.. tensor.Int32Data];
                default:
                    return null;
            }
        }

        /// <summary>ONNX's name for a data type, e.g. <c>INT8</c>.</summary>
        public static string DataTypeName(int dataType) =>
            Enum.IsDefined(typeof(DataType), dataType) ? ((DataType)dataType).ToString().ToUpperInvariant() : "data type " + dataType;

        private static byte[]? ReadExternal(TensorProto tensor, string? baseDirectory, out string problem)
        {
            string location = string.Empty;
            long offset = 0;
            long length = -1;
            foreach (StringStringEntryProto entry in tensor.ExternalData)
            {
                switch (entry.Key)
                {
                    case "location": location = entry.Value; break;
                    case "offset": offset = long.Parse(entry.Value, System.Globalization.CultureInfo.InvariantCulture); break;
                    case "length": length = long.Parse(entry.Value, System.Globalization.CultureInfo.InvariantCulture); break;
                    default: break;
                }
            }

            if (baseDirectory is null)
            {
                problem = "it is stored as external data in '" + location + "'; import from the model's path (ImportOnnx(string)) so the file can be found";
                return null;
            }

            // The location is relative to the model's directory and must stay inside it.
            string full = Path.GetFullPath(Path.Combine(baseDirectory, location));
            string root = Path.GetFullPath(baseDirectory) + Path.DirectorySeparatorChar;
            if (location.Length == 0 || Path.IsPathRooted(location) || !full.StartsWith(root, StringComparison.Ordinal))
            {
                problem = "its external data location '" + location + "' is not a file inside the model's directory";
                return null;
            }

            if (!File.Exists(full))
            {
                problem = "its external data file '" + full + "' does not exist";
                return null;
            }

            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
            long available = stream.Length - offset;
            if (length < 0)
            {
                length = available;
            }

            if (offset < 0 || length > available || length > Array.MaxLength)
            {
                problem = "its external data (offset " + offset + ", length " + length + ") lies outside '" + location + "' (" + stream.Length + " bytes)";
                return null;
            }

            var bytes = new byte[length];
            stream.Position = offset;
            stream.ReadExactly(bytes);
            problem = string.Empty;
            return bytes;
        }

        private static bool Length(ByteString raw, long count, int size, out string problem)
        {
            problem = raw.Length == count * size ? string.Empty : "its raw data has " + raw.Length + " bytes for " + count + " elements of " + size + " bytes";
            return problem.Length == 0;
        }

        private static bool Copy<T>(IReadOnlyList<T> source, float[] values, Func<T, float> convert, out string problem)
        {
            if (source.Count != values.Length)
            {
                problem = "it holds " + source.Count + " values for " + values.Length + " elements";
                return false;
            }

            for (int i = 0; i < values.Length; i++)
            {
                values[i] = convert(source[i]);
            }

            problem = string.Empty;
            return true;
        }
    }
}
