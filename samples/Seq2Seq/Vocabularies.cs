using System;

namespace RnnGen.Samples.Seq2Seq
{
    /// <summary>
    /// The encoder's character ids: <see cref="Pad"/> = 0, then space, comma, the digits and the lowercase letters.
    /// </summary>
    public static class SourceVocabulary
    {
        /// <summary>The characters with ids 1, 2, ...</summary>
        public const string Characters = " ,0123456789abcdefghijklmnopqrstuvwxyz";

        /// <summary>The id sources are padded with (on the left, so every source ends at the encoder's last step).</summary>
        public const int Pad = 0;

        /// <summary>The number of ids.</summary>
        public const int Size = 39; // Characters.Length + 1 (string lengths are not constants in C#)

        /// <summary>The id of <paramref name="character"/>.</summary>
        /// <param name="character">One of <see cref="Characters"/>.</param>
        /// <returns>Its id, 1..<see cref="Size"/>-1.</returns>
        /// <exception cref="ArgumentException">The character is not in the vocabulary.</exception>
        public static int Encode(char character)
        {
            var index = Characters.IndexOf(character, StringComparison.Ordinal);
            return index >= 0 ? index + 1 : throw new ArgumentException($"'{character}' is not in the source vocabulary (lowercase letters, digits, space and comma).", nameof(character));
        }
    }

    /// <summary>
    /// The decoder's ids: the digits 0..9 and '-' (ids 0..10), <see cref="End"/> and <see cref="Start"/>. The decoder
    /// reads <see cref="Start"/> first and is trained to write <see cref="End"/> after the last character.
    /// </summary>
    public static class TargetVocabulary
    {
        /// <summary>The characters with ids 0, 1, ...</summary>
        public const string Characters = "0123456789-";

        /// <summary>The id that ends an output.</summary>
        public const int End = 11; // Characters.Length

        /// <summary>The id fed to the decoder at its first step (never an output the decoder should choose).</summary>
        public const int Start = End + 1;

        /// <summary>The number of ids.</summary>
        public const int Size = Start + 1;

        /// <summary>The id of <paramref name="character"/>.</summary>
        /// <param name="character">A digit or '-'.</param>
        /// <returns>Its id.</returns>
        /// <exception cref="ArgumentException">The character is not in the vocabulary.</exception>
        public static int Encode(char character)
        {
            var index = Characters.IndexOf(character, StringComparison.Ordinal);
            return index >= 0 ? index : throw new ArgumentException($"'{character}' is not in the target vocabulary (digits and '-').", nameof(character));
        }

        /// <summary>The character of an id below <see cref="End"/>.</summary>
        /// <param name="id">0..<see cref="End"/>-1.</param>
        /// <returns>The character.</returns>
        public static char Decode(int id) => Characters[id];
    }
}
