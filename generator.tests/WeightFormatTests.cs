using System;
using System.Linq;
using RnnGen.Generator.Tests.Helpers;
using Xunit;

namespace RnnGen.Generator.Tests
{
    /// <summary>
    /// <c>[RecurrentNetwork(Weights = ...)]</c>: the combinations refused (RNNG0018, RNNG0019), and the generated code of
    /// an int8 and a bfloat16 model, pinned as snapshots.
    /// </summary>
    public sealed class WeightFormatTests
    {
        private const string Int8Model = """
            using RnnGen;

            /// <summary>An LSTM whose Step reads int8 weights; 3 inputs and 20 units exercise the padded paths.</summary>
            [RecurrentNetwork(InputSize = 3, SequenceLength = 8, Weights = WeightFormat.Int8)]
            [Lstm(20)]
            public partial class Int8Model
            {
            }
            """;

        private const string BFloat16Model = """
            using RnnGen;

            /// <summary>A GRU (two W_hh passes) whose Step reads bfloat16 weights.</summary>
            [RecurrentNetwork(InputSize = 3, SequenceLength = 8, Weights = WeightFormat.BFloat16)]
            [Gru(16, ResetAfter = false)]
            public partial class BFloat16Model
            {
            }
            """;

        [Fact]
        public void Int8_lstm() => Verify(Int8Model);

        [Fact]
        public void BFloat16_gru_reset_before() => Verify(BFloat16Model);

        [Fact]
        public void Float32_adds_no_quantisation_members()
        {
            var run = GeneratorTestHelper.Run(Int8Model.Replace("WeightFormat.Int8", "WeightFormat.Float32", StringComparison.Ordinal));
            Assert.Empty(run.GeneratorDiagnostics);
            var text = run.Sources.Single().SourceText.ToString();
            Assert.DoesNotContain("QuantizeWeights", text, StringComparison.Ordinal);
            Assert.DoesNotContain("_parametersVersion", text, StringComparison.Ordinal);
        }

        [Fact]
        public void Int8_Step_calls_the_int8_kernels_after_refreshing_a_stale_copy()
        {
            var run = GeneratorTestHelper.Run(Int8Model);
            var text = run.Sources.Single().SourceText.ToString();
            var step = text.Substring(text.IndexOf("public void Step(", StringComparison.Ordinal));
            step = step.Substring(0, step.IndexOf("public State CreateState", StringComparison.Ordinal));
            Assert.Contains("if (_quantizedVersion != _parametersVersion)", step, StringComparison.Ordinal);
            Assert.Contains("Layer0ProjectionInt8(", step, StringComparison.Ordinal);
            Assert.Contains("Layer0RecurrentInt8(", step, StringComparison.Ordinal);
            Assert.Contains("global::RnnGen.Numerics.Int8Weights.Dot(", text, StringComparison.Ordinal);
        }

        [Fact]
        public void RNNG0018_reduced_weights_with_cuda() =>
            DiagnosticAssert.Reports("RNNG0018", Declare("[RecurrentNetwork(InputSize = 4, Cuda = true, Weights = WeightFormat.Int8)] [Lstm(8)]"), "RecurrentNetwork");

        [Theory]
        [InlineData("[RecurrentNetwork(InputSize = 4, Weights = (WeightFormat)7)] [Lstm(8)]", "not a weight format")]
        [InlineData("[RecurrentNetwork(InputSize = 4, Weights = WeightFormat.BFloat16)] [Gru(8, Bidirectional = true)]", "has no Step")]
        [InlineData("[RecurrentNetwork(InputSize = 4, Weights = WeightFormat.Int8)] [Lstm(8)] [Lstm(8, GoBackwards = true)]", "has no Step")]
        public void RNNG0019_weight_format_not_applicable(string attributes, string message)
        {
            var diagnostic = DiagnosticAssert.Reports("RNNG0019", Declare(attributes), "RecurrentNetwork");
            Assert.Contains(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        private static void Verify(string source, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
        {
            var run = GeneratorTestHelper.Run(source);
            Assert.Empty(run.GeneratorDiagnostics);
            Snapshot.Verify(run, method: method);
        }

        private static string Declare(string attributes) => $$"""
            using RnnGen;

            {{attributes}}
            partial class Model
            {
            }
            """;
    }
}
