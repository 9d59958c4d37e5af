using System;

namespace RnnGen.Samples.AddingProblem
{
    /// <summary>
    /// What the trainer and the gradient probe need from a generated adding-problem model: the runtime's
    /// <see cref="IRecurrentNetwork{TInput}"/> plus the sample's names for a few sizes. The generated members of each
    /// model class implement it as they are, so one training loop serves every cell.
    /// </summary>
    public interface IAddingNetwork : IRecurrentNetwork<float>
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



        /// <summary>Runs whole sequences (generated): inputs <c>[steps][batch][2]</c>, outputs <c>[batch][1]</c> (last step only).</summary>
        /// <param name="inputs">Time-major inputs.</param>
        /// <param name="outputs">Receives the prediction for each sequence.</param>
        /// <param name="batchSize">Sequences in the batch.</param>
        /// <param name="continueState">Start from the previous <c>Forward</c>'s final state instead of zero.</param>
        void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize, bool continueState);

        /// <summary>Runs whole sequences for inference only (generated): Forward's outputs bit for bit, nothing kept for Backward.</summary>
        /// <param name="inputs">Time-major inputs.</param>
        /// <param name="outputs">Receives the prediction for each sequence.</param>
        /// <param name="batchSize">Sequences in the batch.</param>
        /// <param name="continueState">Start from the previous call's final state instead of zero.</param>
        void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize, bool continueState);


    }
}
