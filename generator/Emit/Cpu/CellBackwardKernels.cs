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

        private static ElementwiseKernel Lstm(LayerPlan layer)
        {
            var (act, gate) = (layer.Spec.Activation, layer.Spec.RecurrentActivation);
            var (sa, sg) = (ActivationCode.Symbol(act), ActivationCode.Symbol(gate));
            return new(layer.Name + "BackwardCell", layer, new[] { ("dH", false), ("gates", true), ("cPrev", false), ("c", false), ("dhRec", false), ("dcRec", false) })
            {
                Documentation = new[]
                {
                    $"{layer.Name} LSTM backward step: dh = dH(t) + dh from t+1; dc = dh ⊙ o ⊙ {sa}'(c) + dc from t+1;",
                    $"  da_i = dc ⊙ g ⊙ {sg}'(i), da_f = dc ⊙ c(t-1) ⊙ {sg}'(f), da_g = dc ⊙ i ⊙ {sa}'(g), da_o = dh ⊙ {sa}(c) ⊙ {sg}'(o)  (derivatives from the outputs);",
                    "  dc(t-1) = dc ⊙ f; the dh(t-1) buffer is cleared for W_hhᵀ · da.",
                },
                Body = b =>
                {
                    b.Let("dh", $"{b.Load("dH")} + {b.Load("dhRec")}");
                    b.Let("i", b.Load("gates", 0));
                    b.Let("f", b.Load("gates", 1));
                    b.Let("g", b.Load("gates", 2));
                    b.Let("o", b.Load("gates", 3));
                    b.Let("actC", ActivationCode.Apply(act, b.Load("c")));
                    b.Let("dc", $"{Math}.MultiplyAdd(dh * o, {ActivationCode.Derivative(act, "actC", b.Flavor)}, {b.Load("dcRec")})");
                    b.Store("dcRec", "dc * f");
                    b.Store("gates", $"dc * g * {ActivationCode.Derivative(gate, "i", b.Flavor)}", 0);
                    b.Store("gates", $"dc * {b.Load("cPrev")} * {ActivationCode.Derivative(gate, "f", b.Flavor)}", 1);
                    b.Store("gates", $"dc * i * {ActivationCode.Derivative(act, "g", b.Flavor)}", 2);
                    b.Store("gates", $"dh * actC * {ActivationCode.Derivative(gate, "o", b.Flavor)}", 3);
                    b.Store("dhRec", b.Flavor.Zero);
                },
            };
        }

        private static ElementwiseKernel SimpleRnn(LayerPlan layer)
        {
            var activation = layer.Spec.Activation;
            return new(layer.Name + "BackwardCell", layer, new[] { ("dH", false), ("gates", true), ("h", false), ("dhRec", false) })
            {
                Documentation = new[]
                {
                    $"{layer.Name} SimpleRNN backward step: da = (dH(t) + dh from t+1) ⊙ {ActivationCode.Symbol(activation)}'(a), from h = {ActivationCode.Symbol(activation)}(a); the dh(t-1) buffer is cleared for W_hhᵀ · da.",
                },
                Body = b =>
                {
                    b.Let("dh", $"{b.Load("dH")} + {b.Load("dhRec")}");
                    b.Let("hNow", b.Load("h"));
                    b.Store("gates", $"dh * {ActivationCode.Derivative(activation, "hNow", b.Flavor)}");
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
                    "  da_n = dh ⊙ (1-z) ⊙ act'(n), da_z = dh ⊙ (h(t-1) - n) ⊙ rec'(z), da_r = da_n ⊙ (W_hn h + b_hn) ⊙ rec'(r) (derivatives from the outputs);",
                    "  the recurrent side of n gets da_n ⊙ r (into aux); dh(t-1) starts at dh ⊙ z before W_hhᵀ · da.",
                },
                Body = b =>
                {
                    b.Let("dh", $"{b.Load("dH")} + {b.Load("dhRec")}");
                    b.Let("r", b.Load("gates", 0));
                    b.Let("z", b.Load("gates", 1));
                    b.Let("n", b.Load("gates", 2));
                    b.Let("dan", $"dh * ({b.One} - z) * {ActivationCode.Derivative(layer.Spec.Activation, "n", b.Flavor)}");
                    b.Store("gates", $"dan * {b.Load("aux")} * {ActivationCode.Derivative(layer.Spec.RecurrentActivation, "r", b.Flavor)}", 0);
                    b.Store("gates", $"dh * ({b.Load("hPrev")} - n) * {ActivationCode.Derivative(layer.Spec.RecurrentActivation, "z", b.Flavor)}", 1);
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
                    "  da_n = dh ⊙ (1-z) ⊙ act'(n), da_z = dh ⊙ (h(t-1) - n) ⊙ rec'(z); dh(t-1) starts at dh ⊙ z. r stays for part 2.",
                },
                Body = b =>
                {
                    b.Let("dh", $"{b.Load("dH")} + {b.Load("dhRec")}");
                    b.Let("z", b.Load("gates", 1));
                    b.Let("n", b.Load("gates", 2));
                    b.Store("gates", $"dh * ({b.Load("hPrev")} - n) * {ActivationCode.Derivative(layer.Spec.RecurrentActivation, "z", b.Flavor)}", 1);
                    b.Store("gates", $"dh * ({b.One} - z) * {ActivationCode.Derivative(layer.Spec.Activation, "n", b.Flavor)}", 2);
                    b.Store("dhRec", "dh * z");
                },
            };

        private static ElementwiseKernel GruReset(LayerPlan layer) =>
            new(layer.Name + "BackwardReset", layer, new[] { ("gates", true), ("hPrev", false), ("dResetHidden", false), ("dhRec", false) })
            {
                Documentation = new[]
                {
                    $"{layer.Name} GRU backward step (reset before), part 2, after d(r ⊙ h) = W_hnᵀ · da_n:",
                    "  da_r = d(r ⊙ h) ⊙ h(t-1) ⊙ rec'(r); dh(t-1) += d(r ⊙ h) ⊙ r.",
                },
                Body = b =>
                {
                    b.Let("r", b.Load("gates", 0));
                    b.Let("drh", b.Load("dResetHidden"));
                    b.Store("gates", $"drh * {b.Load("hPrev")} * {ActivationCode.Derivative(layer.Spec.RecurrentActivation, "r", b.Flavor)}", 0);
                    b.Store("dhRec", $"{Math}.MultiplyAdd(drh, r, {b.Load("dhRec")})");
                },
            };
    }
}
