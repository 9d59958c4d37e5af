using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using RnnGen.IO;

namespace RnnGen.Text
{
    /// <summary>
    /// A word-level vocabulary: text is split by <see cref="WordTokenizer"/> (white space separates and is dropped, each
    /// punctuation or symbol character is its own token, other runs are words; case is kept).
    /// </summary>
    /// <remarks>
    /// <see cref="Vocabulary.Decode"/> joins tokens with one space, except none before <c>. , ; : ! ? ) ] } %</c> and
    /// none after <c>( [ {</c>. White space is therefore normalised, but <c>Encode(Decode(ids))</c> gives back
    /// <c>ids</c> for any ids without reserved tokens.
    /// </remarks>
    public sealed class WordVocabulary : Vocabulary
    {
        private const string Rule = "a single word token (one punctuation or symbol character, or a run without white space, punctuation or symbols)";

        internal WordVocabulary(IReadOnlyList<string> ordinaryTokens)
            : base(ordinaryTokens)
        {
        }

        /// <inheritdoc/>
        public override string Kind => "word";

        /// <summary>
        /// Builds the vocabulary of the tokens in <paramref name="corpus"/>: most frequent first, ties in ordinal order,
        /// keeping tokens seen at least <paramref name="minCount"/> times, at most <paramref name="maxSize"/> ids in all.
        /// </summary>
        /// <param name="corpus">The training text.</param>
        /// <param name="maxSize">The largest <see cref="Vocabulary.Count"/>, the two reserved ids included (at least 2).</param>
        /// <param name="minCount">The fewest occurrences a token needs (at least 1).</param>
        /// <returns>The vocabulary.</returns>
        public static WordVocabulary FromCorpus(string corpus, int maxSize = int.MaxValue, int minCount = 1)
        {
            ArgumentNullException.ThrowIfNull(corpus);
            return FromCorpus(new[] { corpus }, maxSize, minCount);
        }

        /// <summary>Builds the vocabulary of the tokens in several documents (see <see cref="FromCorpus(string, int, int)"/>).</summary>
        /// <param name="documents">The training texts.</param>
        /// <param name="maxSize">The largest <see cref="Vocabulary.Count"/>, the two reserved ids included (at least 2).</param>
        /// <param name="minCount">The fewest occurrences a token needs (at least 1).</param>
        /// <returns>The vocabulary.</returns>
        public static WordVocabulary FromCorpus(IEnumerable<string> documents, int maxSize = int.MaxValue, int minCount = 1)
        {
            ArgumentNullException.ThrowIfNull(documents);
            TokenLists.CheckOptions(maxSize, minCount);
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
            foreach (var document in documents)
            {
                ArgumentNullException.ThrowIfNull(document, nameof(documents));
                var position = 0;
                while (WordTokenizer.TryNext(document, ref position, out var start, out var length))
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(lookup, document.AsSpan(start, length), out _)++;
                }
            }

            return new WordVocabulary(TokenLists.Rank(counts, maxSize, minCount));
        }

        /// <summary>Builds a vocabulary from an explicit list: token <c>i</c> of the list gets id <c>i + 2</c>.</summary>
        /// <param name="tokens">Word tokens (see <see cref="WordTokenizer.IsToken"/>), without <c>&lt;unk&gt;</c> and <c>&lt;eos&gt;</c>, no duplicates.</param>
        /// <returns>The vocabulary.</returns>
        /// <exception cref="ArgumentException">A token is not a single word token, is reserved, or repeats.</exception>
        public static WordVocabulary FromTokens(IEnumerable<string> tokens)
        {
            ArgumentNullException.ThrowIfNull(tokens);
            var list = tokens.ToList();
            var problem = FindProblem(list);
            if (problem is not null)
            {
                throw new ArgumentException(problem, nameof(tokens));
            }

            return new WordVocabulary(list);
        }

        /// <summary>Loads a word vocabulary saved by <see cref="Vocabulary.Save"/>.</summary>
        /// <param name="path">The JSON file.</param>
        /// <returns>The vocabulary.</returns>
        /// <exception cref="CheckpointException">The file cannot be read, is not a valid vocabulary, or holds a char vocabulary.</exception>
        public static new WordVocabulary Load(string path) => Vocabulary.Load(path) as WordVocabulary ??
            throw new CheckpointException($"Invalid vocabulary '{path}': it is a char vocabulary, not a word vocabulary.", path, null);

        /// <inheritdoc/>
        public override int CountTokens(ReadOnlySpan<char> text)
        {
            var count = 0;
            var position = 0;
            while (WordTokenizer.TryNext(text, ref position, out _, out _))
            {
                count++;
            }

            return count;
        }

        /// <summary>The problem with an explicit token list, or null.</summary>
        internal static string? FindProblem(IReadOnlyList<string> tokens) => TokenLists.FindProblem(tokens, WordTokenizer.IsToken, Rule);

        /// <inheritdoc/>
        private protected override int EncodeCore(ReadOnlySpan<char> text, Span<int> destination)
        {
            var count = 0;
            var position = 0;
            while (WordTokenizer.TryNext(text, ref position, out var start, out var length))
            {
                Put(destination, count++, GetIdOrUnknown(text.Slice(start, length)));
            }

            return count;
        }

        /// <inheritdoc/>
        private protected override bool NeedsSeparator(string previous, string next) =>
            !(next.Length == 1 && ".,;:!?)]}%".Contains(next[0], StringComparison.Ordinal)) &&
            !(previous.Length == 1 && "([{".Contains(previous[0], StringComparison.Ordinal));
    }
}
