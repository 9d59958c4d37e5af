using System;
using System.Buffers;

namespace RnnGen
{
    /// <summary>
    /// Converts between Keras' weight layout and PyTorch's, which the generated <c>ImportKeras</c> / <c>ExportKeras</c>
    /// go through. Keras stores a recurrent layer as <c>kernel</c> [inputs][gates·units], <c>recurrent_kernel</c>
    /// [units][gates·units] (x · W, so the transpose of PyTorch's W x) and one <c>bias</c> [gates·units] (b_ih + b_hh),
    /// or [2][gates·units] (input row, recurrent row) for a GRU with <c>reset_after=True</c>. Gate order: LSTM i, f, c, o
    /// (as PyTorch), GRU z, r, h (PyTorch: r, z, n).
    /// </summary>
    public static class KerasLayout
    {
        /// <summary>A network's <c>ImportPyTorch</c>.</summary>
        public delegate void TensorWriter(string name, ReadOnlySpan<float> values);

        /// <summary>A network's <c>ExportPyTorch</c>.</summary>
        public delegate void TensorReader(string name, Span<float> destination);

        /// <summary>Keras' position of each PyTorch gate for a GRU: r is Keras' 2nd block, z its 1st, n its 3rd.</summary>
        private static ReadOnlySpan<int> GruGates => [1, 0, 2];

        /// <summary>
        /// Keras (inputs × gates·units, column = kerasGate·units + unit) to PyTorch (gates·units × inputs, row =
        /// gate·units + unit), or back with <paramref name="toKeras"/>.
        /// </summary>
        /// <param name="source">The tensor to convert.</param>
        /// <param name="destination">The converted tensor, as many floats.</param>
        /// <param name="inputs">Columns of the PyTorch matrix (input width, or units for a recurrent kernel).</param>
        /// <param name="units">Units per gate.</param>
        /// <param name="gates">1 (SimpleRNN, Dense), 3 (GRU) or 4 (LSTM).</param>
        /// <param name="toKeras">False: Keras to PyTorch; true: PyTorch to Keras.</param>
        public static void Kernel(ReadOnlySpan<float> source, Span<float> destination, int inputs, int units, int gates, bool toKeras)
        {
            Check(source.Length, destination.Length, inputs * units * gates);
            var width = gates * units;
            for (var g = 0; g < gates; g++)
            {
                var kerasGate = KerasGate(g, gates);
                for (var j = 0; j < units; j++)
                {
                    var row = ((g * units) + j) * inputs;
                    var column = (kerasGate * units) + j;
                    for (var k = 0; k < inputs; k++)
                    {
                        if (toKeras)
                        {
                            destination[(k * width) + column] = source[row + k];
                        }
                        else
                        {
                            destination[row + k] = source[(k * width) + column];
                        }
                    }
                }
            }
        }

        /// <summary>Reorders one bias vector of gates·units between Keras' gate order and PyTorch's.</summary>
        public static void Bias(ReadOnlySpan<float> source, Span<float> destination, int units, int gates, bool toKeras)
        {
            Check(source.Length, destination.Length, units * gates);
            for (var g = 0; g < gates; g++)
            {
                var kerasOffset = KerasGate(g, gates) * units;
                var torchOffset = g * units;
                if (toKeras)
                {
                    source.Slice(torchOffset, units).CopyTo(destination.Slice(kerasOffset, units));
                }
                else
                {
                    source.Slice(kerasOffset, units).CopyTo(destination.Slice(torchOffset, units));
                }
            }
        }

