using System;
using System.IO;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>A training text and where it came from.</summary>
    /// <param name="Description">Where the text came from, for the console.</param>
    /// <param name="Text">The text, already mapped onto <see cref="CharacterSet"/>.</param>
    public sealed record Corpus(string Description, string Text);

    /// <summary>The corpus encoded as token ids and split into a training part and a validation part.</summary>
    /// <param name="Training">The first 90% of the ids.</param>
    /// <param name="Validation">The last 10%.</param>
    public sealed record CorpusSplit(int[] Training, int[] Validation);

    /// <summary>Loads the text to train on: a file given with <c>--corpus</c>, or the .NET API documentation by default.</summary>
    public static class CorpusLoader
    {
        /// <summary>How much of the default corpus is used (characters): a few MB is plenty for a few thousand steps.</summary>
        public const int DefaultCorpusCharacters = 3_000_000;

        /// <summary>The fraction of the corpus used for training; the rest, at the end, is the validation text.</summary>
        public const double TrainingFraction = 0.9;

        /// <summary>Loads <paramref name="path"/>, or the default corpus when it is null.</summary>
        /// <param name="path">A UTF-8 text file, or null.</param>
        /// <returns>The corpus, normalised to the model's alphabet.</returns>
        /// <exception cref="FileNotFoundException">The file (or, by default, the .NET documentation) does not exist.</exception>
        public static Corpus Load(string? path)
        {
            if (path is null)
            {
                var documentation = DotnetDocumentation.Load(DefaultCorpusCharacters);
                return documentation with { Text = CharacterSet.Normalize(documentation.Text) };
            }

            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Corpus file '{path}' does not exist.", path);
            }

            return new Corpus(Path.GetFullPath(path), CharacterSet.Normalize(File.ReadAllText(path)));
        }

        /// <summary>Encodes <paramref name="corpus"/> and splits it 90/10 (training first, validation last).</summary>
        /// <param name="corpus">The corpus.</param>
        /// <param name="minimumLength">The fewest ids each part needs (one training window).</param>
        /// <returns>The two parts.</returns>
        /// <exception cref="InvalidOperationException">The corpus is too short to split.</exception>
        public static CorpusSplit Split(Corpus corpus, int minimumLength)
        {
            ArgumentNullException.ThrowIfNull(corpus);
            var ids = CharacterSet.Vocabulary.Encode(corpus.Text);
            var trainingLength = (int)(ids.Length * TrainingFraction);
            if (ids.Length - trainingLength < minimumLength)
            {
                throw new InvalidOperationException(
                    $"The corpus has {ids.Length:N0} characters; it needs at least {(int)Math.Ceiling(minimumLength / (1 - TrainingFraction)):N0} so that its last 10% holds one validation window of {minimumLength}.");
            }

            return new CorpusSplit(ids[..trainingLength], ids[trainingLength..]);
        }
    }
}
