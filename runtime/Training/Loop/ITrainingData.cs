namespace RnnGen.Training
{
    /// <summary>A source of batches for <see cref="Trainer{TInput}"/>: training data, or validation data.</summary>
    /// <typeparam name="TInput"><c>float</c> features or <c>int</c> token ids.</typeparam>
    /// <example>
    /// <code>
    /// sealed class RandomWindows(int[] corpus, Random random) : ITrainingData&lt;int&gt;
    /// {
    ///     public void Next(TrainingBatch&lt;int&gt; batch)
    ///     {
    ///         for (int b = 0; b &lt; batch.BatchSize; b++)
    ///         {
    ///             int start = random.Next(corpus.Length - batch.Steps - 1);
    ///             for (int t = 0; t &lt; batch.Steps; t++)
    ///             {
    ///                 batch.Inputs[t * batch.BatchSize + b] = corpus[start + t];
    ///                 batch.TokenTargets[t * batch.BatchSize + b] = corpus[start + t + 1];
    ///             }
    ///         }
    ///     }
    /// }
    /// </code>
    /// </example>
    public interface ITrainingData<TInput>
        where TInput : unmanaged
    {
        /// <summary>Fills the next batch: inputs and targets, and the shape if it differs from the last batch's.</summary>
        /// <param name="batch">The buffers to fill (reused between calls).</param>
        void Next(TrainingBatch<TInput> batch);
    }
}
