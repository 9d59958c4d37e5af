using System;
using System.Collections.Generic;

namespace RnnGen
{
    /// <summary>
    /// What every generated network offers, whatever its input: its description, its parameters, training by
    /// backpropagation through time and its carried state. The generator implements it on each
    /// <c>[RecurrentNetwork]</c> class (with the members it already generates), so a training loop, an importer or a
    /// tool is written once for every model; <see cref="IRecurrentNetwork{TInput}"/> adds <c>Forward</c> and
    /// <see cref="IRecurrentNetwork{TInput, TState}"/> the streaming <c>Step</c>.
    /// </summary>
    /// <example>
    /// <code>
    /// static void Describe(IRecurrentNetwork model) =>
    ///     Console.WriteLine($"{model.Description.Architecture}: {model.Description.ParameterCount} parameters");
    /// </code>
    /// </example>
    public interface IRecurrentNetwork
    {
        /// <summary>The network's architecture and limits.</summary>
        NetworkDescription Description { get; }

        /// <summary>The packed parameter buffer an optimiser updates (<see cref="NetworkDescription.PackedParameterLength"/> floats).</summary>
        Span<float> PackedParameters { get; }

        /// <summary>The PyTorch tensors the parameters map to, in <c>state_dict</c> order.</summary>
        IReadOnlyList<TensorInfo> PyTorchTensors { get; }

        /// <summary>Whether training-only dropout is applied by <c>Forward</c>; always false (and ignored) for a model without dropout.</summary>
        bool Training { get; set; }

        /// <summary>Sets one tensor from PyTorch's layout.</summary>
        /// <param name="name">A name from <see cref="PyTorchTensors"/>.</param>
        /// <param name="values">The tensor, row-major.</param>
        void ImportPyTorch(string name, ReadOnlySpan<float> values);

        /// <summary>Writes one tensor in PyTorch's layout.</summary>
        /// <param name="name">A name from <see cref="PyTorchTensors"/>.</param>
        /// <param name="destination">Receives the tensor, row-major.</param>
        void ExportPyTorch(string name, Span<float> destination);

        /// <summary>Writes one tensor of a packed buffer (gradients, or an optimiser's per-parameter state) in PyTorch's layout.</summary>
        /// <param name="name">A name from <see cref="PyTorchTensors"/>.</param>
        /// <param name="packed">A buffer in the packed parameter layout.</param>
        /// <param name="destination">Receives the tensor, row-major.</param>
        void ExportPyTorchGradient(string name, ReadOnlySpan<float> packed, Span<float> destination);

        /// <summary>PyTorch's default initialisation, seeded.</summary>
        /// <param name="random">The random source.</param>
        void InitializeParameters(Random random);

        /// <summary>Backpropagation through time over the last <c>Forward</c>: adds dL/dθ to <paramref name="gradients"/>.</summary>
        /// <param name="outputGradients">dL/d(output) in the layout of the last <c>Forward</c>'s outputs (before the head's softmax or sigmoid).</param>
        /// <param name="gradients">The packed gradient buffer (added to).</param>
        void Backward(ReadOnlySpan<float> outputGradients, Span<float> gradients);

        /// <summary>Sets the state the next <c>Forward</c> starts from, <c>[batch][units]</c> per layer.</summary>
        /// <param name="layer">The recurrent layer.</param>
        /// <param name="hidden">h(-1).</param>
        /// <param name="cell">c(-1) for an LSTM layer; empty otherwise.</param>
        void SetInitialState(int layer, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell = default);

        /// <summary>Copies the last <c>Forward</c>'s final state, <c>[batch][units]</c>.</summary>
        /// <param name="layer">The recurrent layer.</param>
        /// <param name="hidden">Receives h.</param>
        /// <param name="cell">Receives c for an LSTM layer; empty otherwise.</param>
        void CopyFinalState(int layer, Span<float> hidden, Span<float> cell = default);