        /// <summary>Sets a PyTorch weight tensor from a Keras kernel (see <see cref="Kernel"/>).</summary>
        /// <param name="keras">The Keras kernel, [inputs][gates·units].</param>
        /// <param name="inputs">Rows of the Keras kernel.</param>
        /// <param name="units">Units per gate.</param>
        /// <param name="gates">Gates in the kernel.</param>
        /// <param name="name">The PyTorch tensor it becomes.</param>
        /// <param name="import">The network's <c>ImportPyTorch</c>.</param>
        public static void ImportKernel(ReadOnlySpan<float> keras, int inputs, int units, int gates, string name, TensorWriter import)
        {
            ArgumentNullException.ThrowIfNull(import);
            var length = inputs * units * gates;
            var scratch = ArrayPool<float>.Shared.Rent(length);
            try
            {
                Kernel(keras, scratch.AsSpan(0, length), inputs, units, gates, toKeras: false);
                import(name, scratch.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }

        /// <summary>Writes a PyTorch weight tensor as a Keras kernel.</summary>
        /// <param name="keras">Receives the Keras kernel, [inputs][gates·units].</param>
        /// <param name="inputs">Rows of the Keras kernel.</param>
        /// <param name="units">Units per gate.</param>
        /// <param name="gates">Gates in the kernel.</param>
        /// <param name="name">The PyTorch tensor to read.</param>
        /// <param name="export">The network's <c>ExportPyTorch</c>.</param>
        public static void ExportKernel(Span<float> keras, int inputs, int units, int gates, string name, TensorReader export)
        {
            ArgumentNullException.ThrowIfNull(export);
            var length = inputs * units * gates;
            var scratch = ArrayPool<float>.Shared.Rent(length);
            try
            {
                export(name, scratch.AsSpan(0, length));
                Kernel(scratch.AsSpan(0, length), keras, inputs, units, gates, toKeras: true);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }

        /// <summary>
        /// Sets PyTorch's two bias vectors from a Keras bias: [2][gates·units] (input row, recurrent row) when
        /// <paramref name="separateRecurrent"/> (GRU reset_after=True), else one [gates·units] vector that becomes b_ih
        /// with b_hh = 0 (the two only ever appear summed there).
        /// </summary>
        public static void ImportBias(ReadOnlySpan<float> keras, int units, int gates, bool separateRecurrent, string inputName, string recurrentName, TensorWriter import)
        {
            ArgumentNullException.ThrowIfNull(import);
            var length = units * gates;
            var scratch = ArrayPool<float>.Shared.Rent(length);
            try
            {
                var torch = scratch.AsSpan(0, length);
                Bias(keras.Slice(0, length), torch, units, gates, toKeras: false);
                import(inputName, torch);
                if (separateRecurrent)
                {
                    Bias(keras.Slice(length, length), torch, units, gates, toKeras: false);
                }
                else
                {
                    torch.Clear();
                }

                import(recurrentName, torch);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }

        /// <summary>Writes PyTorch's two bias vectors as a Keras bias: both rows, or their sum (see <see cref="ImportBias"/>).</summary>
        public static void ExportBias(Span<float> keras, int units, int gates, bool separateRecurrent, string inputName, string recurrentName, TensorReader export)
        {
            ArgumentNullException.ThrowIfNull(export);
            var length = units * gates;
            var scratch = ArrayPool<float>.Shared.Rent(2 * length);
            try
            {
                var input = scratch.AsSpan(0, length);
                var recurrent = scratch.AsSpan(length, length);
                export(inputName, input);
                export(recurrentName, recurrent);
                if (separateRecurrent)
                {
                    Bias(input, keras.Slice(0, length), units, gates, toKeras: true);
                    Bias(recurrent, keras.Slice(length, length), units, gates, toKeras: true);
                }
                else
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(input, recurrent, input);
                    Bias(input, keras.Slice(0, length), units, gates, toKeras: true);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }

        private static int KerasGate(int torchGate, int gates) => gates == 3 ? GruGates[torchGate] : torchGate;

        private static void Check(int source, int destination, int expected)
        {
            if (source != expected || destination != expected)
            {
                throw new ArgumentException($"Both spans must hold {expected} floats; got {source} and {destination}.");
            }
        }
    }
}
