using RnnGen.Generator.Model;
using RnnGen.Generator.Tests.Helpers;
using Xunit;

namespace RnnGen.Generator.Tests
{
    /// <summary>
    /// The spec is the incremental cache boundary: parsing the same declaration twice, in unrelated compilations,
    /// must give equal specs with equal hashes, or Roslyn would re-emit on every run.
    /// </summary>
    public sealed class ModelEqualityTests
    {
        [Theory]
        [InlineData(TestSources.LstmFloatInput)]
        [InlineData(TestSources.GruEmbeddingSoftmax)]
        [InlineData(TestSources.SimpleRnnReluNoBias)]
        [InlineData(TestSources.OddSizes)]
        [InlineData(TestSources.NestedInGenericOuterClass)]
        public void Same_source_parses_to_equal_specs(string source)
        {
            var first = ParseSpec(source);
            var second = ParseSpec(source);

            Assert.NotSame(first, second);
            Assert.Equal(first, second);
            Assert.Equal(first.GetHashCode(), second.GetHashCode());
        }

        [Theory]
        [InlineData("[Lstm(64)]", "[Lstm(65)]")]
        [InlineData("InputSize = 8", "InputSize = 9")]
        [InlineData("SequenceLength = 32", "SequenceLength = 33")]
        [InlineData("BatchSize = 4", "BatchSize = 5")]
        [InlineData("[Lstm(64)]", "[Gru(64)]")]
        [InlineData("[Lstm(64)]", "[Lstm(64, UseBias = false)]")]
        [InlineData("[Lstm(64)]", "[Lstm(64)] [Dense(2)]")]
        [InlineData("public partial class LstmModel", "public partial class LstmModel2")]
        public void Different_declaration_parses_to_unequal_spec(string find, string replace)
        {
            var original = ParseSpec(TestSources.LstmFloatInput);
            var changed = ParseSpec(TestSources.LstmFloatInput.Replace(find, replace, System.StringComparison.Ordinal));

            Assert.NotEqual(original, changed);
        }

        [Fact]
        public void Diagnostics_of_the_same_source_are_equal()
        {
            const string invalid = "using RnnGen; [RecurrentNetwork] [Lstm(0)] [Dense(0)] partial class Invalid { }";

            var first = ParseDiagnostics(invalid);
            var second = ParseDiagnostics(invalid);

            Assert.NotEmpty(first);
            Assert.Equal(first, second);
            Assert.Equal(first.GetHashCode(), second.GetHashCode());
        }

        /// <summary>The spec as the pipeline produced it: the value recorded by the Spec step.</summary>
        private static ModelSpec ParseSpec(string source) =>
            Assert.IsType<ModelSpec>(Assert.Single(GeneratorTestHelper.Run(source).StepOutputs(TrackingNames.Spec)).Value);

        private static EquatableArray<DiagnosticInfo> ParseDiagnostics(string source) =>
            Assert.IsType<EquatableArray<DiagnosticInfo>>(Assert.Single(GeneratorTestHelper.Run(source).StepOutputs(TrackingNames.Diagnostics)).Value);
    }
}
