using System;
using System.Collections.Generic;
using System.Text;

namespace RnnGen.Text
{
    /// <summary>
    /// The rule <see cref="WordVocabulary"/> splits text by, over Unicode scalar values: white space
    /// (<see cref="Rune.IsWhiteSpace"/>) separates tokens and is dropped; every punctuation or symbol character
    /// (<see cref="Rune.IsPunctuation"/>, <see cref="Rune.IsSymbol"/>: <c>. , ; : ! ? ' " ( ) - _ + = $ …</c>) is a token of
    /// its own; every other maximal run (letters, digits, combining marks) is one word. Case is kept.
    /// </summary>
    /// <example><c>"Don't stop--now!"</c> splits into <c>Don</c>, <c>'</c>, <c>t</c>, <c>stop</c>, <c>-</c>, <c>-</c>, <c>now</c>, <c>!</c>.</example>
    public static class WordTokenizer
    {
        /// <summary>Splits <paramref name="text"/> into its tokens.</summary>
        /// <param name="text">The text.</param>
        /// <returns>The tokens in order.</returns>
        public static IReadOnlyList<string> Split(string text)
        {
            ArgumentNullException.ThrowIfNull(text);
            var result = new List<string>();
            var position = 0;
            while (TryNext(text, ref position, out var start, out var length))
            {
                result.Add(text.Substring(start, length));
            }

            return result;
        }

        /// <summary>Whether <paramref name="token"/> is something <see cref="Split"/> can produce: one punctuation or symbol
        /// character, or a non-empty run with no white space, punctuation or symbol.</summary>
        /// <param name="token">The candidate token.</param>
        /// <returns>Whether it is a single word token.</returns>
        public static bool IsToken(string token)
        {
            ArgumentNullException.ThrowIfNull(token);
            var position = 0;
            return TryNext(token, ref position, out var start, out var length) && start == 0 && length == token.Length;
        }

        /// <summary>Finds the next token at or after <paramref name="position"/> and moves past it; no allocation.</summary>
        /// <param name="text">The text.</param>
        /// <param name="position">Where to start; on return, just after the token.</param>
        /// <param name="start">The token's first char.</param>
        /// <param name="length">The token's length in chars.</param>
        /// <returns>False when only white space remains.</returns>
        internal static bool TryNext(ReadOnlySpan<char> text, ref int position, out int start, out int length)
        {
            while (position < text.Length)
            {
                var consumed = Read(text, position, out var rune);
                if (!Rune.IsWhiteSpace(rune))
                {
                    break;
                }

                position += consumed;
            }

            start = position;
            if (position >= text.Length)
            {
                length = 0;
                return false;
            }

            var first = Read(text, position, out var firstRune);
            position += first;
            if (!IsSeparateCharacter(firstRune))
            {
                while (position < text.Length)
                {
                    var consumed = Read(text, position, out var rune);
                    if (Rune.IsWhiteSpace(rune) || IsSeparateCharacter(rune))
                    {
                        break;
                    }

                    position += consumed;
                }
            }

            length = position - start;
            return true;
        }

        private static bool IsSeparateCharacter(Rune rune) => Rune.IsPunctuation(rune) || Rune.IsSymbol(rune);

        private static int Read(ReadOnlySpan<char> text, int position, out Rune rune)
        {
            Rune.DecodeFromUtf16(text[position..], out rune, out var consumed);
            return consumed;
        }
    }
}
