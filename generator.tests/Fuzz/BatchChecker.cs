using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using RnnGen.Generator.Tests.Helpers;

namespace RnnGen.Generator.Tests.Fuzz
{
    /// <summary>A broken rule: the program it belongs to (null: the whole batch) and what went wrong.</summary>
    internal sealed record FuzzFailure(FuzzProgram? Program, string Problem);

    /// <summary>What one batch found: its failures, and counts for the statistics.</summary>
    /// <param name="Compiled">Generated files compiled in full in a program without errors.</param>
    /// <param name="CompiledStubbed">Generated files compiled with their kernels stubbed (see <see cref="KernelBodies"/>).</param>
    internal sealed record BatchOutcome(IReadOnlyList<FuzzFailure> Failures, int Clean, int UserErrors, int GeneratorErrors, int Sources, int Compiled, int CompiledStubbed, IReadOnlyList<string> DiagnosticIds)
    {
        public static BatchOutcome Failed(string problem) => new(new[] { new FuzzFailure(null, problem) }, 0, 0, 0, 0, 0, 0, Array.Empty<string>());
    }

    /// <summary>
    /// Compiles a batch of programs (one compilation, a file per program part) with the generator and checks the rules
    /// of issue 10 for each program:
    /// the generator never throws (no exception, no CS8785, no RNNG0099);
    /// a program with no RNNG error and no error of its own compiles with no error, no warning in its generated files
    /// and no new warning in its own files, and every class it annotated got the generated members;
    /// every plan the parser accepted has each buffer within the RNNG0009 limit, with exact 32-bit lengths;
    /// rerunning on a copy of the compilation, or after a line is added above a class, reuses every emission.
    /// </summary>
    internal static partial class BatchChecker
    {
        // The generator's own steps (Roslyn tracks some of its internal ones too, which a new compilation modifies).
        private static readonly HashSet<string> OurSteps = new(
            typeof(TrackingNames).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!), StringComparer.Ordinal);

        /// <param name="kernelSampling">Kernel bodies are compiled for programs whose index is a multiple of this, stubbed for the rest.</param>
        /// <param name="version">The language version of the batch's project (RnnGen's generated code needs C# 9).</param>
        public static BatchOutcome Check(IReadOnlyList<FuzzProgram> programs, int kernelSampling, LanguageVersion version)
        {
            var failures = new List<FuzzFailure>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var trees = programs.SelectMany(p => p.Files).Select(f => GeneratorTestHelper.ParseFile(f.Text, f.Path, version)).ToList();
            // Batches already run on every core; a concurrent build inside each only makes them fight.
            var compilation = GeneratorTestHelper.CreateCompilation(trees);
            compilation = compilation.WithOptions(compilation.Options.WithConcurrentBuild(false).WithAllowUnsafe(true));
            var before = compilation.GetDiagnostics();
            Timing.Add("user code", clock);

            var driver = GeneratorTestHelper.CreateDriver(version: version).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
            var result = driver.GetRunResult().Results.Single();
            Timing.Add("generator", clock);
            if (result.Exception is not null)
            {
                failures.Add(new FuzzFailure(null, "the generator threw: " + result.Exception));
            }

            FuzzProgram? Owner(Location location) => location.GetLineSpan().Path is { Length: > 0 } path ? programs.FirstOrDefault(p => p.Owns(path)) : null;
            foreach (var crash in generatorDiagnostics.Where(d => d.Id is GeneratorTestHelper.GeneratorExceptionId or GeneratorTestHelper.InternalErrorId))
            {
                failures.Add(new FuzzFailure(Owner(crash.Location), "the generator failed: " + crash));
            }

            // A generated file belongs to the program that declares the other parts of its class (or, when it merged
            // with none, to the program its hint name points at).
            var generatedOwner = result.GeneratedSources.ToDictionary(s => s.SyntaxTree, s => ProgramOfGeneratedFile(programs, output, s) ?? ProgramOfHintName(programs, s.HintName));
            foreach (var source in result.GeneratedSources)
            {
                var owner = generatedOwner[source.SyntaxTree];
                if (owner is null)
                {
                    failures.Add(new FuzzFailure(null, $"the generated file {source.HintName} belongs to no program"));
                }

                var captured = KernelBodies.CapturableNames(source.SyntaxTree).Take(5).ToList();
                if (captured.Count > 0)
                {
                    failures.Add(new FuzzFailure(owner, $"{source.HintName}: kernels use names a user declaration could capture: {string.Join("; ", captured)}"));
                }
            }

            var clean = programs.Where(program =>
                !before.Any(d => d.Severity == DiagnosticSeverity.Error && Owner(d.Location) == program) &&
                !generatorDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("RNNG", StringComparison.Ordinal) && Owner(d.Location) == program)).ToList();

