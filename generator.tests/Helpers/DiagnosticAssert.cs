using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace RnnGen.Generator.Tests.Helpers
{
    /// <summary>Assertions on the generator's own diagnostics.</summary>
    internal static class DiagnosticAssert
    {
        /// <summary>
        /// Runs the generator on <paramref name="source"/> and checks that it reports <paramref name="id"/> as an
        /// error at a span whose text contains <paramref name="locatedText"/>, and generates nothing.
        /// </summary>
        public static Diagnostic Reports(string id, string source, string locatedText)
        {
            var run = GeneratorTestHelper.Run(source);
            var matching = run.GeneratorDiagnostics.Where(d => d.Id == id).ToList();
            Assert.True(matching.Count > 0, $"Expected {id}; got:\n{GeneratorRun.Format(run.GeneratorDiagnostics)}");

            var located = matching.Select(d => (Diagnostic: d, Text: LocatedText(run.OutputCompilation, d))).ToList();
            var hit = located.FirstOrDefault(l => l.Text.Contains(locatedText, System.StringComparison.Ordinal));
            Assert.True(
                hit.Diagnostic is not null,
                $"No {id} located on text containing '{locatedText}'; located on: {string.Join(" | ", located.Select(l => l.Text))}");
            Assert.Equal(DiagnosticSeverity.Error, hit.Diagnostic.Severity);
            Assert.Empty(run.Sources);
            return hit.Diagnostic;
        }

        /// <summary>
        /// The source text a diagnostic points at. Generator diagnostics carry file-path locations (not tied to a
        /// tree, so they never pin one), so the tree is found by path and the line span checked against the span.
        /// </summary>
        public static string LocatedText(Compilation compilation, Diagnostic diagnostic)
        {
            var location = diagnostic.Location;
            Assert.NotEqual(Location.None, location);
            var lineSpan = location.GetLineSpan();
            var tree = compilation.SyntaxTrees.SingleOrDefault(t => t.FilePath == lineSpan.Path);
            Assert.True(tree is not null, $"{diagnostic.Id} points at '{lineSpan.Path}', which is not a source file");
            Assert.Equal(tree.GetLineSpan(location.SourceSpan).Span, lineSpan.Span);
            return tree.GetText().ToString(location.SourceSpan);
        }
    }
}
