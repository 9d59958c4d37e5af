using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;

namespace RnnGen.IO
{
    /// <summary>
    /// A safetensors file read into memory and fully validated (see <see cref="Load"/>): the tensors' names, dtypes,
    /// shapes and byte ranges, and methods that copy a tensor's values out after checking its name, dtype and shape.
    /// </summary>
    /// <remarks>
    /// Reads files written by <see cref="SafeTensorsWriter"/> and by Python's <c>safetensors</c> (whose header is padded
    /// with spaces to a multiple of 8 bytes and whose tensors may be listed in any order). Every problem is reported as a
    /// <see cref="CheckpointException"/> whose message names the file, the tensor and what is wrong. Instances are
    /// immutable and safe to read from several threads.
    /// </remarks>
    public sealed class SafeTensorsFile
    {
        private const int NamesListedInErrors = 50;
        private readonly byte[] bytes;
        private readonly int dataStart;
        private readonly Dictionary<string, SafeTensorsEntry> byName;

        private SafeTensorsFile(byte[] bytes, string source)
        {
            var header = SafeTensorsHeader.Parse(bytes, source);
            this.bytes = bytes;
            dataStart = header.DataStart;
            Source = source;
            Tensors = header.Tensors.AsReadOnly();
            Metadata = new ReadOnlyDictionary<string, string>(header.Metadata);
            byName = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        }

        /// <summary>The path the file was loaded from, or the source name given to <see cref="Parse"/>.</summary>
        public string Source { get; }

        /// <summary>The tensors in the order the header lists them.</summary>
        public IReadOnlyList<SafeTensorsEntry> Tensors { get; }

        /// <summary>The header's <c>__metadata__</c> entries; empty when it has none.</summary>
        public IReadOnlyDictionary<string, string> Metadata { get; }

        /// <summary>Reads and validates a safetensors file.</summary>
        /// <param name="path">The file to read.</param>
        /// <returns>The validated file.</returns>
        /// <exception cref="CheckpointException">The file cannot be read, or it is not a valid safetensors file; the message says which check failed.</exception>
        public static SafeTensorsFile Load(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            byte[] content;
            try
            {
                content = File.ReadAllBytes(path);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                throw new CheckpointException($"Could not read checkpoint '{path}': {error.Message}", path, null, error);
            }

            return new SafeTensorsFile(content, path);
        }

        /// <summary>Validates safetensors bytes held in memory (they are copied).</summary>
        /// <param name="content">The whole file: length prefix, header and data.</param>
        /// <param name="source">The name used in error messages and <see cref="Source"/>.</param>
        /// <returns>The validated file.</returns>
        /// <exception cref="CheckpointException">The bytes are not a valid safetensors file.</exception>
        public static SafeTensorsFile Parse(ReadOnlySpan<byte> content, string source = "(memory)")
        {
            ArgumentNullException.ThrowIfNull(source);
            return new SafeTensorsFile(content.ToArray(), source);
        }

        /// <summary>True when the file has a tensor with this name.</summary>
        /// <param name="name">The tensor name (ordinal comparison).</param>
        /// <returns>Whether the tensor exists.</returns>
        public bool Contains(string name) => byName.ContainsKey(name);

        /// <summary>Looks a tensor up by name.</summary>
        /// <param name="name">The tensor name (ordinal comparison).</param>
        /// <param name="tensor">The tensor, when found.</param>
        /// <returns>Whether the tensor exists.</returns>
        public bool TryGetTensor(string name, [NotNullWhen(true)] out SafeTensorsEntry? tensor) => byName.TryGetValue(name, out tensor);

        /// <summary>Looks a tensor up by name.</summary>
        /// <param name="name">The tensor name (ordinal comparison).</param>
        /// <returns>The tensor.</returns>
        /// <exception cref="CheckpointException">There is no such tensor; the message lists the tensors there are.</exception>
        public SafeTensorsEntry GetTensor(string name)
        {
            ArgumentNullException.ThrowIfNull(name);
            if (byName.TryGetValue(name, out var tensor))
            {
                return tensor;
            }

            var listed = string.Join(", ", Tensors.Take(NamesListedInErrors).Select(t => t.ToString()));
            var more = Tensors.Count > NamesListedInErrors ? $" and {Tensors.Count - NamesListedInErrors} more" : string.Empty;
            var has = Tensors.Count == 0 ? "it has no tensors" : $"it has {listed}{more}";
            throw new CheckpointException($"Checkpoint '{Source}' has no tensor named '{name}'; {has}.", Source, name);
        }

