using System;
using System.Collections.Generic;
using System.Linq;

namespace RnnGen.Generator.Emit
{
    /// <summary>
    /// Makes hint names unique the way Roslyn compares them: ignoring case (generated files may be written to a
    /// case-insensitive file system), so <c>MyModel</c> and <c>Mymodel</c>, or namespaces <c>Game</c> and <c>game</c>,
    /// do not make <c>AddSource</c> throw. Decided from the names alone, so each model's emission stays cached.
    /// </summary>
    internal static class HintNames
    {
        public const string Suffix = ".RnnGen.g.cs";

        /// <summary>
        /// The hint name for <paramref name="name"/> among <paramref name="all"/> (every model's name, once per model):
        /// case twins are ordered ordinally and all but the first get <c>(2)</c>, <c>(3)</c>... before the suffix
        /// (parentheses never occur in a type or namespace name, so the result cannot meet another model's name).
        /// Null for a name that occurs twice exactly: two types with one full name are already a compile error
        /// (CS0101), and neither can be told apart from the other here.
        /// </summary>
        public static string? Resolve(string name, IReadOnlyList<string> all)
        {
            var twins = all.Where(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (twins.Count(n => string.Equals(n, name, StringComparison.Ordinal)) > 1)
            {
                return null;
            }

            var rank = twins.Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList().IndexOf(name);
            if (rank <= 0)
            {
                return name;
            }

            var stem = name.EndsWith(Suffix, StringComparison.Ordinal) ? name.Substring(0, name.Length - Suffix.Length) : name;
            return $"{stem}({rank + 1}){Suffix}";
        }
    }
}
