using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Numerics
{
    /// <summary>
    /// The three products of backpropagation over a packed tensor (<c>[block of 16 units][column][gate][lane]</c>,
    /// the layout of the generated networks' parameters), summed over many rows at once so weight gradients are
    /// GEMMs over all time steps rather than rank-1 updates per step. All methods accumulate (+=) into their output.
    /// Sizes are run-time values here; the generated code passes its compile-time constants. Products are summed with
    /// <c>MultiplyAddEstimate</c>, fused where the target has FMA: <c>FusedMultiplyAdd</c> must fuse, so without FMA
    /// (NativeAOT's default x64 target, the JIT with AVX2 off) it is emulated in software, one element at a time,
    /// which made Backward about 40× slower there.
    /// </summary>
    public static partial class PackedGradients
    {
        private const int Block = 16;

        /// <summary>
        /// Weight gradient: <c>dW[block][k][tensor gate][lane] += Σ_rows dG[row][block][row gate][lane] · x[row][k]</c>
        /// for <paramref name="gates"/>.<see cref="GateSlice.Count"/> gates.
        /// </summary>
        /// <param name="weightGradients">The packed gradient tensor (starts at its first block).</param>
        /// <param name="tensor">Shape of the packed tensor.</param>
        /// <param name="gateGradients">Gate gradients, <paramref name="rows"/> rows laid out as <paramref name="gateRows"/>.</param>
        /// <param name="gateRows">Row stride and gates per block of <paramref name="gateGradients"/>.</param>
        /// <param name="gates">Which gates of the tensor and of the rows this pass covers.</param>
        /// <param name="inputs">The rows' inputs (the x or h(t-1) the weights multiplied), <paramref name="inputStride"/> apart.</param>
        /// <param name="inputStride">Distance between consecutive input rows.</param>
        /// <param name="rows">Number of rows.</param>
        public static void AccumulateWeights(
            Span<float> weightGradients,
            PackedShape tensor,
            ReadOnlySpan<float> gateGradients,
            GateRows gateRows,
            GateSlice gates,
            ReadOnlySpan<float> inputs,
            int inputStride,
            int rows)
        {
            if (!ParallelGemm.TryWeights(weightGradients, tensor, gateGradients, gateRows, gates, inputs, inputStride, rows))
            {
                AccumulateWeightsSerial(weightGradients, tensor, gateGradients, gateRows, gates, inputs, inputStride, rows);
            }
        }

        /// <summary>
        /// <see cref="AccumulateWeights"/> on the calling thread. Every output element is a sum over the rows in the
        /// same order whichever blocks a call covers, so a call per range of blocks gives the same bits as one call.
        /// </summary>
        internal static void AccumulateWeightsSerial(
            Span<float> weightGradients,
            PackedShape tensor,
            ReadOnlySpan<float> gateGradients,
            GateRows gateRows,
            GateSlice gates,
            ReadOnlySpan<float> inputs,
            int inputStride,
            int rows)
        {
            ref var dw = ref MemoryMarshal.GetReference(weightGradients);
            ref var dg = ref MemoryMarshal.GetReference(gateGradients);
            ref var x = ref MemoryMarshal.GetReference(inputs);
            var firstColumn = Vector512.IsHardwareAccelerated ? WeightsVector512(ref dw, tensor, ref dg, gateRows, gates, ref x, inputStride, rows) : 0;
            if (firstColumn == tensor.Columns)
            {
                return;
            }

            var lanes = Vector<float>.Count;
            if (lanes == 8)
            {
                // x64 with AVX2: a block's 16 lanes as two vectors, 4 columns at a time, so every gate-gradient load
                // and every input broadcast feeds 4 and 2 FMAs respectively.
                WeightsTwoVectors(ref dw, tensor, ref dg, gateRows, gates, ref x, inputStride, rows, firstColumn);
                return;
            }

            for (var block = 0; block < tensor.Blocks; block++)
            {
                for (var g = 0; g < gates.Count; g++)
                {
                    var rowGate = (block * gateRows.GatesPerBlock * Block) + ((gates.RowGate + g) * Block);
                    for (var lane = 0; lane < Block; lane += lanes)
                    {
                        var k = firstColumn;
                        for (; k + 4 <= tensor.Columns; k += 4)
                        {
                            // Four columns share each gate-gradient load.
                            ref var out0 = ref Unsafe.Add(ref dw, tensor.IndexOf(block, k, gates.TensorGate + g) + lane);
                            ref var out1 = ref Unsafe.Add(ref out0, tensor.Gates * Block);
                            ref var out2 = ref Unsafe.Add(ref out1, tensor.Gates * Block);
                            ref var out3 = ref Unsafe.Add(ref out2, tensor.Gates * Block);
                            var a0 = Vector.LoadUnsafe(ref out0);
                            var a1 = Vector.LoadUnsafe(ref out1);
                            var a2 = Vector.LoadUnsafe(ref out2);
                            var a3 = Vector.LoadUnsafe(ref out3);
                            for (var row = 0; row < rows; row++)
                            {
                                var d = Vector.LoadUnsafe(ref Unsafe.Add(ref dg, (row * gateRows.Stride) + rowGate + lane));
                                ref var xr = ref Unsafe.Add(ref x, (row * inputStride) + k);
                                a0 = Vector.MultiplyAddEstimate(d, new Vector<float>(xr), a0);
                                a1 = Vector.MultiplyAddEstimate(d, new Vector<float>(Unsafe.Add(ref xr, 1)), a1);
                                a2 = Vector.MultiplyAddEstimate(d, new Vector<float>(Unsafe.Add(ref xr, 2)), a2);
                                a3 = Vector.MultiplyAddEstimate(d, new Vector<float>(Unsafe.Add(ref xr, 3)), a3);
                            }

                            a0.StoreUnsafe(ref out0);
                            a1.StoreUnsafe(ref out1);
                            a2.StoreUnsafe(ref out2);
                            a3.StoreUnsafe(ref out3);
                        }

                        for (; k < tensor.Columns; k++)
                        {
                            ref var output = ref Unsafe.Add(ref dw, tensor.IndexOf(block, k, gates.TensorGate + g) + lane);
                            var a = Vector.LoadUnsafe(ref output);
                            for (var row = 0; row < rows; row++)
                            {
                                var d = Vector.LoadUnsafe(ref Unsafe.Add(ref dg, (row * gateRows.Stride) + rowGate + lane));
                                a = Vector.MultiplyAddEstimate(d, new Vector<float>(Unsafe.Add(ref x, (row * inputStride) + k)), a);
                            }

                            a.StoreUnsafe(ref output);
                        }
                    }
                }
            }
        }

        private static void WeightsTwoVectors(ref float dw, PackedShape tensor, ref float dg, GateRows gateRows, GateSlice gates, ref float x, int inputStride, int rows, int firstColumn)
        {
            var columnStride = tensor.Gates * Block;
            for (var block = 0; block < tensor.Blocks; block++)
            {
                for (var g = 0; g < gates.Count; g++)
                {
                    ref var dgGate = ref Unsafe.Add(ref dg, (block * gateRows.GatesPerBlock * Block) + ((gates.RowGate + g) * Block));
                    var k = firstColumn;
                    for (; k + 4 <= tensor.Columns; k += 4)
                    {
                        ref var out0 = ref Unsafe.Add(ref dw, tensor.IndexOf(block, k, gates.TensorGate + g));
                        ref var out1 = ref Unsafe.Add(ref out0, columnStride);
                        ref var out2 = ref Unsafe.Add(ref out1, columnStride);
                        ref var out3 = ref Unsafe.Add(ref out2, columnStride);
                        var a0 = Vector.LoadUnsafe(ref out0);
                        var b0 = Vector.LoadUnsafe(ref Unsafe.Add(ref out0, 8));
                        var a1 = Vector.LoadUnsafe(ref out1);
                        var b1 = Vector.LoadUnsafe(ref Unsafe.Add(ref out1, 8));
                        var a2 = Vector.LoadUnsafe(ref out2);
                        var b2 = Vector.LoadUnsafe(ref Unsafe.Add(ref out2, 8));
                        var a3 = Vector.LoadUnsafe(ref out3);
                        var b3 = Vector.LoadUnsafe(ref Unsafe.Add(ref out3, 8));
                        for (var row = 0; row < rows; row++)
                        {
                            ref var d = ref Unsafe.Add(ref dgGate, row * gateRows.Stride);
                            var lo = Vector.LoadUnsafe(ref d);
                            var hi = Vector.LoadUnsafe(ref Unsafe.Add(ref d, 8));
                            ref var xr = ref Unsafe.Add(ref x, (row * inputStride) + k);
                            var x0 = new Vector<float>(xr);
                            var x1 = new Vector<float>(Unsafe.Add(ref xr, 1));
                            var x2 = new Vector<float>(Unsafe.Add(ref xr, 2));
                            var x3 = new Vector<float>(Unsafe.Add(ref xr, 3));
                            a0 = Vector.MultiplyAddEstimate(lo, x0, a0);
                            b0 = Vector.MultiplyAddEstimate(hi, x0, b0);
                            a1 = Vector.MultiplyAddEstimate(lo, x1, a1);
                            b1 = Vector.MultiplyAddEstimate(hi, x1, b1);
                            a2 = Vector.MultiplyAddEstimate(lo, x2, a2);
                            b2 = Vector.MultiplyAddEstimate(hi, x2, b2);
                            a3 = Vector.MultiplyAddEstimate(lo, x3, a3);
                            b3 = Vector.MultiplyAddEstimate(hi, x3, b3);
                        }

                        a0.StoreUnsafe(ref out0);
                        b0.StoreUnsafe(ref Unsafe.Add(ref out0, 8));
                        a1.StoreUnsafe(ref out1);
                        b1.StoreUnsafe(ref Unsafe.Add(ref out1, 8));
                        a2.StoreUnsafe(ref out2);
                        b2.StoreUnsafe(ref Unsafe.Add(ref out2, 8));
                        a3.StoreUnsafe(ref out3);
                        b3.StoreUnsafe(ref Unsafe.Add(ref out3, 8));
                    }

                    for (; k < tensor.Columns; k++)
                    {
                        ref var output = ref Unsafe.Add(ref dw, tensor.IndexOf(block, k, gates.TensorGate + g));
                        var a = Vector.LoadUnsafe(ref output);
                        var b = Vector.LoadUnsafe(ref Unsafe.Add(ref output, 8));
                        for (var row = 0; row < rows; row++)
                        {
                            ref var d = ref Unsafe.Add(ref dgGate, row * gateRows.Stride);
                            var xv = new Vector<float>(Unsafe.Add(ref x, (row * inputStride) + k));
                            a = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref d), xv, a);
                            b = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref Unsafe.Add(ref d, 8)), xv, b);
                        }

                        a.StoreUnsafe(ref output);
                        b.StoreUnsafe(ref Unsafe.Add(ref output, 8));
                    }
                }
            }
        }

        /// <summary>
        /// Input gradient: <c>dX[row][k] += Σ_block Σ_gate Σ_lane W[block][k][tensor gate][lane] · dG[row][block][row gate][lane]</c>,
        /// i.e. Wᵀ · dG for every row.
        /// </summary>
        /// <param name="inputGradients">Receives the rows' input gradients, <paramref name="inputStride"/> apart.</param>
        /// <param name="inputStride">Distance between consecutive rows of <paramref name="inputGradients"/>.</param>
        /// <param name="weights">The packed tensor W.</param>
        /// <param name="tensor">Shape of the packed tensor.</param>
        /// <param name="gateGradients">Gate gradients, laid out as <paramref name="gateRows"/>.</param>
        /// <param name="gateRows">Row stride and gates per block of <paramref name="gateGradients"/>.</param>
        /// <param name="gates">Which gates of the tensor and of the rows take part.</param>
        /// <param name="rows">Number of rows.</param>
        public static void AccumulateTransposed(
            Span<float> inputGradients,
            int inputStride,
            ReadOnlySpan<float> weights,
            PackedShape tensor,
            ReadOnlySpan<float> gateGradients,
            GateRows gateRows,
            GateSlice gates,
            int rows)
        {
            if (!ParallelGemm.TryTransposed(inputGradients, inputStride, weights, tensor, gateGradients, gateRows, gates, rows))
            {
                AccumulateTransposedSerial(inputGradients, inputStride, weights, tensor, gateGradients, gateRows, gates, rows);
            }
        }

        /// <summary>
        /// <see cref="AccumulateTransposed"/> on the calling thread. Rows go in tiles of eight (four without
        /// Vector512) and the rest one by one, so a call per range of rows that starts at a multiple of eight gives
        /// the same bits as one call.
        /// </summary>
        internal static void AccumulateTransposedSerial(
            Span<float> inputGradients,
            int inputStride,
            ReadOnlySpan<float> weights,
            PackedShape tensor,
            ReadOnlySpan<float> gateGradients,
            GateRows gateRows,
            GateSlice gates,
            int rows)
        {
            ref var dx = ref MemoryMarshal.GetReference(inputGradients);
            ref var w = ref MemoryMarshal.GetReference(weights);
            ref var dg = ref MemoryMarshal.GetReference(gateGradients);
            if (Vector512.IsHardwareAccelerated)
            {
                TransposedVector512(ref dx, inputStride, ref w, tensor, ref dg, gateRows, gates, rows);
                return;
            }

            var row = 0;
            for (; row + 4 <= rows; row += 4)
            {
                TransposedTile4(ref dx, inputStride, ref w, tensor, ref dg, gateRows, gates, row);
            }

            for (; row < rows; row++)
            {
                TransposedRow(ref Unsafe.Add(ref dx, row * inputStride), ref w, tensor, ref Unsafe.Add(ref dg, row * gateRows.Stride), gateRows, gates);
            }
        }

        /// <summary>Four rows at once, two columns at a time: each weight load feeds four rows.</summary>
        private static void TransposedTile4(ref float dx, int inputStride, ref float w, PackedShape tensor, ref float dg, GateRows gateRows, GateSlice gates, int row)
        {
            var lanes = Vector<float>.Count;
            var columnStride = tensor.Gates * Block;
            ref var dg0 = ref Unsafe.Add(ref dg, row * gateRows.Stride);
            ref var dg1 = ref Unsafe.Add(ref dg0, gateRows.Stride);
            ref var dg2 = ref Unsafe.Add(ref dg1, gateRows.Stride);
            ref var dg3 = ref Unsafe.Add(ref dg2, gateRows.Stride);
            var k = 0;
            for (; k + 2 <= tensor.Columns; k += 2)
            {
                Vector<float> a00 = default, a01 = default, a10 = default, a11 = default;
                Vector<float> a20 = default, a21 = default, a30 = default, a31 = default;
                for (var block = 0; block < tensor.Blocks; block++)
                {
                    for (var g = 0; g < gates.Count; g++)
                    {
                        ref var wk = ref Unsafe.Add(ref w, tensor.IndexOf(block, k, gates.TensorGate + g));
                        var gateOffset = (block * gateRows.GatesPerBlock * Block) + ((gates.RowGate + g) * Block);
                        for (var lane = 0; lane < Block; lane += lanes)
                        {
                            var w0 = Vector.LoadUnsafe(ref Unsafe.Add(ref wk, lane));
                            var w1 = Vector.LoadUnsafe(ref Unsafe.Add(ref wk, columnStride + lane));
                            var d0 = Vector.LoadUnsafe(ref Unsafe.Add(ref dg0, gateOffset + lane));
                            var d1 = Vector.LoadUnsafe(ref Unsafe.Add(ref dg1, gateOffset + lane));
                            var d2 = Vector.LoadUnsafe(ref Unsafe.Add(ref dg2, gateOffset + lane));
                            var d3 = Vector.LoadUnsafe(ref Unsafe.Add(ref dg3, gateOffset + lane));
                            a00 = Vector.MultiplyAddEstimate(w0, d0, a00);
                            a01 = Vector.MultiplyAddEstimate(w1, d0, a01);
                            a10 = Vector.MultiplyAddEstimate(w0, d1, a10);
                            a11 = Vector.MultiplyAddEstimate(w1, d1, a11);
                            a20 = Vector.MultiplyAddEstimate(w0, d2, a20);
                            a21 = Vector.MultiplyAddEstimate(w1, d2, a21);
                            a30 = Vector.MultiplyAddEstimate(w0, d3, a30);
                            a31 = Vector.MultiplyAddEstimate(w1, d3, a31);
                        }
                    }
                }

                ref var out0 = ref Unsafe.Add(ref dx, (row * inputStride) + k);
                ref var out1 = ref Unsafe.Add(ref out0, inputStride);
                ref var out2 = ref Unsafe.Add(ref out1, inputStride);
                ref var out3 = ref Unsafe.Add(ref out2, inputStride);
                out0 += Vector.Sum(a00);
                Unsafe.Add(ref out0, 1) += Vector.Sum(a01);
                out1 += Vector.Sum(a10);
                Unsafe.Add(ref out1, 1) += Vector.Sum(a11);
                out2 += Vector.Sum(a20);
                Unsafe.Add(ref out2, 1) += Vector.Sum(a21);
                out3 += Vector.Sum(a30);
                Unsafe.Add(ref out3, 1) += Vector.Sum(a31);
            }

            for (; k < tensor.Columns; k++)
            {
                for (var r = 0; r < 4; r++)
                {
                    ref var dgRow = ref Unsafe.Add(ref dg0, r * gateRows.Stride);
                    Unsafe.Add(ref dx, ((row + r) * inputStride) + k) += TransposedDot(ref w, tensor, ref dgRow, gateRows, gates, k);
                }
            }
        }

        /// <summary>One row, four columns at a time: four FMA chains rather than one column's single chain.</summary>
        private static void TransposedRow(ref float dxRow, ref float w, PackedShape tensor, ref float dgRow, GateRows gateRows, GateSlice gates)
        {
            var lanes = Vector<float>.Count;
            var columnStride = tensor.Gates * Block;
            var k = 0;
            for (; k + 4 <= tensor.Columns; k += 4)
            {
                Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (var block = 0; block < tensor.Blocks; block++)
                {
                    for (var g = 0; g < gates.Count; g++)
                    {
                        ref var wk = ref Unsafe.Add(ref w, tensor.IndexOf(block, k, gates.TensorGate + g));
                        ref var d = ref Unsafe.Add(ref dgRow, (block * gateRows.GatesPerBlock * Block) + ((gates.RowGate + g) * Block));
                        for (var lane = 0; lane < Block; lane += lanes)
                        {
                            var dv = Vector.LoadUnsafe(ref Unsafe.Add(ref d, lane));
                            a0 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref Unsafe.Add(ref wk, lane)), dv, a0);
                            a1 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref Unsafe.Add(ref wk, columnStride + lane)), dv, a1);
                            a2 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref Unsafe.Add(ref wk, (2 * columnStride) + lane)), dv, a2);
                            a3 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref Unsafe.Add(ref wk, (3 * columnStride) + lane)), dv, a3);
                        }
                    }
                }

                ref var o = ref Unsafe.Add(ref dxRow, k);
                o += Vector.Sum(a0);
                Unsafe.Add(ref o, 1) += Vector.Sum(a1);
                Unsafe.Add(ref o, 2) += Vector.Sum(a2);
                Unsafe.Add(ref o, 3) += Vector.Sum(a3);
            }

            for (; k < tensor.Columns; k++)
            {
                Unsafe.Add(ref dxRow, k) += TransposedDot(ref w, tensor, ref dgRow, gateRows, gates, k);
            }
        }

        /// <summary>Σ_block Σ_gate Σ_lane W[block][k][gate][lane] · dG[block][gate][lane] for one row and column.</summary>
        private static float TransposedDot(ref float w, PackedShape tensor, ref float dgRow, GateRows gateRows, GateSlice gates, int k)
        {
            var lanes = Vector<float>.Count;
            var a = Vector<float>.Zero;
            for (var block = 0; block < tensor.Blocks; block++)
            {
                for (var g = 0; g < gates.Count; g++)
                {
                    ref var wk = ref Unsafe.Add(ref w, tensor.IndexOf(block, k, gates.TensorGate + g));
                    ref var d = ref Unsafe.Add(ref dgRow, (block * gateRows.GatesPerBlock * Block) + ((gates.RowGate + g) * Block));
                    for (var lane = 0; lane < Block; lane += lanes)
                    {
                        a = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref Unsafe.Add(ref wk, lane)), Vector.LoadUnsafe(ref Unsafe.Add(ref d, lane)), a);
                    }
                }
            }

            return Vector.Sum(a);
        }

        /// <summary>
        /// Embedding gradient: <c>table[tokens[r]] += rows[r]</c> for every row; rows with the same token add up.
        /// </summary>
        /// <param name="tableGradients">The embedding table's gradient, row-major [vocabulary][width].</param>
        /// <param name="width">Embedding dimension.</param>
        /// <param name="tokens">Each row's token id (already validated by <c>Forward</c>).</param>
        /// <param name="rows">dL/dx for each row, [tokens.Length][width].</param>
        public static void ScatterAddRows(Span<float> tableGradients, int width, ReadOnlySpan<int> tokens, ReadOnlySpan<float> rows)
        {
            for (var r = 0; r < tokens.Length; r++)
            {
                var row = tableGradients.Slice(tokens[r] * width, width);
                System.Numerics.Tensors.TensorPrimitives.Add(row, rows.Slice(r * width, width), row);
            }
        }

        /// <summary>Bias gradient: <c>db[block][tensor gate][lane] += Σ_rows dG[row][block][row gate][lane]</c>.</summary>
        /// <remarks>
        /// Rows outermost, so dG streams once in memory order and the sums stay in L1 (the bias is a few KiB). Gate by
        /// gate down the rows instead read one element per row, a page apart, and cost 6 % of a char-LM training step;
        /// each sum still adds its rows in order, so the bits are those of that loop.
        /// </remarks>
        /// <param name="biasGradients">The packed bias gradient (a tensor with one column).</param>
        /// <param name="tensor">Shape of the packed bias tensor.</param>
        /// <param name="gateGradients">Gate gradients, laid out as <paramref name="gateRows"/>.</param>
        /// <param name="gateRows">Row stride and gates per block of <paramref name="gateGradients"/>.</param>
        /// <param name="gates">Which gates of the tensor and of the rows this pass covers.</param>
        /// <param name="rows">Number of rows.</param>
        public static void AccumulateBias(Span<float> biasGradients, PackedShape tensor, ReadOnlySpan<float> gateGradients, GateRows gateRows, GateSlice gates, int rows)
        {
            ref var db = ref MemoryMarshal.GetReference(biasGradients);
            ref var dg = ref MemoryMarshal.GetReference(gateGradients);
            var lanes = Vector<float>.Count;
            for (var row = 0; row < rows; row++)
            {
                ref var dgRow = ref Unsafe.Add(ref dg, row * gateRows.Stride);
                for (var block = 0; block < tensor.Blocks; block++)
                {
                    for (var g = 0; g < gates.Count; g++)
                    {
                        ref var input = ref Unsafe.Add(ref dgRow, (block * gateRows.GatesPerBlock * Block) + ((gates.RowGate + g) * Block));
                        ref var output = ref Unsafe.Add(ref db, tensor.IndexOf(block, 0, gates.TensorGate + g));
                        for (var lane = 0; lane < Block; lane += lanes)
                        {
                            (Vector.LoadUnsafe(ref output, (nuint)lane) + Vector.LoadUnsafe(ref input, (nuint)lane)).StoreUnsafe(ref output, (nuint)lane);
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Diagonal (per-unit) weight gradient, as for LSTM peepholes:
        /// <c>dp[block][tensor gate][lane] += Σ_rows dG[row][block][row gate][lane] · state[row][block·16 + lane]</c>.
        /// </summary>
        /// <param name="vectorGradients">The packed gradient of the vectors (a tensor with one column).</param>
        /// <param name="tensor">Shape of the packed vectors.</param>
        /// <param name="tensorGate">Which vector.</param>
        /// <param name="gateGradients">Gate gradients, laid out as <paramref name="gateRows"/>.</param>
        /// <param name="gateRows">Row stride and gates per block of <paramref name="gateGradients"/>.</param>
        /// <param name="rowGate">The gate of the rows the vector multiplies.</param>
        /// <param name="states">The state each gate saw (c(t-1) or c(t)), rows of <paramref name="stateStride"/> floats.</param>
        /// <param name="stateStride">Floats between consecutive state rows.</param>
        /// <param name="rows">Number of rows.</param>
        public static void AccumulateDiagonal(Span<float> vectorGradients, PackedShape tensor, int tensorGate, ReadOnlySpan<float> gateGradients, GateRows gateRows, int rowGate, ReadOnlySpan<float> states, int stateStride, int rows)
        {
            ref var dp = ref MemoryMarshal.GetReference(vectorGradients);
            ref var dg = ref MemoryMarshal.GetReference(gateGradients);
            ref var state = ref MemoryMarshal.GetReference(states);
            var lanes = Vector<float>.Count;
            for (var block = 0; block < tensor.Blocks; block++)
            {
                var gate = (block * gateRows.GatesPerBlock * Block) + (rowGate * Block);
                for (var lane = 0; lane < Block; lane += lanes)
                {
                    ref var output = ref Unsafe.Add(ref dp, tensor.IndexOf(block, 0, tensorGate) + lane);
                    var a = Vector.LoadUnsafe(ref output);
                    for (var row = 0; row < rows; row++)
                    {
                        a += Vector.LoadUnsafe(ref Unsafe.Add(ref dg, (row * gateRows.Stride) + gate + lane)) * Vector.LoadUnsafe(ref Unsafe.Add(ref state, (row * stateStride) + (block * Block) + lane));
                    }

                    a.StoreUnsafe(ref output);
                }
            }
        }
    }

    /// <summary>The shape of a packed tensor: unit blocks of 16, input columns, and gates side by side.</summary>
    /// <param name="Blocks">Blocks of 16 units.</param>
    /// <param name="Columns">Input columns (1 for a bias).</param>
    /// <param name="Gates">Gates packed side by side.</param>
    public readonly record struct PackedShape(int Blocks, int Columns, int Gates)
    {
        /// <summary>Offset of lane 0 of (block, column, gate).</summary>
        public int IndexOf(int block, int column, int gate) => (((block * Columns) + column) * Gates * 16) + (gate * 16);
    }

    /// <summary>Rows of gate values laid out <c>[row][block][gate][lane]</c>.</summary>
    /// <param name="Stride">Floats between consecutive rows.</param>
    /// <param name="GatesPerBlock">Gates stored per block of 16 units in each row.</param>
    public readonly record struct GateRows(int Stride, int GatesPerBlock);

    /// <summary>A run of gates: the first in the tensor, the first in the rows, and how many.</summary>
    /// <param name="TensorGate">First gate index within the packed tensor.</param>
    /// <param name="RowGate">First gate index within each row block.</param>
    /// <param name="Count">Number of gates.</param>
    public readonly record struct GateSlice(int TensorGate, int RowGate, int Count);
}
