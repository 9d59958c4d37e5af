using System;

namespace RnnGen.Training
{
    /// <content>LSTM unit forget bias (Jozefowicz et al. 2015; Keras' <c>unit_forget_bias</c>).</content>
    public static partial class WeightInitializers
    {
        /// <summary>Sets every element of a forget gate's bias to 1.</summary>
        /// <param name="forgetGateBias">The forget gate's bias, e.g. <c>b_if</c> exported from <c>Layer{k}.ForgetGate.InputBias</c>.</param>
        public static void UnitForgetBias(Span<float> forgetGateBias) => forgetGateBias.Fill(1f);

        /// <summary>
        /// Keras' <c>unit_forget_bias</c> on a PyTorch-layout LSTM bias of <c>4 × hiddenSize</c> floats (gate order
        /// i, f, g, o): zeros everywhere except the forget slice <c>[hiddenSize, 2 × hiddenSize)</c>, which is 1.
        /// </summary>
        /// <param name="lstmBias">A <c>bias_ih_l{k}</c> or <c>bias_hh_l{k}</c> tensor of 4 × <paramref name="hiddenSize"/> floats.</param>
        /// <param name="hiddenSize">The LSTM's hidden size H (at least 1).</param>
        /// <exception cref="ArgumentException"><paramref name="lstmBias"/> does not have 4 × H floats.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="hiddenSize"/> is below 1.</exception>
        /// <remarks>PyTorch adds <c>bias_ih</c> and <c>bias_hh</c>: apply this to one of them and zero the other
        /// to get Keras' effective forget bias of 1 (applying it to both gives 2).</remarks>
        public static void UnitForgetBias(Span<float> lstmBias, int hiddenSize)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
            var expected = 4L * hiddenSize;
            if (lstmBias.Length != expected)
            {
                throw new ArgumentException($"lstmBias must have length 4 × hiddenSize = {expected} (gates i, f, g, o); got {lstmBias.Length}.", nameof(lstmBias));
            }

            lstmBias.Clear();
            lstmBias.Slice(hiddenSize, hiddenSize).Fill(1f);
        }
    }
}
