namespace RnnGen
{
    /// <summary>The fully connected output head of a generated network (see <see cref="NetworkDescription"/>).</summary>
    /// <param name="Units">Outputs per step.</param>
    /// <param name="InputSize">Floats the head reads per step (the last recurrent layer's output).</param>
    /// <param name="Activation">The head's activation (Softmax runs over the units).</param>
    /// <param name="UseBias">Whether the head has a bias.</param>
    /// <param name="Dropout">Training-only dropout rate of the head's input.</param>
    public sealed record DenseLayerInfo(int Units, int InputSize, Activation Activation, bool UseBias, float Dropout)
    {
        /// <summary>The head as text, e.g. <c>Dense(96, Softmax)</c>.</summary>
        public override string ToString() => Activation == Activation.Linear ? "Dense(" + Units + ")" : "Dense(" + Units + ", " + Activation + ")";
    }
}
