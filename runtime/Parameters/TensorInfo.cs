namespace RnnGen
{
    /// <summary>
    /// A named tensor in an external layout (PyTorch's <c>state_dict</c> names and shapes), as a generated network
    /// imports and exports it.
    /// </summary>
    /// <param name="Name">The tensor's name, e.g. <c>weight_ih_l0</c>.</param>
    /// <param name="Rows">First dimension.</param>
    /// <param name="Columns">Second dimension; 1 for a vector.</param>
    /// <param name="IsVector">True for a 1-D tensor (a bias).</param>
    public sealed record TensorInfo(string Name, int Rows, int Columns, bool IsVector)
    {
        /// <summary>Number of elements.</summary>
        public int Length => Rows * Columns;

        /// <summary>The shape as text, e.g. <c>[256][8]</c> or <c>[256]</c>.</summary>
        public string Shape => IsVector ? $"[{Rows}]" : $"[{Rows}][{Columns}]";

        /// <summary>A 2-D tensor.</summary>
        public static TensorInfo Matrix(string name, int rows, int columns) => new(name, rows, columns, false);

        /// <summary>A 1-D tensor.</summary>
        public static TensorInfo Vector(string name, int length) => new(name, length, 1, true);
    }
}
