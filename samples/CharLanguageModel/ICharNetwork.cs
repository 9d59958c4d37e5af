using System;
using System.Collections.Generic;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>
    /// What the training loop, the checkpoints and the text generator need from a generated character model. The
    /// generated members of each model class implement it as they are, so one training loop serves every model size.
    /// </summary>
    /// <typeparam name="TState">The model's generated <c>State</c> class (one per generated stream).</typeparam>
    public interface ICharNetwork<TState>
        where TState : class
    {
        /// <summary>The PyTorch tensors of the model, in <c>state_dict</c> order (generated).</summary>
        static abstract IReadOnlyList<TensorInfo> PyTorchTensors { get; }

        /// <summary>Writes one tensor of a packed buffer (gradients, or an optimiser's per-parameter state) in PyTorch's layout (generated).</summary>
        /// <param name="name">A name from <see cref="PyTorchTensors"/>.</param>
        /// <param name="gradients">A buffer in the packed parameter layout.</param>
        /// <param name="destination">Receives the tensor, row-major.</param>
        static abstract void ExportPyTorchGradient(string name, ReadOnlySpan<float> gradients, Span<float> destination);

        /// <summary>A one-line description of the architecture, e.g. <c>Embedding(98, 48) → LSTM(128) → ...</c>.</summary>
        static abstract string Architecture { get; }

        /// <summary>The number of trainable parameters, counted as PyTorch does.</summary>
        static abstract int TrainableParameters { get; }

        /// <summary>The packed parameter buffer the optimiser updates (generated).</summary>
        Span<float> PackedParameters { get; }

        /// <summary>Runs whole sequences from a zero state (generated): tokens <c>[steps][batch]</c>, outputs <c>[steps][batch][vocabulary]</c>.</summary>
        /// <param name="tokens">Time-major token ids.</param>
        /// <param name="outputs">Receives the softmax probabilities.</param>
        /// <param name="batchSize">Sequences in the batch.</param>
        /// <param name="continueState">Start from the previous <c>Forward</c>'s final state instead of zero.</param>
        void Forward(ReadOnlySpan<int> tokens, Span<float> outputs, int batchSize, bool continueState);

        /// <summary>Backpropagation through time over the last <see cref="Forward"/> (generated): adds dL/dθ to <paramref name="gradients"/>.</summary>
        /// <param name="outputGradients">dL/dlogits, <c>[steps][batch][vocabulary]</c>.</param>
        /// <param name="gradients">The packed gradient buffer.</param>
        void Backward(ReadOnlySpan<float> outputGradients, Span<float> gradients);

        /// <summary>Sets one tensor from PyTorch's layout (generated).</summary>
        /// <param name="name">A name from <see cref="PyTorchTensors"/>.</param>
        /// <param name="values">The tensor, row-major.</param>
        void ImportPyTorch(string name, ReadOnlySpan<float> values);

        /// <summary>Writes one tensor in PyTorch's layout (generated).</summary>
        /// <param name="name">A name from <see cref="PyTorchTensors"/>.</param>
        /// <param name="destination">Receives the tensor, row-major.</param>
        void ExportPyTorch(string name, Span<float> destination);

        /// <summary>PyTorch's default initialisation, seeded (generated).</summary>
        /// <param name="random">The random source.</param>
        void InitializeParameters(Random random);

        /// <summary>Creates a zeroed state for one stream of <see cref="Step"/> (generated).</summary>
        /// <returns>The state.</returns>
        TState CreateState();

        /// <summary>Advances one stream by one token (generated).</summary>
        /// <param name="state">The stream's state.</param>
        /// <param name="token">The token id.</param>
        /// <param name="output">Receives the next-token probabilities.</param>
        void Step(TState state, int token, Span<float> output);
    }
}