            // The compilation the clean programs are checked in: kernels stubbed except in the sampled programs.
            var checking = output;
            var original = new Dictionary<SyntaxTree, SyntaxTree>();
            foreach (var tree in generatedOwner.Where(g => g.Value is { } p && clean.Contains(p) && p.Index % kernelSampling != 0).Select(g => g.Key))
            {
                var stripped = KernelBodies.Strip(tree);
                checking = checking.ReplaceSyntaxTree(tree, stripped);
                original[stripped] = tree;
            }

            FuzzProgram? GeneratedOwner(SyntaxTree? tree) =>
                tree is not null && generatedOwner.TryGetValue(original.TryGetValue(tree, out var o) ? o : tree, out var owner) ? owner : null;
            foreach (var program in clean)
            {
                // Only a clean program's files are compiled with the generated code (binding is most of the time).
                var after = checking.SyntaxTrees.Where(t => program.Owns(t.FilePath) || GeneratedOwner(t) == program)
                    .SelectMany(t => checking.GetSemanticModel(t).GetDiagnostics()).ToList();
                bool InGenerated(Diagnostic d) => GeneratedOwner(d.Location.SourceTree) == program;
                var wrong = after.Where(d => d.Severity == DiagnosticSeverity.Error && (Owner(d.Location) == program || InGenerated(d)))
                    .Concat(after.Where(d => d.Severity == DiagnosticSeverity.Warning && InGenerated(d)))
                    .Concat(after.Where(d => d.Severity == DiagnosticSeverity.Warning && Owner(d.Location) == program && !before.Any(b => SameDiagnostic(b, d))))
                    .ToList();
                if (wrong.Count > 0)
                {
                    failures.Add(new FuzzFailure(program, "a program without errors does not build cleanly with the generated code:\n" + GeneratorRun.Format(wrong.Take(10))));
                }

                foreach (var model in program.Models)
                {
                    var type = output.GetTypeByMetadataName(model);
                    var generated = type?.GetMembers("Forward").Any(m => m.DeclaringSyntaxReferences.Any(r => generatedOwner.ContainsKey(r.SyntaxTree))) == true;
                    if (!generated)
                    {
                        failures.Add(new FuzzFailure(program, $"'{model}' carries [RecurrentNetwork] and has no error, but {(type is null ? "the type was not found" : "has no generated Forward")}"));
                    }
                }
            }

