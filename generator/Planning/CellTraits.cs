using RnnGen.Generator.Model;

namespace RnnGen.Generator.Planning
{
    /// <summary>Facts about each cell and variant that the planner and emitters share: gates, their names and order.</summary>
    internal static class CellTraits
    {
        /// <summary>Gates in PyTorch's order: LSTM i,f,g,o (CIFG f,g,o); GRU r,z,n (minimal f,n); SimpleRNN one.</summary>
        public static int GateCount(RecurrentLayerSpec layer) => GateSymbols(layer).Length;

        /// <summary>The property name of each gate's parameter view.</summary>
        public static string[] GateNames(RecurrentLayerSpec layer) => layer.Cell switch
        {
            CellKind.Lstm when layer.CoupledGates => new[] { "ForgetGate", "CellGate", "OutputGate" },
            CellKind.Lstm => new[] { "InputGate", "ForgetGate", "CellGate", "OutputGate" },
            CellKind.Gru when layer.Minimal => new[] { "ForgetGate", "NewGate" },
            CellKind.Gru => new[] { "ResetGate", "UpdateGate", "NewGate" },
            _ => new[] { "Hidden" },
        };

        /// <summary>The gate's symbol in the equations (i, f, g, o / r, z, n / f, n / h).</summary>
        public static string[] GateSymbols(RecurrentLayerSpec layer) => layer.Cell switch
        {
            CellKind.Lstm when layer.CoupledGates => new[] { "f", "g", "o" },
            CellKind.Lstm => new[] { "i", "f", "g", "o" },
            CellKind.Gru when layer.Minimal => new[] { "f", "n" },
            CellKind.Gru => new[] { "r", "z", "n" },
            _ => new[] { "h" },
        };

        /// <summary>The gates with a peephole weight vector, in the order of the packed peephole tensor: i, f, o (CIFG: f, o).</summary>
        public static string[] PeepholeSymbols(RecurrentLayerSpec layer) =>
            !layer.Peepholes ? System.Array.Empty<string>() : layer.CoupledGates ? new[] { "f", "o" } : new[] { "i", "f", "o" };

        /// <summary>The index of a gate symbol in the layer's gate order, or -1.</summary>
        public static int Gate(RecurrentLayerSpec layer, string symbol) => System.Array.IndexOf(GateSymbols(layer), symbol);

        public static string DisplayName(CellKind cell) => cell switch
        {
            CellKind.Lstm => "LSTM",
            CellKind.Gru => "GRU",
            _ => "SimpleRNN",
        };

        /// <summary>The cell and its variant, for comments and docs: "LSTM (peepholes, CIFG)", "GRU (minimal)".</summary>
        public static string DisplayName(RecurrentLayerSpec layer)
        {
            var variants = new System.Collections.Generic.List<string>();
            if (layer.Peepholes)
            {
                variants.Add("peepholes");
            }

            if (layer.CoupledGates)
            {
                variants.Add("coupled input-forget gates");
            }

            if (layer.Minimal)
            {
                variants.Add("minimal");
            }

            return DisplayName(layer.Cell) + (variants.Count > 0 ? $" ({string.Join(", ", variants)})" : string.Empty);
        }

        /// <summary>
        /// Whether the recurrent bias of a gate can be folded into the input projection. It cannot for the GRU
        /// candidate with reset_after = true, where the reset gate scales (W_hn h + b_hn) as a whole.
        /// </summary>
        public static bool FoldsRecurrentBias(RecurrentLayerSpec layer, int gate) =>
            !(layer.Cell == CellKind.Gru && layer.ResetAfter && gate == 2);
    }
}
