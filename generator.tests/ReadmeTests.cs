using System;
using System.IO;
using System.Linq;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Generator.Tests.Helpers;
using Xunit;

namespace RnnGen.Generator.Tests
{
    /// <summary>The README's first example is what a newcomer pastes into Program.cs: it must compile as written.</summary>
    public sealed class ReadmeTests
    {
        [Fact]
        public void The_first_code_block_compiles_as_a_console_program_without_warnings() => CompilesAsConsoleProgram(string.Empty);

        [Fact]
        public void The_gpu_example_compiles_as_a_console_program_without_warnings() => CompilesAsConsoleProgram("## Running on a GPU");

        /// <summary>The first csharp block after <paramref name="heading"/> (or in the file) builds with the generator, warning-free.</summary>
        private static void CompilesAsConsoleProgram(string heading)
        {
            var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
            var from = heading.Length == 0 ? 0 : readme.IndexOf(heading, StringComparison.Ordinal);
            Assert.True(from >= 0, $"README.md has no '{heading}'");
            var start = readme.IndexOf("```csharp\n", from, StringComparison.Ordinal);
            Assert.True(start >= 0, "README.md has no csharp block");
            start += "```csharp\n".Length;
            var code = readme.Substring(start, readme.IndexOf("```", start, StringComparison.Ordinal) - start);

            var compilation = CSharpCompilation.Create(
                "ReadmeExample",
                new[] { CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest), "Program.cs") },
                Net100.References.All.Cast<MetadataReference>().Append(MetadataReference.CreateFromFile(typeof(LstmAttribute).Assembly.Location)),
                new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
            var run = GeneratorTestHelper.Run(GeneratorTestHelper.CreateDriver(), compilation);

            Assert.Empty(run.GeneratorDiagnostics);
            Assert.NotEmpty(run.Sources);
            Assert.True(run.WarningsAndErrors.Count == 0, GeneratorRun.Format(run.WarningsAndErrors));
        }

        /// <summary>The Diagnostics table lists every id the generator can report, each with an example that triggers it.</summary>
        [Fact]
        public void The_diagnostics_table_has_every_id_with_an_example()
        {
            var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
            var rows = readme.Split('\n').Where(l => l.StartsWith("| RNNG", StringComparison.Ordinal)).ToList();
            var fields = typeof(Diagnostics.DiagnosticDescriptors).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static);
            var ids = fields.Select(f => f.GetValue(null)).Select(v => v is DiagnosticDescriptor d ? d.Id : v as string).Where(id => id is not null).ToList();

            Assert.NotEmpty(ids);
            foreach (var id in ids)
            {
                var row = rows.SingleOrDefault(r => r.StartsWith($"| {id} |", StringComparison.Ordinal));
                Assert.True(row is not null, $"README's Diagnostics table has no row for {id}");
                var cells = row.Split('|', StringSplitOptions.TrimEntries).Where(c => c.Length > 0).ToList();
                Assert.True(cells.Count == 3, $"{id}: expected Id | When | Example, got {cells.Count} cells");
            }
        }

        private static string RepositoryRoot()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "RnnGen.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new DirectoryNotFoundException("RnnGen.sln was not found above the test assembly.");
        }
    }
}
