namespace RnnGen.Samples.Common
{
    /// <summary>Receives the training loop's progress.</summary>
    /// <typeparam name="TStatus">The sample's training status.</typeparam>
    public interface ITrainingProgress<in TStatus>
        where TStatus : ITrainingStatus
    {
        /// <summary>How often (in steps) the loop should call <see cref="Update"/>.</summary>
        int UpdateEvery { get; }

        /// <summary>Shows the current status.</summary>
        /// <param name="status">The status.</param>
        void Update(TStatus status);

        /// <summary>Writes a line (e.g. a validation score) without disturbing the progress display.</summary>
        /// <param name="text">Plain text.</param>
        void WriteLine(string text);
    }
}
