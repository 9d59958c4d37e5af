namespace RnnGen.Training
{
    /// <summary>
    /// One window of truncated backpropagation through time, in absolute steps of the whole sequence:
    /// run <c>[WarmupStart, Start)</c> forward only (when <see cref="WarmupLength"/> &gt; 0), then
    /// <c>[Start, End)</c> forward, count the loss of <c>[LossStart, End)</c>, and run <c>Backward</c>.
    /// </summary>
    /// <param name="Index">The window's position in the schedule, from 0.</param>
    /// <param name="WarmupStart">First step of the forward-only part; equals <see cref="Start"/> when there is none.</param>
    /// <param name="Start">First step of the <c>Forward</c> that <c>Backward</c> runs back through.</param>
    /// <param name="End">One past the window's last step.</param>
    /// <param name="LossStart">First step whose loss this window counts; earlier steps of the window get mask 0.</param>
    /// <param name="ResumeAfter">
    /// For every window but the first: where its state comes from, in steps of the previous window's main
    /// <c>Forward</c>; pass it to the model's <c>CarryStateFrom</c> before the window's first <c>Forward</c>.
    /// </param>
    public readonly record struct BpttWindow(int Index, int WarmupStart, int Start, int End, int LossStart, int ResumeAfter)
    {
        /// <summary>Whether this window starts the sequence from the zero (or a staged) state.</summary>
        public bool IsFirst => Index == 0;

        /// <summary>Steps run forward only, before <see cref="Start"/>; their losses are not counted.</summary>
        public int WarmupLength => Start - WarmupStart;

        /// <summary>Steps of the main <c>Forward</c>, the ones <c>Backward</c> runs back through (at most k2).</summary>
        public int Length => End - Start;

        /// <summary><see cref="LossStart"/> relative to <see cref="Start"/>: the rows of the window's outputs before it get mask 0.</summary>
        public int LossOffset => LossStart - Start;
    }
}
