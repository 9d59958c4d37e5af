using RnnGen.Generator.Model;

namespace RnnGen.Generator.Planning
{
    /// <summary>Facts about each cell kind that the planner and emitters share: gates, their names and order.</summary>
    internal static class CellTraits
    {
        /// <summary>Gates in PyTorch's order: LSTM i,f,g,o; GRU r,z,n; SimpleRNN one.</summary>
        public static int GateCount(CellKind cell) => cell switch
        {
            CellKind.Lstm => 4,
            CellKind.Gru => 3,
            _ => 1,
        };

        /// <summary>The property name of each gate's parameter view.</summary>
        public static string[] GateNames(CellKind cell) => cell switch
        {
            CellKind.Lstm => new[] { "InputGate", "ForgetGate", "CellGate", "OutputGate" },
            CellKind.Gru => new[] { "ResetGate", "UpdateGate", "NewGate" },
            _ => new[] { "Hidden" },
        };

        /// <summary>The gate's symbol in the equations (i, f, g, o / r, z, n / h).</summary>
        public static string[] GateSymbols(CellKind cell) => cell switch
        {
            CellKind.Lstm => new[] { "i", "f", "g", "o" },
            CellKind.Gru => new[] { "r", "z", "n" },
            _ => new[] { "h" },
        };

        public static string DisplayName(CellKind cell) => cell switch
        {
            CellKind.Lstm => "LSTM",
            CellKind.Gru => "GRU",
            _ => "SimpleRNN",
        };

        /// <summary>
        /// Whether the recurrent bias of a gate can be folded into the input projection. It cannot for the GRU
        /// candidate with reset_after = true, where the reset gate scales (W_hn h + b_hn) as a whole.
        /// </summary>
        public static bool FoldsRecurrentBias(RecurrentLayerSpec layer, int gate) =>
            !(layer.Cell == CellKind.Gru && layer.ResetAfter && gate == 2);
    }
}
