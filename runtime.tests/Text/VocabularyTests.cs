using System.IO;
using System.Linq;
using System;
using RnnGen.IO;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Text;
using Xunit;

namespace RnnGen.Runtime.Tests.Text
{
    /// <summary>Character and word vocabularies: ids, frequency order, encoding, decoding and JSON files.</summary>
    public sealed class VocabularyTests
    {
        [Fact]
        public void Reserved_tokens_have_fixed_ids()
        {
            foreach (Vocabulary vocabulary in new Vocabulary[] { CharVocabulary.FromCorpus("abc"), WordVocabulary.FromCorpus("a b c") })
            {
                Assert.Equal(0, Vocabulary.UnknownId);
                Assert.Equal(1, Vocabulary.EndOfSequenceId);
                Assert.Equal("<unk>", vocabulary[0]);
                Assert.Equal("<eos>", vocabulary[1]);
                Assert.True(vocabulary.TryGetId("<eos>", out var eos));
                Assert.Equal(1, eos);
                Assert.Equal(5, vocabulary.Count);
                Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary[5]);
                Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary[-1]);
            }
        }

        [Fact]
        public void Characters_are_ordered_by_frequency_then_ordinally()
        {
            var vocabulary = CharVocabulary.FromCorpus("bcaabcaab");
            Assert.Equal(new[] { "<unk>", "<eos>", "a", "b", "c" }, vocabulary.Tokens);

            // Ties: 'B' < 'a' < 'b' ordinally.
            Assert.Equal(new[] { "<unk>", "<eos>", "B", "a", "b" }, CharVocabulary.FromCorpus("baB").Tokens);
            Assert.Equal(new[] { "<unk>", "<eos>", "a", "b" }, CharVocabulary.FromCorpus("bcaabcaab", maxSize: 4).Tokens);
            Assert.Equal(new[] { "<unk>", "<eos>", "a" }, CharVocabulary.FromCorpus("bcaabcaab", minCount: 4).Tokens);
            Assert.Equal(new[] { "<unk>", "<eos>", "a", "b", "c" }, CharVocabulary.FromCorpus(new[] { "bca", "abc", "aab" }).Tokens);
            Assert.Throws<ArgumentOutOfRangeException>(() => CharVocabulary.FromCorpus("a", maxSize: 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => CharVocabulary.FromCorpus("a", minCount: 0));
        }

        [Fact]
        public void Characters_encode_and_decode_round_trip_with_unknowns_as_unk()
        {
            var vocabulary = CharVocabulary.FromCorpus("hello, world 😀\n");
            const string text = "hello world 😀\n";
            var ids = vocabulary.Encode(text);
            Assert.Equal(14, ids.Length); // the emoji is one token, not two surrogates
            Assert.Equal(text, vocabulary.Decode(ids));
            Assert.Equal(14, vocabulary.CountTokens(text));

            var unknown = vocabulary.Encode("hex!");
            Assert.Equal(new[] { vocabulary.Encode("h")[0], vocabulary.Encode("e")[0], 0, 0 }, unknown);
            Assert.Equal("he<unk><unk>", vocabulary.Decode(unknown));
            Assert.Equal("he", vocabulary.Decode(unknown, skipReserved: true));
            Assert.Equal("h<eos>", vocabulary.Decode(new[] { ids[0], Vocabulary.EndOfSequenceId }));

            // An unpaired surrogate is not a character: it is never a token and encodes as <unk>.
            Assert.Equal(new[] { 0, ids[0] }, vocabulary.Encode("\uD800h"));
            Assert.DoesNotContain("\uD800", CharVocabulary.FromCorpus("a\uD800b").Tokens);
        }

        [Fact]
        public void Encoding_into_a_span_allocates_nothing_and_rejects_a_short_destination()
        {
            var vocabulary = CharVocabulary.FromCorpus("abcdef");
            var destination = new int[16];
            const string text = "fedcba";
            vocabulary.Encode(text, destination);
            var count = 0;
            Assert.Equal(0, Allocations.SteadyState(() =>
            {
                for (var i = 0; i < 100; i++)
                {
                    count = vocabulary.Encode(text, destination);
                }
            }));
            Assert.Equal(6, count);
            Assert.Equal(vocabulary.Encode(text), destination.AsSpan(0, 6).ToArray());
            var error = Assert.Throws<ArgumentException>(() => vocabulary.Encode(text, new int[5]));
            Assert.Contains("destination has room for 5 ids", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Explicit_character_lists_keep_their_order_and_reject_bad_tokens()
        {
            var vocabulary = CharVocabulary.FromCharacters("zyx😀");
            Assert.Equal(new[] { "<unk>", "<eos>", "z", "y", "x", "😀" }, vocabulary.Tokens);
            Assert.Equal(new[] { 4, 3, 2, 5 }, vocabulary.Encode("xyz😀"));
            Assert.Contains("appears more than once", Assert.Throws<ArgumentException>(() => CharVocabulary.FromCharacters("aba")).Message, StringComparison.Ordinal);
            Assert.Contains("is not exactly one Unicode scalar value", Assert.Throws<ArgumentException>(() => CharVocabulary.FromTokens(new[] { "ab" })).Message, StringComparison.Ordinal);
            Assert.Contains("reserved", Assert.Throws<ArgumentException>(() => CharVocabulary.FromTokens(new[] { "<unk>" })).Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => CharVocabulary.FromCharacters("a\uDC00"));
        }

        [Fact]
        public void Words_split_on_whitespace_with_each_punctuation_and_symbol_character_a_token()
        {
            Assert.Equal(new[] { "Don", "'", "t", "stop", "-", "-", "now", "!" }, WordTokenizer.Split("Don't stop--now!"));
            Assert.Equal(new[] { "a1", "+", "b", "_", "c", "$", "5", "€", "😀", "x", "e\u0301" }, WordTokenizer.Split("  a1+b_c $5€😀x e\u0301\t\n"));
            Assert.Equal(new[] { "naïve", "café", "(", "x", ")" }, WordTokenizer.Split("naïve café (x)"));
            Assert.Empty(WordTokenizer.Split(" \t\r\n "));
            Assert.True(WordTokenizer.IsToken("word"));
            Assert.True(WordTokenizer.IsToken(","));
            Assert.False(WordTokenizer.IsToken("a b"));
            Assert.False(WordTokenizer.IsToken("a,"));
            Assert.False(WordTokenizer.IsToken(string.Empty));
        }

        [Fact]
        public void Words_are_ordered_by_frequency_then_ordinally_with_size_limits()
        {
            const string corpus = "the cat sat on the mat . The cat ran .";
            var vocabulary = WordVocabulary.FromCorpus(corpus);
            Assert.Equal(new[] { "<unk>", "<eos>", ".", "cat", "the", "The", "mat", "on", "ran", "sat" }, vocabulary.Tokens);
            Assert.Equal(new[] { "<unk>", "<eos>", ".", "cat", "the" }, WordVocabulary.FromCorpus(corpus, minCount: 2).Tokens);
            Assert.Equal(new[] { "<unk>", "<eos>", ".", "cat" }, WordVocabulary.FromCorpus(corpus, maxSize: 4).Tokens);
            Assert.Equal(vocabulary.Tokens, WordVocabulary.FromCorpus(new[] { "the cat sat on the mat .", "The cat ran ." }).Tokens);
        }

        [Fact]
        public void Words_encode_with_unknowns_and_decode_with_readable_spacing()
        {
            var vocabulary = WordVocabulary.FromCorpus("Hello , world ! ( aside ) said the cat .");
            var ids = vocabulary.Encode("Hello,   world! (aside) said the dog.");
            Assert.Equal(Vocabulary.UnknownId, ids[^2]);
            Assert.Equal("Hello, world! (aside) said the <unk>.", vocabulary.Decode(ids));
            Assert.Equal("Hello, world! (aside) said the.", vocabulary.Decode(ids, skipReserved: true));
            Assert.Equal(11, vocabulary.CountTokens("Hello,   world! (aside) said the dog."));
        }

        [Fact]
        public void Word_ids_survive_decode_then_encode()
        {
            var vocabulary = WordVocabulary.FromCorpus("a b cd ( ) [ ] { } . , ; : ! ? % ' \" - + = $ € 😀 é x1");
            var random = new Random(5);
            for (var trial = 0; trial < 200; trial++)
            {
                var ids = Enumerable.Range(0, random.Next(0, 20)).Select(_ => random.Next(2, vocabulary.Count)).ToArray();
                Assert.Equal(ids, vocabulary.Encode(vocabulary.Decode(ids)));
            }
        }

        [Fact]
        public void Explicit_word_lists_reject_tokens_the_tokenizer_cannot_produce()
        {
            var vocabulary = WordVocabulary.FromTokens(new[] { "hello", ",", "world" });
            Assert.Equal(new[] { 2, 3, 4, 0 }, vocabulary.Encode("hello, world again"));
            var error = Assert.Throws<ArgumentException>(() => WordVocabulary.FromTokens(new[] { "hello", "New York" }));
            Assert.Contains("token 3 'New York' is not a single word token", error.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => WordVocabulary.FromTokens(new[] { "a", "a" }));
            Assert.Throws<ArgumentException>(() => WordVocabulary.FromTokens(new[] { "<eos>" }));
        }

        [Fact]
        public void Vocabularies_round_trip_through_JSON_files()
        {
            using var directory = new RnnGen.Runtime.Tests.IO.TempDirectory();
            var chars = CharVocabulary.FromCorpus("To be, or not to be: that is the question.\n\t\"😀\"\\");
            var words = WordVocabulary.FromCorpus("To be, or not to be: that is the question.");
            var charPath = directory.File("chars.json");
            var wordPath = directory.File("words.json");
            chars.Save(charPath);
            words.Save(wordPath);

            var loadedChars = CharVocabulary.Load(charPath);
            var loadedWords = Assert.IsType<WordVocabulary>(Vocabulary.Load(wordPath));
            Assert.Equal(chars.Tokens, loadedChars.Tokens);
            Assert.Equal(words.Tokens, loadedWords.Tokens);
            Assert.Equal(chars.ToJson(), File.ReadAllText(charPath));
            Assert.Contains("\"kind\": \"word\"", File.ReadAllText(wordPath), StringComparison.Ordinal);
            Assert.Equal(words.Tokens, Vocabulary.FromJson(words.ToJson()).Tokens);

            var wrongKind = Assert.Throws<CheckpointException>(() => CharVocabulary.Load(wordPath));
            Assert.Equal($"Invalid vocabulary '{wordPath}': it is a word vocabulary, not a char vocabulary.", wrongKind.Message);
            Assert.Equal(new[] { charPath, wordPath }.OrderBy(p => p, StringComparer.Ordinal), directory.Entries().OrderBy(p => p, StringComparer.Ordinal));
        }

        [Fact]
        public void Invalid_vocabulary_files_are_rejected_with_the_reason()
        {
            AssertInvalid("{\"kind\":\"char\",\"tokens\":[\"<unk>\",\"<eos>\",\"a\",\"a\"]}", "token 'a' appears more than once (ids 2 and 3).");
            AssertInvalid("{\"kind\":\"char\",\"tokens\":[\"<eos>\",\"<unk>\",\"a\"]}", "tokens must start with \"<unk>\" (id 0) and \"<eos>\" (id 1).");
            AssertInvalid("{\"kind\":\"char\",\"tokens\":[\"<unk>\",\"<eos>\",\"ab\"]}", "token 2 'ab' is not exactly one Unicode scalar value");
            AssertInvalid("{\"kind\":\"word\",\"tokens\":[\"<unk>\",\"<eos>\",\"a b\"]}", "token 2 'a b' is not a single word token");
            AssertInvalid("{\"kind\":\"bpe\",\"tokens\":[]}", "unknown kind 'bpe'; expected \"char\" or \"word\".");
            AssertInvalid("{\"kind\":\"word\",\"tokens\":[\"<unk>\",\"<eos>\",3]}", "tokens[2] is 3, not a string.");
            AssertInvalid("{\"tokens\":[]}", "\"kind\" must be the string \"char\" or \"word\".");
            AssertInvalid("[]", "the root must be an object");
            AssertInvalid("{\"kind\":", "not valid JSON");

            using var directory = new RnnGen.Runtime.Tests.IO.TempDirectory();
            var missing = directory.File("missing.json");
            var error = Assert.Throws<CheckpointException>(() => Vocabulary.Load(missing));
            Assert.StartsWith($"Could not read vocabulary '{missing}'", error.Message, StringComparison.Ordinal);
            var save = Assert.Throws<CheckpointException>(() => CharVocabulary.FromCorpus("a").Save(Path.Combine(directory.Path, "nope", "v.json")));
            Assert.StartsWith("Could not save vocabulary", save.Message, StringComparison.Ordinal);
        }

        private static void AssertInvalid(string json, string expected)
        {
            var error = Assert.Throws<CheckpointException>(() => Vocabulary.FromJson(json, "v.json"));
            Assert.StartsWith("Invalid vocabulary 'v.json': ", error.Message, StringComparison.Ordinal);
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
    }
}
