using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using RnnGen.IO;
using RnnGen.Training;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>
    /// Saves and restores training as one safetensors file: the model's PyTorch tensors (<c>embedding.weight</c>,
    /// <c>weight_ih_l0</c>, ..., <c>head.bias</c>; loadable by PyTorch with <c>safetensors.torch.load_file</c>), the
    /// optimiser's state in the same layout (<c>optimizer.exp_avg.weight_ih_l0</c>, ...), the step count as an I64
    /// scalar <c>step</c>, and metadata: the model size, the vocabulary, the corpus and the last validation score.
    /// </summary>
    /// <remarks>
    /// Saving is atomic (a temporary file moved over the old one), so stopping the program mid-save never leaves a
    /// broken checkpoint. Loading checks every tensor's name, dtype and shape, and the vocabulary, before anything is
    /// copied into the model: a mismatch is one <see cref="CheckpointException"/> that lists every problem.
    /// </remarks>
    public static class Checkpoint
    {
        /// <summary>The I64 scalar tensor (and the metadata key) holding the number of optimiser steps taken.</summary>
        public const string StepTensor = "step";

        /// <summary>The metadata key of the model size (<c>small</c> or <c>large</c>).</summary>
        public const string SizeKey = "size";

        /// <summary>The metadata key of the vocabulary: the ordinary characters in id order.</summary>
        public const string VocabularyKey = "vocabulary";

        /// <summary>The metadata key of the validation score (bits per character) at the time of saving.</summary>
        public const string ValidationKey = "validation_bits_per_character";

        private const string OptimizerPrefix = "optimizer.";

        /// <summary>Writes the model, the optimiser and <paramref name="metadata"/> to <paramref name="path"/>, atomically.</summary>
        /// <typeparam name="TModel">The generated model class.</typeparam>
        /// <typeparam name="TState">Its state class.</typeparam>
        /// <param name="path">The checkpoint file.</param>
        /// <param name="model">The model.</param>
        /// <param name="optimizer">The optimiser whose state and step count are saved.</param>
        /// <param name="metadata">Extra string metadata (size, corpus, scores...).</param>
        /// <exception cref="CheckpointException">The file could not be written; the old one is intact.</exception>
        public static void Save<TModel, TState>(string path, TModel model, Optimizer optimizer, IReadOnlyDictionary<string, string> metadata)
            where TModel : ICharNetwork<TState>
            where TState : class
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentNullException.ThrowIfNull(optimizer);
            ArgumentNullException.ThrowIfNull(metadata);
            var writer = new SafeTensorsWriter();
            writer.AddAll(TModel.PyTorchTensors, model.ExportPyTorch);
            foreach (var state in optimizer.State)
            {
                foreach (var tensor in TModel.PyTorchTensors)
                {
                    // The optimiser's state lives in the packed layout, like the gradients: export it the same way.
                    writer.Add(tensor with { Name = OptimizerName(state.Name, tensor.Name) }, (_, destination) => TModel.ExportPyTorchGradient(tensor.Name, state.Values, destination));
                }
            }

            writer.Add(StepTensor, ReadOnlySpan<int>.Empty, new[] { optimizer.StepCount });
            writer.AddMetadata("format", "pt");
            writer.AddMetadata(VocabularyKey, CharacterSet.Characters);
            writer.AddMetadata("architecture", TModel.Architecture);
            writer.AddMetadata(StepTensor, optimizer.StepCount.ToString(CultureInfo.InvariantCulture));
            foreach (var (key, value) in metadata)
            {
                writer.AddMetadata(key, value);
            }

            writer.Save(path);
        }

        /// <summary>Reads the metadata of a checkpoint without loading it into a model (to find out its size).</summary>
        /// <param name="path">The checkpoint file.</param>
        /// <returns>The metadata.</returns>
        /// <exception cref="CheckpointException">The file is missing or not a valid safetensors file.</exception>
        public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
        {
            RequireFile(path);
            return SafeTensorsFile.Load(path).Metadata;
        }

        /// <summary>
        /// Loads the model's weights and, when <paramref name="optimizer"/> is given, its state and step count. Everything
        /// is validated first; nothing is changed unless all of it matches.
        /// </summary>
        /// <typeparam name="TModel">The generated model class.</typeparam>
        /// <typeparam name="TState">Its state class.</typeparam>
        /// <param name="path">The checkpoint file.</param>
        /// <param name="model">Receives the weights.</param>
        /// <param name="optimizer">Receives the optimiser state, or null to load the weights only (for generating).</param>
        /// <returns>The file's metadata.</returns>
        /// <exception cref="CheckpointException">The file is missing, invalid, or does not match the model, the optimiser or the vocabulary.</exception>
        public static IReadOnlyDictionary<string, string> Load<TModel, TState>(string path, TModel model, Optimizer? optimizer)
            where TModel : ICharNetwork<TState>, new()
            where TState : class
        {
            ArgumentNullException.ThrowIfNull(model);
            RequireFile(path);
            var file = SafeTensorsFile.Load(path);
            if (file.Metadata.TryGetValue(VocabularyKey, out var vocabulary) && vocabulary != CharacterSet.Characters)
            {
                throw new CheckpointException(
                    $"Checkpoint '{path}' was trained with another vocabulary ({vocabulary.Length} characters); this program's alphabet is printable ASCII and '\\n'.", path, null);
            }

            var optimizerTensors = optimizer is null
                ? new List<TensorInfo>()
                : optimizer.State.SelectMany(state => TModel.PyTorchTensors.Select(t => t with { Name = OptimizerName(state.Name, t.Name) })).ToList();
            var expected = TModel.PyTorchTensors.Concat(optimizerTensors).ToList();
            var problems = file.FindMismatches(expected, allowExtra: true).ToList();
            var known = new HashSet<string>(expected.Select(t => t.Name), StringComparer.Ordinal) { StepTensor };
            problems.AddRange(file.Tensors
                .Where(t => !known.Contains(t.Name) && !(optimizer is null && t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)))
                .Select(t => $"unexpected tensor '{t.Name}' {t.ShapeText}"));
            long step = 0;
            if (optimizer is not null)
            {
                if (!file.TryGetTensor(StepTensor, out var stepTensor))
                {
                    problems.Add($"missing tensor '{StepTensor}' (I64 scalar, the optimiser's step count)");
                }
                else if (stepTensor.DType != SafeTensorsDType.I64 || stepTensor.ElementCount != 1 || stepTensor.Shape.Count != 0)
                {
                    problems.Add($"tensor '{StepTensor}' is {stepTensor}, expected an I64 scalar");
                }
                else
                {
                    Span<long> value = stackalloc long[1];
                    file.ReadInto(StepTensor, value, ReadOnlySpan<int>.Empty);
                    step = value[0];
                    if (step < 0)
                    {
                        problems.Add($"tensor '{StepTensor}' holds {step}, a negative step count");
                    }
                }
            }

            if (problems.Count > 0)
            {
                var size = file.Metadata.TryGetValue(SizeKey, out var saved) ? $" (it holds a '{saved}' model: {file.Metadata.GetValueOrDefault("architecture", "?")})" : string.Empty;
                throw new CheckpointException(
                    $"Checkpoint '{path}' does not match {TModel.Architecture}{size}; {problems.Count} problem(s):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}",
                    path,
                    null);
            }

            // Validated: now copy. The optimiser's tensors go through a scratch model, whose ImportPyTorch packs them.
            Dictionary<string, float[]>? optimizerState = null;
            if (optimizer is not null)
            {
                optimizerState = new Dictionary<string, float[]>(StringComparer.Ordinal);
                var scratch = new TModel();
                foreach (var state in optimizer.State)
                {
                    scratch.PackedParameters.Clear();
                    file.ImportAll(
                        TModel.PyTorchTensors.Select(t => t with { Name = OptimizerName(state.Name, t.Name) }),
                        (name, values) => scratch.ImportPyTorch(name[(OptimizerPrefix.Length + state.Name.Length + 1)..], values),
                        allowExtra: true);
                    optimizerState[state.Name] = scratch.PackedParameters.ToArray();
                }
            }

            file.ImportAll(TModel.PyTorchTensors, model.ImportPyTorch, allowExtra: true);
            if (optimizer is not null && optimizerState is not null)
            {
                optimizer.Restore(step, optimizerState);
            }

            return file.Metadata;
        }

        private static string OptimizerName(string state, string tensor) => $"{OptimizerPrefix}{state}.{tensor}";

        private static void RequireFile(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            if (!File.Exists(path))
            {
                throw new CheckpointException($"There is no checkpoint at '{Path.GetFullPath(path)}' to resume from (train without --resume first, or pass --checkpoint PATH).", path, null);
            }
        }
    }
}
