using System;

namespace RnnGen.Onnx
{
    /// <summary>
    /// The order of a cell's gate blocks in PyTorch and in ONNX. PyTorch stacks an LSTM's gates i, f, g, o and a GRU's
    /// r, z, n; ONNX stacks them i, o, f, c and z, r, h. The blocks themselves (rows of W, R and the biases) are the
    /// same, so converting is moving whole blocks.
    /// </summary>
    internal static class GateOrder
    {
        /// <summary>Gate blocks per cell.</summary>
        public static int Gates(CellType cell) => cell switch
        {
            CellType.Lstm => 4,
            CellType.Gru => 3,
            _ => 1,
        };

        /// <summary>For each ONNX block, the PyTorch block it holds.</summary>
        public static int[] PyTorchBlockOfOnnx(CellType cell) => cell switch
        {
            CellType.Lstm => [0, 3, 1, 2], // ONNX i, o, f, c ← PyTorch i(0), o(3), f(1), g(2)
            CellType.Gru => [1, 0, 2],     // ONNX z, r, h ← PyTorch z(1), r(0), n(2)
            _ => [0],
        };

        /// <summary>Copies PyTorch-ordered blocks into ONNX order.</summary>
        /// <param name="cell">The cell.</param>
        /// <param name="pyTorch">Gate blocks in PyTorch's order.</param>
        /// <param name="onnx">Receives them in ONNX's order.</param>
        public static void ToOnnx(CellType cell, ReadOnlySpan<float> pyTorch, Span<float> onnx)
        {
            int[] order = PyTorchBlockOfOnnx(cell);
            int block = pyTorch.Length / order.Length;
            for (int i = 0; i < order.Length; i++)
            {
                pyTorch.Slice(order[i] * block, block).CopyTo(onnx.Slice(i * block, block));
            }
        }

        /// <summary>Copies ONNX-ordered blocks into PyTorch order.</summary>
        /// <param name="cell">The cell.</param>
        /// <param name="onnx">Gate blocks in ONNX's order.</param>
        /// <param name="pyTorch">Receives them in PyTorch's order.</param>
        public static void ToPyTorch(CellType cell, ReadOnlySpan<float> onnx, Span<float> pyTorch)
        {
            int[] order = PyTorchBlockOfOnnx(cell);
            int block = onnx.Length / order.Length;
            for (int i = 0; i < order.Length; i++)
            {
                onnx.Slice(i * block, block).CopyTo(pyTorch.Slice(order[i] * block, block));
            }
        }
    }
}
