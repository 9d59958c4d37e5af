namespace RnnGen
{
    /// <summary>Where a dropout mask applies; used to read back the masks of the last training <c>Forward</c>.</summary>
    public enum DropoutSite
    {
        /// <summary>A recurrent layer's input x(t) (the attribute's <c>Dropout</c>): [batch][input width].</summary>
        LayerInput,

        /// <summary>h(t-1) inside a recurrent layer's W_hh products (<c>RecurrentDropout</c>): [batch][units].</summary>
        Recurrent,

        /// <summary>The dense head's input (<c>[Dense(Dropout = ...)]</c>): [batch][last layer's units].</summary>
        HeadInput,
    }
}
