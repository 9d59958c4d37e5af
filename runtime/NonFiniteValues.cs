using System;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace RnnGen
{
    /// <summary>
    /// Where NaN and infinity are stopped. Imported tensors (<c>ImportPyTorch</c>, <c>ImportKeras</c>) are always
    /// checked: a weight is never legitimately NaN and importing is not on a hot path. The values that flow through
    /// every call (<c>Forward</c>'s inputs, <c>Backward</c>'s output gradients, <c>Step</c>'s input) are checked only
    /// in checked mode, which costs one branch per call when off.
    /// </summary>
    /// <example>
    /// <code>
    /// NonFiniteValues.CheckInputs = true;   // while debugging a model that produces NaN
    /// model.Forward(inputs, outputs, 32);    // ArgumentException: inputs[step 3, sequence 1, feature 7] is NaN
    /// </code>
    /// Or without code: set the environment variable <c>RNNGEN_CHECK_INPUTS=1</c>.
    /// </example>
    public static class NonFiniteValues
    {
        /// <summary>
        /// Checked mode: every generated <c>Forward</c>, <c>Step</c> and <c>Backward</c> rejects a NaN or infinite
        /// input (or output gradient) with an exception naming its position. Off by default; on when the environment
        /// variable <c>RNNGEN_CHECK_INPUTS</c> is <c>1</c> at start-up.
        /// </summary>
        public static bool CheckInputs { get; set; } = Environment.GetEnvironmentVariable("RNNGEN_CHECK_INPUTS") == "1";

        /// <summary>
        /// Throws when <paramref name="values"/> holds NaN or ±∞, naming <paramref name="what"/> and the first bad index
        /// as a position in a time-major [steps][batch][width] layout.
        /// </summary>
        /// <param name="values">The values to check.</param>
        /// <param name="batchSize">Rows per step (1 for a single row).</param>
        /// <param name="width">Values per row.</param>
        /// <param name="what">What the values are, for the message (the argument's name).</param>
        /// <exception cref="ArgumentException">A value is not finite.</exception>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static void RequireFiniteRows(ReadOnlySpan<float> values, int batchSize, int width, string what)
        {
            if (TensorPrimitives.IsFiniteAll(values))
            {
                return;
            }

            var index = FirstNonFinite(values);
            var row = index / width;
            throw new ArgumentException(
                $"{what}[step {row / batchSize}, sequence {row % batchSize}, element {index % width}] (flat index {index}) is {Describe(values[index])}; " +
                "checked mode (NonFiniteValues.CheckInputs) stops non-finite values where they enter.",
                what);
        }

        /// <summary>Throws when an imported tensor holds NaN or ±∞, naming the tensor and the first bad index.</summary>
        /// <param name="values">The tensor's values, in the order given.</param>
        /// <param name="tensor">The tensor's name (<c>weight_ih_l0</c>, <c>layer0/kernel</c>...).</param>
        /// <param name="argument">The argument that carried it.</param>
        /// <exception cref="ArgumentException">A value is not finite.</exception>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static void RequireFiniteTensor(ReadOnlySpan<float> values, string tensor, string argument)
        {
            if (TensorPrimitives.IsFiniteAll(values))
            {
                return;
            }

            var index = FirstNonFinite(values);
            throw new ArgumentException(
                $"Tensor '{tensor}' holds {Describe(values[index])} at index {index} (of {values.Length}); nothing was imported. A weight must be finite.",
                argument);
        }

        private static int FirstNonFinite(ReadOnlySpan<float> values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        private static string Describe(float value) => float.IsNaN(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity";
    }
}
