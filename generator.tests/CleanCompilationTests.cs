using System.Linq;
using RnnGen.Generator.Tests.Helpers;
using Xunit;

namespace RnnGen.Generator.Tests
{
    /// <summary>
    /// Generated code must build under TreatWarningsAsErrors: users' projects often set it, and a warning in code
    /// they cannot edit would break their build. So no diagnostic of severity Warning or above is allowed anywhere
    /// in the output compilation (the inputs themselves are warning-free).
    /// </summary>
    public sealed class CleanCompilationTests
    {
        public static TheoryData<string, string> ValidDeclarations => new()
        {
            { nameof(TestSources.LstmFloatInput), TestSources.LstmFloatInput },
            { nameof(TestSources.GruEmbeddingSoftmax), TestSources.GruEmbeddingSoftmax },
            { nameof(TestSources.SimpleRnnReluNoBias), TestSources.SimpleRnnReluNoBias },
            { nameof(TestSources.OddSizes), TestSources.OddSizes },
            { nameof(TestSources.DropoutEverywhere), TestSources.DropoutEverywhere },
            { nameof(TestSources.Bidirectional), TestSources.Bidirectional },
            { nameof(TestSources.CellVariants), TestSources.CellVariants },
            { "CifgOnlyAndMinimalBidirectional", Declare("[RecurrentNetwork(InputSize = 3)] [Lstm(5, CoupledGates = true, RecurrentDropout = 0.1f)] [Gru(6, Minimal = true, Bidirectional = true, RecurrentDropout = 0.2f)]") },
            { "BidirectionalFloatLastStep", Declare("[RecurrentNetwork(InputSize = 3)] [Gru(5, ResetAfter = false, Bidirectional = true, MergeMode = MergeMode.Multiply, ReturnSequences = false)]") },
            { nameof(TestSources.ActivationVariants), TestSources.ActivationVariants },
            { "DropoutFloatInputSimpleRnn", Declare("[RecurrentNetwork(InputSize = 3)] [SimpleRnn(5, Dropout = 0.5f)] [SimpleRnn(6, RecurrentDropout = 0.5f)] [Dense(2, Dropout = 0.1f)]") },
            { nameof(TestSources.InNamespace), TestSources.InNamespace },
            { nameof(TestSources.NestedInOuterClass), TestSources.NestedInOuterClass },
            { nameof(TestSources.NestedInGenericOuterClass), TestSources.NestedInGenericOuterClass },
            { "Defaults", Declare("[RecurrentNetwork(InputSize = 1)] [SimpleRnn(1)]") },
            { "TanhSimpleRnnStack", Declare("[RecurrentNetwork(InputSize = 5)] [SimpleRnn(7)] [SimpleRnn(9, Activation.Tanh)] [Dense(2, Activation.Tanh)]") },
            { "LstmNoBiasLastStep", Declare("[RecurrentNetwork(InputSize = 33, BatchSize = 7)] [Lstm(31, UseBias = false, ReturnSequences = false)] [Dense(3, Activation.Relu, UseBias = false)]") },
            { "GruNoBiasBothResets", Declare("[RecurrentNetwork(InputSize = 12)] [Gru(20, UseBias = false)] [Gru(20, ResetAfter = false, UseBias = false)]") },
            { "WideLayers", Declare("[RecurrentNetwork(InputSize = 64, SequenceLength = 4)] [Lstm(256)] [Gru(128)] [Dense(10, Activation.Softmax)]") },
            { "EmbeddingSimpleRnn", Declare("[RecurrentNetwork] [Embedding(1, 1)] [SimpleRnn(1, Activation.Relu)] [Dense(1)]") },
            { "AttributeSuffixesAndQualifiedNames", Declare("[RnnGen.RecurrentNetworkAttribute(InputSize = 2)] [global::RnnGen.LstmAttribute(4)] [RnnGen.Dense(2)]") },
            { "SealedWithOwnMembers", "using RnnGen; [RecurrentNetwork(InputSize = 2)] [Gru(4)] internal sealed partial class Own { public int Answer => 42; }" },
            { "FileScopedNamespaceDeepNesting", "namespace A.B; /// <summary>H.</summary>\n public static partial class Holder { /// <summary>M.</summary>\n public partial struct Mid { [RnnGen.RecurrentNetwork(InputSize = 2)] [RnnGen.Lstm(3)] internal partial class Deep { } } }" },
            { "KeywordNames", "namespace @namespace.@if { /// <summary>K.</summary>\n public partial class @event<@object> { [RnnGen.RecurrentNetwork(InputSize = 2)] [RnnGen.Lstm(4)] internal partial class @class { } } }" },
            { "GenericTwinOfUnderscoreName", "using RnnGen; [RecurrentNetwork(InputSize = 4)] [Lstm(8)] partial class M_1 { } [RecurrentNetwork(InputSize = 4)] [Lstm(8)] partial class M<T> { }" },
            { "CudaLstm", WithCuda(TestSources.LstmFloatInput) },
            { "CudaBidirectionalTokens", WithCuda(TestSources.Bidirectional) },
            { "CudaCellVariants", WithCuda(TestSources.CellVariants) },
            { "CudaNestedInGeneric", WithCuda(TestSources.NestedInGenericOuterClass) },
            { "CudaKeywordNames", "namespace @namespace.@if { /// <summary>K.</summary>\n public partial class @event<@object> { [RnnGen.RecurrentNetwork(InputSize = 2, Cuda = true)] [RnnGen.Lstm(4)] internal partial class @class { } } }" },
            { "TwoModelsInOneFile", TestSources.LstmFloatInput + "\n/// <summary>T.</summary>\n[RecurrentNetwork(InputSize = 8)] [Lstm(64)] public partial class Twin { }" },
        };

        [Theory]
        [MemberData(nameof(ValidDeclarations))]
        public void Generated_code_compiles_without_warnings(string name, string source)
        {
            var run = GeneratorTestHelper.Run(source);

            Assert.True(run.GeneratorDiagnostics.IsEmpty, $"{name}: {GeneratorRun.Format(run.GeneratorDiagnostics)}");
            Assert.NotEmpty(run.Sources);
            Assert.True(run.WarningsAndErrors.Count == 0, $"{name}:\n{GeneratorRun.Format(run.WarningsAndErrors)}");
        }

        /// <summary>The same declaration with <c>Cuda = true</c>: PTX, ToCuda and CudaModel must compile as cleanly.</summary>
        internal static string WithCuda(string source) => source.Replace("[RecurrentNetwork(", "[RecurrentNetwork(Cuda = true, ", System.StringComparison.Ordinal);

        /// <summary>Puts the attributes on a documented public class, so a missing doc in generated code would warn.</summary>
        private static string Declare(string attributes) => $$"""
            using RnnGen;

            /// <summary>A test model.</summary>
            {{attributes}}
            public partial class Model
            {
            }
            """;
    }
}
