using System;
using System.Collections.Generic;

namespace RnnGen.Text
{
    /// <summary>Checks explicit token lists and ranks counted tokens, for both vocabulary kinds.</summary>
    internal static class TokenLists
    {
        /// <summary>The first problem with an explicit list of ordinary tokens, or null: reserved names, duplicates, invalid tokens.</summary>
        public static string? FindProblem(IReadOnlyList<string> tokens, Func<string, bool> isValid, string rule)
        {
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < tokens.Count; i++)
            {
                var token = tokens[i];
                if (token is null)
                {
                    return $"token {i + Vocabulary.ReservedCount} is null.";
                }

                if (token is Vocabulary.UnknownToken or Vocabulary.EndOfSequenceToken)
                {
                    return $"'{token}' is reserved and added automatically (ids 0 and 1); leave it out of the list.";
                }

                if (!isValid(token))
                {
                    return $"token {i + Vocabulary.ReservedCount} '{token}' is not {rule}.";
                }

                if (!seen.TryAdd(token, i + Vocabulary.ReservedCount))
                {
                    return $"token '{token}' appears more than once (ids {seen[token]} and {i + Vocabulary.ReservedCount}).";
                }
            }

            return null;
        }

        /// <summary>
        /// Keeps tokens counted at least <paramref name="minCount"/> times, most frequent first, ties in ordinal order,
        /// at most <paramref name="maxSize"/> minus the reserved ids.
        /// </summary>
        public static List<string> Rank(IEnumerable<KeyValuePair<string, long>> counts, int maxSize, int minCount)
        {
            var kept = new List<KeyValuePair<string, long>>();
            foreach (var pair in counts)
            {
                if (pair.Value >= minCount)
                {
                    kept.Add(pair);
                }
            }

            kept.Sort(static (a, b) =>
            {
                var order = b.Value.CompareTo(a.Value);
                return order != 0 ? order : string.CompareOrdinal(a.Key, b.Key);
            });
            var room = maxSize - Vocabulary.ReservedCount;
            var result = new List<string>(Math.Min(room, kept.Count));
            for (var i = 0; i < kept.Count && i < room; i++)
            {
                result.Add(kept[i].Key);
            }

            return result;
        }

        /// <summary>Validates the size options shared by both vocabulary kinds.</summary>
        public static void CheckOptions(int maxSize, int minCount)
        {
            if (maxSize < Vocabulary.ReservedCount)
            {
                throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, $"maxSize counts the {Vocabulary.ReservedCount} reserved tokens, so it must be at least {Vocabulary.ReservedCount}.");
            }

            if (minCount < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(minCount), minCount, "minCount must be at least 1.");
            }
        }
    }
}
