using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using RnnGen.IO;

namespace RnnGen.Text
{
    /// <summary>
    /// A fixed mapping between tokens and the integer ids a network's embedding and softmax head use. Id
    /// <see cref="UnknownId"/> (0) is <c>&lt;unk&gt;</c>, which every token not in the vocabulary encodes to, and id
    /// <see cref="EndOfSequenceId"/> (1) is <c>&lt;eos&gt;</c>; ordinary tokens follow from id 2.
    /// </summary>
    /// <remarks>
    /// Two kinds exist: <see cref="CharVocabulary"/> (one token per Unicode scalar value) and
    /// <see cref="WordVocabulary"/> (words and punctuation, see <see cref="WordTokenizer"/>). Both save to and load
    /// from a small JSON file: <c>{"kind": "char" | "word", "tokens": ["&lt;unk&gt;", "&lt;eos&gt;", ...]}</c>, the
    /// token at index <c>i</c> having id <c>i</c>. Instances are immutable and thread-safe.
    /// </remarks>
    public abstract class Vocabulary
    {
        /// <summary>The id of <see cref="UnknownToken"/>: what any token outside the vocabulary encodes to.</summary>
        public const int UnknownId = 0;

        /// <summary>The id of <see cref="EndOfSequenceToken"/>.</summary>
        public const int EndOfSequenceId = 1;

        /// <summary>The reserved unknown token, <c>&lt;unk&gt;</c>.</summary>
        public const string UnknownToken = "<unk>";

        /// <summary>The reserved end-of-sequence token, <c>&lt;eos&gt;</c>.</summary>
        public const string EndOfSequenceToken = "<eos>";

        /// <summary>How many ids are reserved before the ordinary tokens.</summary>
        public const int ReservedCount = 2;

        private readonly string[] tokens;
        private readonly Dictionary<string, int> ids;
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> spanIds;

        /// <summary>Builds the id tables; <paramref name="ordinaryTokens"/> get ids 2, 3, ... in order.</summary>
        private protected Vocabulary(IReadOnlyList<string> ordinaryTokens)
        {
            tokens = new string[ordinaryTokens.Count + ReservedCount];
            tokens[UnknownId] = UnknownToken;
            tokens[EndOfSequenceId] = EndOfSequenceToken;
            ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal)
            {
                [UnknownToken] = UnknownId,
                [EndOfSequenceToken] = EndOfSequenceId,
            };
            for (var i = 0; i < ordinaryTokens.Count; i++)
            {
                var token = ordinaryTokens[i];
                if (!ids.TryAdd(token, i + ReservedCount))
                {
                    throw new ArgumentException(
                        token is UnknownToken or EndOfSequenceToken
                            ? $"'{token}' is reserved (id {ids[token]}) and is added automatically; leave it out of the list."
                            : $"The token '{token}' appears more than once (ids {ids[token]} and {i + ReservedCount}).",
                        nameof(ordinaryTokens));
                }

                tokens[i + ReservedCount] = token;
            }

            spanIds = ids.GetAlternateLookup<ReadOnlySpan<char>>();
            Tokens = Array.AsReadOnly(tokens);
        }

        /// <summary>The number of ids, reserved ones included: the size a network's embedding and softmax head need.</summary>
        public int Count => tokens.Length;

        /// <summary>Every token, indexed by id (<c>Tokens[0]</c> is <c>&lt;unk&gt;</c>, <c>Tokens[1]</c> is <c>&lt;eos&gt;</c>).</summary>
        public IReadOnlyList<string> Tokens { get; }

        /// <summary><c>"char"</c> or <c>"word"</c>: the <c>kind</c> written to the JSON file.</summary>
        public abstract string Kind { get; }

        /// <summary>The token with the given id.</summary>
        /// <param name="id">An id in <c>[0, Count)</c>.</param>
        /// <returns>The token's text.</returns>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside the vocabulary.</exception>
        public string this[int id]
        {
            get
            {
                if ((uint)id >= (uint)tokens.Length)
                {
                    throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside the vocabulary [0, {tokens.Length}).");
                }

                return tokens[id];
            }
        }

        /// <summary>Loads a vocabulary saved by <see cref="Save"/>, of whichever kind the file says.</summary>
        /// <param name="path">The JSON file.</param>
        /// <returns>A <see cref="CharVocabulary"/> or a <see cref="WordVocabulary"/>.</returns>
        /// <exception cref="CheckpointException">The file cannot be read or is not a valid vocabulary; the message says why.</exception>
        public static Vocabulary Load(string path) => FromJson(ReadFile(path), path);

