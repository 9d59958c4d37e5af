using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Generator.Tests.Fuzz
{
    /// <summary>
    /// Property-based test of the whole generator: thousands of seeded random programs (see <see cref="ProgramGenerator"/>),
    /// each checked against the rules in <see cref="BatchChecker"/>. Programs are compiled in batches of 8 to share a
    /// compilation's fixed cost, on every core; compiling generated code is nearly all the time, so the kernels (static,
    /// context-free, see <see cref="KernelBodies"/>) are compiled in one program of four and stubbed in the others.
    /// Environment: RNNGEN_FUZZ_COUNT (programs, default 2000), RNNGEN_FUZZ_SEED (a number, or "random"),
    /// RNNGEN_FUZZ_BATCH (replay one batch of that seed), RNNGEN_FUZZ_KERNELS (compile kernel bodies in one program of
    /// this many, default 4; 1 for all). A failure prints each failing program's source and the
    /// variables that replay it, so it can become a regression test.
    /// </summary>
    public sealed class FuzzTests
    {
        private const int DefaultCount = 2000;
        private const int DefaultSeed = 20250610;
        private const int BatchSize = 8;
        private const int FailuresShown = 5;

        // Kernel bodies are compiled in one program of this many (see KernelBodies); 1 compiles them all.
        private const int DefaultKernelSampling = 4;

        // The project's language version, by batch: mostly the newest, sometimes an older one RnnGen supports (C# 10 is
        // the oldest the programs' own code compiles with: file-scoped namespaces, global usings).
        private static readonly LanguageVersion[] Versions =
        {
            LanguageVersion.Latest, LanguageVersion.Latest, LanguageVersion.Latest, LanguageVersion.CSharp10,
            LanguageVersion.CSharp11, LanguageVersion.CSharp12, LanguageVersion.CSharp13, LanguageVersion.Preview,
        };

        private readonly ITestOutputHelper _output;

        public FuzzTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Random_programs_never_crash_the_generator_or_break_the_build()
        {
            var count = int.Parse(Environment.GetEnvironmentVariable("RNNGEN_FUZZ_COUNT") ?? DefaultCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            var seedText = Environment.GetEnvironmentVariable("RNNGEN_FUZZ_SEED");
            var seed = seedText is null ? DefaultSeed : seedText == "random" ? Random.Shared.Next() : int.Parse(seedText, CultureInfo.InvariantCulture);
            var kernelSampling = int.Parse(Environment.GetEnvironmentVariable("RNNGEN_FUZZ_KERNELS") ?? DefaultKernelSampling.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            var batches = Batches(seed, count);
            if (Environment.GetEnvironmentVariable("RNNGEN_FUZZ_BATCH") is { } only)
            {
                batches = new() { batches[int.Parse(only, CultureInfo.InvariantCulture)] };
            }

            var clock = Stopwatch.StartNew();
            var outcomes = new ConcurrentBag<(int Batch, BatchOutcome Outcome)>();
            Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, batch =>
            {
                BatchOutcome outcome;
                try
                {
                    outcome = BatchChecker.Check(batch.Programs, kernelSampling, Versions[batch.Index % Versions.Length]);
                }
                catch (Exception e)
                {
                    outcome = BatchOutcome.Failed("the checker threw: " + e);
                }

                outcomes.Add((batch.Index, outcome));
            });

            var all = outcomes.OrderBy(o => o.Batch).ToList();
            var programs = batches.Sum(b => b.Programs.Count);
            var shapes = batches.SelectMany(b => b.Programs).GroupBy(p => p.Shape).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
            var ids = all.SelectMany(o => o.Outcome.DiagnosticIds).GroupBy(id => id).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
            _output.WriteLine($"seed {seed}: {programs} programs in {all.Count} batches, {clock.Elapsed.TotalSeconds:F1} s");
            _output.WriteLine($"  clean {all.Sum(o => o.Outcome.Clean)}, with their own compile errors {all.Sum(o => o.Outcome.UserErrors)}, with RNNG errors {all.Sum(o => o.Outcome.GeneratorErrors)}, generated files {all.Sum(o => o.Outcome.Sources)}");
            _output.WriteLine($"  compiled in programs without errors: {all.Sum(o => o.Outcome.Compiled)} generated files in full, {all.Sum(o => o.Outcome.CompiledStubbed)} with kernels stubbed");
            _output.WriteLine("  shapes: " + string.Join(", ", shapes));
            _output.WriteLine("  generator diagnostics: " + string.Join(", ", ids));
            _output.WriteLine("  seconds: " + string.Join(", ", BatchChecker.Timing.Seconds.Select(t => $"{t.Key} {t.Value:F1}")));

            // The program mix must leave enough programs that compile, or the build rules would be checked on few.
            var clean = all.Sum(o => o.Outcome.Clean);
            Assert.True(programs < 200 || clean * 3 >= programs, $"only {clean} of {programs} programs are free of errors: the generator of programs drifted");

            var failures = all.SelectMany(o => o.Outcome.Failures.Select(f => (o.Batch, Failure: f))).ToList();
            _output.WriteLine($"  failures {failures.Count} in {failures.Select(f => f.Failure.Program?.Index ?? -1 - f.Batch).Distinct().Count()} programs");
            Assert.True(failures.Count == 0, $"{failures.Count} broken rules (seed {seed}); the first {Math.Min(FailuresShown, failures.Count)}:\n\n" + string.Join("\n\n", failures.Take(FailuresShown).Select(f => Describe(seed, f.Batch, f.Failure, batches))));
        }

        [Fact]
        public void The_same_seed_writes_the_same_program()
        {
            var first = ProgramGenerator.Create(7, 12345, global: false);
            var second = ProgramGenerator.Create(7, 12345, global: false);
            Assert.Equal(first.Source, second.Source);
            Assert.Equal(first.Models, second.Models);
        }

        /// <summary>Program seeds from the run's seed; batch k holds programs k*8 .. k*8+7, the first one global half the time.</summary>
        private static List<(int Index, IReadOnlyList<FuzzProgram> Programs)> Batches(int seed, int count)
        {
            var random = new Random(seed);
            var programs = new List<FuzzProgram>();
            for (var i = 0; i < count; i++)
            {
                var programSeed = random.Next();
                var global = i % BatchSize == 0 && random.NextDouble() < 0.5;
                programs.Add(ProgramGenerator.Create(i, programSeed, global));
            }

            return programs.Chunk(BatchSize).Select((chunk, k) => (k, (IReadOnlyList<FuzzProgram>)chunk)).ToList();
        }

        private static string Describe(int seed, int batch, FuzzFailure failure, List<(int Index, IReadOnlyList<FuzzProgram> Programs)> batches)
        {
            var replay = $"replay: RNNGEN_FUZZ_SEED={seed} RNNGEN_FUZZ_BATCH={batch}";
            if (failure.Program is { } program)
            {
                return $"P{program.Index} ({program.Shape}, program seed {program.Seed}{(program.Global ? ", global namespace" : string.Empty)}; {replay}): {failure.Problem}\n{program.Source}";
            }

            var sources = batches.First(b => b.Index == batch).Programs.Select(p => p.Source);
            return $"batch {batch} ({replay}): {failure.Problem}\n{string.Join("\n", sources)}";
        }
    }
}
