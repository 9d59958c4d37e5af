using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Tests.Helpers;
using Xunit;

namespace RnnGen.Generator.Tests
{
    /// <summary>
    /// The pipeline must reuse its outputs when nothing relevant changed (the IDE reruns generators on every
    /// keystroke) and must rerun emission when the model changed.
    /// </summary>
    public sealed class IncrementalTests
    {
        private const string Unrelated = """
            // An unrelated file.
            namespace Other
            {
                internal static class Helper
                {
                    public static int Twice(int x) => x * 2;
                }
            }
            """;

        /// <summary>Every tracking name the generator declares, read by reflection so new steps are covered too.</summary>
        public static TheoryData<string> TrackedStepNames => new(TrackingNameValues());

        public static TheoryData<string> Sources => new(
            TestSources.LstmFloatInput,
            TestSources.GruEmbeddingSoftmax,
            TestSources.OddSizes,
            TestSources.NestedInGenericOuterClass,
            // An invalid model: its Diagnostics step carries values too, and they must be cacheable as well.
            "using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm(0)] partial class Invalid { }");

        [Theory]
        [MemberData(nameof(Sources))]
        public void Rerun_on_cloned_compilation_reuses_every_step(string source)
        {
            var compilation = GeneratorTestHelper.CreateCompilation(source);
            var first = GeneratorTestHelper.Run(GeneratorTestHelper.CreateDriver(), compilation);
            var second = GeneratorTestHelper.Run(first.Driver, compilation.Clone());

            // An invalid model produces no Spec or Emit outputs, so only Parse is required to have run.
            Assert.NotEmpty(second.StepOutputs(TrackingNames.Parse));
            foreach (var name in TrackingNameValues())
            {
                AssertAllReused(second, name, requireOutputs: false);
            }

            Assert.Equal(first.Sources.Select(s => s.SourceText.ToString()), second.Sources.Select(s => s.SourceText.ToString()));
        }

        [Fact]
        public void Adding_an_unrelated_file_reuses_emission()
        {
            var compilation = GeneratorTestHelper.CreateCompilation(TestSources.LstmFloatInput);
            var first = GeneratorTestHelper.Run(GeneratorTestHelper.CreateDriver(), compilation);

            var second = GeneratorTestHelper.Run(first.Driver, compilation.AddSyntaxTrees(GeneratorTestHelper.ParseFile(Unrelated, "Unrelated.cs")));

            AssertAllReused(second, TrackingNames.Emit);
        }

        [Fact]
        public void Editing_a_comment_in_another_file_reuses_emission()
        {
            var compilation = GeneratorTestHelper.CreateCompilation(TestSources.GruEmbeddingSoftmax, Unrelated);
            var first = GeneratorTestHelper.Run(GeneratorTestHelper.CreateDriver(), compilation);

            var other = compilation.SyntaxTrees.Single(t => t.FilePath == "Source1.cs");
            var edited = GeneratorTestHelper.ParseFile(Unrelated.Replace("An unrelated file.", "An edited comment.", System.StringComparison.Ordinal), other.FilePath);
            var second = GeneratorTestHelper.Run(first.Driver, compilation.ReplaceSyntaxTree(other, edited));

            AssertAllReused(second, TrackingNames.Emit);
        }

        [Fact]
        public void Editing_a_comment_in_the_model_file_reuses_emission()
        {
            var compilation = GeneratorTestHelper.CreateCompilation(TestSources.LstmFloatInput);
            var first = GeneratorTestHelper.Run(GeneratorTestHelper.CreateDriver(), compilation);

            // Moves the class down a line: the spec is unchanged, so the source must not be re-emitted.
            var tree = compilation.SyntaxTrees.Single();
            var edited = GeneratorTestHelper.ParseFile("// A new first line.\n" + TestSources.LstmFloatInput, tree.FilePath);
            var second = GeneratorTestHelper.Run(first.Driver, compilation.ReplaceSyntaxTree(tree, edited));

            AssertAllReused(second, TrackingNames.Spec);
            AssertAllReused(second, TrackingNames.Emit);
        }

