namespace RnnGen.Samples.AddingProblem
{
    /// <summary>The limits all three models are generated for.</summary>
    public static class ModelLimits
    {
        /// <summary>The longest sequence one <c>Forward</c> accepts (each call passes its own length).</summary>
        public const int MaxSequenceLength = 400;

        /// <summary>Sequences per training batch.</summary>
        public const int BatchSize = 32;

        /// <summary>Features per step: the value and the marker.</summary>
        public const int Features = 2;
    }

    /// <summary>An Elman RNN (tanh) of 66 units and a linear head: 4,687 parameters, the budget of <see cref="LstmAdder"/>.</summary>
    [RecurrentNetwork(InputSize = ModelLimits.Features, SequenceLength = ModelLimits.MaxSequenceLength, BatchSize = ModelLimits.BatchSize)]
    [SimpleRnn(66, ReturnSequences = false)]
    [Dense(1)]
    public partial class SimpleRnnAdder : IAddingNetwork
    {
        /// <inheritdoc/>
        public string Cell => "SimpleRNN";

        /// <inheritdoc/>
        public int Units => Layer0Units;

        /// <inheritdoc/>
        public int TrainableParameters => ParameterCount;

        /// <inheritdoc/>
        public int PackedLength => PackedParameterLength;

        /// <inheritdoc/>
        public bool HasCellState => false;
    }

    /// <summary>An LSTM of 32 units and a linear head: 4,641 parameters.</summary>
    [RecurrentNetwork(InputSize = ModelLimits.Features, SequenceLength = ModelLimits.MaxSequenceLength, BatchSize = ModelLimits.BatchSize)]
    [Lstm(32, ReturnSequences = false)]
    [Dense(1)]
    public partial class LstmAdder : IAddingNetwork
    {
        /// <inheritdoc/>
        public string Cell => "LSTM";

        /// <inheritdoc/>
        public int Units => Layer0Units;

        /// <inheritdoc/>
        public int TrainableParameters => ParameterCount;

        /// <inheritdoc/>
        public int PackedLength => PackedParameterLength;

        /// <inheritdoc/>
        public bool HasCellState => true;
    }

    /// <summary>A GRU (reset after, as PyTorch) of 37 units and a linear head: 4,589 parameters.</summary>
    [RecurrentNetwork(InputSize = ModelLimits.Features, SequenceLength = ModelLimits.MaxSequenceLength, BatchSize = ModelLimits.BatchSize)]
    [Gru(37, ReturnSequences = false)]
    [Dense(1)]
    public partial class GruAdder : IAddingNetwork
    {
        /// <inheritdoc/>
        public string Cell => "GRU";

        /// <inheritdoc/>
        public int Units => Layer0Units;

        /// <inheritdoc/>
        public int TrainableParameters => ParameterCount;

        /// <inheritdoc/>
        public int PackedLength => PackedParameterLength;

        /// <inheritdoc/>
        public bool HasCellState => false;
    }
}