        /// <summary>Copies an F32 tensor into <paramref name="destination"/> after checking its name, dtype and exact shape.</summary>
        /// <param name="name">The tensor name.</param>
        /// <param name="destination">Exactly the tensor's element count, filled row-major.</param>
        /// <param name="expectedShape">The dimensions the tensor must have, outermost first (none: a scalar).</param>
        /// <exception cref="CheckpointException">No such tensor, its dtype is not F32, or its shape differs, e.g.
        /// <c>tensor 'weight_ih_l0' has shape [256, 32], expected [256, 64]</c>.</exception>
        /// <exception cref="ArgumentException"><paramref name="destination"/> is not the expected element count.</exception>
        public void ReadInto(string name, Span<float> destination, params ReadOnlySpan<int> expectedShape) =>
            Read(name, destination, SafeTensorsDType.F32, expectedShape);

        /// <summary>Copies an I32 tensor into <paramref name="destination"/> after checking its name, dtype and exact shape.</summary>
        /// <param name="name">The tensor name.</param>
        /// <param name="destination">Exactly the tensor's element count, filled row-major.</param>
        /// <param name="expectedShape">The dimensions the tensor must have, outermost first (none: a scalar).</param>
        /// <exception cref="CheckpointException">No such tensor, its dtype is not I32, or its shape differs.</exception>
        /// <exception cref="ArgumentException"><paramref name="destination"/> is not the expected element count.</exception>
        public void ReadInto(string name, Span<int> destination, params ReadOnlySpan<int> expectedShape) =>
            Read(name, destination, SafeTensorsDType.I32, expectedShape);

        /// <summary>Copies an I64 tensor into <paramref name="destination"/> after checking its name, dtype and exact shape.</summary>
        /// <param name="name">The tensor name.</param>
        /// <param name="destination">Exactly the tensor's element count, filled row-major.</param>
        /// <param name="expectedShape">The dimensions the tensor must have, outermost first (none: a scalar).</param>
        /// <exception cref="CheckpointException">No such tensor, its dtype is not I64, or its shape differs.</exception>
        /// <exception cref="ArgumentException"><paramref name="destination"/> is not the expected element count.</exception>
        public void ReadInto(string name, Span<long> destination, params ReadOnlySpan<int> expectedShape) =>
            Read(name, destination, SafeTensorsDType.I64, expectedShape);

        /// <summary>Copies the F32 tensor described by <paramref name="tensor"/> (name and shape) into <paramref name="destination"/>.</summary>
        /// <param name="tensor">The expected name and shape, e.g. an entry of a generated network's <c>PyTorchTensors</c>.</param>
        /// <param name="destination">Exactly <see cref="TensorInfo.Length"/> elements.</param>
        /// <exception cref="CheckpointException">No such tensor, its dtype is not F32, its shape differs, or it holds NaN or
        /// ±∞ (a model's weights never do; the by-name overloads read any bits, NaN payloads included).</exception>
        public void ReadInto(TensorInfo tensor, Span<float> destination)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            RequireFinite(GetTensor(tensor.Name)); // a model's weights: before the copy, so a bad file writes nothing
            ReadInto(tensor.Name, destination, TensorShapeText.Dimensions(tensor));
        }

        /// <summary>Reads an F32 tensor of any shape (see <see cref="SafeTensorsEntry.Shape"/>) into a new array.</summary>
        /// <param name="name">The tensor name.</param>
        /// <returns>The values, row-major.</returns>
        /// <exception cref="CheckpointException">No such tensor, or its dtype is not F32.</exception>
        public float[] ReadFloat32(string name) => ReadAll<float>(name, SafeTensorsDType.F32);

        /// <summary>Reads an I32 tensor of any shape into a new array.</summary>
        /// <param name="name">The tensor name.</param>
        /// <returns>The values, row-major.</returns>
        /// <exception cref="CheckpointException">No such tensor, or its dtype is not I32.</exception>
        public int[] ReadInt32(string name) => ReadAll<int>(name, SafeTensorsDType.I32);

        /// <summary>Reads an I64 tensor of any shape into a new array.</summary>
        /// <param name="name">The tensor name.</param>
        /// <returns>The values, row-major.</returns>
        /// <exception cref="CheckpointException">No such tensor, or its dtype is not I64.</exception>
        public long[] ReadInt64(string name) => ReadAll<long>(name, SafeTensorsDType.I64);

        /// <summary>
        /// Compares the file with the F32 tensors a network expects and lists every problem: each missing tensor, each
        /// tensor with the wrong dtype or shape, and (unless <paramref name="allowExtra"/>) each tensor nobody expects.
        /// </summary>
        /// <param name="expected">The tensors the caller will read, e.g. a generated network's <c>PyTorchTensors</c>.</param>
        /// <param name="allowExtra">Whether tensors not in <paramref name="expected"/> are fine (e.g. optimiser state).</param>
        /// <returns>One line per problem; empty when the file matches.</returns>
        public IReadOnlyList<string> FindMismatches(IEnumerable<TensorInfo> expected, bool allowExtra = false)
        {
            ArgumentNullException.ThrowIfNull(expected);
            return TensorSetComparison.Compare(this, expected, allowExtra);
        }

