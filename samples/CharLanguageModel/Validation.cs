using System;
using RnnGen.Text;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>
    /// Measures the model on the validation text in bits per character (the cross-entropy in nats divided by ln 2).
    /// </summary>
    /// <remarks>
    /// <para><see cref="Windows"/> is the cheap measure used during training: a fixed set of windows of 64 characters,
    /// spread evenly over the validation text, each run from a zero state with <c>Forward</c> in batches, so every
    /// measurement sees exactly the same characters. The first characters of each window have little context, so it is
    /// a little worse than the model's real quality.</para>
    /// <para><see cref="Streamed"/> is the real one: the whole validation text (up to a cap) fed one character at a time
    /// through <c>Step</c>, with the state carried along, as the model is used when it generates.</para>
    /// </remarks>
    public sealed class Validation
    {
        private const int MaxWindowBatches = 32;
        private readonly int[] text;
        private readonly int[] tokens;
        private readonly int[] targets;
        private readonly float[] outputs;

        /// <summary>Chooses the windows: up to 32 batches of non-overlapping windows spread evenly over <paramref name="text"/>.</summary>
        /// <param name="text">The validation ids (at least one window of 65).</param>
        public Validation(int[] text)
        {
            ArgumentNullException.ThrowIfNull(text);
            const int window = TrainingDefaults.SequenceLength + 1;
            ArgumentOutOfRangeException.ThrowIfLessThan(text.Length, window, nameof(text));
            this.text = text;
            var count = Math.Min(MaxWindowBatches * TrainingDefaults.BatchSize, text.Length / window);
            var spacing = (text.Length - window) / Math.Max(count - 1, 1);
            WindowCount = count;

            // Laid out batch by batch, each batch time-major [step][row], ready for Forward.
            tokens = new int[count * TrainingDefaults.SequenceLength];
            targets = new int[tokens.Length];
            for (var w = 0; w < count; w++)
            {
                var batch = w / TrainingDefaults.BatchSize;
                var row = w % TrainingDefaults.BatchSize;
                var rows = BatchRows(batch);
                var batchStart = batch * TrainingDefaults.BatchSize * TrainingDefaults.SequenceLength;
                for (var t = 0; t < TrainingDefaults.SequenceLength; t++)
                {
                    tokens[batchStart + (t * rows) + row] = text[(w * spacing) + t];
                    targets[batchStart + (t * rows) + row] = text[(w * spacing) + t + 1];
                }
            }

            outputs = new float[TrainingDefaults.SequenceLength * TrainingDefaults.BatchSize * CharacterSet.Size];
        }

        /// <summary>The number of validation windows.</summary>
        public int WindowCount { get; }

        /// <summary>The number of characters scored by <see cref="Windows"/>.</summary>
        public int WindowCharacters => WindowCount * TrainingDefaults.SequenceLength;

        /// <summary>Scores the fixed windows with batched <c>Predict</c> calls (Forward's outputs, without the training tape).</summary>
        /// <typeparam name="TState">The model's state type.</typeparam>
        /// <param name="model">The model.</param>
        /// <returns>The score; <see cref="SequenceScore.BitsPerToken"/> is bits per character.</returns>
        public SequenceScore Windows<TState>(ICharNetwork<TState> model)
            where TState : class
        {
            ArgumentNullException.ThrowIfNull(model);
            var score = default(SequenceScore);
            var batches = (WindowCount + TrainingDefaults.BatchSize - 1) / TrainingDefaults.BatchSize;
            for (var batch = 0; batch < batches; batch++)
            {
                var rows = BatchRows(batch);
                var length = rows * TrainingDefaults.SequenceLength;
                var start = batch * TrainingDefaults.BatchSize * TrainingDefaults.SequenceLength;
                var probabilities = outputs.AsSpan(0, length * CharacterSet.Size);
                model.Predict(tokens.AsSpan(start, length), probabilities, rows, continueState: false); // inference: no tape, no dropout
                score += SequenceScore.Compute(probabilities, targets.AsSpan(start, length));
            }

            return score;
        }

        /// <summary>Scores the validation text (at most <paramref name="maxCharacters"/> of it) one character at a time, carrying the state.</summary>
        /// <typeparam name="TState">The model's state type.</typeparam>
        /// <param name="model">The model.</param>
        /// <param name="maxCharacters">How many characters to score at most.</param>
        /// <returns>The score of every character after the first.</returns>
        public SequenceScore Streamed<TState>(ICharNetwork<TState> model, int maxCharacters)
            where TState : class
        {
            ArgumentNullException.ThrowIfNull(model);
            var state = model.CreateState();
            var probabilities = new float[CharacterSet.Size];
            var count = Math.Min(maxCharacters, text.Length - 1);
            double logProbability = 0;
            for (var i = 0; i < count; i++)
            {
                model.Step(state, text[i], probabilities);
                logProbability += Math.Log(probabilities[text[i + 1]]);
            }

            return new SequenceScore(logProbability, count);
        }

        /// <summary>The number of Forward batches <see cref="Windows{TState}"/> runs.</summary>
        public int BatchCount => (WindowCount + TrainingDefaults.BatchSize - 1) / TrainingDefaults.BatchSize;

        /// <summary>The same windows as a batch source for the runtime's <see cref="RnnGen.Training.Trainer{TInput}"/>:
        /// <see cref="BatchCount"/> batches make one pass, and the next pass starts again at the first window.</summary>
        /// <returns>The source.</returns>
        public RnnGen.Training.ITrainingData<int> AsTrainingData() => new WindowBatches(this);

        private int BatchRows(int batch) => Math.Min(TrainingDefaults.BatchSize, WindowCount - (batch * TrainingDefaults.BatchSize));
    
        /// <summary>Yields the fixed validation windows batch by batch, in order, round and round.</summary>
        private sealed class WindowBatches(Validation validation) : RnnGen.Training.ITrainingData<int>
        {
            private int next;

            public void Next(RnnGen.Training.TrainingBatch<int> batch)
            {
                var rows = validation.BatchRows(next);
                var length = rows * TrainingDefaults.SequenceLength;
                var start = next * TrainingDefaults.BatchSize * TrainingDefaults.SequenceLength;
                batch.Steps = TrainingDefaults.SequenceLength;
                batch.BatchSize = rows;
                validation.tokens.AsSpan(start, length).CopyTo(batch.Inputs);
                validation.targets.AsSpan(start, length).CopyTo(batch.TokenTargets);
                next = (next + 1) % validation.BatchCount;
            }
        }
    }
}
