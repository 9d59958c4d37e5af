using System;
using System.Collections.Generic;

namespace RnnGen.Runtime.Tests.Helpers
{
    /// <summary>
    /// The generated API of every float-input network, as an interface the test models declare: the generated
    /// members implement it, which also proves their signatures.
    /// </summary>
    public interface ISequenceModel
    {
        static abstract IReadOnlyList<TensorInfo> PyTorchTensors { get; }

        static abstract IReadOnlyList<TensorInfo> KerasTensors { get; }

        static abstract void ExportPyTorchGradient(string name, ReadOnlySpan<float> gradients, Span<float> destination);

        Span<float> PackedParameters { get; }

        void ImportKeras(string name, ReadOnlySpan<float> values);

        void ExportKeras(string name, Span<float> destination);

        void Backward(ReadOnlySpan<float> outputGradients, Span<float> gradients);

        void Backward(ReadOnlySpan<float> outputGradients, Span<float> gradients, Span<float> inputGradients);

        void InitialStateGradient(int layer, Span<float> hidden, Span<float> cell = default);

        void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize = 1, bool continueState = false);

        void Forward(ReadOnlySpan<float> inputs, ReadOnlySpan<int> lengths, Span<float> outputs, int batchSize, bool continueState = false);

        void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize = 1, bool continueState = false);

        void Predict(ReadOnlySpan<float> inputs, ReadOnlySpan<int> lengths, Span<float> outputs, int batchSize, bool continueState = false);

        void ImportPyTorch(string name, ReadOnlySpan<float> values);

        void ExportPyTorch(string name, Span<float> destination);

        void SetInitialState(int layer, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell = default);

        void CopyFinalState(int layer, Span<float> hidden, Span<float> cell = default);

        void SetFinalStateGradient(int layer, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell = default);
    }

    /// <summary>A network that can also stream, one step of one sequence at a time.</summary>
    public interface IFloatModel<TState> : ISequenceModel
        where TState : class
    {
        TState CreateState();

        void Step(TState state, ReadOnlySpan<float> input, Span<float> output);

        void CarryStateFrom(int step);
    }
}
