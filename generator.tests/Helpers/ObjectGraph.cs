using System;
using System.Collections;
using System.Collections.Generic;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Tests.Helpers
{
    /// <summary>
    /// Finds compilation-bound objects reachable from a pipeline step output. Such objects pin a whole
    /// compilation in memory and change identity on every edit, so a model holding one defeats caching.
    /// </summary>
    internal static class ObjectGraph
    {
        private static readonly Type[] Forbidden =
        {
            typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Compilation), typeof(SemanticModel), typeof(Location),
        };

        /// <summary>Paths (from <paramref name="rootName"/>) to every forbidden object in the graph.</summary>
        public static List<string> FindForbidden(object? root, string rootName)
        {
            var found = new List<string>();
            Walk(root, rootName, new HashSet<object>(ReferenceEqualityComparer.Instance), found);
            return found;
        }

        private static void Walk(object? value, string path, HashSet<object> visited, List<string> found)
        {
            if (value is null || value is string || value is Pointer)
            {
                return;
            }

            var type = value.GetType();
            if (type.IsPrimitive || type.IsEnum)
            {
                return;
            }

            // Boxed structs are fresh objects each time, so only reference types can close a cycle (or be reached
            // twice, as a list's items are through both its enumerator and its backing array).
            if (!type.IsValueType && !visited.Add(value))
            {
                return;
            }

            if (Array.Exists(Forbidden, f => f.IsAssignableFrom(type)))
            {
                found.Add($"{path}: {type.FullName}");
                return;
            }

            if (value is IEnumerable items)
            {
                var index = 0;
                foreach (var item in items)
                {
                    Walk(item, $"{path}[{index++}]", visited, found);
                }
            }

            // Fields hold all the state: auto-properties and record members are backed by fields, and computed
            // properties only derive from them (and could throw on a partial object), so properties are skipped.
            for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            {
                foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    Walk(field.GetValue(value), $"{path}.{field.Name}", visited, found);
                }
            }
        }
    }
}
