using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Unicode;

namespace RnnGen.IO
{
    /// <summary>
    /// Parses and validates a safetensors file's header against the file's bytes. Checks, in order: the 8-byte length
    /// prefix is present; the header fits in the file (and under the reference implementation's 100 MB limit); it is
    /// valid UTF-8 JSON whose root is an object; <c>__metadata__</c>, if present, maps strings to strings; no name
    /// appears twice; every tensor has a known dtype, a shape of non-negative integers and two non-negative
    /// <c>data_offsets</c> with <c>begin &lt;= end</c>, spanning exactly <c>product(shape) * size(dtype)</c> bytes inside
    /// the data section; and, taken in offset order, the tensors neither overlap nor leave gaps and cover the data
    /// section exactly.
    /// </summary>
    internal sealed class SafeTensorsHeader
    {
        /// <summary>The reference implementation's limit on the header size.</summary>
        public const long MaxHeaderBytes = 100_000_000;

        /// <summary>The reserved header key for string metadata.</summary>
        public const string MetadataKey = "__metadata__";

        private SafeTensorsHeader(List<SafeTensorsEntry> tensors, Dictionary<string, string> metadata, int dataStart)
        {
            Tensors = tensors;
            Metadata = metadata;
            DataStart = dataStart;
        }

        /// <summary>The tensors in header order.</summary>
        public List<SafeTensorsEntry> Tensors { get; }

        /// <summary>The <c>__metadata__</c> entries (empty when absent).</summary>
        public Dictionary<string, string> Metadata { get; }

        /// <summary>Offset of the data section in the file: 8 plus the header length.</summary>
        public int DataStart { get; }

        /// <summary>Parses the header of <paramref name="file"/>, throwing <see cref="CheckpointException"/> on any problem.</summary>
        public static SafeTensorsHeader Parse(ReadOnlyMemory<byte> file, string source)
        {
            var bytes = file.Span;
            if (bytes.Length < 8)
            {
                throw Fail(source, null, $"the file is {bytes.Length} bytes long, too short for the 8-byte header length; it is truncated or not a safetensors file.");
            }

            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            if (headerLength > MaxHeaderBytes)
            {
                throw Fail(source, null, $"the header length is {headerLength} bytes, more than the {MaxHeaderBytes}-byte limit of the format; the file is corrupt or not a safetensors file.");
            }

            if (headerLength > (ulong)(bytes.Length - 8))
            {
                throw Fail(source, null, $"the header length is {headerLength} bytes but only {bytes.Length - 8} bytes follow the length prefix; the file is truncated or not a safetensors file.");
            }

            var dataStart = 8 + (int)headerLength;
            if (!Utf8.IsValid(bytes[8..dataStart]))
            {
                throw Fail(source, null, "the header is not valid UTF-8.");
            }

            long dataLength = bytes.Length - dataStart;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(file.Slice(8, (int)headerLength));
            }
            catch (JsonException error)
            {
                throw Fail(source, null, $"the header is not valid JSON: {error.Message}", error);
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw Fail(source, null, $"the header must be a JSON object mapping tensor names to descriptions; it is a {Kind(root.ValueKind)}.");
                }

                var tensors = new List<SafeTensorsEntry>();
                var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in root.EnumerateObject())
                {
                    if (!seen.Add(property.Name))
                    {
                        throw property.Name == MetadataKey
                            ? Fail(source, null, $"'{MetadataKey}' appears more than once in the header.")
                            : Fail(source, property.Name, "appears more than once in the header (duplicate tensor name).");
                    }

                    if (property.Name == MetadataKey)
                    {
                        ReadMetadata(property.Value, metadata, source);
                    }
                    else
                    {
                        tensors.Add(ReadTensor(property.Name, property.Value, dataLength, source));
                    }
                }