        /// <summary>Parses a vocabulary from the JSON <see cref="ToJson"/> writes.</summary>
        /// <param name="json">The JSON text.</param>
        /// <param name="source">The name used in error messages.</param>
        /// <returns>A <see cref="CharVocabulary"/> or a <see cref="WordVocabulary"/>.</returns>
        /// <exception cref="CheckpointException">The JSON is not a valid vocabulary.</exception>
        public static Vocabulary FromJson(string json, string source = "(json)")
        {
            var (kind, ordinary) = ParseJson(json, source);
            return Create(kind, ordinary, source);
        }

        /// <summary>Looks a token up.</summary>
        /// <param name="token">The token's exact text (ordinal comparison).</param>
        /// <param name="id">Its id when found.</param>
        /// <returns>Whether the token is in the vocabulary.</returns>
        public bool TryGetId(string token, out int id)
        {
            ArgumentNullException.ThrowIfNull(token);
            return ids.TryGetValue(token, out id);
        }

        /// <summary>Looks a token up without allocating.</summary>
        /// <param name="token">The token's exact text (ordinal comparison).</param>
        /// <param name="id">Its id when found.</param>
        /// <returns>Whether the token is in the vocabulary.</returns>
        public bool TryGetId(ReadOnlySpan<char> token, out int id) => spanIds.TryGetValue(token, out id);

        /// <summary>The token's id, or <see cref="UnknownId"/> when it is not in the vocabulary.</summary>
        /// <param name="token">The token's exact text.</param>
        /// <returns>An id in <c>[0, Count)</c>.</returns>
        public int GetIdOrUnknown(ReadOnlySpan<char> token) => spanIds.TryGetValue(token, out var id) ? id : UnknownId;

        /// <summary>Splits <paramref name="text"/> into tokens and returns their ids; unknown tokens become <see cref="UnknownId"/>.</summary>
        /// <param name="text">The text.</param>
        /// <returns>One id per token. No <c>&lt;eos&gt;</c> is added.</returns>
        public int[] Encode(string text)
        {
            ArgumentNullException.ThrowIfNull(text);
            var buffer = ArrayPool<int>.Shared.Rent(Math.Max(text.Length, 1));
            try
            {
                var count = Encode(text, buffer);
                return buffer.AsSpan(0, count).ToArray();
            }
            finally
            {
                ArrayPool<int>.Shared.Return(buffer);
            }
        }

        /// <summary>
        /// Splits <paramref name="text"/> into tokens and writes their ids to <paramref name="destination"/> without
        /// allocating; unknown tokens become <see cref="UnknownId"/>. A destination as long as the text always suffices.
        /// </summary>
        /// <param name="text">The text.</param>
        /// <param name="destination">Receives the ids.</param>
        /// <returns>The number of ids written.</returns>
        /// <exception cref="ArgumentException"><paramref name="destination"/> is too short (the ids up to that point are written).</exception>
        public int Encode(ReadOnlySpan<char> text, Span<int> destination) => EncodeCore(text, destination);

        /// <summary>The number of tokens <see cref="Encode(ReadOnlySpan{char}, Span{int})"/> would write.</summary>
        /// <param name="text">The text.</param>
        /// <returns>The token count.</returns>
        public abstract int CountTokens(ReadOnlySpan<char> text);

        /// <summary>
        /// Turns ids back into text. Reserved ids are written as <c>&lt;unk&gt;</c> and <c>&lt;eos&gt;</c> unless
        /// <paramref name="skipReserved"/>; how tokens are joined depends on the kind (see the derived classes).
        /// </summary>
        /// <param name="ids">Ids in <c>[0, Count)</c>.</param>
        /// <param name="skipReserved">Leave <c>&lt;unk&gt;</c> and <c>&lt;eos&gt;</c> out of the text.</param>
        /// <returns>The text.</returns>
        /// <exception cref="ArgumentOutOfRangeException">An id is outside the vocabulary.</exception>
        public string Decode(ReadOnlySpan<int> ids, bool skipReserved = false)
        {
            var text = new StringBuilder();
            string? previous = null;
            for (var i = 0; i < ids.Length; i++)
            {
                var id = ids[i];
                if ((uint)id >= (uint)tokens.Length)
                {
                    throw new ArgumentOutOfRangeException(nameof(ids), id, $"ids[{i}] = {id} is outside the vocabulary [0, {tokens.Length}).");
                }

                if (skipReserved && id < ReservedCount)
                {
                    continue;
                }

                var token = tokens[id];
                if (previous is not null && NeedsSeparator(previous, token))
                {
                    text.Append(' ');
                }

                text.Append(token);
                previous = token;
            }

            return text.ToString();
        }

