using System;
using System.Text;
using RnnGen.Text;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>
    /// The model's fixed alphabet: printable ASCII (32..126) and <c>'\n'</c>, behind the two reserved ids
    /// <c>&lt;unk&gt;</c> (0) and <c>&lt;eos&gt;</c> (1). Fixing it at compile time lets the vocabulary size be a
    /// constant in the model's attributes, and any corpus can be trained on without changing the network.
    /// </summary>
    public static class CharacterSet
    {
        /// <summary>The ordinary characters in id order: <c>'\n'</c> gets id 2, <c>' '</c> id 3, ..., <c>'~'</c> id 97.</summary>
        public const string Characters =
            "\n !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

        /// <summary>
        /// The number of token ids, the two reserved ones included: 2 + 96 = 98. Used as the models'
        /// <c>[Embedding]</c> vocabulary and <c>[Dense]</c> width; <see cref="Vocabulary"/> is checked against it.
        /// </summary>
        public const int Size = Text.Vocabulary.ReservedCount + 96;

        /// <summary>The vocabulary built from <see cref="Characters"/> (ids 0 and 1 are <c>&lt;unk&gt;</c> and <c>&lt;eos&gt;</c>).</summary>
        public static CharVocabulary Vocabulary { get; } = Create();

        /// <summary>
        /// Maps text onto the alphabet before encoding: line endings become <c>'\n'</c>, tabs and other white space a
        /// space, typographic quotes and dashes their ASCII look-alikes, and anything else outside the alphabet is
        /// dropped (so the model never has to learn <c>&lt;unk&gt;</c>).
        /// </summary>
        /// <param name="text">Any text.</param>
        /// <returns>Text made only of <see cref="Characters"/>.</returns>
        public static string Normalize(string text)
        {
            ArgumentNullException.ThrowIfNull(text);
            var builder = new StringBuilder(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                switch (c)
                {
                    case '\r':
                        if (i + 1 < text.Length && text[i + 1] == '\n')
                        {
                            continue;
                        }

                        builder.Append('\n');
                        break;
                    case '\u2018' or '\u2019' or '\u201A' or '\u2032':
                        builder.Append('\'');
                        break;
                    case '\u201C' or '\u201D' or '\u201E' or '\u2033':
                        builder.Append('"');
                        break;
                    case '\u2013' or '\u2014' or '\u2212':
                        builder.Append('-');
                        break;
                    case '\u2026':
                        builder.Append("...");
                        break;
                    case '\n' or (>= ' ' and <= '~'):
                        builder.Append(c);
                        break;
                    default:
                        if (char.IsWhiteSpace(c))
                        {
                            builder.Append(' ');
                        }

                        break;
                }
            }

            return builder.ToString();
        }

        private static CharVocabulary Create()
        {
            var vocabulary = CharVocabulary.FromCharacters(Characters);
            if (vocabulary.Count != Size)
            {
                throw new InvalidOperationException($"The alphabet has {vocabulary.Count} ids but the models were generated for {Size}.");
            }

            return vocabulary;
        }
    }
}
