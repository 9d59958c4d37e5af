using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using RnnGen.IO;

namespace RnnGen.Text
{
    /// <summary>
    /// A character-level vocabulary: one token per Unicode scalar value (a <see cref="Rune"/>), so a character outside
    /// the Basic Multilingual Plane (an emoji) is one token, not two surrogates. An unpaired surrogate in the text
    /// encodes as <c>&lt;unk&gt;</c>. <see cref="Vocabulary.Decode"/> concatenates the tokens, so
    /// <c>Decode(Encode(text)) == text</c> whenever every character of the text is in the vocabulary.
    /// </summary>
    /// <example>
    /// <code>
    /// var vocabulary = CharVocabulary.FromCorpus(File.ReadAllText("tinyshakespeare.txt"));
    /// int[] ids = vocabulary.Encode("To be"); // most frequent character first: ' ' is id 2
    /// </code>
    /// </example>
    public sealed class CharVocabulary : Vocabulary
    {
        private const string Rule = "exactly one Unicode scalar value (one character, or one surrogate pair)";

        internal CharVocabulary(IReadOnlyList<string> ordinaryTokens)
            : base(ordinaryTokens)
        {
        }

        /// <inheritdoc/>
        public override string Kind => "char";

        /// <summary>
        /// Builds the vocabulary of the characters in <paramref name="corpus"/>: most frequent first, ties in ordinal order,
        /// keeping characters seen at least <paramref name="minCount"/> times, at most <paramref name="maxSize"/> ids in all.
        /// </summary>
        /// <param name="corpus">The training text.</param>
        /// <param name="maxSize">The largest <see cref="Vocabulary.Count"/>, the two reserved ids included (at least 2).</param>
        /// <param name="minCount">The fewest occurrences a character needs (at least 1).</param>
        /// <returns>The vocabulary.</returns>
        public static CharVocabulary FromCorpus(string corpus, int maxSize = int.MaxValue, int minCount = 1)
        {
            ArgumentNullException.ThrowIfNull(corpus);
            return FromCorpus(new[] { corpus }, maxSize, minCount);
        }

        /// <summary>Builds the vocabulary of the characters in several documents (see <see cref="FromCorpus(string, int, int)"/>).</summary>
        /// <param name="documents">The training texts.</param>
        /// <param name="maxSize">The largest <see cref="Vocabulary.Count"/>, the two reserved ids included (at least 2).</param>
        /// <param name="minCount">The fewest occurrences a character needs (at least 1).</param>
        /// <returns>The vocabulary.</returns>
        public static CharVocabulary FromCorpus(IEnumerable<string> documents, int maxSize = int.MaxValue, int minCount = 1)
        {
            ArgumentNullException.ThrowIfNull(documents);
            TokenLists.CheckOptions(maxSize, minCount);
            var counts = new Dictionary<int, long>();
            foreach (var document in documents)
            {
                ArgumentNullException.ThrowIfNull(document, nameof(documents));
                for (var i = 0; i < document.Length;)
                {
                    // An unpaired surrogate is not a character: it is skipped here and encodes as <unk>.
                    if (Rune.DecodeFromUtf16(document.AsSpan(i), out var rune, out var consumed) == System.Buffers.OperationStatus.Done)
                    {
                        counts[rune.Value] = counts.GetValueOrDefault(rune.Value) + 1;
                    }

                    i += consumed;
                }
            }

            var ranked = TokenLists.Rank(counts.Select(p => KeyValuePair.Create(new Rune(p.Key).ToString(), p.Value)), maxSize, minCount);
            return new CharVocabulary(ranked);
        }

        /// <summary>Builds a vocabulary from an explicit list: token <c>i</c> of the list gets id <c>i + 2</c>.</summary>
        /// <param name="tokens">Single characters (one Unicode scalar value each), without <c>&lt;unk&gt;</c> and <c>&lt;eos&gt;</c>, no duplicates.</param>
        /// <returns>The vocabulary.</returns>
        /// <exception cref="ArgumentException">A token is not one character, is reserved, or repeats.</exception>
        public static CharVocabulary FromTokens(IEnumerable<string> tokens)
        {
            ArgumentNullException.ThrowIfNull(tokens);
            var list = tokens.ToList();
            var problem = FindProblem(list);
            if (problem is not null)
            {
                throw new ArgumentException(problem, nameof(tokens));
            }

            return new CharVocabulary(list);
        }

        /// <summary>Builds a vocabulary whose ordinary tokens are the characters of <paramref name="characters"/>, in order, e.g. <c>"abc…"</c>.</summary>
        /// <param name="characters">Each character once.</param>
        /// <returns>The vocabulary.</returns>
        /// <exception cref="ArgumentException">A character repeats or a surrogate is unpaired.</exception>
        public static CharVocabulary FromCharacters(string characters)
        {
            ArgumentNullException.ThrowIfNull(characters);
            var list = new List<string>();
            for (var i = 0; i < characters.Length;)
            {
                var status = Rune.DecodeFromUtf16(characters.AsSpan(i), out _, out var consumed);
                if (status != System.Buffers.OperationStatus.Done)
                {
                    throw new ArgumentException($"characters[{i}] is an unpaired surrogate.", nameof(characters));
                }

                list.Add(characters.Substring(i, consumed));
                i += consumed;
            }

            return FromTokens(list);
        }

        /// <summary>Loads a character vocabulary saved by <see cref="Vocabulary.Save"/>.</summary>
        /// <param name="path">The JSON file.</param>
        /// <returns>The vocabulary.</returns>
        /// <exception cref="CheckpointException">The file cannot be read, is not a valid vocabulary, or holds a word vocabulary.</exception>
        public static new CharVocabulary Load(string path) => Vocabulary.Load(path) as CharVocabulary ??
            throw new CheckpointException($"Invalid vocabulary '{path}': it is a word vocabulary, not a char vocabulary.", path, null);

        /// <inheritdoc/>
        public override int CountTokens(ReadOnlySpan<char> text)
        {
            var count = 0;
            for (var i = 0; i < text.Length; count++)
            {
                Rune.DecodeFromUtf16(text[i..], out _, out var consumed);
                i += consumed;
            }

            return count;
        }

        /// <summary>The problem with an explicit token list, or null.</summary>
        internal static string? FindProblem(IReadOnlyList<string> tokens) => TokenLists.FindProblem(tokens, IsSingleCharacter, Rule);

        /// <inheritdoc/>
        private protected override int EncodeCore(ReadOnlySpan<char> text, Span<int> destination)
        {
            var count = 0;
            for (var i = 0; i < text.Length;)
            {
                var status = Rune.DecodeFromUtf16(text[i..], out _, out var consumed);
                var id = status == System.Buffers.OperationStatus.Done ? GetIdOrUnknown(text.Slice(i, consumed)) : UnknownId;
                Put(destination, count++, id);
                i += consumed;
            }

            return count;
        }

        /// <inheritdoc/>
        private protected override bool NeedsSeparator(string previous, string next) => false;

        private static bool IsSingleCharacter(string token) =>
            token.Length is 1 or 2 &&
            Rune.DecodeFromUtf16(token, out _, out var consumed) == System.Buffers.OperationStatus.Done &&
            consumed == token.Length;
    }
}
