using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RnnGen.Training;

namespace RnnGen.IO
{
    /// <summary>
    /// Saves and restores training as one safetensors file, for any generated model: the model's PyTorch tensors
    /// (loadable by PyTorch's <c>safetensors.torch.load_file</c>), the optimiser's state in the same layout
    /// (<c>optimizer.exp_avg.weight_ih_l0</c>, ...), the step count as an I64 scalar <c>step</c>, and string metadata
    /// (the architecture, and whatever the caller adds).
    /// </summary>
    /// <remarks>
    /// Saving is atomic (a temporary file moved over the old one), so a stop mid-save never leaves a broken
    /// checkpoint. Loading checks every tensor's name, dtype and shape before anything is copied: a mismatch is one
    /// <see cref="CheckpointException"/> that lists every problem, and the model and optimiser are left unchanged.
    /// </remarks>
    /// <example>
    /// <code>
    /// TrainingCheckpoint.Save("run.safetensors", model, adam);
    /// TrainingCheckpoint.Load("run.safetensors", model, adam);   // resume: weights, Adam's moments, step count
    /// </code>
    /// </example>
    public static class TrainingCheckpoint
    {
        /// <summary>The I64 scalar tensor (and metadata key) holding the optimiser's step count.</summary>
        public const string StepTensor = "step";

        /// <summary>The metadata key of the model's architecture line.</summary>
        public const string ArchitectureKey = "architecture";

        private const string OptimizerPrefix = "optimizer.";

