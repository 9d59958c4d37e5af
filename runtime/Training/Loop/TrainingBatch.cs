using System;

namespace RnnGen.Training
{
    /// <summary>
    /// One batch for <see cref="Trainer{TInput}"/>, with buffers sized once for the model's limits: a data source fills
    /// <see cref="Inputs"/> and the targets for <see cref="Steps"/> × <see cref="BatchSize"/> and sets the shape.
    /// </summary>
    /// <typeparam name="TInput"><c>float</c> features or <c>int</c> token ids, as the model takes.</typeparam>
    /// <remarks>
    /// Layouts are time-major like <c>Forward</c>'s: inputs <c>[steps][batch](×InputSize)</c>; token targets one per
    /// output row (<c>[steps][batch]</c>, or <c>[batch]</c> for a model that outputs only the last step); float targets
    /// one per output float. Only the leading part the shape covers is read; the buffers are reused for every batch.
    /// </remarks>
    public sealed class TrainingBatch<TInput>
        where TInput : unmanaged
    {
        private readonly int inputWidth;
        private readonly int outputSize;
        private readonly bool sequenceOutputs;

        /// <summary>Creates the buffers for a model's largest batch.</summary>
        /// <param name="description">The model's description (its limits size the buffers).</param>
        public TrainingBatch(NetworkDescription description)
        {
            ArgumentNullException.ThrowIfNull(description);
            if (description.HasEmbedding != (typeof(TInput) == typeof(int)))
            {
                throw new ArgumentException($"A {(description.HasEmbedding ? "token" : "float-input")} model takes {(description.HasEmbedding ? "int" : "float")} inputs, not {typeof(TInput).Name}.", nameof(description));
            }

            inputWidth = description.HasEmbedding ? 1 : description.InputSize;
            outputSize = description.OutputSize;
            sequenceOutputs = description.ReturnsSequences;
            int maxRows = description.MaxSequenceLength * description.MaxBatchSize;
            Inputs = new TInput[maxRows * inputWidth];
            Lengths = new int[description.MaxBatchSize];
            int maxOutputRows = sequenceOutputs ? maxRows : description.MaxBatchSize;
            TokenTargets = new int[maxOutputRows];
            RowWeights = new float[maxOutputRows];
            Targets = new float[maxOutputRows * outputSize];
            MaxSteps = description.MaxSequenceLength;
            MaxBatchSize = description.MaxBatchSize;
            Steps = MaxSteps;
            BatchSize = MaxBatchSize;
        }

        /// <summary>The most steps a batch may have (the model's <c>MaxSequenceLength</c>).</summary>
        public int MaxSteps { get; }

        /// <summary>The most sequences a batch may have (the model's <c>MaxBatchSize</c>).</summary>
        public int MaxBatchSize { get; }

        /// <summary>Steps in this batch (1..<see cref="MaxSteps"/>); starts at the maximum.</summary>
        public int Steps { get; set; }

        /// <summary>Sequences in this batch (1..<see cref="MaxBatchSize"/>); starts at the maximum.</summary>
        public int BatchSize { get; set; }

        /// <summary>Whether each sequence has its own length in <see cref="Lengths"/> (else every sequence runs all steps).</summary>
        public bool HasLengths { get; set; }

        /// <summary>Whether this batch continues the previous training batch's sequences, so the state is carried
        /// (<c>continueState</c>) rather than starting from zero. The trainer carries it only between consecutive
        /// training batches (a validation pass in between starts the next batch from zero).</summary>
        public bool ContinuesState { get; set; }

        /// <summary>Input buffer: <c>[steps][batch](×InputSize)</c>, time-major.</summary>
        public TInput[] Inputs { get; }

        /// <summary>Each sequence's length when <see cref="HasLengths"/> is set (padded steps are masked out of the loss).</summary>
        public int[] Lengths { get; }

        /// <summary>Whether <see cref="RowWeights"/> weights the output rows in the loss (else every row counts fully).</summary>
        public bool HasRowWeights { get; set; }

        /// <summary>One weight per output row when <see cref="HasRowWeights"/> is set: 1 counts, 0 leaves the row out
        /// (e.g. steps before a target exists); padded steps of <see cref="Lengths"/> are left out either way.</summary>
        public float[] RowWeights { get; }

        /// <summary>Class targets, one per output row (softmax cross-entropy).</summary>
        public int[] TokenTargets { get; }

        /// <summary>Float targets, one per output float (mean squared error, binary cross-entropy).</summary>
        public float[] Targets { get; }

        /// <summary>Output rows of this batch: <c>Steps × BatchSize</c>, or <c>BatchSize</c> for a last-step model.</summary>
        public int OutputRows => sequenceOutputs ? Steps * BatchSize : BatchSize;

        /// <summary>Floats of output: <see cref="OutputRows"/> × the model's <c>OutputSize</c>.</summary>
        public int OutputLength => OutputRows * outputSize;

        /// <summary>Tokens (steps) this batch trains on: the sum of the lengths, or <c>Steps × BatchSize</c>.</summary>
        public long TokenCount
        {
            get
            {
                if (!HasLengths)
                {
                    return (long)Steps * BatchSize;
                }

                long total = 0;
                for (int b = 0; b < BatchSize; b++)
                {
                    total += Lengths[b];
                }

                return total;
            }
        }

        /// <summary>The inputs this batch covers.</summary>
        public ReadOnlySpan<TInput> InputSpan => Inputs.AsSpan(0, Steps * BatchSize * inputWidth);

        /// <summary>The lengths this batch uses (empty without <see cref="HasLengths"/>).</summary>
        public ReadOnlySpan<int> LengthSpan => HasLengths ? Lengths.AsSpan(0, BatchSize) : default;

        /// <summary>Fills <paramref name="mask"/> (at least <see cref="OutputRows"/> floats) with each output row's
        /// weight in the loss: <see cref="RowWeights"/> (or 1), and 0 for padded steps.</summary>
        /// <param name="mask">Receives one weight per output row.</param>
        /// <returns>The mask, or an empty span when every row counts fully.</returns>
        public ReadOnlySpan<float> RowMask(Span<float> mask)
        {
            bool padded = HasLengths && sequenceOutputs;
            if (!padded && !HasRowWeights)
            {
                return default;
            }

            int rows = OutputRows;
            if (HasRowWeights)
            {
                RowWeights.AsSpan(0, rows).CopyTo(mask);
            }
            else
            {
                mask[..rows].Fill(1f);
            }

            if (padded)
            {
                for (int t = 0; t < Steps; t++)
                {
                    for (int b = 0; b < BatchSize; b++)
                    {
                        if (t >= Lengths[b])
                        {
                            mask[(t * BatchSize) + b] = 0f;
                        }
                    }
                }
            }

            return mask[..rows];
        }

        /// <summary>Checks the shape a data source set, naming what is wrong.</summary>
        /// <exception cref="InvalidOperationException">Steps, batch size or a length is out of range.</exception>
        public void Validate()
        {
            if (Steps < 1 || Steps > MaxSteps)
            {
                throw new InvalidOperationException($"TrainingBatch.Steps must be in [1, {MaxSteps}]; the data source set {Steps}.");
            }

            if (BatchSize < 1 || BatchSize > MaxBatchSize)
            {
                throw new InvalidOperationException($"TrainingBatch.BatchSize must be in [1, {MaxBatchSize}]; the data source set {BatchSize}.");
            }

            if (HasLengths)
            {
                for (int b = 0; b < BatchSize; b++)
                {
                    if (Lengths[b] < 0 || Lengths[b] > Steps)
                    {
                        throw new InvalidOperationException($"TrainingBatch.Lengths[{b}] must be in [0, Steps = {Steps}]; the data source set {Lengths[b]}.");
                    }
                }
            }
        }
    }
}
