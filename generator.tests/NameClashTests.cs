using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Model;
using RnnGen.Generator.Tests.Helpers;
using Xunit;

namespace RnnGen.Generator.Tests
{
    /// <summary>
    /// Names the user's code and the generated code could both claim. The reserved-name list is checked against what
    /// the emitter really declares, so it cannot drift; a clash is an RNNG diagnostic at the user's declaration, never
    /// an error or warning inside the generated file.
    /// </summary>
    public sealed class NameClashTests
    {
        [Theory]
        [MemberData(nameof(CleanCompilationTests.ValidDeclarations), MemberType = typeof(CleanCompilationTests))]
        public void Every_member_the_generator_declares_is_a_reserved_name(string name, string source)
        {
            var run = GeneratorTestHelper.Run(source);
            var generatedTrees = run.OutputCompilation.SyntaxTrees.Where(t => t.FilePath.EndsWith(".RnnGen.g.cs", System.StringComparison.Ordinal));
            var missing = generatedTrees
                .SelectMany(t => t.GetRoot().DescendantNodes().OfType<MemberDeclarationSyntax>())
                .Where(IsGeneratedIntoTheModel)
                .SelectMany(DeclaredNames)
                .Where(n => !GeneratedNames.IsReserved(n))
                .Distinct()
                .ToList();
            Assert.True(missing.Count == 0, $"{name}: generated members missing from GeneratedNames: {string.Join(", ", missing)}");
        }

