using System.Linq;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using RnnGen.Generator.Tests.Helpers;
using Xunit;

namespace RnnGen.Generator.Tests
{
    /// <summary>
    /// RNNG0009 measures the real plan (in 64 bits), so its numbers are the plan's and every buffer is counted; the
    /// planner itself never throws, whatever the sizes.
    /// </summary>
    public sealed class BufferLimitTests
    {
        [Theory]
        [InlineData("[RecurrentNetwork(InputSize = 28000)] [Lstm(2048, Bidirectional = true)]", "492339200 floats of parameters")]
        [InlineData("[RecurrentNetwork(SequenceLength = 32768)] [Embedding(1, 65536)] [SimpleRnn(1)]", "floats of Backward workspace")]
        public void RNNG0009_states_the_plans_own_size(string attributes, string expected)
        {
            var diagnostic = DiagnosticAssert.Reports("RNNG0009", $"using RnnGen; {attributes} partial class Model {{ }}", "RecurrentNetwork");
            Assert.Contains(expected, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        }

        /// <summary>The largest sizes the parser's ranges allow, every buffer far past int.MaxValue: RNNG0009, no crash.</summary>
        [Theory]
        [InlineData("[RecurrentNetwork(InputSize = 65536, SequenceLength = 65536, BatchSize = 4096)]", "SimpleRnn(8192, Dropout = 0.5f, RecurrentDropout = 0.5f)")]
        [InlineData("[RecurrentNetwork(SequenceLength = 65536, BatchSize = 4096)] [Embedding(4194304, 65536)]", "Lstm(8192, Peepholes = true, Bidirectional = true, Dropout = 0.5f)")]
        [InlineData("[RecurrentNetwork(InputSize = 65536, SequenceLength = 65536, BatchSize = 4096)]", "Gru(8192, ResetAfter = false, Bidirectional = true, RecurrentDropout = 0.5f)")]
        [InlineData("[RecurrentNetwork(SequenceLength = 65536, BatchSize = 4096)] [Embedding(4194304, 65536)]", "Gru(8192, Minimal = true, GoBackwards = true)")]
        public void The_largest_sizes_the_parser_allows_are_measured_without_overflow(string network, string layer)
        {
            var source = $"using RnnGen; {network} [{layer}] [{layer}] [{layer}] [Dense(8192, Activation.Softmax, Dropout = 0.5f)] partial class Huge {{ }}";
            DiagnosticAssert.Reports("RNNG0009", source, "RecurrentNetwork");
        }

        [Fact]
        public void An_accepted_plan_has_every_buffer_within_the_limit_and_exact_int_lengths()
        {
            var run = GeneratorTestHelper.Run("using RnnGen; [RecurrentNetwork(InputSize = 1, SequenceLength = 16, BatchSize = 4096)] [SimpleRnn(1)] partial class Edge { }");
            var spec = Assert.IsType<ModelSpec>(Assert.Single(run.StepOutputs(TrackingNames.Spec)).Value);

            var plan = Planner.Create(spec);

            Assert.Equal(plan.BufferLength, plan.Sizes.Parameters);
            Assert.Equal(plan.Forward.Length, plan.Sizes.Forward);
            Assert.Equal(plan.Backward.Length, plan.Sizes.Backward);
            Assert.Equal(plan.Stream.Length, plan.Sizes.Stream);
        }
    }
}
