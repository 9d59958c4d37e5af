using System;
using System.Collections.Generic;
using RnnGen.Training;

namespace RnnGen.Samples.AddingProblem
{
    /// <summary>
    /// The gradient of the loss with respect to the hidden state at several distances d before the last step:
    /// <c>DistanceNorms[i]</c> is ‖dL/dh‖ at step T-1-d for d = <c>Distances[i]</c>, averaged over the sequences.
    /// </summary>
    /// <param name="Cell">The cell's name.</param>
    /// <param name="Label">When it was measured, e.g. <c>init</c> or <c>trained</c>.</param>
    /// <param name="Length">The sequence length T.</param>
    /// <param name="Distances">The distances d.</param>
    /// <param name="HiddenNorms">Mean over the batch of ‖dL/dh(T-1-d)‖.</param>
    /// <param name="CellNorms">Mean over the batch of ‖dL/dc(T-1-d)‖ for an LSTM; null otherwise.</param>
    public sealed record GradientProfile(string Cell, string Label, int Length, IReadOnlyList<int> Distances, IReadOnlyList<double> HiddenNorms, IReadOnlyList<double>? CellNorms);

    /// <summary>
    /// Makes the vanishing gradient visible. The loss reads only the last step, so splitting a sequence at T-d and
    /// running <c>Forward</c> on the first T-d steps, then <c>Forward(continueState: true)</c> on the last d steps and
    /// <c>Backward</c>, gives in <c>InitialStateGradient</c> exactly dL/dh at step T-d-1: the gradient that reaches
    /// back d steps from the loss (the first chunk needs no backward pass, since nothing in it touches the loss
    /// except through that state).
    /// </summary>
    /// <remarks>
    /// L is each sequence's own squared error (the batch MSE's gradient times the batch size), so a norm does not
    /// depend on the batch size; it does scale with each sequence's error, which is why a trained model's norms are
    /// smaller everywhere and the shape of the curve (its slope on a log scale) is what to compare.
    /// </remarks>
    public static class GradientProbe
    {
        /// <summary>The distances the sample measures, clipped to those shorter than the sequence.</summary>
        /// <param name="length">The sequence length T.</param>
        /// <returns>1, 2, 5, 10, 20, 50, 100, 150 and T-1 where they are below T.</returns>
        public static IReadOnlyList<int> DistancesFor(int length)
        {
            var distances = new List<int>();
            foreach (var d in new[] { 1, 2, 5, 10, 20, 50, 100, 150, 200, 300 })
            {
                if (d < length - 1)
                {
                    distances.Add(d);
                }
            }

            distances.Add(length - 1);
            return distances;
        }

        /// <summary>Measures ‖dL/dh‖ at each distance over the sequences of <paramref name="batch"/>.</summary>
        /// <param name="model">The model (its parameters are not changed).</param>
        /// <param name="batch">The sequences and targets.</param>
        /// <param name="distances">Distances d, each in [1, T-1].</param>
        /// <param name="label">A label for the profile.</param>
        /// <returns>The profile.</returns>
        public static GradientProfile Measure(IAddingNetwork model, AddingBatch batch, IReadOnlyList<int> distances, string label)
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentNullException.ThrowIfNull(batch);
            ArgumentNullException.ThrowIfNull(distances);
            var batchSize = batch.BatchSize;
            var length = batch.Length;
            var units = model.Units;
            var outputs = new float[batchSize];
            var outputGradients = new float[batchSize];
            var gradients = new float[model.PackedLength];
            var hidden = new float[batchSize * units];
            var cell = model.HasCellState ? new float[batchSize * units] : null;
            var hiddenNorms = new double[distances.Count];
            var cellNorms = model.HasCellState ? new double[distances.Count] : null;
            var scratch = new float[batchSize];

            for (var i = 0; i < distances.Count; i++)
            {
                var d = distances[i];
                if (d < 1 || d >= length)
                {
                    throw new ArgumentOutOfRangeException(nameof(distances), d, $"Every distance must be in [1, {length - 1}].");
                }

                model.Forward(batch.Steps(0, length - d), scratch, batchSize, continueState: false);
                model.Forward(batch.Steps(length - d, d), outputs, batchSize, continueState: true);
                Losses.MeanSquaredError(outputs, batch.Targets, Activation.Linear, outputGradients, default, 1);
                for (var b = 0; b < batchSize; b++)
                {
                    outputGradients[b] *= batchSize;
                }

                gradients.AsSpan().Clear();
                model.Backward(outputGradients, gradients);
                model.InitialStateGradient(0, hidden, cell);
                hiddenNorms[i] = MeanRowNorm(hidden, batchSize, units);
                if (cell is not null)
                {
                    cellNorms![i] = MeanRowNorm(cell, batchSize, units);
                }
            }

            return new GradientProfile(model.Cell, label, length, distances, hiddenNorms, cellNorms);
        }

        private static double MeanRowNorm(ReadOnlySpan<float> values, int rows, int width)
        {
            var sum = 0.0;
            for (var r = 0; r < rows; r++)
            {
                var squares = 0.0;
                foreach (var v in values.Slice(r * width, width))
                {
                    squares += (double)v * v;
                }

                sum += Math.Sqrt(squares);
            }

            return sum / rows;
        }
    }
}