        /// <summary>Throws one <see cref="CheckpointException"/> listing all of <see cref="FindMismatches"/>' problems, if there are any.</summary>
        /// <param name="expected">The tensors the caller will read.</param>
        /// <param name="allowExtra">Whether tensors not in <paramref name="expected"/> are fine.</param>
        /// <exception cref="CheckpointException">The file does not match; the message lists every problem, one per line.</exception>
        public void RequireTensors(IEnumerable<TensorInfo> expected, bool allowExtra = false)
        {
            var problems = FindMismatches(expected, allowExtra);
            if (problems.Count > 0)
            {
                var count = problems.Count == 1 ? "1 problem" : $"{problems.Count} problems";
                throw new CheckpointException(
                    $"Checkpoint '{Source}' does not match the expected tensors ({count}):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}",
                    Source,
                    null);
            }
        }

        /// <summary>
        /// Checks the whole file first (<see cref="RequireTensors"/>), then hands every expected tensor's values to
        /// <paramref name="import"/>, e.g. <c>file.ImportAll(Model.PyTorchTensors, model.ImportPyTorch)</c>. Nothing is
        /// imported unless everything matches.
        /// </summary>
        /// <param name="tensors">The tensors to import, in order.</param>
        /// <param name="import">Receives each tensor's name and values.</param>
        /// <param name="allowExtra">Whether tensors not in <paramref name="tensors"/> are fine.</param>
        /// <exception cref="CheckpointException">The file does not match (the message lists every problem), or a tensor
        /// holds NaN or ±∞ (the message names it and the index).</exception>
        public void ImportAll(IEnumerable<TensorInfo> tensors, TensorImporter import, bool allowExtra = false)
        {
            ArgumentNullException.ThrowIfNull(tensors);
            ArgumentNullException.ThrowIfNull(import);
            var list = tensors.ToList();
            RequireTensors(list, allowExtra);
            foreach (var tensor in list)
            {
                RequireFinite(GetTensor(tensor.Name)); // every tensor before any import
            }

            var scratch = new float[list.Count == 0 ? 0 : list.Max(t => t.Length)];
            foreach (var tensor in list)
            {
                var values = scratch.AsSpan(0, tensor.Length);
                ReadInto(tensor, values);
                import(tensor.Name, values);
            }
        }

        private void Read<T>(string name, Span<T> destination, SafeTensorsDType dtype, ReadOnlySpan<int> expectedShape)
            where T : unmanaged
        {
            var tensor = RequireDType(name, dtype);
            if (!tensor.HasShape(expectedShape))
            {
                throw new CheckpointException(
                    $"Checkpoint '{Source}': tensor '{name}' has shape {tensor.ShapeText}, expected {TensorShapeText.Format(expectedShape)}.",
                    Source,
                    name);
            }

            if (destination.Length != tensor.ElementCount)
            {
                throw new ArgumentException(
                    $"destination has {destination.Length} elements but tensor '{name}' {tensor.ShapeText} has {tensor.ElementCount}.",
                    nameof(destination));
            }

            Copy(tensor, destination);
        }

        private T[] ReadAll<T>(string name, SafeTensorsDType dtype)
            where T : unmanaged
        {
            var tensor = RequireDType(name, dtype);
            var values = new T[tensor.ElementCount];
            Copy(tensor, values.AsSpan());
            return values;
        }

        private SafeTensorsEntry RequireDType(string name, SafeTensorsDType dtype)
        {
            var tensor = GetTensor(name);
            if (tensor.DType != dtype)
            {
                throw new CheckpointException(
                    $"Checkpoint '{Source}': tensor '{name}' has dtype {SafeTensorsDTypes.ToName(tensor.DType)}, expected {SafeTensorsDTypes.ToName(dtype)}.",
                    Source,
                    name);
            }

            return tensor;
        }

        private void Copy<T>(SafeTensorsEntry tensor, Span<T> destination)
            where T : unmanaged =>
            LittleEndian.Read(bytes.AsSpan(dataStart + (int)tensor.DataBegin, (int)tensor.ByteLength), destination);

        /// <summary>A float tensor holding NaN or ±∞ is a corrupt or diverged checkpoint: say which tensor and where.</summary>
        private void RequireFinite(SafeTensorsEntry tensor)
        {
            if (tensor.DType != SafeTensorsDType.F32)
            {
                return; // reported as a dtype mismatch by the read itself
            }

            var source = bytes.AsSpan(dataStart + (int)tensor.DataBegin, (int)tensor.ByteLength);
            var count = (int)tensor.ElementCount;
            if (BitConverter.IsLittleEndian && System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(source)))
            {
                return;
            }

            for (var i = 0; i < count; i++)
            {
                var value = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(source.Slice(i * sizeof(float)));
                if (!float.IsFinite(value))
                {
                    throw new CheckpointException(
                        $"Checkpoint '{Source}': tensor '{tensor.Name}' holds {(float.IsNaN(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity")} at index {i} (of {tensor.ElementCount}); nothing was read from it.",
                        Source,
                        tensor.Name);
                }
            }
        }
    }
}
