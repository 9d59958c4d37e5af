using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace RnnGen.Generator.Tests.Helpers
{
    /// <summary>Builds test compilations and runs <see cref="RnnGenerator"/> over them.</summary>
    internal static class GeneratorTestHelper
    {
        /// <summary>The id Roslyn reports when a generator throws.</summary>
        public const string GeneratorExceptionId = "CS8785";

        /// <summary>The id the generator reports when it caught an exception of its own (a bug, like CS8785).</summary>
        public const string InternalErrorId = "RNNG0099";

        // The newest language version the pinned Roslyn knows; users of the generator are on a recent SDK.
        private static readonly CSharpParseOptions ParseOptions = new(
            LanguageVersion.Latest,
            // Diagnose mode makes the compiler check the generated XML docs (malformed XML, unresolved crefs).
            documentationMode: DocumentationMode.Diagnose);

        private static readonly CSharpCompilationOptions CompilationOptions = new(
            OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable,
            // Every warning wave, so new compiler warnings in generated code are caught too.
            warningLevel: 9999,
            deterministic: true);

        // Reference assemblies from a package rather than the test host's loaded assemblies keep results stable.
        private static readonly ImmutableArray<MetadataReference> References = Net100.References.All
            .Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(LstmAttribute).Assembly.Location))
            .ToImmutableArray();

        /// <summary>Parses each source as its own file, named <c>Source{index}.cs</c>.</summary>
        public static CSharpCompilation CreateCompilation(params string[] sources) =>
            CSharpCompilation.Create(
                "RnnGen.Tests.Input",
                sources.Select((text, i) => ParseFile(text, $"Source{i}.cs")),
                References,
                CompilationOptions);

        /// <summary>A compilation of already parsed files (the fuzz test names its own).</summary>
        public static CSharpCompilation CreateCompilation(IEnumerable<SyntaxTree> trees) =>
            CSharpCompilation.Create("RnnGen.Tests.Input", trees, References, CompilationOptions);

        public static SyntaxTree ParseFile(string text, string path, LanguageVersion version = LanguageVersion.Latest) =>
            CSharpSyntaxTree.ParseText(text, ParseOptions.WithLanguageVersion(version), path);

        /// <summary>
        /// A driver that records every pipeline step, for the incremental-caching tests; <paramref name="properties"/>
        /// are the project's MSBuild properties the generator sees (none by default), <paramref name="version"/> the
        /// project's language version (generated files are parsed with it, as in a build).
        /// </summary>
        public static GeneratorDriver CreateDriver(BuildProperties? properties = null, LanguageVersion version = LanguageVersion.Latest) =>
            CSharpGeneratorDriver.Create(
                new[] { new RnnGenerator().AsSourceGenerator() },
                parseOptions: ParseOptions.WithLanguageVersion(version),
                optionsProvider: properties,
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

        public static GeneratorRun Run(params string[] sources) => Run(CreateDriver(), CreateCompilation(sources));

        /// <summary>
        /// Runs <paramref name="driver"/> over <paramref name="compilation"/> and fails if the generator threw, or
        /// caught an exception of its own (RNNG0099): every test therefore also checks that the generator never crashes.
        /// </summary>
        public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
        {
            var run = RunAllowingFailures(driver, compilation);
            AssertNoFailure(run.Result.Exception, run.GeneratorDiagnostics);
            return run;
        }

        /// <summary>Fails on an exception that escaped the generator (CS8785) or one it caught itself (RNNG0099).</summary>
        public static void AssertNoFailure(Exception? exception, IEnumerable<Diagnostic> generatorDiagnostics)
        {
            Assert.True(exception is null, $"The generator threw: {exception}");
            var failures = generatorDiagnostics.Where(d => d.Id is GeneratorExceptionId or InternalErrorId).ToList();
            Assert.True(failures.Count == 0, $"The generator failed:\n{GeneratorRun.Format(failures)}");
        }

        /// <summary>Runs the generator without asserting anything: for tests that look at failures themselves.</summary>
        public static GeneratorRun RunAllowingFailures(GeneratorDriver driver, Compilation compilation)
        {
            driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
            var result = driver.GetRunResult();

            return new GeneratorRun(
                driver,
                result.Results.Single(),
                output,
                generatorDiagnostics,
                output.GetDiagnostics());
        }
    }

    /// <summary>What one generator run produced.</summary>
    internal sealed record GeneratorRun(
        GeneratorDriver Driver,
        GeneratorRunResult Result,
        Compilation OutputCompilation,
        ImmutableArray<Diagnostic> GeneratorDiagnostics,
        ImmutableArray<Diagnostic> CompilationDiagnostics)
    {
        public ImmutableArray<GeneratedSourceResult> Sources => Result.GeneratedSources;

        /// <summary>Output-compilation diagnostics of severity Warning or Error, formatted for an assertion message.</summary>
        public IReadOnlyList<Diagnostic> WarningsAndErrors =>
            CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();

        /// <summary>The step outputs recorded under <paramref name="trackingName"/>, or none if the step did not run.</summary>
        public IEnumerable<(object Value, IncrementalStepRunReason Reason)> StepOutputs(string trackingName) =>
            Result.TrackedSteps.TryGetValue(trackingName, out var steps)
                ? steps.SelectMany(step => step.Outputs)
                : Enumerable.Empty<(object, IncrementalStepRunReason)>();

        /// <summary>Each diagnostic with the source line it points at, so a failure shows the offending code.</summary>
        public static string Format(IEnumerable<Diagnostic> diagnostics) =>
            string.Join(Environment.NewLine, diagnostics.Select(d =>
            {
                var tree = d.Location.SourceTree;
                if (tree is null)
                {
                    return d.ToString();
                }

                var line = tree.GetText().Lines[d.Location.GetLineSpan().StartLinePosition.Line].ToString().Trim();
                return $"{d}{Environment.NewLine}    > {line}";
            }));
    }
}
