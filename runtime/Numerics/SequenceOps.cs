using System;
using System.Numerics.Tensors;

namespace RnnGen.Numerics
{
    /// <summary>
    /// Time reversal and bidirectional merging over time-major rows ([steps][batch][stride]), for reversed and
    /// bidirectional layers. Generated <c>Forward</c> / <c>Backward</c> call these.
    /// </summary>
    public static class SequenceOps
    {
        /// <summary>
        /// destination step t = source step (steps - 1 - t), <paramref name="block"/> floats (batch × stride) per step;
        /// with <paramref name="lengths"/>, each sequence is reversed within its own length (row (t, b) = source row
        /// (lengths[b] - 1 - t, b)) and its padded steps stay in place.
        /// </summary>
        public static void Reverse(ReadOnlySpan<float> source, Span<float> destination, int block, int steps, ReadOnlySpan<int> lengths = default)
        {
            if (lengths.IsEmpty)
            {
                for (var t = 0; t < steps; t++)
                {
                    source.Slice((steps - 1 - t) * block, block).CopyTo(destination.Slice(t * block, block));
                }

                return;
            }

            var stride = block / lengths.Length;
            for (var t = 0; t < steps; t++)
            {
                for (var b = 0; b < lengths.Length; b++)
                {
                    var from = Mirror(t, b, steps, lengths);
                    source.Slice((from * block) + (b * stride), stride).CopyTo(destination.Slice((t * block) + (b * stride), stride));
                }
            }
        }

        /// <summary>Token ids reversed in time like <see cref="Reverse(ReadOnlySpan{float}, Span{float}, int, int, ReadOnlySpan{int})"/>, <paramref name="batch"/> ids per step.</summary>
        public static void Reverse(ReadOnlySpan<int> source, Span<int> destination, int batch, int steps, ReadOnlySpan<int> lengths = default)
        {
            for (var t = 0; t < steps; t++)
            {
                for (var b = 0; b < batch; b++)
                {
                    destination[(t * batch) + b] = source[(Mirror(t, b, steps, lengths) * batch) + b];
                }
            }
        }

        /// <summary>The inverse of <see cref="Reverse(ReadOnlySpan{float}, Span{float}, int, int, ReadOnlySpan{int})"/>, adding: a reversed copy's gradient returned to time order.</summary>
        public static void AddReversed(ReadOnlySpan<float> source, Span<float> destination, int block, int steps, ReadOnlySpan<int> lengths = default)
        {
            var batch = lengths.IsEmpty ? 1 : lengths.Length;
            var stride = block / batch;
            for (var t = 0; t < steps; t++)
            {
                for (var b = 0; b < batch; b++)
                {
                    var target = destination.Slice((Mirror(t, b, steps, lengths) * block) + (b * stride), stride);
                    TensorPrimitives.Add(target, source.Slice((t * block) + (b * stride), stride), target);
                }
            }
        }

        /// <summary>The step that step t of sequence b trades places with: steps-1-t, or lengths[b]-1-t inside the sequence's length.</summary>
        private static int Mirror(int t, int b, int steps, ReadOnlySpan<int> lengths)
        {
            var length = lengths.IsEmpty ? steps : lengths[b];
            return t < length ? length - 1 - t : t;
        }

        /// <summary>destination += source, element by element.</summary>
        public static void Add(ReadOnlySpan<float> source, Span<float> destination) =>
            TensorPrimitives.Add(destination.Slice(0, source.Length), source, destination.Slice(0, source.Length));

        /// <summary>
        /// Merges a bidirectional layer's outputs: row (t, b) of <paramref name="output"/> = merge(forward (t, b),
        /// backward (steps - 1 - t, b)), where the backward sequence is in its processing (reversed) order. With
        /// <paramref name="finalOnly"/>, only the last step is written, from both directions' final states.
        /// </summary>
        public static void Merge(ReadOnlySpan<float> forward, ReadOnlySpan<float> backward, int stateStride, Span<float> output, int outputStride, int units, MergeMode mode, int batch, int steps, bool finalOnly, ReadOnlySpan<int> lengths = default)
        {
            for (var t = finalOnly ? steps - 1 : 0; t < steps; t++)
            {
                for (var b = 0; b < batch; b++)
                {
                    var back = finalOnly ? steps - 1 : Mirror(t, b, steps, lengths);
                    var f = forward.Slice(((t * batch) + b) * stateStride, units);
                    var r = backward.Slice(((back * batch) + b) * stateStride, units);
                    var o = output.Slice(((t * batch) + b) * outputStride);
                    switch (mode)
                    {
                        case MergeMode.Concat:
                            f.CopyTo(o);
                            r.CopyTo(o.Slice(units));
                            break;
                        case MergeMode.Sum:
                            TensorPrimitives.Add(f, r, o.Slice(0, units));
                            break;
                        case MergeMode.Multiply:
                            TensorPrimitives.Multiply(f, r, o.Slice(0, units));
                            break;
                        default:
                            TensorPrimitives.Add(f, r, o.Slice(0, units));
                            TensorPrimitives.Multiply(o.Slice(0, units), 0.5f, o.Slice(0, units));
                            break;
                    }
                }
            }
        }

        /// <summary>
        /// The gradient through <see cref="Merge"/>: from dL/doutput, adds dL/dforward (time order) and dL/dbackward
        /// (processing order) into the two directions' dL/dh rows.
        /// </summary>
        public static void MergeBackward(ReadOnlySpan<float> outputGradient, int outputStride, ReadOnlySpan<float> forward, ReadOnlySpan<float> backward, Span<float> forwardGradient, Span<float> backwardGradient, int stateStride, int units, MergeMode mode, int batch, int steps, bool finalOnly, ReadOnlySpan<int> lengths = default)
        {
            for (var t = finalOnly ? steps - 1 : 0; t < steps; t++)
            {
                for (var b = 0; b < batch; b++)
                {
                    var back = finalOnly ? steps - 1 : Mirror(t, b, steps, lengths);
                    var g = outputGradient.Slice(((t * batch) + b) * outputStride);
                    var fRow = ((t * batch) + b) * stateStride;
                    var rRow = ((back * batch) + b) * stateStride;
                    var df = forwardGradient.Slice(fRow, units);
                    var dr = backwardGradient.Slice(rRow, units);
                    switch (mode)
                    {
                        case MergeMode.Concat:
                            TensorPrimitives.Add(df, g.Slice(0, units), df);
                            TensorPrimitives.Add(dr, g.Slice(units, units), dr);
                            break;
                        case MergeMode.Sum:
                            TensorPrimitives.Add(df, g.Slice(0, units), df);
                            TensorPrimitives.Add(dr, g.Slice(0, units), dr);
                            break;
                        case MergeMode.Multiply:
                            TensorPrimitives.MultiplyAdd(g.Slice(0, units), backward.Slice(rRow, units), df, df);
                            TensorPrimitives.MultiplyAdd(g.Slice(0, units), forward.Slice(fRow, units), dr, dr);
                            break;
                        default:
                            TensorPrimitives.MultiplyAdd(g.Slice(0, units), 0.5f, df, df);
                            TensorPrimitives.MultiplyAdd(g.Slice(0, units), 0.5f, dr, dr);
                            break;
                    }
                }
            }
        }
    }
}