        /// <summary>The vocabulary as JSON: <c>{"kind": ..., "tokens": [...]}</c>, token <c>i</c> having id <c>i</c>.</summary>
        /// <returns>Indented UTF-8-safe JSON text.</returns>
        public string ToJson()
        {
            using var stream = new MemoryStream();
            WriteJson(stream);
            return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
        }

        /// <summary>Saves the vocabulary as JSON, atomically (see <see cref="AtomicFile"/>).</summary>
        /// <param name="path">The destination; its directory must exist.</param>
        /// <exception cref="CheckpointException">Writing failed; the previous file is untouched.</exception>
        public void Save(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            try
            {
                AtomicFile.Write(path, WriteJson);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                throw new CheckpointException($"Could not save vocabulary '{path}': {error.Message}", path, null, error);
            }
        }

        /// <summary>Whether <see cref="Decode"/> puts a space between <paramref name="previous"/> and <paramref name="next"/>.</summary>
        private protected abstract bool NeedsSeparator(string previous, string next);

        /// <summary>Tokenises and looks up; see <see cref="Encode(ReadOnlySpan{char}, Span{int})"/>.</summary>
        private protected abstract int EncodeCore(ReadOnlySpan<char> text, Span<int> destination);

        /// <summary>Writes one id, throwing if the destination is full.</summary>
        private protected static void Put(Span<int> destination, int index, int id)
        {
            if ((uint)index >= (uint)destination.Length)
            {
                throw new ArgumentException($"destination has room for {destination.Length} ids but the text has more tokens; a destination as long as the text always suffices.", nameof(destination));
            }

            destination[index] = id;
        }

        /// <summary>Reads a vocabulary file's text, wrapping IO failures.</summary>
        private protected static string ReadFile(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            try
            {
                return File.ReadAllText(path, Encoding.UTF8);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                throw new CheckpointException($"Could not read vocabulary '{path}': {error.Message}", path, null, error);
            }
        }

        /// <summary>Parses the JSON into its kind and ordinary tokens (reserved ones checked and removed).</summary>
        private protected static (string Kind, List<string> Ordinary) ParseJson(string json, string source)
        {
            ArgumentNullException.ThrowIfNull(json);
            try
            {
                using var document = JsonDocument.Parse(json);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid(source, "the root must be an object with \"kind\" and \"tokens\".");
                }

                if (!root.TryGetProperty("kind", out var kindValue) || kindValue.ValueKind != JsonValueKind.String)
                {
                    throw Invalid(source, "\"kind\" must be the string \"char\" or \"word\".");
                }

                var kind = kindValue.GetString()!;
                if (kind is not ("char" or "word"))
                {
                    throw Invalid(source, $"unknown kind '{kind}'; expected \"char\" or \"word\".");
                }

                if (!root.TryGetProperty("tokens", out var tokensValue) || tokensValue.ValueKind != JsonValueKind.Array)
                {
                    throw Invalid(source, "\"tokens\" must be an array of strings.");
                }

                var all = new List<string>(tokensValue.GetArrayLength());
                foreach (var item in tokensValue.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        throw Invalid(source, $"tokens[{all.Count}] is {item.GetRawText()}, not a string.");
                    }

                    all.Add(item.GetString()!);
                }

                if (all.Count < ReservedCount || all[UnknownId] != UnknownToken || all[EndOfSequenceId] != EndOfSequenceToken)
                {
                    throw Invalid(source, $"tokens must start with \"{UnknownToken}\" (id {UnknownId}) and \"{EndOfSequenceToken}\" (id {EndOfSequenceId}).");
                }

                return (kind, all.GetRange(ReservedCount, all.Count - ReservedCount));
            }
            catch (JsonException error)
            {
                throw new CheckpointException($"Invalid vocabulary '{source}': not valid JSON: {error.Message}", source, null, error);
            }
        }

        /// <summary>Creates the vocabulary a file describes, turning token problems into <see cref="CheckpointException"/>.</summary>
        private protected static Vocabulary Create(string kind, List<string> ordinary, string source)
        {
            var problem = kind == "char" ? CharVocabulary.FindProblem(ordinary) : WordVocabulary.FindProblem(ordinary);
            if (problem is not null)
            {
                throw Invalid(source, problem);
            }

            return kind == "char" ? new CharVocabulary(ordinary) : new WordVocabulary(ordinary);
        }

        /// <summary>The exception for a malformed vocabulary file.</summary>
        private protected static CheckpointException Invalid(string source, string problem) =>
            new($"Invalid vocabulary '{source}': {problem}", source, null);

        private void WriteJson(Stream stream)
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            json.WriteStartObject();
            json.WriteString("kind", Kind);
            json.WriteStartArray("tokens");
            foreach (var token in tokens)
            {
                json.WriteStringValue(token);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }
    }
}
