using System;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>
    /// The element-wise functions of the cells, written from <c>ex2.approx</c> and <c>rcp.approx</c> (each within a
    /// few ulp of exact), so sigmoid and tanh stay within about 1e-6 of the CPU path:
    /// σ(x) = 1 / (1 + 2^(-x·log2 e)) and tanh(x) = 1 - 2 / (1 + 2^(2x·log2 e)).
    /// </summary>
    internal static class PtxMath
    {
        private const float Log2E = 1.44269504088896341f;

        /// <param name="fast">Use <c>tanh.approx.f32</c> (sm_75+, about 2^-11 relative error): the opt-in CudaFastMath.</param>
        public static PtxRegister Activate(PtxKernelBuilder k, Activation activation, PtxRegister x, bool fast = false) => activation switch
        {
            Activation.Linear => x,
            Activation.Relu => k.Max(PtxType.F32, x, 0f),
            Activation.Sigmoid when fast => k.Fma(PtxType.F32, k.TanhApprox(k.Mul(PtxType.F32, x, 0.5f)), 0.5f, 0.5f), // σ(x) = ½ tanh(x/2) + ½
            Activation.Sigmoid => Sigmoid(k, x),
            Activation.HardSigmoid => k.Min(PtxType.F32, k.Max(PtxType.F32, k.Fma(PtxType.F32, x, 1f / 6f, 0.5f), 0f), 1f),
            Activation.Tanh when fast => k.TanhApprox(x),
            Activation.Tanh => Tanh(k, x),
            _ => throw new InvalidOperationException($"{activation} is not an element-wise activation."),
        };

        /// <summary>σ(x) = 1 / (1 + 2^(-x·log2 e)); 2^+large = inf gives 1/inf = 0, as it should.</summary>
        public static PtxRegister Sigmoid(PtxKernelBuilder k, PtxRegister x)
        {
            var power = k.Exp2(k.Mul(PtxType.F32, x, -Log2E));
            return k.Reciprocal(k.Add(PtxType.F32, power, 1f));
        }

        /// <summary>tanh(x) = 1 - 2 / (1 + e^(2x)): saturates to ±1 without a NaN at either end.</summary>
        public static PtxRegister Tanh(PtxKernelBuilder k, PtxRegister x)
        {
            var power = k.Exp2(k.Mul(PtxType.F32, x, 2f * Log2E));
            var reciprocal = k.Reciprocal(k.Add(PtxType.F32, power, 1f));
            return k.Fma(PtxType.F32, reciprocal, -2f, 1f);
        }

        /// <summary>e^x = 2^(x·log2 e).</summary>
        public static PtxRegister Exp(PtxKernelBuilder k, PtxRegister x) => k.Exp2(k.Mul(PtxType.F32, x, Log2E));
    }
}