            Timing.Add("generated code", clock);
            failures.AddRange(CheckPlans(programs, result));
            failures.AddRange(CheckIncrementality(programs, compilation, driver, result));
            Timing.Add("plans and reruns", clock);
            var compiledFully = generatedOwner.Count(g => g.Value is { } p && clean.Contains(p) && p.Index % kernelSampling == 0);
            return new BatchOutcome(
                failures,
                clean.Count,
                programs.Count(p => before.Any(d => d.Severity == DiagnosticSeverity.Error && Owner(d.Location) == p)),
                programs.Count(p => generatorDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("RNNG", StringComparison.Ordinal) && Owner(d.Location) == p)),
                result.GeneratedSources.Length,
                compiledFully,
                original.Count,
                generatorDiagnostics.Select(d => d.Id).ToList());
        }

        /// <summary>Every accepted spec plans without throwing, within the limit RNNG0009 states, with exact int lengths.</summary>
        private static IEnumerable<FuzzFailure> CheckPlans(IReadOnlyList<FuzzProgram> programs, GeneratorRunResult result)
        {
            if (!result.TrackedSteps.TryGetValue(TrackingNames.Spec, out var steps))
            {
                yield break;
            }

            foreach (var spec in steps.SelectMany(s => s.Outputs).Select(o => o.Value).OfType<ModelSpec>())
            {
                var program = ProgramOfHintName(programs, spec.Shell.HintName);
                string? problem;
                try
                {
                    problem = PlanProblem(Planner.Create(spec));
                }
                catch (Exception e)
                {
                    problem = "the planner threw: " + e;
                }

                if (problem is not null)
                {
                    yield return new FuzzFailure(program, $"{spec.Shell.Target.Name}: {problem}");
                }
            }
        }

        private static string? PlanProblem(Plan plan)
        {
            var sizes = plan.Sizes;
            var buffers = new (string Name, long Floats, int Length)[]
            {
                ("parameters", sizes.Parameters, plan.BufferLength),
                ("Forward workspace", sizes.Forward, plan.Forward.Length),
                ("Backward workspace", sizes.Backward, plan.Backward.Length),
                ("Step state", sizes.Stream, plan.Stream.Length),
            };
            foreach (var (name, floats, length) in buffers)
            {
                if (floats > Parsing.Limits.MaxBufferFloats || floats != length || length < 0)
                {
                    return $"the {name} need {floats} floats (int length {length}), but RNNG0009 allows {Parsing.Limits.MaxBufferFloats}";
                }
            }

            return plan.ParameterCount > sizes.Parameters ? $"ParameterCount {plan.ParameterCount} exceeds the parameter buffer {sizes.Parameters}" : null;
        }

        /// <summary>
        /// The same compilation again, and the same with a line added above the first file's code: the parse may rerun,
        /// but no model is emitted again, and the sources are the same.
        /// </summary>
        private static IEnumerable<FuzzFailure> CheckIncrementality(IReadOnlyList<FuzzProgram> programs, Compilation compilation, GeneratorDriver driver, GeneratorRunResult first)
        {
            var again = driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single();
            var notCached = again.TrackedSteps.Where(s => OurSteps.Contains(s.Key)).SelectMany(s => s.Value.SelectMany(step => step.Outputs).Select(o => (s.Key, o.Reason)))
                .Where(o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)).ToList();
            if (notCached.Count > 0)
            {
                yield return new FuzzFailure(null, "a rerun on a copy of the compilation did not reuse: " + string.Join(", ", notCached.Select(o => $"{o.Key} {o.Reason}").Distinct()));
            }

            var tree = compilation.SyntaxTrees.First();
            var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText("// A line added above.\n" + tree.GetText(), (CSharpParseOptions)tree.Options, tree.FilePath));
            var moved = driver.RunGenerators(edited).GetRunResult().Results.Single();
            var reemitted = moved.TrackedSteps.TryGetValue(TrackingNames.Emit, out var emit)
                ? emit.SelectMany(s => s.Outputs).Where(o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)).ToList()
                : new List<(object, IncrementalStepRunReason)>();
            if (reemitted.Count > 0)
            {
                yield return new FuzzFailure(programs.FirstOrDefault(p => p.Owns(tree.FilePath)), $"adding a comment line above {tree.FilePath} emitted {reemitted.Count} model(s) again");
            }

            static IEnumerable<string> Texts(GeneratorRunResult r) => r.GeneratedSources.Select(s => s.HintName + "\n" + s.SourceText).OrderBy(t => t, StringComparer.Ordinal);
            if (!Texts(first).SequenceEqual(Texts(again)) || !Texts(first).SequenceEqual(Texts(moved)))
            {
                yield return new FuzzFailure(null, "rerunning the generator changed the generated sources");
            }
        }

        private static FuzzProgram? ProgramOfGeneratedFile(IReadOnlyList<FuzzProgram> programs, Compilation output, GeneratedSourceResult source)
        {
            var model = source.SyntaxTree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>()
                .FirstOrDefault(t => t.Members.OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>().Any(m => m.Identifier.ValueText == "Forward"));
            var symbol = model is null ? null : output.GetSemanticModel(source.SyntaxTree).GetDeclaredSymbol(model);
            return symbol?.DeclaringSyntaxReferences.Select(r => programs.FirstOrDefault(p => p.Owns(r.SyntaxTree.FilePath))).FirstOrDefault(p => p is not null);
        }

        /// <summary>The program whose namespace root (P{index}.) starts the hint name, or the batch's global program.</summary>
        private static FuzzProgram? ProgramOfHintName(IReadOnlyList<FuzzProgram> programs, string hintName)
        {
            var match = RootPattern().Match(hintName);
            return match.Success
                ? programs.FirstOrDefault(p => !p.Global && p.Index == int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
                : programs.FirstOrDefault(p => p.Global);
        }

        private static bool SameDiagnostic(Diagnostic a, Diagnostic b) =>
            a.Id == b.Id && a.Location.SourceSpan == b.Location.SourceSpan && a.Location.SourceTree?.FilePath == b.Location.SourceTree?.FilePath;

        internal static class Timing
        {
            public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, double> Seconds = new();

            public static void Add(string phase, System.Diagnostics.Stopwatch clock)
            {
                Seconds.AddOrUpdate(phase, clock.Elapsed.TotalSeconds, (_, s) => s + clock.Elapsed.TotalSeconds);
                clock.Restart();
            }
        }

        [GeneratedRegex(@"^P(\d+)\.")]
        private static partial Regex RootPattern();
    }
}
