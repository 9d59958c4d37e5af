namespace RnnGen.Onnx
{
    /// <summary>One way an ONNX graph differs from the model it is imported into.</summary>
    /// <param name="Where">The node, initializer or part of the network, e.g. <c>node 'LSTM_3' (layer 0)</c>.</param>
    /// <param name="What">The attribute or property, e.g. <c>hidden_size</c>.</param>
    /// <param name="Expected">What the model's <see cref="NetworkDescription"/> needs.</param>
    /// <param name="Found">What the graph has.</param>
    public sealed record OnnxDifference(string Where, string What, string Expected, string Found)
    {
        /// <summary>The difference on one line: <c>node 'LSTM_3' (layer 0): hidden_size: expected 64, found 32</c>.</summary>
        public override string ToString() => Where + ": " + What + ": expected " + Expected + ", found " + Found;
    }
}
