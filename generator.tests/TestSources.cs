namespace RnnGen.Generator.Tests
{
    /// <summary>
    /// Valid declarations shared by the snapshot, clean-compilation and incremental tests. Public types carry doc
    /// comments because the tests compile with documentation diagnostics on, and the inputs must be warning-free.
    /// </summary>
    internal static class TestSources
    {
        public const string LstmFloatInput = """
            using RnnGen;

            /// <summary>One LSTM layer over float features.</summary>
            [RecurrentNetwork(InputSize = 8, SequenceLength = 32, BatchSize = 4)]
            [Lstm(64)]
            public partial class LstmModel
            {
            }
            """;

        public const string WideLstm = """
            using RnnGen;

            /// <summary>An LSTM whose blocks of W_hh (51 KiB each) run in two column chunks.</summary>
            [RecurrentNetwork(InputSize = 3, SequenceLength = 8, BatchSize = 40)]
            [Lstm(200)]
            public partial class WideModel
            {
            }
            """;

        public const string GruEmbeddingSoftmax = """
            using RnnGen;

            /// <summary>A character model: embedding, two GRUs and a softmax head.</summary>
            [RecurrentNetwork(SequenceLength = 16, BatchSize = 2)]
            [Embedding(96, 32)]
            [Gru(48)]
            [Gru(48)]
            [Dense(96, Activation.Softmax)]
            public partial class CharModel
            {
            }
            """;

        public const string DropoutEverywhere = """
            using RnnGen;

            /// <summary>Dropout at every site: embedded rows, each recurrence, between layers and before the head.</summary>
            [RecurrentNetwork(SequenceLength = 12, BatchSize = 3)]
            [Embedding(40, 8)]
            [Lstm(20, Dropout = 0.2f, RecurrentDropout = 0.25f)]
            [Gru(17, Dropout = 0.3f, RecurrentDropout = 0.1f)]
            [Gru(9, ResetAfter = false, RecurrentDropout = 0.5f, ReturnSequences = false)]
            [Dense(40, Activation.Softmax, Dropout = 0.4f)]
            public partial class DropoutModel
            {
            }
            """;

        public const string ActivationVariants = """
            using RnnGen;

            /// <summary>Keras-style activation choices on every cell.</summary>
            [RecurrentNetwork(InputSize = 6, SequenceLength = 10, BatchSize = 2)]
            [Lstm(20, Activation = Activation.Relu, RecurrentActivation = Activation.HardSigmoid)]
            [Gru(18, ResetAfter = false, Activation = Activation.Linear, RecurrentActivation = Activation.Tanh)]
            [SimpleRnn(9, Activation.Sigmoid)]
            public partial class VariantModel
            {
            }
            """;

        public const string Bidirectional = """
            using RnnGen;

            /// <summary>A bidirectional stack over tokens, a reversed layer, and a head on the last step.</summary>
            [RecurrentNetwork(SequenceLength = 12, BatchSize = 2)]
            [Embedding(30, 8)]
            [Lstm(20, Bidirectional = true)]
            [Gru(17, Bidirectional = true, MergeMode = MergeMode.Sum, Dropout = 0.2f)]
            [SimpleRnn(9, GoBackwards = true, ReturnSequences = false)]
            [Dense(4, Activation.Softmax)]
            public partial class BidirectionalModel
            {
            }
            """;

        public const string FloatBidirectionalDropout = """
            using RnnGen;

            /// <summary>Float inputs into a bidirectional layer with input dropout, then a reversed one: dL/dx from both directions.</summary>
            [RecurrentNetwork(InputSize = 3, SequenceLength = 6, BatchSize = 2)]
            [Gru(5, Bidirectional = true, MergeMode = MergeMode.Average, Dropout = 0.25f)]
            [SimpleRnn(4, GoBackwards = true)]
            public partial class FloatBidirectionalModel
            {
            }
            """;

        public const string CellVariants = """
            using RnnGen;

            /// <summary>Peepholes, coupled input-forget gates and the minimal GRU.</summary>
            [RecurrentNetwork(InputSize = 5, SequenceLength = 10, BatchSize = 2)]
            [Lstm(20, Peepholes = true)]
            [Lstm(18, Peepholes = true, CoupledGates = true)]
            [Gru(17, Minimal = true)]
            [Dense(3)]
            public partial class VariantCellsModel
            {
            }
            """;

        public const string SimpleRnnReluNoBias = """
            using RnnGen;

            /// <summary>An Elman RNN with relu and no biases.</summary>
            [RecurrentNetwork(InputSize = 16, SequenceLength = 8)]
            [SimpleRnn(32, Activation.Relu, UseBias = false)]
            public partial class ReluModel
            {
            }
            """;

        // 17 units and 3 inputs are not multiples of any vector width, so every kernel needs its remainder path.
        public const string OddSizes = """
            using RnnGen;

            /// <summary>Sizes that fill no vector exactly.</summary>
            [RecurrentNetwork(InputSize = 3, SequenceLength = 5, BatchSize = 3)]
            [Lstm(17)]
            [Gru(17, ResetAfter = false, ReturnSequences = false)]
            [Dense(5)]
            public partial class OddModel
            {
            }
            """;

        public const string InNamespace = """
            using RnnGen;

            namespace Game.Models
            {
                /// <summary>A model in a block-scoped namespace.</summary>
                [RecurrentNetwork(InputSize = 4, SequenceLength = 10)]
                [Gru(16)]
                public partial class NamespacedModel
                {
                }
            }
            """;

        public const string NestedInOuterClass = """
            using RnnGen;

            namespace Game;

            /// <summary>A user class holding a model.</summary>
            public partial class Outer
            {
                [RecurrentNetwork(InputSize = 4, SequenceLength = 10)]
                [SimpleRnn(16)]
                internal partial class InnerModel
                {
                }
            }
            """;

        public const string NestedInGenericOuterClass = """
            using RnnGen;

            /// <summary>A generic user class holding a model.</summary>
            /// <typeparam name="T">Unused by the model.</typeparam>
            public partial class Outer<T>
            {
                /// <summary>A model nested in a generic class.</summary>
                [RecurrentNetwork(InputSize = 2, SequenceLength = 4)]
                [Lstm(8)]
                [Dense(1, Activation.Sigmoid)]
                public partial class InnerModel
                {
                }
            }
            """;
    }
}
