using System;

namespace RnnGen.Samples.AddingProblem
{
    /// <summary>
    /// One batch of the adding problem, time-major as the generated <c>Forward</c> takes it: <see cref="Inputs"/> is
    /// <c>[steps][batch][2]</c> (value, marker) and <see cref="Targets"/> is <c>[batch]</c>.
    /// </summary>
    public sealed class AddingBatch
    {
        /// <summary>Allocates a batch of <paramref name="batchSize"/> sequences of <paramref name="length"/> steps.</summary>
        /// <param name="length">Steps per sequence (at least 2).</param>
        /// <param name="batchSize">Sequences (at least 1).</param>
        public AddingBatch(int length, int batchSize)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
            ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
            Length = length;
            BatchSize = batchSize;
            Inputs = new float[length * batchSize * ModelLimits.Features];
            Targets = new float[batchSize];
        }

        /// <summary>Steps per sequence.</summary>
        public int Length { get; }

        /// <summary>Sequences in the batch.</summary>
        public int BatchSize { get; }

        /// <summary>The inputs, <c>[steps][batch][value, marker]</c>.</summary>
        public float[] Inputs { get; }

        /// <summary>The sum of the two marked values of each sequence.</summary>
        public float[] Targets { get; }

        /// <summary>The inputs of steps <c>[start, start + count)</c>, still <c>[count][batch][2]</c>.</summary>
        /// <param name="start">The first step.</param>
        /// <param name="count">The number of steps.</param>
        /// <returns>A view into <see cref="Inputs"/>.</returns>
        public ReadOnlySpan<float> Steps(int start, int count)
        {
            var stride = BatchSize * ModelLimits.Features;
            return Inputs.AsSpan(start * stride, count * stride);
        }
    }

    /// <summary>
    /// The adding problem of Hochreiter &amp; Schmidhuber (1997): every step carries a value drawn uniformly from
    /// [0, 1) and a marker; the marker is 1 at exactly two steps, one in the first half of the sequence and one in
    /// the second, and the target, read at the last step only, is the sum of the two marked values.
    /// </summary>
    /// <remarks>
    /// The target is the sum of two independent U[0, 1) values, so a model that ignores the input and always answers
    /// its mean 1 has a mean squared error of Var = 2/12 ≈ 0.167 (<see cref="BaselineMse"/>). To beat it the network
    /// must carry the first marked value across at least half the sequence.
    /// </remarks>
    public static class AddingTask
    {
        /// <summary>The mean squared error of always predicting 1: the variance of the sum of two U[0, 1) values.</summary>
        public const double BaselineMse = 2.0 / 12.0;

        /// <summary>Fills <paramref name="batch"/> with fresh random sequences.</summary>
        /// <param name="random">The random source.</param>
        /// <param name="batch">The batch to overwrite.</param>
        public static void Fill(Random random, AddingBatch batch)
        {
            ArgumentNullException.ThrowIfNull(random);
            ArgumentNullException.ThrowIfNull(batch);
            var inputs = batch.Inputs.AsSpan();
            var length = batch.Length;
            var batchSize = batch.BatchSize;
            for (var i = 0; i < inputs.Length; i += ModelLimits.Features)
            {
                inputs[i] = random.NextSingle();
                inputs[i + 1] = 0f;
            }

            var half = length / 2;
            for (var b = 0; b < batchSize; b++)
            {
                var first = random.Next(0, half);
                var second = random.Next(half, length);
                var firstIndex = Index(first, b, batchSize);
                var secondIndex = Index(second, b, batchSize);
                inputs[firstIndex + 1] = 1f;
                inputs[secondIndex + 1] = 1f;
                batch.Targets[b] = inputs[firstIndex] + inputs[secondIndex];
            }
        }

        /// <summary>Creates and fills a batch.</summary>
        /// <param name="random">The random source.</param>
        /// <param name="length">Steps per sequence.</param>
        /// <param name="batchSize">Sequences.</param>
        /// <returns>The new batch.</returns>
        public static AddingBatch Create(Random random, int length, int batchSize)
        {
            var batch = new AddingBatch(length, batchSize);
            Fill(random, batch);
            return batch;
        }

        private static int Index(int step, int sequence, int batchSize) => ((step * batchSize) + sequence) * ModelLimits.Features;
    }
}
