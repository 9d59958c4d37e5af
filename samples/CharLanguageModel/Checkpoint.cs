using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using RnnGen.IO;
using RnnGen.Training;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>
    /// The sample's checkpoints: the runtime's <see cref="TrainingCheckpoint"/> files (weights, Adam's state, step
    /// count; written atomically by <see cref="Trainer{TInput}"/>) with the vocabulary and the model size in the
    /// metadata, so a checkpoint of another alphabet or size is refused by name.
    /// </summary>
    public static class Checkpoint
    {
        /// <summary>The I64 scalar tensor (and the metadata key) holding the number of optimiser steps taken.</summary>
        public const string StepTensor = TrainingCheckpoint.StepTensor;

        /// <summary>The metadata key of the model size (<c>small</c> or <c>large</c>).</summary>
        public const string SizeKey = "size";

        /// <summary>The metadata key of the vocabulary: the ordinary characters in id order.</summary>
        public const string VocabularyKey = "vocabulary";

        /// <summary>The metadata every checkpoint of this sample carries besides the caller's.</summary>
        /// <param name="extra">The run's own entries (size, corpus, seed...).</param>
        /// <returns>The metadata with the vocabulary added.</returns>
        public static Dictionary<string, string> Metadata(IReadOnlyDictionary<string, string> extra)
        {
            ArgumentNullException.ThrowIfNull(extra);
            return new Dictionary<string, string>(extra, StringComparer.Ordinal) { [VocabularyKey] = CharacterSet.Characters };
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

        /// <summary>The validation score a checkpoint was saved with, in bits per character, or null.</summary>
        /// <param name="metadata">The checkpoint's metadata.</param>
        /// <returns>Bits per character, or null when the run had not validated yet.</returns>
        public static double? ValidationBits(IReadOnlyDictionary<string, string> metadata)
        {
            ArgumentNullException.ThrowIfNull(metadata);
            return metadata.TryGetValue(Trainer<int>.ValidationLossKey, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var nats)
                ? nats / Math.Log(2)
                : null;
        }

        /// <summary>
        /// Loads the model's weights and, when <paramref name="optimizer"/> is given, its state and step count. The
        /// vocabulary is checked first, then every tensor; nothing is changed unless all of it matches.
        /// </summary>
        /// <param name="path">The checkpoint file.</param>
        /// <param name="model">Receives the weights.</param>
        /// <param name="optimizer">Receives the optimiser state, or null to load the weights only (for generating).</param>
        /// <returns>The file's metadata.</returns>
        /// <exception cref="CheckpointException">The file is missing, invalid, or does not match the model, the optimiser or the vocabulary.</exception>
        public static IReadOnlyDictionary<string, string> Load(string path, IRecurrentNetwork model, Optimizer? optimizer)
        {
            ArgumentNullException.ThrowIfNull(model);
            var metadata = ReadMetadata(path);
            if (metadata.TryGetValue(VocabularyKey, out var vocabulary) && vocabulary != CharacterSet.Characters)
            {
                throw new CheckpointException(
                    $"Checkpoint '{path}' was trained with another vocabulary ({vocabulary.Length} characters); this program's alphabet is printable ASCII and '\\n'.", path, null);
            }

            return TrainingCheckpoint.Load(path, model, optimizer);
        }

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
