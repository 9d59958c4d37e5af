using System;
using System.Collections.Generic;

namespace RnnGen.Runtime.Tests.Onnx
{
    /// <summary>
    /// Presents a generated model as <see cref="IRecurrentNetwork{TInput}"/> through its generated members, with a
    /// hand-written <see cref="NetworkDescription"/>: the ONNX tests need the interface before the generator implements
    /// it on every model. Only the members ONNX import/export and the tests use are wired.
    /// </summary>
    internal sealed class AdaptedNetwork<TInput> : IRecurrentNetwork<TInput>
        where TInput : unmanaged
    {
        private readonly PackedGetter _packed;
        private readonly TensorImport _import;
        private readonly TensorExport _export;
        private readonly ForwardCall _forward;

        public AdaptedNetwork(NetworkDescription description, IReadOnlyList<TensorInfo> tensors, PackedGetter packed, TensorImport import, TensorExport export, ForwardCall forward)
        {
            Description = description;
            PyTorchTensors = tensors;
            _packed = packed;
            _import = import;
            _export = export;
            _forward = forward;
        }

        public delegate Span<float> PackedGetter();

        public delegate void TensorImport(string name, ReadOnlySpan<float> values);

        public delegate void TensorExport(string name, Span<float> destination);

        public delegate void ForwardCall(ReadOnlySpan<TInput> inputs, ReadOnlySpan<int> lengths, Span<float> outputs, int batchSize, bool continueState);

        public NetworkDescription Description { get; }

        public Span<float> PackedParameters => _packed();

        public IReadOnlyList<TensorInfo> PyTorchTensors { get; }

        public bool Training { get; set; }

        public void ImportPyTorch(string name, ReadOnlySpan<float> values) => _import(name, values);

        public void ExportPyTorch(string name, Span<float> destination) => _export(name, destination);

        public void Forward(ReadOnlySpan<TInput> inputs, ReadOnlySpan<int> lengths, Span<float> outputs, int batchSize, bool continueState = false) =>
            _forward(inputs, lengths, outputs, batchSize, continueState);

        public void ExportPyTorchGradient(string name, ReadOnlySpan<float> packed, Span<float> destination) => throw new NotSupportedException();

        public void InitializeParameters(Random random) => throw new NotSupportedException();

        public void Backward(ReadOnlySpan<float> outputGradients, Span<float> gradients) => throw new NotSupportedException();

        public void SetInitialState(int layer, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell = default) => throw new NotSupportedException();

        public void CopyFinalState(int layer, Span<float> hidden, Span<float> cell = default) => throw new NotSupportedException();

        public void CarryStateFrom(int step) => throw new NotSupportedException();

        public void SetFinalStateGradient(int layer, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell = default) => throw new NotSupportedException();

        public void InitialStateGradient(int layer, Span<float> hidden, Span<float> cell = default) => throw new NotSupportedException();
    }
}
