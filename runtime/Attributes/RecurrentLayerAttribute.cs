using System;

namespace RnnGen
{
    /// <summary>Options every recurrent layer shares.</summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public abstract class RecurrentLayerAttribute : Attribute
    {
        /// <summary>Creates a layer of <paramref name="units"/> hidden units.</summary>
        protected RecurrentLayerAttribute(int units) => Units = units;

        /// <summary>Hidden units (1..8192).</summary>
        public int Units { get; }

        /// <summary>Whether the layer has biases (PyTorch <c>bias</c>, Keras <c>use_bias</c>). Default true.</summary>
        public bool UseBias { get; set; } = true;

        /// <summary>
        /// True (the default, like PyTorch): the layer outputs every step. False (Keras' default): only the last step;
        /// allowed only on the last recurrent layer.
        /// </summary>
        public bool ReturnSequences { get; set; } = true;

        /// <summary>
        /// Fraction of the layer's input units dropped while training (Keras <c>dropout</c>), in [0, 1). One mask per
        /// sequence, the same at every step; kept units are scaled by 1 / (1 - rate). Default 0 (off).
        /// </summary>
        /// <remarks>Active only in a <c>Forward</c> run with the generated <c>Training</c> property set; <c>Step</c> never drops.</remarks>
        public float Dropout { get; set; }

        /// <summary>
        /// Fraction of h(t-1)'s units dropped from the recurrent products W_hh · h(t-1) while training (Keras
        /// <c>recurrent_dropout</c>, Gal and Ghahramani's variational dropout), in [0, 1). One mask per sequence; the
        /// state itself (c for an LSTM, the z ⊙ h(t-1) term of a GRU) is not dropped. Default 0 (off).
        /// </summary>
        public float RecurrentDropout { get; set; }

        /// <summary>
        /// Runs the layer over the sequence in reverse and returns its outputs in that (reversed) order, as Keras'
        /// <c>go_backwards</c>; the final state is the one after the first time step. Default false. A model with a
        /// reversed layer has no streaming <c>Step</c>.
        /// </summary>
        public bool GoBackwards { get; set; }

        /// <summary>
        /// Wraps the layer in a bidirectional pair (Keras <c>Bidirectional</c>, PyTorch <c>bidirectional=True</c>): a
        /// forward copy and a backward copy with their own weights, both seeing the whole sequence, their outputs
        /// aligned in time and merged by <see cref="MergeMode"/>. A model with a bidirectional layer has no
        /// streaming <c>Step</c>.
        /// </summary>
        public bool Bidirectional { get; set; }

        /// <summary>
        /// LSTM only (RNNG0012 elsewhere): peephole connections (Gers and Schmidhuber 2000), per-unit weights p with
        /// <c>i = rec(. + p_i ⊙ c(t-1))</c>, <c>f = rec(. + p_f ⊙ c(t-1))</c>, <c>o = rec(. + p_o ⊙ c(t))</c>. Tensors
        /// <c>peephole_i_l{k}</c>, <c>peephole_f_l{k}</c>, <c>peephole_o_l{k}</c>. Default false.
        /// </summary>
        public bool Peepholes { get; set; }

        /// <summary>
        /// LSTM only (RNNG0012 elsewhere): coupled input and forget gates (CIFG), <c>c = f ⊙ c + (1 - f) ⊙ g</c>,
        /// so the layer has three gates (f, g, o) instead of four. Default false.
        /// </summary>
        public bool CoupledGates { get; set; }

        /// <summary>How a <see cref="Bidirectional"/> layer merges its two directions. Default <see cref="RnnGen.MergeMode.Concat"/> (2 × units wide).</summary>
        public MergeMode MergeMode { get; set; } = MergeMode.Concat;
    }

    /// <summary>
    /// An Elman RNN layer: <c>h(t) = act(W_ih x(t) + b_ih + W_hh h(t-1) + b_hh)</c>, as PyTorch <c>nn.RNN</c>.
    /// </summary>
    public sealed class SimpleRnnAttribute : RecurrentLayerAttribute
    {
        /// <summary>Creates a layer with <paramref name="units"/> units and an element-wise <paramref name="activation"/> (Tanh, Relu, Sigmoid, HardSigmoid or Linear).</summary>
        public SimpleRnnAttribute(int units, Activation activation = Activation.Tanh)
            : base(units) => Activation = activation;