                CheckCoverage(tensors, dataLength, source);
                return new SafeTensorsHeader(tensors, metadata, dataStart);
            }
        }

        /// <summary>Builds the exception for a problem, prefixed with the file and, if given, the tensor.</summary>
        public static CheckpointException Fail(string source, string? tensor, string problem, Exception? inner = null) =>
            new(
                tensor is null
                    ? $"Invalid safetensors file '{source}': {problem}"
                    : $"Invalid safetensors file '{source}': tensor '{tensor}' {problem}",
                source,
                tensor,
                inner);

        private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                throw Fail(source, null, $"'{MetadataKey}' must be an object of string values; it is a {Kind(value.ValueKind)}.");
            }

            foreach (var entry in value.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String)
                {
                    throw Fail(source, null, $"'{MetadataKey}' entry '{entry.Name}' must be a string; it is a {Kind(entry.Value.ValueKind)}.");
                }

                if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
                {
                    throw Fail(source, null, $"'{MetadataKey}' entry '{entry.Name}' appears more than once.");
                }
            }
        }

        private static SafeTensorsEntry ReadTensor(string name, JsonElement value, long dataLength, string source)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                throw Fail(source, name, $"must be described by an object with dtype, shape and data_offsets; it is a {Kind(value.ValueKind)}.");
            }

            if (!value.TryGetProperty("dtype", out var dtypeValue))
            {
                throw Fail(source, name, "has no 'dtype'.");
            }

            if (dtypeValue.ValueKind != JsonValueKind.String || !SafeTensorsDTypes.TryParse(dtypeValue.GetString(), out var dtype))
            {
                throw Fail(source, name, $"has unknown dtype {dtypeValue.GetRawText()}; known dtypes are {SafeTensorsDTypes.KnownNames}.");
            }

            if (!value.TryGetProperty("shape", out var shapeValue))
            {
                throw Fail(source, name, "has no 'shape'.");
            }

            var shape = ReadIntegers(shapeValue) ??
                throw Fail(source, name, $"has shape {shapeValue.GetRawText()}; a shape must be an array of non-negative integers.");

            if (!value.TryGetProperty("data_offsets", out var offsetsValue))
            {
                throw Fail(source, name, "has no 'data_offsets'.");
            }

            var offsets = ReadIntegers(offsetsValue);
            if (offsets is null || offsets.Length != 2)
            {
                throw Fail(source, name, $"has data_offsets {offsetsValue.GetRawText()}; they must be two non-negative integers [begin, end].");
            }

            var (begin, end) = (offsets[0], offsets[1]);
            var shapeText = TensorShapeText.Format(shape);
            if (end < begin)
            {
                throw Fail(source, name, $"has data_offsets [{begin}, {end}] with end before begin.");
            }

            long elements = 1;
            long bytes;
            try
            {
                foreach (var dimension in shape)
                {
                    elements = checked(elements * dimension);
                }

                bytes = checked(elements * SafeTensorsDTypes.SizeOf(dtype));
            }
            catch (OverflowException error)
            {
                throw Fail(source, name, $"has shape {shapeText}, too many elements to address.", error);
            }

            var dtypeName = SafeTensorsDTypes.ToName(dtype);
            if (end - begin != bytes)
            {
                throw Fail(source, name, $"has data_offsets [{begin}, {end}] ({end - begin} bytes) but shape {shapeText} of {dtypeName} needs {bytes} bytes.");
            }

            if (end > dataLength)
            {
                throw Fail(source, name, $"has data_offsets [{begin}, {end}] past the end of the data section ({dataLength} bytes); the file is truncated or its offsets are wrong.");
            }

            return new SafeTensorsEntry(name, dtype, shape, elements, begin, end);
        }

        private static void CheckCoverage(List<SafeTensorsEntry> tensors, long dataLength, string source)
        {
            // Offset order; ties (zero-length tensors, exact overlaps) in header order, so messages are deterministic.
            var byOffset = new int[tensors.Count];
            for (var i = 0; i < byOffset.Length; i++)
            {
                byOffset[i] = i;
            }

            Array.Sort(byOffset, (x, y) =>
            {
                var (a, b) = (tensors[x], tensors[y]);
                var order = a.DataBegin.CompareTo(b.DataBegin);
                order = order != 0 ? order : a.DataEnd.CompareTo(b.DataEnd);
                return order != 0 ? order : x.CompareTo(y);
            });

            long covered = 0;
            SafeTensorsEntry? previous = null;
            foreach (var index in byOffset)
            {
                var tensor = tensors[index];
                if (tensor.DataBegin < covered)
                {
                    throw Fail(source, tensor.Name, $"has data_offsets [{tensor.DataBegin}, {tensor.DataEnd}] that overlap tensor '{previous!.Name}' at [{previous.DataBegin}, {previous.DataEnd}].");
                }

                if (tensor.DataBegin > covered)
                {
                    throw Fail(source, null, $"bytes [{covered}, {tensor.DataBegin}) of the data section belong to no tensor (a gap before tensor '{tensor.Name}'); tensors must be contiguous.");
                }

                if (tensor.DataEnd > covered)
                {
                    covered = tensor.DataEnd;
                    previous = tensor;
                }
            }

            if (covered != dataLength)
            {
                throw Fail(source, null, $"the data section is {dataLength} bytes but the tensors cover only the first {covered}; the file has trailing bytes or a tensor is missing from the header.");
            }
        }

        private static long[]? ReadIntegers(JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var result = new long[value.GetArrayLength()];
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var number) || number < 0)
                {
                    return null;
                }

                result[i++] = number;
            }

            return result;
        }

        private static string Kind(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "object",
            JsonValueKind.Array => "array",
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Null => "null",
            _ => kind.ToString().ToLowerInvariant(),
        };
    }
}
