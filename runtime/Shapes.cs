using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace RnnGen
{
    /// <summary>
    /// Argument checks the generated code calls before any work, so bad input fails with an exception that names the
    /// argument and the expected shape instead of reading or writing out of bounds.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Shapes
    {
        /// <summary>Validates a time-major <c>[steps][batchSize][rowWidth]</c> input and returns its step count.</summary>
        public static int Steps(int length, int batchSize, int rowWidth, int maxBatchSize, int maxSteps, string argument, string batchArgument)
        {
            if (batchSize < 1 || batchSize > maxBatchSize)
            {
                throw new ArgumentOutOfRangeException(batchArgument, batchSize, $"{batchArgument} must be between 1 and {maxBatchSize} (the network's BatchSize).");
            }

            var perStep = batchSize * rowWidth;
            var steps = length / perStep;
            if (length % perStep != 0 || steps < 1 || steps > maxSteps)
            {
                throw new ArgumentException(
                    $"{argument} must have shape [steps][{batchSize}][{rowWidth}] with 1 <= steps <= {maxSteps}, i.e. a multiple of {perStep} floats up to {perStep * (long)maxSteps}; got {length}.",
                    argument);
            }

            return steps;
        }

        /// <summary>
        /// The row count of a [rows][width] span (a batch of states), 1..<paramref name="maxRows"/>; throws naming the
        /// argument and the shape otherwise.
        /// </summary>
        public static int Rows(int length, int width, int maxRows, string argument)
        {
            var rows = length / width;
            if (length % width != 0 || rows < 1 || rows > maxRows)
            {
                throw new ArgumentException(
                    $"{argument} must have shape [batchSize][{width}] with 1 <= batchSize <= {maxRows}, i.e. a multiple of {width} floats up to {width * (long)maxRows}; got {length}.",
                    argument);
            }

            return rows;
        }

        /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
        /// <remarks>Inlined, with the message built out of line: a streaming <c>Step</c> makes two of these checks per call.</remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void RequireLength(int actual, int expected, string argument, string shape)
        {
            if (actual != expected)
            {
                ThrowLength(actual, expected, argument, shape);
            }
        }

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowLength(int actual, int expected, string argument, string shape) =>
            throw new ArgumentException($"{argument} must have shape {shape} = {expected} floats; got {actual}.", argument);

        /// <summary>Throws unless every token is in <c>[0, vocabulary)</c>.</summary>
        public static void CheckTokens(ReadOnlySpan<int> tokens, int vocabulary, string argument)
        {
            for (var i = 0; i < tokens.Length; i++)
            {
                if ((uint)tokens[i] >= (uint)vocabulary)
                {
                    throw new ArgumentOutOfRangeException(argument, tokens[i], $"{argument}[{i}] = {tokens[i]} is outside the vocabulary [0, {vocabulary}).");
                }
            }
        }

        /// <summary>The exception for a tensor name the network does not have; lists the names it does have.</summary>
        public static System.ArgumentException UnknownTensor(string name, System.Collections.Generic.IEnumerable<TensorInfo> known, string argument) =>
            new($"The network has no tensor named '{name}'. Its tensors are: {string.Join(", ", System.Linq.Enumerable.Select(known, t => t.Name + " " + t.Shape))}.", argument);
    
        /// <summary>Throws unless <paramref name="actual"/> equals <c>rows * width</c>; the shape is formatted only on failure.</summary>
        public static void RequireShape(int actual, string argument, int rows, int width)
        {
            if (actual != rows * width)
            {
                throw new ArgumentException($"{argument} must have shape [{rows}][{width}] = {rows * width} floats; got {actual}.", argument);
            }
        }

        /// <summary>Throws unless <paramref name="actual"/> equals <c>steps * rows * width</c>; formatted only on failure.</summary>
        public static void RequireShape(int actual, string argument, int steps, int rows, int width)
        {
            if (actual != steps * rows * width)
            {
                throw new ArgumentException($"{argument} must have shape [{steps}][{rows}][{width}] = {steps * rows * width} floats; got {actual}.", argument);
            }
        }

        /// <summary>Throws unless <paramref name="token"/> is in <c>[0, vocabulary)</c>.</summary>
        public static void CheckToken(int token, int vocabulary, string argument)
        {
            if ((uint)token >= (uint)vocabulary)
            {
                throw new ArgumentOutOfRangeException(argument, token, $"{argument} = {token} is outside the vocabulary [0, {vocabulary}).");
            }
        }
    }
}
