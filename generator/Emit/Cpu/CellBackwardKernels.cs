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
        /// <summary>The kernels of one step, in order; GRU with reset_after = false needs two around a product.</summary>
        public static IReadOnlyList<ElementwiseKernel> For(LayerPlan layer) => layer.Spec.Cell switch
        {
            CellKind.Lstm => new[] { Lstm(layer) },
            CellKind.Gru when layer.Spec.ResetAfter => new[] { GruResetAfter(layer) },
            CellKind.Gru when layer.Spec.Minimal => new[] { MinimalCandidate(layer), MinimalForget(layer) },
            CellKind.Gru => new[] { GruCandidate(layer), GruReset(layer) },
            _ => new[] { SimpleRnn(layer) },
        };

        private static ElementwiseKernel Lstm(LayerPlan layer)
        {
            if (layer.Spec.Peepholes || layer.Spec.CoupledGates)
            {
                return LstmVariant(layer);
            }

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
                    var v = b.Flavor;
                    b.Let("dh", v.Add(b.Load("dH"), b.Load("dhRec")));
                    b.Let("i", b.Load("gates", 0));
                    b.Let("f", b.Load("gates", 1));
                    b.Let("g", b.Load("gates", 2));
                    b.Let("o", b.Load("gates", 3));
                    b.Let("actC", ActivationCode.Apply(act, b.Load("c"), v));
                    b.Let("dc", v.MultiplyAdd(v.Multiply("dh", "o"), ActivationCode.Derivative(act, "actC", v), b.Load("dcRec")));
                    b.Store("dcRec", v.Multiply("dc", "f"));
                    b.Store("gates", v.Multiply("dc", "g", ActivationCode.Derivative(gate, "i", v)), 0);
                    b.Store("gates", v.Multiply("dc", b.Load("cPrev"), ActivationCode.Derivative(gate, "f", v)), 1);
                    b.Store("gates", v.Multiply("dc", "i", ActivationCode.Derivative(act, "g", v)), 2);
                    b.Store("gates", v.Multiply("dh", "actC", ActivationCode.Derivative(gate, "o", v)), 3);
                    b.Store("dhRec", v.Zero);
                },
            };
        }

        /// <summary>LSTM with peepholes and/or coupled input-forget gates.</summary>
        private static ElementwiseKernel LstmVariant(LayerPlan layer)
        {
            var spec = layer.Spec;
            var (act, gate) = (spec.Activation, spec.RecurrentActivation);
            var peep = CellTraits.PeepholeSymbols(spec);
            var coupled = spec.CoupledGates;
            int Slot(string symbol) => CellTraits.Gate(spec, symbol);
            return new(layer.Name + "BackwardCell", layer, new[] { ("dH", false), ("gates", true), ("cPrev", false), ("c", false), ("dhRec", false), ("dcRec", false) })
            {
                Vectors = peep.Length > 0 ? new[] { ("peepholes", peep.Length) } : System.Array.Empty<(string, int)>(),
                Documentation = new[]
                {
                    $"{layer.Name} {CellTraits.DisplayName(spec)} backward step: dh = dH(t) + dh from t+1; da_o = dh ⊙ act(c) ⊙ rec'(o);",
                    $"  dc = dh ⊙ o ⊙ act'(c){(peep.Length > 0 ? " + da_o ⊙ p_o" : string.Empty)} + dc from t+1;",
                    coupled
                        ? "  da_f = dc ⊙ (c(t-1) - g) ⊙ rec'(f), da_g = dc ⊙ (1 - f) ⊙ act'(g);"
                        : "  da_i = dc ⊙ g ⊙ rec'(i), da_f = dc ⊙ c(t-1) ⊙ rec'(f), da_g = dc ⊙ i ⊙ act'(g);",
                    $"  dc(t-1) = dc ⊙ f{(peep.Length > 0 ? (coupled ? " + da_f ⊙ p_f" : " + da_i ⊙ p_i + da_f ⊙ p_f") : string.Empty)}; the dh(t-1) buffer is cleared for W_hhᵀ · da.",
                },
                Body = b =>
                {
                    var v = b.Flavor;
                    string Peephole(string symbol) => b.LoadVector("peepholes", System.Array.IndexOf(peep, symbol));
                    b.Let("dh", v.Add(b.Load("dH"), b.Load("dhRec")));
                    if (!coupled)
                    {
                        b.Let("i", b.Load("gates", Slot("i")));
                    }

                    b.Let("f", b.Load("gates", Slot("f")));
                    b.Let("g", b.Load("gates", Slot("g")));
                    b.Let("o", b.Load("gates", Slot("o")));
                    b.Let("cOld", b.Load("cPrev"));
                    b.Let("actC", ActivationCode.Apply(act, b.Load("c"), v));
                    b.Let("dao", v.Multiply("dh", "actC", ActivationCode.Derivative(gate, "o", v)));
                    var dc = v.MultiplyAdd(v.Multiply("dh", "o"), ActivationCode.Derivative(act, "actC", v), b.Load("dcRec"));
                    b.Let("dc", peep.Length > 0 ? v.MultiplyAdd("dao", Peephole("o"), dc) : dc);
                    if (coupled)
                    {
                        b.Let("daf", v.Multiply("dc", v.Subtract("cOld", "g"), ActivationCode.Derivative(gate, "f", v)));
                        b.Store("gates", v.Multiply("dc", v.Subtract(v.One, "f"), ActivationCode.Derivative(act, "g", v)), Slot("g"));
                        b.Store("dcRec", peep.Length > 0 ? v.MultiplyAdd("daf", Peephole("f"), v.Multiply("dc", "f")) : v.Multiply("dc", "f"));
                    }
                    else
                    {
                        b.Let("dai", v.Multiply("dc", "g", ActivationCode.Derivative(gate, "i", v)));
                        b.Let("daf", v.Multiply("dc", "cOld", ActivationCode.Derivative(gate, "f", v)));
                        b.Store("gates", v.Multiply("dc", "i", ActivationCode.Derivative(act, "g", v)), Slot("g"));
                        b.Store("gates", "dai", Slot("i"));
                        b.Store("dcRec", peep.Length > 0 ? v.MultiplyAdd("dai", Peephole("i"), v.MultiplyAdd("daf", Peephole("f"), v.Multiply("dc", "f"))) : v.Multiply("dc", "f"));
                    }

                    b.Store("gates", "daf", Slot("f"));
                    b.Store("gates", "dao", Slot("o"));
                    b.Store("dhRec", v.Zero);
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
                    var v = b.Flavor;
                    b.Let("dh", v.Add(b.Load("dH"), b.Load("dhRec")));
                    b.Let("hNow", b.Load("h"));
                    b.Store("gates", v.Multiply("dh", ActivationCode.Derivative(activation, "hNow", v)));
                    b.Store("dhRec", v.Zero);
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
                    var v = b.Flavor;
                    b.Let("dh", v.Add(b.Load("dH"), b.Load("dhRec")));
                    b.Let("r", b.Load("gates", 0));
                    b.Let("z", b.Load("gates", 1));
                    b.Let("n", b.Load("gates", 2));
                    b.Let("dan", v.Multiply("dh", v.Subtract(v.One, "z"), ActivationCode.Derivative(layer.Spec.Activation, "n", v)));
                    b.Store("gates", v.Multiply("dan", b.Load("aux"), ActivationCode.Derivative(layer.Spec.RecurrentActivation, "r", v)), 0);
                    b.Store("gates", v.Multiply("dh", v.Subtract(b.Load("hPrev"), "n"), ActivationCode.Derivative(layer.Spec.RecurrentActivation, "z", v)), 1);
                    b.Store("gates", "dan", 2);
                    b.Store("aux", v.Multiply("dan", "r"));
                    b.Store("dhRec", v.Multiply("dh", "z"));
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
                    var v = b.Flavor;
                    b.Let("dh", v.Add(b.Load("dH"), b.Load("dhRec")));
                    b.Let("z", b.Load("gates", 1));
                    b.Let("n", b.Load("gates", 2));
                    b.Store("gates", v.Multiply("dh", v.Subtract(b.Load("hPrev"), "n"), ActivationCode.Derivative(layer.Spec.RecurrentActivation, "z", v)), 1);
                    b.Store("gates", v.Multiply("dh", v.Subtract(v.One, "z"), ActivationCode.Derivative(layer.Spec.Activation, "n", v)), 2);
                    b.Store("dhRec", v.Multiply("dh", "z"));
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
                    var v = b.Flavor;
                    b.Let("r", b.Load("gates", 0));
                    b.Let("drh", b.Load("dResetHidden"));
                    b.Store("gates", v.Multiply("drh", b.Load("hPrev"), ActivationCode.Derivative(layer.Spec.RecurrentActivation, "r", v)), 0);
                    b.Store("dhRec", v.MultiplyAdd("drh", "r", b.Load("dhRec")));
                },
            };

        private static ElementwiseKernel MinimalCandidate(LayerPlan layer) =>
            new(layer.Name + "BackwardCandidate", layer, new[] { ("dH", false), ("gates", true), ("hPrev", false), ("dhRec", false), ("dForget", false) })
            {
                Documentation = new[]
                {
                    $"{layer.Name} minimal GRU backward step, part 1: dh = dH(t) + dh from t+1; da_n = dh ⊙ f ⊙ act'(n);",
                    "  the part of dL/df through the state update, dh ⊙ (n - h(t-1)), waits in dForget; dh(t-1) starts at dh ⊙ (1 - f).",
                },
                Body = b =>
                {
                    var v = b.Flavor;
                    b.Let("dh", v.Add(b.Load("dH"), b.Load("dhRec")));
                    b.Let("f", b.Load("gates", 0));
                    b.Let("n", b.Load("gates", 1));
                    b.Store("dForget", v.Multiply("dh", v.Subtract("n", b.Load("hPrev"))));
                    b.Store("gates", v.Multiply("dh", "f", ActivationCode.Derivative(layer.Spec.Activation, "n", v)), 1);
                    b.Store("dhRec", v.Multiply("dh", v.Subtract(v.One, "f")));
                },
            };

        private static ElementwiseKernel MinimalForget(LayerPlan layer) =>
            new(layer.Name + "BackwardReset", layer, new[] { ("gates", true), ("hPrev", false), ("dResetHidden", false), ("dhRec", false), ("dForget", false) })
            {
                Documentation = new[]
                {
                    $"{layer.Name} minimal GRU backward step, part 2, after d(f ⊙ h) = W_hnᵀ · da_n:",
                    "  da_f = (dForget + d(f ⊙ h) ⊙ h(t-1)) ⊙ rec'(f); dh(t-1) += d(f ⊙ h) ⊙ f.",
                },
                Body = b =>
                {
                    var v = b.Flavor;
                    b.Let("f", b.Load("gates", 0));
                    b.Let("dfh", b.Load("dResetHidden"));
                    b.Store("gates", v.Multiply(v.MultiplyAdd("dfh", b.Load("hPrev"), b.Load("dForget")), ActivationCode.Derivative(layer.Spec.RecurrentActivation, "f", v)), 0);
                    b.Store("dhRec", v.MultiplyAdd("dfh", "f", b.Load("dhRec")));
                },
            };
    }
}
