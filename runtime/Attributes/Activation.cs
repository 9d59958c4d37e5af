namespace RnnGen
{
    /// <summary>
    /// An element-wise (or, for <see cref="Softmax"/>, row-wise) non-linearity applied to a layer's output.
    /// </summary>
    /// <remarks>Shared as source with the generator, which reads the numeric values from attribute metadata.</remarks>
#if RNNGEN_GENERATOR
    internal enum Activation // The generator's copy stays internal so it cannot clash with the runtime's.
#else
    public enum Activation
#endif
    {
        /// <summary>Identity: <c>y = x</c>.</summary>
        Linear = 0,

        /// <summary>Hyperbolic tangent: <c>y = tanh(x)</c>.</summary>
        Tanh = 1,

        /// <summary>Rectified linear unit: <c>y = max(x, 0)</c>.</summary>
        Relu = 2,

        /// <summary>Logistic sigmoid: <c>y = 1 / (1 + e^-x)</c>.</summary>
        Sigmoid = 3,

        /// <summary>Softmax over the row: <c>y_i = e^x_i / Σ_j e^x_j</c> (only valid on a <c>Dense</c> head).</summary>
        Softmax = 4,

        /// <summary>
        /// Piecewise-linear sigmoid: <c>y = clip(x / 6 + 1/2, 0, 1)</c> (Keras 3 <c>hard_sigmoid</c>, PyTorch
        /// <c>Hardsigmoid</c>); for recurrent layers only.
        /// </summary>
        HardSigmoid = 5,
    }
}
