using System;

namespace RnnGen.Training
{
    /// <summary>
    /// The windows of truncated backpropagation through time TBPTT(k1, k2) over a sequence (Williams and Peng 1990;
    /// Sutskever 2013): every <see cref="Stride"/> = k1 steps, backpropagate through the last <see cref="Depth"/> = k2
    /// steps. The state is carried forward across windows, so the network sees the whole sequence while each update
    /// looks back at most k2 steps.
    /// </summary>
    /// <remarks>
    /// <para>k2 = k1: consecutive chunks (the same as <c>Forward(..., continueState: true)</c> per chunk).</para>
    /// <para>k2 &gt; k1: windows overlap; each runs its stride and the k2 - k1 steps before it from the state carried
    /// from the previous window, and counts the loss of its k1 new steps only, so every step's loss is counted once
    /// and reaches up to k2 steps back. The overlap is recomputed: forward work is k2/k1 times a single pass.</para>
    /// <para>k2 &lt; k1: each stride's first k1 - k2 steps run forward only (<see cref="BpttWindow.WarmupLength"/>);
    /// only the last k2 steps' losses are counted and backpropagated.</para>
    /// <para>Dropout masks are drawn per <c>Forward</c>, so a recomputed step may see a different mask than before.</para>
    /// </remarks>
    /// <example>
    /// A training pass over <c>steps</c> time-major steps of a float-input model; <c>outputs</c> and
    /// <c>outputGradients</c> are <c>Span&lt;float&gt;</c>s sized for the longest window, sliced to each call's exact shape:
    /// <code>
    /// foreach (BpttWindow window in new TruncatedBptt(steps, stride: 20, depth: 40))
    /// {
    ///     if (!window.IsFirst)
    ///     {
    ///         model.CarryStateFrom(window.ResumeAfter);
    ///     }
    ///
    ///     int inRow = batch * MyModel.InputSize, outRow = batch * MyModel.OutputSize;
    ///     if (window.WarmupLength &gt; 0)
    ///     {
    ///         model.Forward(inputs.Slice(window.WarmupStart * inRow, window.WarmupLength * inRow), outputs[..(window.WarmupLength * outRow)], batch);
    ///         model.CarryStateFrom(window.WarmupLength);
    ///     }
    ///
    ///     model.Forward(inputs.Slice(window.Start * inRow, window.Length * inRow), outputs[..(window.Length * outRow)], batch);
    ///     // the loss's gradient into outputGradients, zero for the first window.LossOffset steps; then:
    ///     model.Backward(outputGradients[..(window.Length * outRow)], gradients);
    /// }
    /// </code>
    /// </example>
    public sealed class TruncatedBptt
    {
        /// <summary>Plans the windows.</summary>
        /// <param name="steps">Steps in the whole sequence (at least 1).</param>
        /// <param name="stride">k1: steps between updates (at least 1).</param>
        /// <param name="depth">k2: steps each update backpropagates through (at least 1).</param>
        /// <exception cref="ArgumentOutOfRangeException">An argument is less than 1.</exception>
        public TruncatedBptt(int steps, int stride, int depth)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
            Steps = steps;
            Stride = stride;
            Depth = depth;
        }

        /// <summary>Steps in the whole sequence.</summary>
        public int Steps { get; }

        /// <summary>k1: steps between updates; each window counts the loss of at most this many new steps.</summary>
        public int Stride { get; }

        /// <summary>k2: the most steps one update backpropagates through.</summary>
        public int Depth { get; }

        /// <summary>The number of windows, ⌈steps / k1⌉.</summary>
        public int Count => ((Steps - 1) / Stride) + 1;

        /// <summary>
        /// The longest <c>Forward</c> a window runs: min(max(k1 - k2, k2), steps). The model's
        /// <c>MaxSequenceLength</c> must be at least this.
        /// </summary>
        public int LongestForward => Math.Min(Math.Max(Stride - Depth, Depth), Steps);

        /// <summary>The window at <paramref name="index"/>.</summary>
        /// <param name="index">0..<see cref="Count"/> - 1.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
        public BpttWindow this[int index]
        {
            get
            {
                if ((uint)index >= (uint)Count)
                {
                    throw new ArgumentOutOfRangeException(nameof(index), index, $"The schedule has windows 0..{Count - 1}.");
                }

                var (warmup, start, end, lossStart) = Bounds(index);
                var resumeAfter = index == 0 ? 0 : warmup - Bounds(index - 1).Start;
                return new BpttWindow(index, warmup, start, end, lossStart, resumeAfter);
            }
        }

        /// <summary>Enumerates the windows in order without allocating.</summary>
        /// <returns>The enumerator.</returns>
        public Enumerator GetEnumerator() => new(this);

        /// <summary>
        /// Steps of window <paramref name="index"/>: its stride is [index·k1, end); with k2 ≥ k1 the window reaches
        /// k2 - k1 steps before the stride (so k2 = k1 gives plain chunks, a short last one included); with k2 &lt; k1
        /// it keeps the stride's last k2 steps and runs the rest forward only.
        /// </summary>
        private (int Warmup, int Start, int End, int LossStart) Bounds(int index)
        {
            var strideStart = index * Stride;
            var end = Math.Min(strideStart + Stride, Steps);
            if (Depth >= Stride)
            {
                var start = Math.Max(0, strideStart - (Depth - Stride));
                return (start, start, end, strideStart);
            }

            var kept = Math.Max(strideStart, end - Depth);
            return (strideStart, kept, end, kept);
        }

        /// <summary>Enumerates <see cref="BpttWindow"/>s in order.</summary>
        public struct Enumerator
        {
            private readonly TruncatedBptt _schedule;
            private int _index;

            internal Enumerator(TruncatedBptt schedule)
            {
                _schedule = schedule;
                _index = -1;
            }

            /// <summary>The current window.</summary>
            public readonly BpttWindow Current => _schedule[_index];

            /// <summary>Moves to the next window.</summary>
            /// <returns>False after the last window.</returns>
            public bool MoveNext() => ++_index < _schedule.Count;
        }
    }
}
