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
        public void The_first_code_block_compiles_as_a_console_program_without_warnings()
        {
            var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
            var start = readme.IndexOf("```csharp\n", StringComparison.Ordinal);
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
