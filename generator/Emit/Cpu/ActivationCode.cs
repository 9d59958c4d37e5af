namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Generated expressions for a cell's element-wise activations: the function, and its derivative written from the
    /// function's output y (what the tape keeps), so Backward never re-evaluates a pre-activation.
    /// </summary>
    internal static class ActivationCode
    {
        /// <summary>act(x).</summary>
        public static string Apply(Activation activation, string x, VectorFlavor flavor) => activation switch
        {
            Activation.Linear => x,
            Activation.Relu => flavor.Call("Relu", x),
            Activation.Sigmoid => flavor.Call("Sigmoid", x),
            Activation.HardSigmoid => flavor.Call("HardSigmoid", x),
            _ => flavor.Call("Tanh", x),
        };

        /// <summary>act'(x) from y = act(x): tanh 1 - y², sigmoid y(1 - y), relu [y &gt; 0], hard sigmoid 1/6 inside (0, 1), linear 1.</summary>
        public static string Derivative(Activation activation, string y, VectorFlavor flavor) => activation switch
        {
            Activation.Linear => flavor.One,
            Activation.Relu => flavor.Call("PositiveMask", y),
            Activation.Sigmoid => flavor.Multiply(y, flavor.Subtract(flavor.One, y)),
            Activation.HardSigmoid => flavor.Call("HardSigmoidSlope", y),
            _ => flavor.Subtract(flavor.One, flavor.Multiply(y, y)),
        };

        /// <summary>The name in equations and comments: tanh, σ, relu, hard_sigmoid, linear.</summary>
        public static string Symbol(Activation activation) => activation switch
        {
            Activation.Linear => "linear",
            Activation.Relu => "relu",
            Activation.Sigmoid => "σ",
            Activation.HardSigmoid => "hard_sigmoid",
            _ => "tanh",
        };
    }
}