        /// <summary>Makes the next <c>continueState</c> Forward start from the state after step <paramref name="step"/> (truncated BPTT windows that overlap).</summary>
        /// <param name="step">A step of the last Forward.</param>
        void CarryStateFrom(int step);

        /// <summary>Stages dL/d(final state) for the next <see cref="Backward"/>.</summary>
        /// <param name="layer">The recurrent layer.</param>
        /// <param name="hidden">dL/dh(T), <c>[batch][units]</c>.</param>
        /// <param name="cell">dL/dc(T) for an LSTM layer; empty otherwise.</param>
        void SetFinalStateGradient(int layer, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell = default);

        /// <summary>dL/d(initial state) of the last <see cref="Backward"/>, <c>[batch][units]</c>.</summary>
        /// <param name="layer">The recurrent layer.</param>
        /// <param name="hidden">Receives dL/dh(-1).</param>
        /// <param name="cell">Receives dL/dc(-1) for an LSTM layer; empty otherwise.</param>
        void InitialStateGradient(int layer, Span<float> hidden, Span<float> cell = default);
    }

    /// <summary>A generated network whose steps take <typeparamref name="TInput"/> values: <c>float</c> features or <c>int</c> token ids.</summary>
    /// <typeparam name="TInput"><c>float</c> for <c>InputSize</c> models, <c>int</c> for <c>[Embedding]</c> models.</typeparam>
    public interface IRecurrentNetwork<TInput> : IRecurrentNetwork
        where TInput : unmanaged
    {
        /// <summary>Runs whole sequences: inputs time-major <c>[steps][batch](×InputSize)</c>.</summary>
        /// <param name="inputs">Time-major inputs.</param>
        /// <param name="lengths">Each sequence's length (empty: every sequence runs all steps).</param>
        /// <param name="outputs">Receives the outputs, <c>[steps][batch][OutputSize]</c> or <c>[batch][OutputSize]</c>.</param>
        /// <param name="batchSize">Sequences in the batch.</param>
        /// <param name="continueState">Start from the previous Forward's final state instead of zero.</param>
        void Forward(ReadOnlySpan<TInput> inputs, ReadOnlySpan<int> lengths, Span<float> outputs, int batchSize, bool continueState = false);

        /// <summary>
        /// Runs whole sequences for inference only: <see cref="Forward"/>'s outputs and final state bit for bit, with no
        /// dropout and nothing kept for <c>Backward</c> (which then throws), so units that can fuse their input projection
        /// into their steps do.
        /// </summary>
        /// <param name="inputs">Time-major inputs.</param>
        /// <param name="lengths">Each sequence's length (empty: every sequence runs all steps).</param>
        /// <param name="outputs">Receives the outputs, <c>[steps][batch][OutputSize]</c> or <c>[batch][OutputSize]</c>.</param>
        /// <param name="batchSize">Sequences in the batch.</param>
        /// <param name="continueState">Start from the previous call's final state instead of zero.</param>
        void Predict(ReadOnlySpan<TInput> inputs, ReadOnlySpan<int> lengths, Span<float> outputs, int batchSize, bool continueState = false);
    }

    /// <summary>A generated network with its streaming state type: <see cref="Step"/> advances one stream by one step.</summary>
    /// <typeparam name="TInput"><c>float</c> or <c>int</c>, as in <see cref="IRecurrentNetwork{TInput}"/>.</typeparam>
    /// <typeparam name="TState">The model's generated <c>State</c> class.</typeparam>
    public interface IRecurrentNetwork<TInput, TState> : IRecurrentNetwork<TInput>
        where TInput : unmanaged
        where TState : class
    {
        /// <summary>Creates a zeroed state for one stream.</summary>
        /// <returns>The state.</returns>
        TState CreateState();

        /// <summary>Advances one stream by one step.</summary>
        /// <param name="state">The stream's state.</param>
        /// <param name="input">One step's input: <c>InputSize</c> floats, or one token id.</param>
        /// <param name="output">Receives <c>OutputSize</c> floats.</param>
        void Step(TState state, ReadOnlySpan<TInput> input, Span<float> output);
    }
}
