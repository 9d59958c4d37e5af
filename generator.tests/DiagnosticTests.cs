using Microsoft.CodeAnalysis;
using RnnGen.Generator.Tests.Helpers;
using Xunit;

namespace RnnGen.Generator.Tests
{
    /// <summary>
    /// One test per diagnostic id: the id, its location (the offending attribute or the class name) and that no
    /// source is generated for the invalid class. Every run also asserts the generator did not throw (CS8785).
    /// </summary>
    public sealed class DiagnosticTests
    {
        [Fact]
        public void RNNG0001_class_not_partial() =>
            DiagnosticAssert.Reports("RNNG0001", Declare("[RecurrentNetwork(InputSize = 4)] [Lstm(8)]", "class NotPartial"), "NotPartial");

        [Theory]
        [InlineData("[RecurrentNetwork(InputSize = 4)]")]
        [InlineData("[RecurrentNetwork] [Embedding(10, 4)]")]
        public void RNNG0002_no_recurrent_layer(string attributes) =>
            DiagnosticAssert.Reports("RNNG0002", Declare(attributes), "Model");

        [Theory]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(0)]", "Lstm(0)")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Gru(8193)]", "Gru(8193)")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [SimpleRnn(-1)]", "SimpleRnn(-1)")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8)] [Dense(0)]", "Dense(0)")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8)] [Dense(8193)]", "Dense(8193)")]
        [InlineData("[RecurrentNetwork] [Embedding(0, 8)] [Lstm(8)]", "Embedding(0, 8)")]
        [InlineData("[RecurrentNetwork] [Embedding(4194305, 8)] [Lstm(8)]", "Embedding(4194305, 8)")]
        [InlineData("[RecurrentNetwork] [Embedding(10, 65537)] [Lstm(8)]", "Embedding(10, 65537)")]
        [InlineData("[RecurrentNetwork(InputSize = 4, SequenceLength = 0)] [Lstm(8)]", "RecurrentNetwork")]
        [InlineData("[RecurrentNetwork(InputSize = 4, SequenceLength = 65537)] [Lstm(8)]", "RecurrentNetwork")]
        [InlineData("[RecurrentNetwork(InputSize = 4, BatchSize = 0)] [Lstm(8)]", "RecurrentNetwork")]
        [InlineData("[RecurrentNetwork(InputSize = 4, BatchSize = 4097)] [Lstm(8)]", "RecurrentNetwork")]
        [InlineData("[RecurrentNetwork(InputSize = 0)] [Lstm(8)]", "RecurrentNetwork")]
        [InlineData("[RecurrentNetwork(InputSize = -3)] [Lstm(8)]", "RecurrentNetwork")]
        [InlineData("[RecurrentNetwork(InputSize = 65537)] [Lstm(8)]", "RecurrentNetwork")]
        public void RNNG0003_size_out_of_range(string attributes, string locatedText) =>
            DiagnosticAssert.Reports("RNNG0003", Declare(attributes), locatedText);

        [Theory]
        [InlineData("[RecurrentNetwork] [Lstm(8)] [Embedding(10, 4)]", "Embedding(10, 4)")]
        [InlineData("[RecurrentNetwork] [Embedding(10, 4)] [Embedding(10, 4)] [Lstm(8)]", "Embedding(10, 4)")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Dense(3)] [Lstm(8)]", "Dense(3)")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8)] [Dense(3)] [Dense(2)]", "Dense(2)")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8, ReturnSequences = false)] [Gru(8)]", "Lstm(8, ReturnSequences = false)")]
        public void RNNG0004_layers_in_impossible_order(string attributes, string locatedText) =>
            DiagnosticAssert.Reports("RNNG0004", Declare(attributes), locatedText);

        [Theory]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Embedding(10, 4)] [Lstm(8)]")]
        [InlineData("[RecurrentNetwork] [Lstm(8)]")]
        [InlineData("[RecurrentNetwork(SequenceLength = 4)] [Gru(8)]")]
        public void RNNG0005_input_kind_both_or_neither(string attributes) =>
            DiagnosticAssert.Reports("RNNG0005", Declare(attributes), "RecurrentNetwork");

        [Theory]
        [InlineData("using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm(8)] static partial class StaticModel { }", "StaticModel")]
        [InlineData("using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm(8)] partial record RecordModel;", "RecordModel")]
        [InlineData("using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm(8)] partial record RecordBody { }", "RecordBody")]
        [InlineData("using RnnGen; class Outer { [RecurrentNetwork(InputSize = 4)] [Lstm(8)] partial class Inner { } }", "Inner")]
        [InlineData("using RnnGen; partial class Outer { class Middle { [RecurrentNetwork(InputSize = 4)] [Lstm(8)] partial class Inner { } } }", "Inner")]
        // Issue 10: a file-local class got nothing and no diagnostic. Generated members come from another file, where
        // 'file partial class M' would be a second type, so a file-local model (or containing type) is rejected.
        [InlineData("using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm(8)] file partial class FileLocal { }", "FileLocal")]
        [InlineData("using RnnGen; file partial class Outer { [RecurrentNetwork(InputSize = 4)] [Lstm(8)] partial class Inner { } }", "Inner")]
        public void RNNG0006_unsupported_type(string source, string locatedText) =>
            DiagnosticAssert.Reports("RNNG0006", source, locatedText);

        /// <summary>
        /// Why RNNG0006 rather than a generated 'file partial class': the compiler treats 'file' parts in two files as
        /// two types, so members generated into another file never reach the user's class.
        /// </summary>
        [Fact]
        public void A_file_local_type_cannot_receive_members_from_another_file()
        {
            var compilation = GeneratorTestHelper.CreateCompilation(
                "file partial class M { public int A => 1; } static class Use { static int Sum() => new M().A + new M().B; }",
                "file partial class M { public int B => 2; }");

            Assert.Contains(compilation.GetDiagnostics(), d => d.Id == "CS1061" && d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("'B'", System.StringComparison.Ordinal));
        }

        [Theory]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [SimpleRnn(8, Activation.Softmax)]", "SimpleRnn")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8, Activation = Activation.Softmax)]", "Lstm")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Gru(8, RecurrentActivation = (Activation)17)]", "Gru")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8)] [Dense(2, Activation.HardSigmoid)]", "Dense")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [SimpleRnn(8, (Activation)99)]", "SimpleRnn")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8)] [Dense(2, (Activation)42)]", "Dense")]
        public void RNNG0007_unsupported_activation(string attributes, string locatedText) =>
            DiagnosticAssert.Reports("RNNG0007", Declare(attributes), locatedText);

        [Theory]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8, Dropout = 1f)]", "Lstm", "[Lstm] Dropout is 1")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Gru(8, RecurrentDropout = -0.1f)]", "Gru", "[Gru] RecurrentDropout is -0.1")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [SimpleRnn(8, RecurrentDropout = float.NaN)]", "SimpleRnn", "NaN")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8)] [Dense(2, Dropout = 1.5f)]", "Dense", "[Dense] Dropout is 1.5")]
        public void RNNG0011_dropout_rate_out_of_range(string attributes, string locatedText, string message)
        {
            var diagnostic = DiagnosticAssert.Reports("RNNG0011", Declare(attributes), locatedText);
            Assert.Contains(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8, GoBackwards = true, Bidirectional = true)]", "Lstm", "GoBackwards and Bidirectional")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Gru(8, MergeMode = MergeMode.Sum)]", "Gru", "MergeMode without Bidirectional")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [SimpleRnn(8, Bidirectional = true, MergeMode = (MergeMode)9)]", "SimpleRnn", "MergeMode = 9")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Gru(8, Peepholes = true)]", "Gru", "Peepholes on a GRU layer")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [SimpleRnn(8, CoupledGates = true)]", "SimpleRnn", "CoupledGates on a SimpleRNN layer")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Gru(8, Minimal = true, ResetAfter = true)]", "Gru", "Minimal and ResetAfter = true")]
        public void RNNG0012_invalid_layer_options(string attributes, string locatedText, string message)
        {
            var diagnostic = DiagnosticAssert.Reports("RNNG0012", Declare(attributes), locatedText);
            Assert.Contains(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("[Lstm(8, Bidirectional = true)]", "model.Step(null!, new float[4], new float[16]);")]
        [InlineData("[Gru(8, GoBackwards = true)]", "var state = model.CreateState();")]
        [InlineData("[Gru(8, GoBackwards = true)]", "model.CarryStateFrom(1);")]
        public void RNNG0013_a_network_that_runs_backwards_cannot_Step_or_resume_part_way(string layer, string call)
        {
            var run = GeneratorTestHelper.Run($$"""
                using RnnGen;

                [RecurrentNetwork(InputSize = 4)]
                {{layer}}
                partial class Reversed
                {
                }

                static class Caller
                {
                    static void M()
                    {
                        var model = new Reversed();
                        {{call}}
                    }
                }
                """);

            var error = Assert.Single(run.CompilationDiagnostics, d => d.Id == "RNNG0013");
            Assert.Equal(DiagnosticSeverity.Error, error.Severity);
            Assert.Contains("use Forward", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
            Assert.Empty(run.GeneratorDiagnostics);
        }

        [Fact]
        public void RNNG0008_layers_split_across_partial_declarations() =>
            DiagnosticAssert.Reports(
                "RNNG0008",
                """
                using RnnGen;

                [RecurrentNetwork(InputSize = 4)]
                [Lstm(8)]
                partial class Split { }

                [Gru(8)]
                partial class Split { }
                """,
                "Split");

        [Fact]
        public void RNNG0008_layers_split_across_files()
        {
            var run = GeneratorTestHelper.Run(
                "using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm(8)] partial class Split { }",
                "using RnnGen; [Dense(2)] partial class Split { }");

            var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "RNNG0008");
            Assert.Equal("Split", DiagnosticAssert.LocatedText(run.OutputCompilation, diagnostic));
            Assert.Empty(run.Sources);
        }

        [Theory]
        [InlineData("[RecurrentNetwork(InputSize = 4, SequenceLength = 65536, BatchSize = 4096)] [Lstm(1024)]", "Forward workspace")]
        [InlineData("[RecurrentNetwork] [Embedding(4194304, 65536)] [Lstm(8)]", "parameters")]
        [InlineData("[RecurrentNetwork(InputSize = 65536)] [Lstm(8192)] [Gru(8192)]", "parameters")]
        // Issue 10: the embedding's gradient rows (steps x batch x dimension) overflowed the planner (OverflowException).
        [InlineData("[RecurrentNetwork(SequenceLength = 32768)] [Embedding(1, 65536)] [SimpleRnn(1)]", "Backward workspace")]
        // Issue 10: a bidirectional layer's reverse weights, and the doubled width after a concatenating layer.
        [InlineData("[RecurrentNetwork(InputSize = 28000)] [Lstm(2048, Bidirectional = true)]", "parameters")]
        [InlineData("[RecurrentNetwork(InputSize = 8)] [Lstm(4096, Bidirectional = true)] [Lstm(4096)]", "parameters")]
        public void RNNG0009_workspace_too_large(string attributes, string what)
        {
            var diagnostic = DiagnosticAssert.Reports("RNNG0009", Declare(attributes), "RecurrentNetwork");
            Assert.Contains(what, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        }

        [Fact]
        public void Invalid_class_does_not_stop_a_valid_one()
        {
            var run = GeneratorTestHelper.Run(
                Declare("[RecurrentNetwork(InputSize = 4)] [Lstm(0)]", "partial class Broken"),
                Declare("[RecurrentNetwork(InputSize = 4)] [Lstm(8)]", "partial class Fine"));

            Assert.Single(run.GeneratorDiagnostics, d => d.Id == "RNNG0003");
            Assert.Equal("Fine.RnnGen.g.cs", Assert.Single(run.Sources).HintName);
        }

        /// <summary>
        /// Code the compiler rejects still reaches the generator while the user types; the generator must not throw
        /// (the helper fails the test on an exception or CS8785; the check here says so explicitly).
        /// </summary>
        [Theory]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(\"x\")]")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm]")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8, 9)]")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8, UseBias = 3)]")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8, Bogus = true)]")]
        [InlineData("[RecurrentNetwork(InputSize = \"a\")] [Lstm(8)]")]
        [InlineData("[RecurrentNetwork(5)] [Lstm(8)]")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Dense] [Lstm(8)]")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Embedding(1)] [Lstm(8)]")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [SimpleRnn(8, \"relu\")]")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8)] [Dense(2, 7)]")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8)] [Unknown]")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(x)]")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8)")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8)] [Lstm(8, ReturnSequences = null)]")]
        public void Malformed_attributes_do_not_crash_the_generator(string attributes)
        {
            var run = GeneratorTestHelper.Run(Declare(attributes));

            Assert.Contains(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
            Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == GeneratorTestHelper.GeneratorExceptionId);
        }

        /// <summary>Declarations at the edges of what the parser and planner accept; only "no crash" is asserted.</summary>
        [Theory]
        [InlineData("using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm(8)] partial class Unclosed {")]
        [InlineData("using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm(8)] partial class G<T> where T : { }")]
        [InlineData("using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm(8)] partial struct S { }")]
        [InlineData("using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm(8)] partial interface I { }")]
        [InlineData("using RnnGen; [RecurrentNetwork(InputSize = int.MaxValue, SequenceLength = int.MinValue, BatchSize = int.MaxValue)] [Lstm(int.MaxValue)] [Dense(int.MinValue)] partial class Extreme { }")]
        [InlineData("using RnnGen; [RecurrentNetwork(InputSize = 65536, SequenceLength = 65536, BatchSize = 4096)] [Lstm(8192)] [Dense(8192)] partial class Largest { }")]
        [InlineData("using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm(8)] [Lstm(8)] partial class Model { } partial class Model { void M() { } }")]
        [InlineData("[RnnGen.RecurrentNetwork(InputSize = 4)] [Lstm(8)] partial class MissingUsing { }")]
        public void Edge_declarations_do_not_crash_the_generator(string source) =>
            Assert.NotNull(GeneratorTestHelper.Run(source));

        /// <summary>[RecurrentNetwork] on two parts is the compiler's CS0579; the generator must not also throw.</summary>
        [Fact]
        public void Network_attribute_on_two_partial_declarations_does_not_crash_the_generator()
        {
            var run = GeneratorTestHelper.Run("using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm(8)] partial class Twice { } [RecurrentNetwork(InputSize = 4)] partial class Twice { }");
            Assert.Single(run.Sources);
        }

        [Theory]
        [InlineData("State")]
        [InlineData("Layer0")]
        [InlineData("Forward")]
        [InlineData("Layer3Parameters")]
        [InlineData("HeadProjection_V256")]
        [InlineData("StateCount")] // issue 10's reproductions: names the old hand-kept list missed
        [InlineData("Backward")]
        [InlineData("Training")]
        [InlineData("KerasTensors")]
        [InlineData("CarryStateFrom")]
        [InlineData("ExportPyTorchGradient")]
        [InlineData("Layer0BackwardCell_V256")]
        public void RNNG0010_class_named_like_a_generated_member(string name) =>
            DiagnosticAssert.Reports("RNNG0010", Declare("[RecurrentNetwork(InputSize = 4)] [Lstm(8)]", "partial class " + name), name);

        private static string Declare(string attributes, string declaration = "partial class Model") => $$"""
            using RnnGen;

            {{attributes}}
            {{declaration}}
            {
            }
            """;
    }
}