        /// <summary>The non-linearity: Tanh (default), Relu, Sigmoid, HardSigmoid or Linear.</summary>
        public Activation Activation { get; }
    }

    /// <summary>
    /// A long short-term memory layer with PyTorch's equations and gate order (i, f, g, o):
    /// <c>c(t) = f ⊙ c(t-1) + i ⊙ g</c>, <c>h(t) = o ⊙ tanh(c(t))</c>.
    /// </summary>
    public sealed class LstmAttribute : RecurrentLayerAttribute
    {
        /// <summary>Creates an LSTM layer with <paramref name="units"/> units.</summary>
        public LstmAttribute(int units)
            : base(units)
        {
        }

        /// <summary>
        /// The candidate's and the cell output's non-linearity: <c>g = act(.)</c>, <c>h = o ⊙ act(c)</c> (Keras
        /// <c>activation</c>). Tanh (default), Relu, Sigmoid, HardSigmoid or Linear.
        /// </summary>
        public Activation Activation { get; set; } = Activation.Tanh;

        /// <summary>The gates' non-linearity for i, f, o (Keras <c>recurrent_activation</c>). Sigmoid (default), HardSigmoid, Tanh, Relu or Linear.</summary>
        public Activation RecurrentActivation { get; set; } = Activation.Sigmoid;
    }

    /// <summary>
    /// A gated recurrent unit layer with gate order (r, z, n): <c>h(t) = (1 - z) ⊙ n + z ⊙ h(t-1)</c>.
    /// </summary>
    public sealed class GruAttribute : RecurrentLayerAttribute
    {
        /// <summary>Creates a GRU layer with <paramref name="units"/> units.</summary>
        public GruAttribute(int units)
            : base(units)
        {
        }

        /// <summary>The candidate's non-linearity, <c>n = act(.)</c> (Keras <c>activation</c>). Tanh (default), Relu, Sigmoid, HardSigmoid or Linear.</summary>
        public Activation Activation { get; set; } = Activation.Tanh;

        /// <summary>The gates' non-linearity for r and z (Keras <c>recurrent_activation</c>). Sigmoid (default), HardSigmoid, Tanh, Relu or Linear.</summary>
        public Activation RecurrentActivation { get; set; } = Activation.Sigmoid;

        /// <summary>
        /// True (default; PyTorch, cuDNN, Keras v2): <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c>.
        /// False (Cho et al. 2014, Keras v1): <c>n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)</c>.
        /// </summary>
        public bool ResetAfter { get; set; } = true;

        /// <summary>
        /// The minimal gated unit (Zhou et al. 2016): one forget gate f instead of r and z,
        /// <c>f = rec(W_f x + U_f h + b_f)</c>, <c>n = act(W_n x + U_n (f ⊙ h) + b_n)</c>,
        /// <c>h = (1 - f) ⊙ h + f ⊙ n</c>; gates (f, n). Implies <c>ResetAfter = false</c>. Default false.
        /// </summary>
        public bool Minimal { get; set; }
    }

    /// <summary>
    /// The fully connected output head, applied to every output step: <c>y = act(W h + b)</c>. Must be the last
    /// layer attribute.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class DenseAttribute : Attribute
    {
        /// <summary>Creates a head of <paramref name="units"/> outputs with <paramref name="activation"/>.</summary>
        public DenseAttribute(int units, Activation activation = Activation.Linear)
        {
            Units = units;
            Activation = activation;
        }

        /// <summary>Output units (1..8192).</summary>
        public int Units { get; }

        /// <summary>The output non-linearity; <see cref="Activation.Softmax"/> normalises each row.</summary>
        public Activation Activation { get; }

        /// <summary>Whether the head has a bias. Default true.</summary>
        public bool UseBias { get; set; } = true;

        /// <summary>
        /// Fraction of the head's inputs (the last recurrent layer's outputs) dropped while training, in [0, 1); one
        /// mask per sequence, kept units scaled by 1 / (1 - rate). Default 0 (off).
        /// </summary>
        public float Dropout { get; set; }
    }
}
