namespace RnnGen.Samples.Common
{
    /// <summary>
    /// What the shared progress display needs from a sample's training status; the rest (loss, throughput, its units)
    /// stays with the sample, which formats it.
    /// </summary>
    public interface ITrainingStatus
    {
        /// <summary>Steps taken in this run: the position of the progress bar, whose maximum is the steps planned.</summary>
        int Done { get; }
    }
}
