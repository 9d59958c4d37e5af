namespace RnnGen
{
    /// <summary>
    /// The parameters of one gate of a recurrent layer, named as in PyTorch: <c>W_i*</c> (input weights),
    /// <c>W_h*</c> (recurrent weights), <c>b_i*</c> and <c>b_h*</c>.
    /// </summary>
    /// <param name="InputWeights">W_i*: [units][inputs].</param>
    /// <param name="RecurrentWeights">W_h*: [units][units].</param>
    /// <param name="InputBias">b_i*: [units] (a 0×1 matrix when the layer has no bias).</param>
    /// <param name="RecurrentBias">b_h*: [units] (a 0×1 matrix when the layer has no bias).</param>
    public readonly record struct GateParameters(GateMatrix InputWeights, GateMatrix RecurrentWeights, GateMatrix InputBias, GateMatrix RecurrentBias);
}
