using System;

namespace RnnGen.Training
{
    /// <summary>
    /// The loss <see cref="Trainer{TInput}"/> minimises: the mean loss of a batch's outputs against its targets, and
    /// its gradient with respect to the head's pre-activation (what <c>Backward</c> takes). Padded steps of
    /// variable-length batches are masked out.
    /// </summary>
    public abstract class TrainingLoss
    {
        /// <summary>Softmax cross-entropy against <see cref="TrainingBatch{TInput}.TokenTargets"/> (a <c>Dense(n, Softmax)</c> head).</summary>
        public static TrainingLoss SoftmaxCrossEntropy { get; } = new SoftmaxCrossEntropyLoss();

        /// <summary>Binary cross-entropy against <see cref="TrainingBatch{TInput}.Targets"/> in [0, 1] (a <c>Dense(n, Sigmoid)</c> head).</summary>
        public static TrainingLoss BinaryCrossEntropy { get; } = new BinaryCrossEntropyLoss();

        /// <summary>Mean squared error against <see cref="TrainingBatch{TInput}.Targets"/>, through the output's activation.</summary>
        /// <param name="activation">The activation of the model's output (its head's, or Tanh/Linear for a headless model).</param>
        /// <returns>The loss.</returns>
        public static TrainingLoss MeanSquaredError(Activation activation) => new MeanSquaredErrorLoss(activation);

        /// <summary>
        /// The loss that fits a model's output: softmax cross-entropy after a Softmax head, binary cross-entropy after
        /// a Sigmoid head, mean squared error otherwise (through the head's activation, or Linear without a head; a
        /// headless model's output is the last layer's h, so use <see cref="MeanSquaredError"/> with its activation).
        /// </summary>
        /// <param name="description">The model's description.</param>
        /// <returns>The loss.</returns>
        public static TrainingLoss For(NetworkDescription description)
        {
            ArgumentNullException.ThrowIfNull(description);
            return description.Head?.Activation switch
            {
                Activation.Softmax => SoftmaxCrossEntropy,
                Activation.Sigmoid => BinaryCrossEntropy,
                { } activation => MeanSquaredError(activation),
                null => MeanSquaredError(Activation.Linear),
            };
        }

        /// <summary>Which of the built-in losses this is (<see cref="TrainingLossKind.Custom"/> for a derived class), for the device path.</summary>
        internal virtual TrainingLossKind Kind => TrainingLossKind.Custom;

        /// <summary>The output activation mean squared error differentiates through (Linear for the other losses).</summary>
        internal virtual Activation OutputActivation => Activation.Linear;

        /// <summary>Computes the batch's mean loss and writes d(loss)/d(pre-activation) for <c>Backward</c>.</summary>
        /// <typeparam name="TInput">The model's input type.</typeparam>
        /// <param name="outputs">The Forward outputs, <see cref="TrainingBatch{TInput}.OutputLength"/> floats.</param>
        /// <param name="batch">The batch with its targets.</param>
        /// <param name="outputGradients">Receives the gradient, same length as <paramref name="outputs"/>.</param>
        /// <param name="rowMask">Scratch for the padding mask, at least <see cref="TrainingBatch{TInput}.OutputRows"/> floats.</param>
        /// <returns>The mean loss over counted rows.</returns>
        public abstract float Compute<TInput>(ReadOnlySpan<float> outputs, TrainingBatch<TInput> batch, Span<float> outputGradients, Span<float> rowMask)
            where TInput : unmanaged;

        private sealed class SoftmaxCrossEntropyLoss : TrainingLoss
        {
            internal override TrainingLossKind Kind => TrainingLossKind.SoftmaxCrossEntropy;

            public override float Compute<TInput>(ReadOnlySpan<float> outputs, TrainingBatch<TInput> batch, Span<float> outputGradients, Span<float> rowMask) =>
                Losses.SoftmaxCrossEntropy(outputs, batch.TokenTargets.AsSpan(0, batch.OutputRows), outputs.Length / batch.OutputRows, outputGradients, batch.RowMask(rowMask));

            public override string ToString() => "softmax cross-entropy";
        }

        private sealed class BinaryCrossEntropyLoss : TrainingLoss
        {
            internal override TrainingLossKind Kind => TrainingLossKind.BinaryCrossEntropy;

            public override float Compute<TInput>(ReadOnlySpan<float> outputs, TrainingBatch<TInput> batch, Span<float> outputGradients, Span<float> rowMask) =>
                Losses.BinaryCrossEntropy(outputs, batch.Targets.AsSpan(0, outputs.Length), outputGradients, batch.RowMask(rowMask), outputs.Length / batch.OutputRows);

            public override string ToString() => "binary cross-entropy";
        }

        private sealed class MeanSquaredErrorLoss(Activation activation) : TrainingLoss
        {
            internal override TrainingLossKind Kind => TrainingLossKind.MeanSquaredError;

            internal override Activation OutputActivation => activation;

            public override float Compute<TInput>(ReadOnlySpan<float> outputs, TrainingBatch<TInput> batch, Span<float> outputGradients, Span<float> rowMask) =>
                Losses.MeanSquaredError(outputs, batch.Targets.AsSpan(0, outputs.Length), activation, outputGradients, batch.RowMask(rowMask), outputs.Length / batch.OutputRows);

            public override string ToString() => $"mean squared error ({activation})";
        }
    }
}
