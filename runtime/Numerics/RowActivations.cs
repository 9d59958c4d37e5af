using System;
using System.Numerics.Tensors;

namespace RnnGen.Numerics
{
    /// <summary>Applies a head's activation to one output row, with <see cref="TensorPrimitives"/>.</summary>
    public static class RowActivations
    {
        /// <summary>Writes <c>activation(source)</c> to <paramref name="destination"/> (same length).</summary>
        public static void Apply(ReadOnlySpan<float> source, Span<float> destination, Activation activation)
        {
            switch (activation)
            {
                case Activation.Linear:
                    source.CopyTo(destination);
                    break;
                case Activation.Tanh:
                    TensorPrimitives.Tanh(source, destination);
                    break;
                case Activation.Relu:
                    TensorPrimitives.Max(source, 0f, destination);
                    break;
                case Activation.Sigmoid:
                    TensorPrimitives.Sigmoid(source, destination);
                    break;
                case Activation.Softmax:
                    TensorPrimitives.SoftMax(source, destination);
                    break;

                default:
                    throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
            }
        }
    }
}
