using System;

namespace RnnGen.Numerics
{
    /// <summary>
    /// Variable-length batches (PyTorch packed-sequence semantics): sequence b has <c>lengths[b]</c> valid steps;
    /// from then on its state is held, its outputs are zero and no gradient flows through its padded steps.
    /// Rows are time-major, [steps][batch][stride]; generated code calls these once per time step.
    /// </summary>
    public static class SequenceLengths
    {
        /// <summary>Throws unless there is one length per sequence, each in [1, steps].</summary>
        public static void Check(ReadOnlySpan<int> lengths, int batchSize, int steps, string argument)
        {
            if (lengths.Length != batchSize)
            {
                throw new ArgumentException($"{argument} must hold one length per sequence, {batchSize}; got {lengths.Length}.", argument);
            }

            for (var b = 0; b < lengths.Length; b++)
            {
                if (lengths[b] < 1 || lengths[b] > steps)
                {
                    throw new ArgumentOutOfRangeException(argument, lengths[b], $"{argument}[{b}] = {lengths[b]} is outside [1, {steps}] (1 to the number of steps in the batch).");
                }
            }
        }

        /// <summary>next row b = previous row b for every sequence that has ended by <paramref name="step"/>: its state is held.</summary>
        public static void HoldFinished(ReadOnlySpan<float> previous, Span<float> next, int stride, ReadOnlySpan<int> lengths, int step)
        {
            for (var b = 0; b < lengths.Length; b++)
            {
                if (step >= lengths[b])
                {
                    previous.Slice(b * stride, stride).CopyTo(next.Slice(b * stride, stride));
                }
            }
        }

        /// <summary>
        /// <see cref="HoldFinished(ReadOnlySpan{float}, Span{float}, int, ReadOnlySpan{int}, int)"/> for columns
        /// [<paramref name="column"/>, <paramref name="column"/> + <paramref name="columns"/>) of each row only: the
        /// units a thread computed, when a step's units are split across threads.
        /// </summary>
        public static void HoldFinished(ReadOnlySpan<float> previous, Span<float> next, int stride, ReadOnlySpan<int> lengths, int step, int column, int columns)
        {
            for (var b = 0; b < lengths.Length; b++)
            {
                if (step >= lengths[b])
                {
                    previous.Slice((b * stride) + column, columns).CopyTo(next.Slice((b * stride) + column, columns));
                }
            }
        }

        /// <summary>Copies the rows of sequences that have ended by <paramref name="step"/> between two [batch][stride] buffers.</summary>
        public static void CopyFinished(ReadOnlySpan<float> source, Span<float> destination, int stride, ReadOnlySpan<int> lengths, int step) =>
            HoldFinished(source, destination, stride, lengths, step);

        /// <summary>Zeroes the rows of sequences that have ended by <paramref name="step"/> in a [batch][stride] buffer.</summary>
        public static void ClearFinished(Span<float> rows, int stride, ReadOnlySpan<int> lengths, int step)
        {
            for (var b = 0; b < lengths.Length; b++)
            {
                if (step >= lengths[b])
                {
                    rows.Slice(b * stride, stride).Clear();
                }
            }
        }

        /// <summary>Zeroes every padded row (step t &gt;= lengths[b]) of [steps][batch][stride] rows.</summary>
        public static void ClearPadding(Span<float> rows, int stride, ReadOnlySpan<int> lengths, int steps)
        {
            for (var t = 0; t < steps; t++)
            {
                ClearFinished(rows.Slice(t * lengths.Length * stride), stride, lengths, t);
            }
        }
    }
}
