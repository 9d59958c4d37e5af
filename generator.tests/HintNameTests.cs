using System;
using System.Linq;
using RnnGen.Generator.Emit;
using RnnGen.Generator.Tests.Helpers;
using Xunit;

namespace RnnGen.Generator.Tests
{
    /// <summary>
    /// Roslyn compares hint names ignoring case and throws on a repeat, which used to crash the generator (CS8785)
    /// for models whose names differ only in case.
    /// </summary>
    public sealed class HintNameTests
    {
        [Fact]
        public void Classes_whose_names_differ_only_in_case_each_get_their_network()
        {
            var run = GeneratorTestHelper.Run(
                "using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm(8)] public partial class MyModel { }",
                "using RnnGen; [RecurrentNetwork(InputSize = 4)] [Gru(8)] public partial class Mymodel { }");

            Assert.Equal(new[] { "MyModel.RnnGen.g.cs", "Mymodel(2).RnnGen.g.cs" }, run.Sources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
            Assert.Empty(run.GeneratorDiagnostics);
            Assert.True(run.CompilationDiagnostics.All(d => d.Severity < Microsoft.CodeAnalysis.DiagnosticSeverity.Error), GeneratorRun.Format(run.CompilationDiagnostics));
        }

        [Fact]
        public void Namespaces_that_differ_only_in_case_each_get_their_network()
        {
            var run = GeneratorTestHelper.Run(
                "namespace Game { [RnnGen.RecurrentNetwork(InputSize = 4)] [RnnGen.Lstm(8)] public partial class M { } }",
                "namespace game { [RnnGen.RecurrentNetwork(InputSize = 4)] [RnnGen.Lstm(8)] public partial class M { } }");

            Assert.Equal(2, run.Sources.Length);
            Assert.Empty(run.GeneratorDiagnostics);
            Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        }

        [Fact]
        public void Case_twins_are_numbered_in_ordinal_order_and_others_keep_their_name()
        {
            var all = new[] { "m.RnnGen.g.cs", "M.RnnGen.g.cs", "Other.RnnGen.g.cs", "Outer-1.M.RnnGen.g.cs" };

            Assert.Equal("M.RnnGen.g.cs", HintNames.Resolve("M.RnnGen.g.cs", all));
            Assert.Equal("m(2).RnnGen.g.cs", HintNames.Resolve("m.RnnGen.g.cs", all));
            Assert.Equal("Other.RnnGen.g.cs", HintNames.Resolve("Other.RnnGen.g.cs", all));
            Assert.Equal("Outer-1.M.RnnGen.g.cs", HintNames.Resolve("Outer-1.M.RnnGen.g.cs", all));
        }

        [Fact]
        public void A_name_that_occurs_twice_exactly_gets_no_source()
        {
            // Namespace A.B's class C and class A.B's nested C: already CS0101, and indistinguishable by name.
            Assert.Null(HintNames.Resolve("A.B.C.RnnGen.g.cs", new[] { "A.B.C.RnnGen.g.cs", "A.B.C.RnnGen.g.cs" }));
        }

        [Fact]
        public void A_namespace_and_class_with_one_full_name_do_not_crash_the_generator()
        {
            var run = GeneratorTestHelper.Run(
                "namespace A.B { [RnnGen.RecurrentNetwork(InputSize = 4)] [RnnGen.Lstm(8)] public partial class C { } }",
                "namespace A { public partial class B { [RnnGen.RecurrentNetwork(InputSize = 4)] [RnnGen.Lstm(8)] public partial class C { } } }");

            Assert.Contains(run.CompilationDiagnostics, d => d.Id == "CS0101");
        }
    }
}
