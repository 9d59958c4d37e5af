using System;

namespace RnnGen
{
    /// <summary>
    /// Marks a <c>partial class</c> as a recurrent network. The layer attributes on the same declaration, read in
    /// source order, describe it; the generator adds the compiled network to the class.
    /// </summary>
    /// <example>
    /// <code>
    /// [RecurrentNetwork(InputSize = 8, SequenceLength = 100, BatchSize = 32)]
    /// [Lstm(128)]
    /// [Dense(4, Activation.Softmax)]
    /// public partial class GestureModel { }
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
    public sealed class RecurrentNetworkAttribute : Attribute
    {
        /// <summary>Float features per time step. Set this, or add an <see cref="EmbeddingAttribute"/>, not both.</summary>
        public int InputSize { get; set; }

        /// <summary>The most time steps one <c>Forward</c> call accepts (1..65536). Default 128.</summary>
        public int SequenceLength { get; set; } = 128;

        /// <summary>The most sequences one <c>Forward</c> call accepts (1..4096). Default 1.</summary>
        public int BatchSize { get; set; } = 1;

        /// <summary>
        /// Also compile the network for NVIDIA GPUs: the generator emits PTX kernels and a <c>ToCuda(device)</c> method
        /// whose model runs <c>Forward</c> (and a many-stream <c>Step</c>) on the device. Default false: no PTX, nothing
        /// CUDA-related in the generated code.
        /// </summary>
        public bool Cuda { get; set; }

        /// <summary>
        /// The GPU kernels compute σ and tanh with the hardware's <c>tanh.approx.f32</c> (σ(x) = ½ tanh(x/2) + ½):
        /// fewer instructions per gate, a maximum relative error of about 2^-11 (5e-4) instead of about 1e-6, and
        /// GPUs of compute capability 7.5 or newer. Default false. Needs <see cref="Cuda"/>.
        /// </summary>
        public bool CudaFastMath { get; set; }

        /// <summary>
        /// The weight format the streaming <c>Step</c> reads: <see cref="WeightFormat.Float32"/> (the default),
        /// <see cref="WeightFormat.BFloat16"/> or <see cref="WeightFormat.Int8"/>. A smaller format is a copy made from the
        /// fp32 parameters (refreshed by the generated <c>QuantizeWeights()</c>, which <c>Step</c> calls itself after
        /// the parameters may have changed); it covers every recurrent layer's W_ih and W_hh. <c>Forward</c>,
        /// <c>Backward</c>, the stream batch and the dense head keep fp32. Not with <see cref="Cuda"/> (RNNG0018) or on a
        /// network that cannot stream (RNNG0019).
        /// </summary>
        public WeightFormat Weights { get; set; }
    }
}
