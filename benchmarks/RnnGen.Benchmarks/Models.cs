using System;

namespace RnnGen.Benchmarks
{
    /// <summary>Many small streams with one input each (StreamBatchBenchmarks).</summary>
    [RecurrentNetwork(InputSize = 1)]
    [Lstm(64)]
    public sealed partial class StreamLstm64
    {
    }

    /// <summary>The smallest layers, where a step's fixed costs show (SmallLayerBenchmarks): one input, 32 units.</summary>
    [RecurrentNetwork(InputSize = 1)]
    [Lstm(32)]
    public sealed partial class SmallLstm32
    {
    }

    /// <inheritdoc cref="SmallLstm32"/>
    [RecurrentNetwork(InputSize = 1)]
    [Gru(32)]
    public sealed partial class SmallGru32
    {
    }

    // The benchmarked networks: one recurrent layer, 32 input features, no head, so the numbers are the cell's own.
    [RecurrentNetwork(InputSize = 32, SequenceLength = 100, BatchSize = 32)]
    [Lstm(64)]
    public sealed partial class Lstm64 : IBenchModel<Lstm64.State>
    {
    }

    [RecurrentNetwork(InputSize = 32, SequenceLength = 100, BatchSize = 32)]
    [Lstm(128)]
    public sealed partial class Lstm128 : IBenchModel<Lstm128.State>
    {
    }

    [RecurrentNetwork(InputSize = 32, SequenceLength = 100, BatchSize = 32)]
    [Lstm(256)]
    public sealed partial class Lstm256 : IBenchModel<Lstm256.State>
    {
    }

    [RecurrentNetwork(InputSize = 32, SequenceLength = 100, BatchSize = 32)]
    [Gru(64)]
    public sealed partial class Gru64 : IBenchModel<Gru64.State>
    {
    }

    [RecurrentNetwork(InputSize = 32, SequenceLength = 100, BatchSize = 32)]
    [Gru(128)]
    public sealed partial class Gru128 : IBenchModel<Gru128.State>
    {
    }

    [RecurrentNetwork(InputSize = 32, SequenceLength = 100, BatchSize = 32)]
    [Gru(256)]
    public sealed partial class Gru256 : IBenchModel<Gru256.State>
    {
    }

    /// <summary>The generated members the benchmarks call, as an interface the models declare.</summary>
    public interface IBenchModel<TState>
        where TState : class
    {
        void InitializeParameters(Random random);

        void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize = 1, bool continueState = false);

        void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize = 1, bool continueState = false);

        Span<float> PackedParameters { get; }

        void Backward(ReadOnlySpan<float> outputGradients, Span<float> gradients);

        void Backward(ReadOnlySpan<float> outputGradients, Span<float> gradients, Span<float> inputGradients);

        TState CreateState();

        void Step(TState state, ReadOnlySpan<float> input, Span<float> output);

        void ExportPyTorch(string name, Span<float> destination);
    }
}
