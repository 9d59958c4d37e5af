namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Generated expressions for a cell's element-wise activations: the function, and its derivative written from the
    /// function's output y (what the tape keeps), so Backward never re-evaluates a pre-activation.
    /// </summary>
    internal static class ActivationCode
    {
        private const string Math = "global::RnnGen.Numerics.VectorMath";

        /// <summary>act(x).</summary>
        public static string Apply(Activation activation, string x) => activation switch
        {
            Activation.Linear => x,
            Activation.Relu => $"{Math}.Relu({x})",
            Activation.Sigmoid => $"{Math}.Sigmoid({x})",
            Activation.HardSigmoid => $"{Math}.HardSigmoid({x})",
            _ => $"{Math}.Tanh({x})",
        };

        /// <summary>act'(x) from y = act(x): tanh 1 - y², sigmoid y(1 - y), relu [y &gt; 0], hard sigmoid 1/6 inside (0, 1), linear 1.</summary>
        public static string Derivative(Activation activation, string y, VectorFlavor flavor) => activation switch
        {
            Activation.Linear => flavor.One,
            Activation.Relu => $"{Math}.PositiveMask({y})",
            Activation.Sigmoid => $"({y} * ({flavor.One} - {y}))",
            Activation.HardSigmoid => $"{Math}.HardSigmoidSlope({y})",
            _ => $"({flavor.One} - ({y} * {y}))",
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
