namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>Where training batches come from: time-major <c>[SequenceLength][BatchSize]</c> inputs and next-character targets.</summary>
    public interface IBatchSource
    {
        /// <summary>The inputs of the current batch.</summary>
        int[] Inputs { get; }

        /// <summary>The next character after each input, same layout.</summary>
        int[] Targets { get; }

        /// <summary>Whether each row of the current batch continues the same row of the previous one (carry the state).</summary>
        bool ContinuesState { get; }

        /// <summary>Fills <see cref="Inputs"/> and <see cref="Targets"/> with a new batch.</summary>
        void Next();
    }
}
