using System.Globalization;

namespace RnnGen.Onnx
{
    /// <summary>The PyTorch <c>state_dict</c> names generated models use (see <see cref="IRecurrentNetwork.PyTorchTensors"/>).</summary>
    internal static class PyTorchNames
    {
        public const string Embedding = "embedding.weight";
        public const string HeadWeight = "head.weight";
        public const string HeadBias = "head.bias";

        /// <summary>e.g. <c>weight_ih_l1_reverse</c>: <paramref name="kind"/> is weight_ih, weight_hh, bias_ih or bias_hh.</summary>
        public static string Layer(string kind, int layer, int direction) =>
            kind + "_l" + layer.ToString(CultureInfo.InvariantCulture) + (direction == 1 ? "_reverse" : string.Empty);
    }
}