        [Theory]
        [InlineData("public int OutputSize => 1;", "OutputSize")]
        [InlineData("public sealed class State { }", "State")]
        [InlineData("public float[] PackedParameters = new float[1];", "PackedParameters")]
        [InlineData("public int Layer0 { get; set; }", "Layer0")]
        [InlineData("public object CreateState() => new object();", "CreateState")]
        [InlineData("public void Forward(int x) { }", "Forward")]
        [InlineData("public float[] Predict(float[] x) => x;", "Predict")] // a model that had its own Predict before RnnGen generated one
        [InlineData("public void CreateState(int i) { }", "CreateState")] // an overload made the generated cref ambiguous (CS0419)
        [InlineData("private int _workspace;", "_workspace")]
        [InlineData("private void ClearPadding() { }", "ClearPadding")]
        public void A_user_member_named_like_a_generated_one_is_RNNG0016_at_the_member(string member, string located)
        {
            var source = "using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm(8)] [Dense(2)] public partial class Model { " + member + " }";
            var diagnostic = DiagnosticAssert.Reports("RNNG0016", source, located);
            Assert.Contains($"'{located}'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("State")]
        [InlineData("Forward")]
        [InlineData("InputSize")]
        [InlineData("TOps")] // the kernels' own type parameters: CS0693 in every kernel otherwise
        [InlineData("TVec")]
        public void A_type_parameter_named_like_a_generated_member_is_RNNG0016(string parameter) =>
            DiagnosticAssert.Reports("RNNG0016", $"using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm(8)] public partial class Model<{parameter}> {{ }}", parameter);

        [Theory]
        [InlineData("TOps")]
        [InlineData("TVec")]
        public void An_enclosing_type_parameter_named_like_a_kernel_type_parameter_is_RNNG0016(string parameter) =>
            DiagnosticAssert.Reports("RNNG0016", $"using RnnGen; public partial class Outer<{parameter}> {{ [RecurrentNetwork(InputSize = 4)] [Lstm(8)] public partial class Model {{ }} }}", parameter);

        [Fact]
        public void A_member_named_like_a_kernel_type_parameter_is_fine()
        {
            // Inside a kernel the type parameter shadows the member, which the kernel never names otherwise.
            var run = GeneratorTestHelper.Run("using RnnGen; /// <summary>M.</summary>\n[RecurrentNetwork(InputSize = 4)] [Lstm(8)] public partial class Model { /// <summary>A.</summary>\npublic int TOps => 1; /// <summary>B.</summary>\npublic sealed class TVec { } }");
            Assert.Empty(run.GeneratorDiagnostics);
            Assert.Empty(run.WarningsAndErrors);
        }

        [Fact]
        public void A_user_member_with_an_unrelated_name_is_fine()
        {
            var run = GeneratorTestHelper.Run("using RnnGen; /// <summary>M.</summary>\n[RecurrentNetwork(InputSize = 4)] [Lstm(8)] public partial class Model { /// <summary>A.</summary>\npublic int Answer => 42; }");
            Assert.Empty(run.GeneratorDiagnostics);
            Assert.Empty(run.WarningsAndErrors);
        }

        [Fact]
        public void A_base_class_with_generated_member_names_gets_no_warning_in_generated_code()
        {
            var run = GeneratorTestHelper.Run("""
                using RnnGen;

                /// <summary>A base with members the model will hide.</summary>
                public class Base
                {
                    /// <summary>Not the network's.</summary>
                    public virtual void Forward() { }

                    /// <summary>Not the network's.</summary>
                    public int OutputSize => 1;
                }

                /// <summary>A model over a base.</summary>
                [RecurrentNetwork(InputSize = 4)] [Lstm(8)]
                public partial class Model : Base { }

                /// <summary>A model deriving from a model.</summary>
                [RecurrentNetwork(InputSize = 4)] [Gru(6)]
                public partial class Derived : Model { }
                """);

            Assert.Empty(run.GeneratorDiagnostics);
            Assert.True(run.WarningsAndErrors.Count == 0, GeneratorRun.Format(run.WarningsAndErrors));
        }

        [Theory]
        [InlineData("[Lstm(8)]", "Lstm")]
        [InlineData("[Embedding(10, 4)] [Gru(8)] [Dense(2)]", "Embedding")]
        [InlineData("[Dense(2)]", "Dense")]
        public void Layer_attributes_without_RecurrentNetwork_are_RNNG0015_once(string attributes, string first)
        {
            var run = GeneratorTestHelper.Run($"using RnnGen; {attributes} public partial class Forgotten {{ }}");
            var diagnostic = Assert.Single(run.GeneratorDiagnostics);
            Assert.Equal("RNNG0015", diagnostic.Id);
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
            Assert.StartsWith(first, DiagnosticAssert.LocatedText(run.OutputCompilation, diagnostic), System.StringComparison.Ordinal);
            Assert.Contains("[RecurrentNetwork", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("[RecurrentNetwork] [Embedding(0, 8)] [Lstm(8)]", "RNNG0003")]
        [InlineData("[RecurrentNetwork] [Embedding(10, 65537)] [Lstm(8)]", "RNNG0003")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(0)]", "RNNG0003")]
        [InlineData("[RecurrentNetwork] [Lstm(8)] [Embedding(10, 4)]", "RNNG0004")]
        public void An_invalid_layer_gets_its_own_error_and_no_knock_on_errors(string attributes, string only)
        {
            var run = GeneratorTestHelper.Run($"using RnnGen; {attributes} partial class Model {{ }}");
            Assert.True(run.GeneratorDiagnostics.All(d => d.Id == only), GeneratorRun.Format(run.GeneratorDiagnostics));
            Assert.NotEmpty(run.GeneratorDiagnostics);
        }

        [Fact]
        public void A_malformed_recurrent_attribute_is_not_also_reported_as_no_recurrent_layer()
        {
            var run = GeneratorTestHelper.Run("using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm()] partial class Model { }");
            Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "RNNG0002");
            Assert.Contains(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error); // the compiler's own
        }

        /// <summary>Members of the annotated class itself (the generated declaration that holds Forward), not of its nested types.</summary>
        private static bool IsGeneratedIntoTheModel(MemberDeclarationSyntax member) =>
            member.Parent is TypeDeclarationSyntax parent && IsModel(parent);

        /// <summary>
        /// The generated model type: the declaration that holds the generated size constants (a nested CudaModel has a
        /// Forward too, but its members live in its own scope and cannot clash with the user's).
        /// </summary>
        private static bool IsModel(TypeDeclarationSyntax type) =>
            type.Members.SelectMany(DeclaredNames).Contains("PackedParameterLength");

        private static System.Collections.Generic.IEnumerable<string> DeclaredNames(MemberDeclarationSyntax member) => member switch
        {
            BaseFieldDeclarationSyntax field => field.Declaration.Variables.Select(v => v.Identifier.ValueText),
            MethodDeclarationSyntax method => new[] { method.Identifier.ValueText },
            PropertyDeclarationSyntax property => new[] { property.Identifier.ValueText },
            BaseTypeDeclarationSyntax type => new[] { type.Identifier.ValueText },
            EventDeclarationSyntax e => new[] { e.Identifier.ValueText },
            _ => System.Array.Empty<string>(),
        };
    }
}
