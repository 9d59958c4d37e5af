using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RnnGen.IO
{
    /// <summary>
    /// Collects named tensors and string metadata and writes them as one safetensors file: an 8-byte little-endian
    /// header length, a UTF-8 JSON header (padded with spaces to a multiple of 8 bytes, as Python's <c>safetensors</c>
    /// does, so the data section is 8-byte aligned), then every tensor's little-endian bytes, contiguous, in the order
    /// they were added. Values round-trip bit for bit.
    /// </summary>
    /// <example>
    /// <code>
    /// var writer = new SafeTensorsWriter();
    /// writer.AddAll(CharModel.PyTorchTensors, model.ExportPyTorch); // read at save time, no copy kept
    /// writer.Add("step", [], [step]);                                // an I64 scalar
    /// writer.AddMetadata("format", "pt");
    /// writer.Save("model.safetensors");                              // atomic: old file intact on failure
    /// </code>
    /// </example>
    public sealed class SafeTensorsWriter
    {
        private readonly List<Pending> tensors = new();
        private readonly HashSet<string> names = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> metadata = new(StringComparer.Ordinal);

        /// <summary>Creates an empty writer.</summary>
        public SafeTensorsWriter()
        {
            Metadata = new ReadOnlyDictionary<string, string>(metadata);
        }

        /// <summary>The number of tensors added so far.</summary>
        public int Count => tensors.Count;

        /// <summary>The metadata added so far (written as the header's <c>__metadata__</c> entry when not empty).</summary>
        public IReadOnlyDictionary<string, string> Metadata { get; }

        /// <summary>Adds or replaces one metadata entry.</summary>
        /// <param name="key">The key.</param>
        /// <param name="value">The value.</param>
        public void AddMetadata(string key, string value)
        {
            ArgumentNullException.ThrowIfNull(key);
            ArgumentNullException.ThrowIfNull(value);
            metadata[key] = value;
        }

        /// <summary>Adds an F32 tensor; the values are copied now.</summary>
        /// <param name="name">A unique, non-empty name other than <c>__metadata__</c>.</param>
        /// <param name="shape">The dimensions, outermost first; empty for a scalar.</param>
        /// <param name="values">Exactly the shape's element count, row-major.</param>
        /// <exception cref="ArgumentException">The name is empty, reserved or taken, or the values do not fit the shape.</exception>
        public void Add(string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> values) =>
            AddCopy(name, shape, values, SafeTensorsDType.F32);

        /// <summary>Adds an I32 tensor; the values are copied now.</summary>
        /// <param name="name">A unique, non-empty name other than <c>__metadata__</c>.</param>
        /// <param name="shape">The dimensions, outermost first; empty for a scalar.</param>
        /// <param name="values">Exactly the shape's element count, row-major.</param>
        /// <exception cref="ArgumentException">The name is empty, reserved or taken, or the values do not fit the shape.</exception>
        public void Add(string name, ReadOnlySpan<int> shape, ReadOnlySpan<int> values) =>
            AddCopy(name, shape, values, SafeTensorsDType.I32);

        /// <summary>Adds an I64 tensor (e.g. a step count); the values are copied now.</summary>
        /// <param name="name">A unique, non-empty name other than <c>__metadata__</c>.</param>
        /// <param name="shape">The dimensions, outermost first; empty for a scalar.</param>
        /// <param name="values">Exactly the shape's element count, row-major.</param>
        /// <exception cref="ArgumentException">The name is empty, reserved or taken, or the values do not fit the shape.</exception>
        public void Add(string name, ReadOnlySpan<int> shape, ReadOnlySpan<long> values) =>
            AddCopy(name, shape, values, SafeTensorsDType.I64);

        /// <summary>
        /// Adds an F32 tensor whose values <paramref name="export"/> writes at save time (no copy is kept until then), e.g.
        /// <c>writer.Add("weight_ih_l0", [256, 32], model.ExportPyTorch)</c>.
        /// </summary>
        /// <param name="name">A unique, non-empty name other than <c>__metadata__</c>.</param>
        /// <param name="shape">The dimensions, outermost first; empty for a scalar.</param>
        /// <param name="export">Called once per save with the name and a zeroed buffer of the shape's element count.</param>
        /// <exception cref="ArgumentException">The name is empty, reserved or taken, or the shape is invalid.</exception>
        public void Add(string name, ReadOnlySpan<int> shape, TensorExporter export)
        {
            ArgumentNullException.ThrowIfNull(export);
            var count = CheckNew(name, shape);
            if (count > Array.MaxLength)
            {
                throw new ArgumentException($"Tensor '{name}' {TensorShapeText.Format(shape)} has more elements than one array can hold.", nameof(shape));
            }

            Register(new Pending(name, SafeTensorsDType.F32, shape.ToArray(), count, null, export));
        }

        /// <summary>Adds an F32 tensor with the name and shape of <paramref name="tensor"/>; the values are copied now.</summary>
        /// <param name="tensor">The name and shape, e.g. an entry of a generated network's <c>PyTorchTensors</c>.</param>
        /// <param name="values">Exactly <see cref="TensorInfo.Length"/> values, row-major.</param>
        public void Add(TensorInfo tensor, ReadOnlySpan<float> values)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            Add(tensor.Name, TensorShapeText.Dimensions(tensor), values);
        }

        /// <summary>Adds an F32 tensor with the name and shape of <paramref name="tensor"/>, exported at save time.</summary>
        /// <param name="tensor">The name and shape.</param>
        /// <param name="export">Called once per save with the name and a zeroed buffer of <see cref="TensorInfo.Length"/> floats.</param>
        public void Add(TensorInfo tensor, TensorExporter export)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            Add(tensor.Name, TensorShapeText.Dimensions(tensor), export);
        }

        /// <summary>Adds every tensor of <paramref name="tensors"/>, each exported at save time, e.g. <c>writer.AddAll(Model.PyTorchTensors, model.ExportPyTorch)</c>.</summary>
        /// <param name="tensors">Names and shapes, in the order to write them.</param>
        /// <param name="export">Called once per tensor per save.</param>
        public void AddAll(IEnumerable<TensorInfo> tensors, TensorExporter export)
        {
            ArgumentNullException.ThrowIfNull(tensors);
            ArgumentNullException.ThrowIfNull(export);
            foreach (var tensor in tensors)
            {
                Add(tensor, export);
            }
        }

        /// <summary>Writes the whole file to <paramref name="stream"/> (from its current position; the stream is not disposed).</summary>
        /// <param name="stream">A writable stream.</param>
        /// <exception cref="CheckpointException">An exporter failed; the message names the tensor.</exception>
        public void WriteTo(Stream stream)
        {
            ArgumentNullException.ThrowIfNull(stream);
            var header = BuildHeader();
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);

            float[]? scratch = null;
            foreach (var tensor in tensors)
            {
                switch (tensor.Data)
                {
                    case float[] floats:
                        LittleEndian.Write<float>(stream, floats);
                        break;
                    case int[] ints:
                        LittleEndian.Write<int>(stream, ints);
                        break;
                    case long[] longs:
                        LittleEndian.Write<long>(stream, longs);
                        break;
                    default:
                        scratch ??= new float[LargestExported()];
                        var values = scratch.AsSpan(0, (int)tensor.ElementCount);
                        values.Clear();
                        try
                        {
                            tensor.Export!(tensor.Name, values);
                        }
                        catch (Exception error) when (error is not CheckpointException)
                        {
                            throw new CheckpointException($"Exporting tensor '{tensor.Name}' failed: {error.Message}", null, tensor.Name, error);
                        }

                        LittleEndian.Write<float>(stream, values);
                        break;
                }
            }
        }

        /// <summary>
        /// Writes the file atomically (see <see cref="AtomicFile"/>): to a temporary file in the same directory, flushed to
        /// disk, then moved over <paramref name="path"/>. On any failure the previous file is untouched and the temporary
        /// file is deleted.
        /// </summary>
        /// <param name="path">The destination; its directory must exist.</param>
        /// <exception cref="CheckpointException">Writing failed (the directory does not exist, the disk is full, an exporter
        /// threw, ...); the message names the file and, for an exporter, the tensor; the cause is the inner exception.</exception>
        public void Save(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            try
            {
                AtomicFile.Write(path, WriteTo);
            }
            catch (CheckpointException error)
            {
                throw new CheckpointException($"Could not save checkpoint '{path}': {error.Message}", path, error.TensorName, error.InnerException ?? error);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                throw new CheckpointException($"Could not save checkpoint '{path}': {error.Message}", path, null, error);
            }
        }

        /// <summary>The header JSON, padded with spaces to a multiple of 8 bytes.</summary>
        private byte[] BuildHeader()
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                json.WriteStartObject();
                if (metadata.Count > 0)
                {
                    json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                    foreach (var (key, value) in metadata)
                    {
                        json.WriteString(key, value);
                    }

                    json.WriteEndObject();
                }

                long offset = 0;
                foreach (var tensor in tensors)
                {
                    var end = checked(offset + (tensor.ElementCount * SafeTensorsDTypes.SizeOf(tensor.DType)));
                    json.WriteStartObject(tensor.Name);
                    json.WriteString("dtype", SafeTensorsDTypes.ToName(tensor.DType));
                    json.WriteStartArray("shape");
                    foreach (var dimension in tensor.Shape)
                    {
                        json.WriteNumberValue(dimension);
                    }

                    json.WriteEndArray();
                    json.WriteStartArray("data_offsets");
                    json.WriteNumberValue(offset);
                    json.WriteNumberValue(end);
                    json.WriteEndArray();
                    json.WriteEndObject();
                    offset = end;
                }

                json.WriteEndObject();
            }

            var padded = (buffer.WrittenCount + 7) & ~7;
            var header = new byte[padded];
            buffer.WrittenSpan.CopyTo(header);
            header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
            return header;
        }

        private int LargestExported()
        {
            long largest = 0;
            foreach (var tensor in tensors)
            {
                if (tensor.Data is null)
                {
                    largest = Math.Max(largest, tensor.ElementCount);
                }
            }

            return (int)largest;
        }

        private void AddCopy<T>(string name, ReadOnlySpan<int> shape, ReadOnlySpan<T> values, SafeTensorsDType dtype)
            where T : unmanaged
        {
            var count = CheckNew(name, shape);
            if (values.Length != count)
            {
                throw new ArgumentException(
                    $"Tensor '{name}' has shape {TensorShapeText.Format(shape)} = {count} elements but {values.Length} values were given.",
                    nameof(values));
            }

            Register(new Pending(name, dtype, shape.ToArray(), count, values.ToArray(), null));
        }

        private long CheckNew(string name, ReadOnlySpan<int> shape)
        {
            ArgumentNullException.ThrowIfNull(name);
            if (name.Length == 0)
            {
                throw new ArgumentException("A tensor name must not be empty.", nameof(name));
            }

            if (name == SafeTensorsHeader.MetadataKey)
            {
                throw new ArgumentException($"'{SafeTensorsHeader.MetadataKey}' is reserved for metadata; use AddMetadata.", nameof(name));
            }

            if (names.Contains(name))
            {
                throw new ArgumentException($"A tensor named '{name}' was already added.", nameof(name));
            }

            long count;
            try
            {
                count = TensorShapeText.ElementCount(shape, nameof(shape));
            }
            catch (OverflowException error)
            {
                throw new ArgumentException($"Tensor '{name}' has shape {TensorShapeText.Format(shape)}, too many elements.", nameof(shape), error);
            }

            return count;
        }

        private void Register(Pending tensor)
        {
            names.Add(tensor.Name);
            tensors.Add(tensor);
        }

        private sealed record Pending(string Name, SafeTensorsDType DType, int[] Shape, long ElementCount, Array? Data, TensorExporter? Export);
    }
}
