using RnnGen.Generator.Tests.Helpers;
using Xunit;

namespace RnnGen.Generator.Tests
{
    /// <summary>
    /// Whole generated files, reviewed once and then pinned, to catch unintended changes to the emitted code and
    /// to its readability. Regenerate with <c>RNNGEN_ACCEPT=1</c> after an intended change, then review the diff.
    /// </summary>
    public sealed class SnapshotTests
    {
        [Fact]
        public void Lstm_one_layer_float_input() => Verify(TestSources.LstmFloatInput);

        [Fact]
        public void Wide_layer_runs_in_column_chunks() => Verify(TestSources.WideLstm);

        [Fact]
        public void Gru_two_layers_embedding_softmax_head() => Verify(TestSources.GruEmbeddingSoftmax);

        [Fact]
        public void Configurable_activations() => Verify(TestSources.ActivationVariants);

        [Fact]
        public void Bidirectional_and_reversed_layers() => Verify(TestSources.Bidirectional);

        [Fact]
        public void Float_input_bidirectional_with_input_dropout() => Verify(TestSources.FloatBidirectionalDropout);

        [Fact]
        public void Peepholes_coupled_gates_and_minimal_gru() => Verify(TestSources.CellVariants);

        [Fact]
        public void Dropout_at_every_site() => Verify(TestSources.DropoutEverywhere);

        [Fact]
        public void SimpleRnn_relu_without_bias() => Verify(TestSources.SimpleRnnReluNoBias);

        [Fact]
        public void Odd_sizes_exercise_remainders() => Verify(TestSources.OddSizes);

        [Fact]
        public void Model_in_namespace() => Verify(TestSources.InNamespace);

        [Fact]
        public void Model_nested_in_partial_class() => Verify(TestSources.NestedInOuterClass);

        [Fact]
        public void Model_nested_in_generic_class() => Verify(TestSources.NestedInGenericOuterClass);

        private static void Verify(string source, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
        {
            var run = GeneratorTestHelper.Run(source);
            Assert.Empty(run.GeneratorDiagnostics);
            Snapshot.Verify(run, method: method);
        }
    }
}
