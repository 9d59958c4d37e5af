using System;

namespace RnnGen
{
    /// <summary>
    /// A view of one gate's weight matrix, <c>[Rows (units)][Columns (inputs)]</c>, inside a network's packed
    /// parameter buffer. The packed layout (<c>[unit block of 16][column][gate][lane]</c>) is what the SIMD kernels
    /// stream; this view hides it behind row/column indices and row-major copies.
    /// </summary>
    /// <example>
    /// <code>
    /// var w = model.Layer0.ForgetGate.RecurrentWeights; // W_hf, [units][units]
    /// w[3, 5] = 0.1f;
    /// w.CopyFrom(rowMajorValues);                      // Rows * Columns floats, row-major as in PyTorch
    /// </code>
    /// </example>
    public readonly struct GateMatrix
    {
        private const int Block = 16;
        private readonly AlignedBuffer _buffer;
        private readonly int _offset;
        private readonly int _gates;
        private readonly int _gate;

        /// <summary>Creates a view; used by generated code.</summary>
        /// <param name="buffer">The packed parameter buffer.</param>
        /// <param name="offset">Start of the packed tensor that holds this gate.</param>
        /// <param name="rows">Units of the gate.</param>
        /// <param name="columns">Inputs each unit reads.</param>
        /// <param name="gates">Gates packed side by side in the tensor.</param>
        /// <param name="gate">This gate's index among them.</param>
        public GateMatrix(AlignedBuffer buffer, int offset, int rows, int columns, int gates, int gate)
        {
            ArgumentNullException.ThrowIfNull(buffer);
            _buffer = buffer;
            _offset = offset;
            Rows = rows;
            Columns = columns;
            _gates = gates;
            _gate = gate;
        }

        /// <summary>Units (output rows).</summary>
        public int Rows { get; }

        /// <summary>Inputs (columns).</summary>
        public int Columns { get; }

        /// <summary>Number of elements, <c>Rows * Columns</c>.</summary>
        public int Length => Rows * Columns;

        /// <summary>The weight from input <paramref name="column"/> to unit <paramref name="row"/>.</summary>
        public float this[int row, int column]
        {
            get => _buffer.Span[IndexOf(row, column)];
            set => _buffer.Span[IndexOf(row, column)] = value;
        }

        /// <summary>Sets every element from a row-major <c>[Rows][Columns]</c> span (PyTorch's layout).</summary>
        /// <exception cref="ArgumentException">The span does not hold exactly <see cref="Length"/> floats.</exception>
        public void CopyFrom(ReadOnlySpan<float> rowMajor)
        {
            Shapes.RequireLength(rowMajor.Length, Length, nameof(rowMajor), $"[{Rows}][{Columns}]");
            var span = _buffer.Span;
            for (var row = 0; row < Rows; row++)
            {
                for (var column = 0; column < Columns; column++)
                {
                    span[IndexOf(row, column)] = rowMajor[(row * Columns) + column];
                }
            }
        }

        /// <summary>Writes every element to a row-major <c>[Rows][Columns]</c> span.</summary>
        /// <exception cref="ArgumentException">The span does not hold exactly <see cref="Length"/> floats.</exception>
        public void CopyTo(Span<float> rowMajor) => Unpack(_buffer.Span, _offset, Rows, Columns, _gates, _gate, rowMajor);

        /// <summary>
        /// Copies one gate's matrix out of any span with the packed layout (parameters or their gradients) into a
        /// row-major <c>[rows][columns]</c> span.
        /// </summary>
        /// <param name="packed">A buffer with the network's packed layout.</param>
        /// <param name="offset">Start of the packed tensor that holds the gate.</param>
        /// <param name="rows">Units of the gate.</param>
        /// <param name="columns">Inputs each unit reads.</param>
        /// <param name="gates">Gates packed side by side in the tensor.</param>
        /// <param name="gate">The gate's index among them.</param>
        /// <param name="rowMajor">Receives <c>rows * columns</c> floats.</param>
        public static void Unpack(ReadOnlySpan<float> packed, int offset, int rows, int columns, int gates, int gate, Span<float> rowMajor)
        {
            Shapes.RequireLength(rowMajor.Length, rows * columns, nameof(rowMajor), $"[{rows}][{columns}]");
            var gatesBlock = gates * Block;
            for (var row = 0; row < rows; row++)
            {
                var rowStart = offset + ((row / Block) * columns * gatesBlock) + (gate * Block) + (row % Block);
                for (var column = 0; column < columns; column++)
                {
                    rowMajor[(row * columns) + column] = packed[rowStart + (column * gatesBlock)];
                }
            }
        }

        private int IndexOf(int row, int column)
        {
            if ((uint)row >= (uint)Rows)
            {
                throw new ArgumentOutOfRangeException(nameof(row), row, $"Row must be in [0, {Rows}).");
            }

            if ((uint)column >= (uint)Columns)
            {
                throw new ArgumentOutOfRangeException(nameof(column), column, $"Column must be in [0, {Columns}).");
            }

            var gatesBlock = _gates * Block;
            return _offset + ((row / Block) * Columns * gatesBlock) + (column * gatesBlock) + (_gate * Block) + (row % Block);
        }
    }
}
