using System;

namespace RnnGen.Onnx
{
    /// <summary>RnnGen's activations as the names, alphas and betas of the ONNX recurrent operators' <c>activations</c> attribute.</summary>
    internal static class OnnxActivations
    {
        /// <summary>The ONNX name of a recurrent activation, or null when ONNX has none (Softmax).</summary>
        public static string? Name(Activation activation) => activation switch
        {
            Activation.Tanh => "Tanh",
            Activation.Relu => "Relu",
            Activation.Sigmoid => "Sigmoid",
            Activation.HardSigmoid => "HardSigmoid", // alpha 1/6, beta 1/2: clip(x/6 + 1/2, 0, 1) as RnnGen defines it
            Activation.Linear => "Affine",           // alpha 1, beta 0
            _ => null,
        };

        /// <summary>The <c>activation_alpha</c>/<c>activation_beta</c> pair the name needs (NaN: none).</summary>
        public static (float Alpha, float Beta) Parameters(Activation activation) => activation switch
        {
            Activation.HardSigmoid => (1f / 6f, 0.5f),
            Activation.Linear => (1f, 0f),
            _ => (float.NaN, float.NaN),
        };

        /// <summary>The activations ONNX uses when the attribute is absent: the gates' then the candidate's (and LSTM's cell output).</summary>
        public static string[] Defaults(CellType cell) => cell switch
        {
            CellType.Lstm => ["Sigmoid", "Tanh", "Tanh"],
            CellType.Gru => ["Sigmoid", "Tanh"],
            _ => ["Tanh"],
        };

        /// <summary>The activations one direction of a layer needs, in the attribute's order.</summary>
        public static Activation[] Of(RecurrentLayerInfo layer) => layer.Cell switch
        {
            CellType.Lstm => [layer.RecurrentActivation, layer.Activation, layer.Activation],
            CellType.Gru => [layer.RecurrentActivation, layer.Activation],
            _ => [layer.Activation],
        };

        /// <summary>Whether a layer's activations are ONNX's defaults (so the attribute can be left out).</summary>
        public static bool AreDefault(RecurrentLayerInfo layer)
        {
            Activation[] needed = Of(layer);
            string[] defaults = Defaults(layer.Cell);
            for (int i = 0; i < needed.Length; i++)
            {
                if (!string.Equals(Name(needed[i]), defaults[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