        [Fact]
        public void Adding_a_case_twin_renames_only_the_new_source_and_reuses_the_first_emission()
        {
            var compilation = GeneratorTestHelper.CreateCompilation(TestSources.LstmFloatInput);
            var first = GeneratorTestHelper.Run(GeneratorTestHelper.CreateDriver(), compilation);

            var twin = "using RnnGen; [RecurrentNetwork(InputSize = 8)] [Gru(8)] public partial class Lstmmodel { }";
            var second = GeneratorTestHelper.Run(first.Driver, compilation.AddSyntaxTrees(GeneratorTestHelper.ParseFile(twin, "Twin.cs")));

            var reasons = second.StepOutputs(TrackingNames.Emit).Select(o => o.Reason).OrderBy(r => r).ToList();
            Assert.Equal(new[] { IncrementalStepRunReason.New, IncrementalStepRunReason.Cached }.OrderBy(r => r), reasons);
            Assert.Equal(new[] { "LstmModel.RnnGen.g.cs", "Lstmmodel(2).RnnGen.g.cs" }, second.Sources.Select(s => s.HintName).OrderBy(n => n, System.StringComparer.Ordinal));
        }

        [Fact]
        public void Changing_a_layer_size_reruns_emission()
        {
            var compilation = GeneratorTestHelper.CreateCompilation(TestSources.LstmFloatInput);
            var first = GeneratorTestHelper.Run(GeneratorTestHelper.CreateDriver(), compilation);

            var tree = compilation.SyntaxTrees.Single();
            var resized = TestSources.LstmFloatInput.Replace("[Lstm(64)]", "[Lstm(65)]", System.StringComparison.Ordinal);
            var second = GeneratorTestHelper.Run(first.Driver, compilation.ReplaceSyntaxTree(tree, GeneratorTestHelper.ParseFile(resized, tree.FilePath)));

            var emit = second.StepOutputs(TrackingNames.Emit).ToList();
            Assert.NotEmpty(emit);
            Assert.All(emit, output => Assert.Equal(IncrementalStepRunReason.Modified, output.Reason));
            Assert.NotEqual(first.Sources.Single().SourceText.ToString(), second.Sources.Single().SourceText.ToString());
        }

        [Theory]
        [MemberData(nameof(TrackedStepNames))]
        public void Step_outputs_hold_no_compilation_objects(string trackingName)
        {
            var run = GeneratorTestHelper.Run(
                TestSources.GruEmbeddingSoftmax,
                TestSources.NestedInGenericOuterClass,
                "using RnnGen; [RecurrentNetwork] [Lstm(0)] partial class Invalid { }");

            var outputs = run.StepOutputs(trackingName).ToList();
            Assert.NotEmpty(outputs);
            var forbidden = outputs.SelectMany((o, i) => ObjectGraph.FindForbidden(o.Value, $"{trackingName}[{i}]")).ToList();
            Assert.True(forbidden.Count == 0, string.Join("\n", forbidden));
        }

        /// <summary>Guards the guard: the walk must reach values nested in records, arrays and tuples.</summary>
        [Fact]
        public void Object_graph_walk_finds_nested_compilation_objects()
        {
            var tree = GeneratorTestHelper.ParseFile("class C { }", "C.cs");
            var graph = (Name: "x", Items: new object[] { new List<object> { tree.GetRoot() } }, Where: Location.None);

            var found = ObjectGraph.FindForbidden(graph, "root");

            Assert.Equal(2, found.Count);
            Assert.Contains(found, f => f.StartsWith("root.Item2[0][0]:", System.StringComparison.Ordinal));
            Assert.Contains(found, f => f.StartsWith("root.Item3:", System.StringComparison.Ordinal));
        }

        private static void AssertAllReused(GeneratorRun run, string trackingName, bool requireOutputs = true)
        {
            var outputs = run.StepOutputs(trackingName).ToList();
            Assert.True(outputs.Count > 0 || !requireOutputs, $"Step '{trackingName}' recorded no outputs");
            Assert.All(outputs, output => Assert.True(
                output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"Step '{trackingName}' output was {output.Reason}: {output.Value}"));
        }

        private static IEnumerable<string> TrackingNameValues() =>
            typeof(TrackingNames)
                .GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string))
                .Select(f => (string)f.GetRawConstantValue()!);
    }
}
