using System.Collections.Generic;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// The element-wise half of one backward time step: from dL/dh(t) (from above plus from step t+1) and the tape,
    /// the gradients of the gate pre-activations, written over the activated gates, plus the parts of dL/dh(t-1)
    /// (and dL/dc(t-1)) that do not go through W_hh. The W_hhᵀ products run between these kernels.
    /// </summary>
    internal static class CellBackwardKernels
    {
        private const string Math = "global::RnnGen.Numerics.VectorMath";

        /// <summary>The kernels of one step, in order; GRU with reset_after = false needs two around a product.</summary>
        public static IReadOnlyList<ElementwiseKernel> For(LayerPlan layer) => layer.Spec.Cell switch
        {
            CellKind.Lstm => new[] { Lstm(layer) },
            CellKind.Gru when layer.Spec.ResetAfter => new[] { GruResetAfter(layer) },
            CellKind.Gru => new[] { GruCandidate(layer), GruReset(layer) },
            _ => new[] { SimpleRnn(layer) },
        };

        private static ElementwiseKernel Lstm(LayerPlan layer) =>
            new(layer.Name + "BackwardCell", layer, new[] { ("dH", false), ("gates", true), ("cPrev", false), ("c", false), ("dhRec", false), ("dcRec", false) })
            {
                Documentation = new[]
                {
                    $"{layer.Name} LSTM backward step: dh = dH(t) + dh from t+1; dc = dh ⊙ o ⊙ (1 - tanh²c) + dc from t+1;",
                    "  da_i = dc ⊙ g ⊙ i(1-i), da_f = dc ⊙ c(t-1) ⊙ f(1-f), da_g = dc ⊙ i ⊙ (1-g²), da_o = dh ⊙ tanh c ⊙ o(1-o);",
                    "  dc(t-1) = dc ⊙ f; the dh(t-1) buffer is cleared for W_hhᵀ · da.",
                },
                Body = b =>
                {
                    b.Let("dh", $"{b.Load("dH")} + {b.Load("dhRec")}");
                    b.Let("i", b.Load("gates", 0));
                    b.Let("f", b.Load("gates", 1));
                    b.Let("g", b.Load("gates", 2));
                    b.Let("o", b.Load("gates", 3));
                    b.Let("tanhC", $"{Math}.Tanh({b.Load("c")})");
                    b.Let("dc", $"{Math}.MultiplyAdd(dh * o, {b.One} - (tanhC * tanhC), {b.Load("dcRec")})");
                    b.Store("dcRec", "dc * f");
                    b.Store("gates", $"dc * g * i * ({b.One} - i)", 0);
                    b.Store("gates", $"dc * {b.Load("cPrev")} * f * ({b.One} - f)", 1);
                    b.Store("gates", $"dc * i * ({b.One} - (g * g))", 2);
                    b.Store("gates", $"dh * tanhC * o * ({b.One} - o)", 3);
                    b.Store("dhRec", b.Flavor.Zero);
                },
            };

        private static ElementwiseKernel SimpleRnn(LayerPlan layer)
        {
            var relu = layer.Spec.Activation == Activation.Relu;
            return new(layer.Name + "BackwardCell", layer, new[] { ("dH", false), ("gates", true), ("h", false), ("dhRec", false) })
            {
                Documentation = new[]
                {
                    $"{layer.Name} SimpleRNN backward step: da = (dH(t) + dh from t+1) ⊙ {(relu ? "[h > 0]" : "(1 - h²)")}; the dh(t-1) buffer is cleared for W_hhᵀ · da.",
                },
                Body = b =>
                {
                    b.Let("dh", $"{b.Load("dH")} + {b.Load("dhRec")}");
                    b.Let("hNow", b.Load("h"));
                    b.Store("gates", relu ? $"dh * {Math}.PositiveMask(hNow)" : $"dh * ({b.One} - (hNow * hNow))");
                    b.Store("dhRec", b.Flavor.Zero);
                },
            };
        }

        private static ElementwiseKernel GruResetAfter(LayerPlan layer) =>
            new(layer.Name + "BackwardCell", layer, new[] { ("dH", false), ("gates", true), ("hPrev", false), ("aux", false), ("dhRec", false) })
            {
                Documentation = new[]
                {
                    $"{layer.Name} GRU backward step (reset after): dh = dH(t) + dh from t+1;",
                    "  da_n = dh ⊙ (1-z) ⊙ (1-n²), da_z = dh ⊙ (h(t-1) - n) ⊙ z(1-z), da_r = da_n ⊙ (W_hn h + b_hn) ⊙ r(1-r);",
                    "  the recurrent side of n gets da_n ⊙ r (into aux); dh(t-1) starts at dh ⊙ z before W_hhᵀ · da.",
                },
                Body = b =>
                {
                    b.Let("dh", $"{b.Load("dH")} + {b.Load("dhRec")}");
                    b.Let("r", b.Load("gates", 0));
                    b.Let("z", b.Load("gates", 1));
                    b.Let("n", b.Load("gates", 2));
                    b.Let("dan", $"dh * ({b.One} - z) * ({b.One} - (n * n))");
                    b.Store("gates", $"dan * {b.Load("aux")} * r * ({b.One} - r)", 0);
                    b.Store("gates", $"dh * ({b.Load("hPrev")} - n) * z * ({b.One} - z)", 1);
                    b.Store("gates", "dan", 2);
                    b.Store("aux", "dan * r");
                    b.Store("dhRec", "dh * z");
                },
            };

        private static ElementwiseKernel GruCandidate(LayerPlan layer) =>
            new(layer.Name + "BackwardCandidate", layer, new[] { ("dH", false), ("gates", true), ("hPrev", false), ("dhRec", false) })
            {
                Documentation = new[]
                {
                    $"{layer.Name} GRU backward step (reset before), part 1: dh = dH(t) + dh from t+1;",
                    "  da_n = dh ⊙ (1-z) ⊙ (1-n²), da_z = dh ⊙ (h(t-1) - n) ⊙ z(1-z); dh(t-1) starts at dh ⊙ z. r stays for part 2.",
                },
                Body = b =>
                {
                    b.Let("dh", $"{b.Load("dH")} + {b.Load("dhRec")}");
                    b.Let("z", b.Load("gates", 1));
                    b.Let("n", b.Load("gates", 2));
                    b.Store("gates", $"dh * ({b.Load("hPrev")} - n) * z * ({b.One} - z)", 1);
                    b.Store("gates", $"dh * ({b.One} - z) * ({b.One} - (n * n))", 2);
                    b.Store("dhRec", "dh * z");
                },
            };

        private static ElementwiseKernel GruReset(LayerPlan layer) =>
            new(layer.Name + "BackwardReset", layer, new[] { ("gates", true), ("hPrev", false), ("dResetHidden", false), ("dhRec", false) })
            {
                Documentation = new[]
                {
                    $"{layer.Name} GRU backward step (reset before), part 2, after d(r ⊙ h) = W_hnᵀ · da_n:",
                    "  da_r = d(r ⊙ h) ⊙ h(t-1) ⊙ r(1-r); dh(t-1) += d(r ⊙ h) ⊙ r.",
                },
                Body = b =>
                {
                    b.Let("r", b.Load("gates", 0));
                    b.Let("drh", b.Load("dResetHidden"));
                    b.Store("gates", $"drh * {b.Load("hPrev")} * r * ({b.One} - r)", 0);
                    b.Store("dhRec", $"{Math}.MultiplyAdd(drh, r, {b.Load("dhRec")})");
                },
            };
    }
}
