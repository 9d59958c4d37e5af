using System;

namespace RnnGen.Samples.AddingProblem
{
    /// <summary>
    /// What the trainer and the gradient probe need from a generated adding-problem model. The generated members of
    /// each model class implement it as they are (plus a few size properties), so one training loop serves every cell.
    /// </summary>
    public interface IAddingNetwork
    {
        /// <summary>A short name of the cell, e.g. <c>LSTM</c>.</summary>
        string Cell { get; }

        /// <summary>The recurrent layer's width.</summary>
        int Units { get; }

        /// <summary>The number of trainable parameters, counted as PyTorch does (generated <c>ParameterCount</c>).</summary>
        int TrainableParameters { get; }

        /// <summary>The length of a packed gradient buffer (generated <c>PackedParameterLength</c>).</summary>
        int PackedLength { get; }

        /// <summary>Whether the cell has a cell state c besides h (LSTM).</summary>
        bool HasCellState { get; }

        /// <summary>The packed parameter buffer the optimiser updates (generated).</summary>
        Span<float> PackedParameters { get; }

        /// <summary>PyTorch's default initialisation, seeded (generated).</summary>
        /// <param name="random">The random source.</param>
        void InitializeParameters(Random random);

        /// <summary>Runs whole sequences (generated): inputs <c>[steps][batch][2]</c>, outputs <c>[batch][1]</c> (last step only).</summary>
        /// <param name="inputs">Time-major inputs.</param>
        /// <param name="outputs">Receives the prediction for each sequence.</param>
        /// <param name="batchSize">Sequences in the batch.</param>
        /// <param name="continueState">Start from the previous <c>Forward</c>'s final state instead of zero.</param>
        void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize, bool continueState);

        /// <summary>Backpropagation through time over the last <see cref="Forward"/> (generated): adds dL/dθ to <paramref name="gradients"/>.</summary>
        /// <param name="outputGradients">dL/dz for each sequence's output, <c>[batch][1]</c>.</param>
        /// <param name="gradients">The packed gradient buffer (added to).</param>
        void Backward(ReadOnlySpan<float> outputGradients, Span<float> gradients);

        /// <summary>dL/d(initial state) of the last <see cref="Backward"/> (generated), <c>[batch][units]</c>.</summary>
        /// <param name="layer">The recurrent layer (0 here).</param>
        /// <param name="hidden">Receives dL/dh(-1).</param>
        /// <param name="cell">Receives dL/dc(-1) for an LSTM; empty otherwise.</param>
        void InitialStateGradient(int layer, Span<float> hidden, Span<float> cell);
    }
}