        /// <summary>Writes the model, the optimiser (when given) and <paramref name="metadata"/> to <paramref name="path"/>, atomically.</summary>
        /// <param name="path">The checkpoint file.</param>
        /// <param name="model">The model.</param>
        /// <param name="optimizer">The optimiser whose state and step count are saved, or null for the weights only.</param>
        /// <param name="metadata">Extra string metadata, or null.</param>
        /// <exception cref="CheckpointException">The file could not be written; the old one is intact.</exception>
        public static void Save(string path, IRecurrentNetwork model, Optimizer? optimizer = null, IReadOnlyDictionary<string, string>? metadata = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            ArgumentNullException.ThrowIfNull(model);
            var writer = new SafeTensorsWriter();
            writer.AddAll(model.PyTorchTensors, model.ExportPyTorch);
            if (optimizer is not null)
            {
                optimizer.RequireParameterCount(model.PackedParameters.Length, nameof(optimizer));
                foreach (OptimizerStateTensor state in optimizer.State)
                {
                    foreach (TensorInfo tensor in model.PyTorchTensors)
                    {
                        // The optimiser's state lives in the packed layout, like the gradients: export it the same way.
                        writer.Add(tensor with { Name = OptimizerName(state.Name, tensor.Name) }, (_, destination) => model.ExportPyTorchGradient(tensor.Name, state.Values, destination));
                    }
                }

                writer.Add(StepTensor, ReadOnlySpan<int>.Empty, new[] { optimizer.StepCount });
                writer.AddMetadata(StepTensor, optimizer.StepCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            writer.AddMetadata("format", "pt");
            writer.AddMetadata(ArchitectureKey, model.Description.Architecture);
            foreach (KeyValuePair<string, string> entry in metadata ?? new Dictionary<string, string>())
            {
                writer.AddMetadata(entry.Key, entry.Value);
            }

            writer.Save(path);
        }

        /// <summary>
        /// Loads the weights and, when <paramref name="optimizer"/> is given, its state and step count. Everything is
        /// validated first; nothing changes unless all of it matches.
        /// </summary>
        /// <param name="path">The checkpoint file.</param>
        /// <param name="model">Receives the weights.</param>
        /// <param name="optimizer">Receives the optimiser's state, or null to load the weights only.</param>
        /// <returns>The file's metadata.</returns>
        /// <exception cref="CheckpointException">The file is missing, invalid, or does not match the model or the optimiser.</exception>
        public static IReadOnlyDictionary<string, string> Load(string path, IRecurrentNetwork model, Optimizer? optimizer = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            ArgumentNullException.ThrowIfNull(model);
            if (!File.Exists(path))
            {
                throw new CheckpointException($"There is no checkpoint at '{Path.GetFullPath(path)}'.", path, null);
            }

            if (optimizer is not null)
            {
                optimizer.RequireParameterCount(model.PackedParameters.Length, nameof(optimizer));
            }

            SafeTensorsFile file = SafeTensorsFile.Load(path);
            IReadOnlyList<TensorInfo> tensors = model.PyTorchTensors;
            List<TensorInfo> expected = tensors.ToList();
            if (optimizer is not null)
            {
                expected.AddRange(optimizer.State.SelectMany(state => tensors.Select(t => t with { Name = OptimizerName(state.Name, t.Name) })));
            }

            List<string> problems = file.FindMismatches(expected, allowExtra: true).ToList();
            HashSet<string> known = new(expected.Select(t => t.Name), StringComparer.Ordinal) { StepTensor };
            problems.AddRange(file.Tensors
                .Where(t => !known.Contains(t.Name) && !(optimizer is null && t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)))
                .Select(t => $"unexpected tensor '{t.Name}' {t.ShapeText}"));
            long step = optimizer is null ? 0 : ReadStep(file, problems);
            if (problems.Count > 0)
            {
                string saved = file.Metadata.TryGetValue(ArchitectureKey, out string? architecture) ? $" (it holds {architecture})" : string.Empty;
                throw new CheckpointException(
                    $"Checkpoint '{path}' does not match {model.Description.Architecture}{saved}; {problems.Count} problem(s):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}",
                    path,
                    null);
            }

            // Validated. The optimiser's tensors are packed through the model's own importer, so the model's
            // parameters are kept aside and put back whatever happens.
            Span<float> packed = model.PackedParameters;
            float[] weights = packed.ToArray();
            try
            {
                Dictionary<string, float[]>? optimizerState = null;
                if (optimizer is not null)
                {
                    optimizerState = new Dictionary<string, float[]>(StringComparer.Ordinal);
                    foreach (OptimizerStateTensor state in optimizer.State)
                    {
                        model.PackedParameters.Clear();
                        string prefix = OptimizerName(state.Name, string.Empty);
                        file.ImportAll(tensors.Select(t => t with { Name = prefix + t.Name }), (name, values) => model.ImportPyTorch(name[prefix.Length..], values), allowExtra: true);
                        optimizerState[state.Name] = model.PackedParameters.ToArray();
                    }
                }

                model.PackedParameters.Clear();
                file.ImportAll(tensors, model.ImportPyTorch, allowExtra: true);
                if (optimizer is not null && optimizerState is not null)
                {
                    optimizer.Restore(step, optimizerState);
                }
            }
            catch
            {
                weights.CopyTo(model.PackedParameters);
                throw;
            }

            return file.Metadata;
        }

        private static long ReadStep(SafeTensorsFile file, List<string> problems)
        {
            if (!file.TryGetTensor(StepTensor, out SafeTensorsEntry? entry))
            {
                problems.Add($"missing tensor '{StepTensor}' (I64 scalar, the optimiser's step count)");
                return 0;
            }

            if (entry.DType != SafeTensorsDType.I64 || entry.ElementCount != 1 || entry.Shape.Count != 0)
            {
                problems.Add($"tensor '{StepTensor}' is {entry}, expected an I64 scalar");
                return 0;
            }

            Span<long> value = stackalloc long[1];
            file.ReadInto(StepTensor, value, ReadOnlySpan<int>.Empty);
            if (value[0] < 0)
            {
                problems.Add($"tensor '{StepTensor}' holds {value[0]}, a negative step count");
                return 0;
            }

            return value[0];
        }

        private static string OptimizerName(string state, string tensor) => $"{OptimizerPrefix}{state}.{tensor}";
    }
}
