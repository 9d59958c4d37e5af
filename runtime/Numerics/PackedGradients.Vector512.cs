using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Numerics
{
    /// <summary>
    /// The AVX-512 forms of the two GEMMs of backpropagation. A block's 16 lanes are exactly one
    /// <see cref="Vector512{T}"/>, so each (block, gate) is one register, and wide register tiles keep the FMA units
    /// busy: the weight gradient holds up to 4 gates × 4 columns (16 accumulators), Wᵀ·dG 8 rows × 2 columns.
    /// <see cref="System.Numerics.Vector{T}"/> is 8 lanes even on AVX-512 hardware, which halved the arithmetic width.
    /// </summary>
    public static partial class PackedGradients
    {
        /// <summary>Rows per pass of the weight gradient: a chunk's gate gradients stay in L1/L2 across column groups.</summary>
        private const int RowChunk = 128;

        /// <summary>
        /// dW += Σ_rows dG ⊗ x for columns [0, 4⌊columns/4⌋); returns the first column left for the general path.
        /// </summary>
        private static int WeightsVector512(ref float dw, PackedShape tensor, ref float dg, GateRows gateRows, GateSlice gates, ref float x, int inputStride, int rows)
        {
            var columns = tensor.Columns & ~3;
            for (var first = 0; first < rows; first += RowChunk)
            {
                var count = Math.Min(RowChunk, rows - first);
                ref var dgChunk = ref Unsafe.Add(ref dg, first * gateRows.Stride);
                ref var xChunk = ref Unsafe.Add(ref x, first * inputStride);
                for (var g = 0; g < gates.Count; g += 4)
                {
                    var slice = new GateSlice(gates.TensorGate + g, gates.RowGate + g, Math.Min(4, gates.Count - g));
                    switch (slice.Count)
                    {
                        case 4:
                            WeightTiles<Four>(ref dw, tensor, columns, ref dgChunk, gateRows, slice, ref xChunk, inputStride, count);
                            break;
                        case 3:
                            WeightTiles<Three>(ref dw, tensor, columns, ref dgChunk, gateRows, slice, ref xChunk, inputStride, count);
                            break;
                        case 2:
                            WeightTiles<Two>(ref dw, tensor, columns, ref dgChunk, gateRows, slice, ref xChunk, inputStride, count);
                            break;
                        default:
                            WeightTiles<One>(ref dw, tensor, columns, ref dgChunk, gateRows, slice, ref xChunk, inputStride, count);
                            break;
                    }
                }
            }

            return columns;
        }

        /// <summary>
        /// One chunk of rows, every block, columns in fours: accumulators a[column][gate] for <typeparamref name="TGates"/>
        /// consecutive gates (a JIT-time constant, so the unused accumulators and loads vanish).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void WeightTiles<TGates>(ref float dw, PackedShape tensor, int columns, ref float dg, GateRows gateRows, GateSlice gates, ref float x, int inputStride, int rows)
            where TGates : struct, IGateCount
        {
            var columnStride = tensor.Gates * Block;
            for (var block = 0; block < tensor.Blocks; block++)
            {
                ref var dgBlock = ref Unsafe.Add(ref dg, (block * gateRows.GatesPerBlock * Block) + (gates.RowGate * Block));
                for (var k = 0; k < columns; k += 4)
                {
                    ref var o0 = ref Unsafe.Add(ref dw, tensor.IndexOf(block, k, gates.TensorGate));
                    ref var o1 = ref Unsafe.Add(ref o0, columnStride);
                    ref var o2 = ref Unsafe.Add(ref o1, columnStride);
                    ref var o3 = ref Unsafe.Add(ref o2, columnStride);
                    var a00 = Vector512.LoadUnsafe(ref o0);
                    var a10 = Vector512.LoadUnsafe(ref o1);
                    var a20 = Vector512.LoadUnsafe(ref o2);
                    var a30 = Vector512.LoadUnsafe(ref o3);
                    var a01 = TGates.Value > 1 ? Vector512.LoadUnsafe(ref o0, 16) : default;
                    var a11 = TGates.Value > 1 ? Vector512.LoadUnsafe(ref o1, 16) : default;
                    var a21 = TGates.Value > 1 ? Vector512.LoadUnsafe(ref o2, 16) : default;
                    var a31 = TGates.Value > 1 ? Vector512.LoadUnsafe(ref o3, 16) : default;
                    var a02 = TGates.Value > 2 ? Vector512.LoadUnsafe(ref o0, 32) : default;
                    var a12 = TGates.Value > 2 ? Vector512.LoadUnsafe(ref o1, 32) : default;
                    var a22 = TGates.Value > 2 ? Vector512.LoadUnsafe(ref o2, 32) : default;
                    var a32 = TGates.Value > 2 ? Vector512.LoadUnsafe(ref o3, 32) : default;
                    var a03 = TGates.Value > 3 ? Vector512.LoadUnsafe(ref o0, 48) : default;
                    var a13 = TGates.Value > 3 ? Vector512.LoadUnsafe(ref o1, 48) : default;
                    var a23 = TGates.Value > 3 ? Vector512.LoadUnsafe(ref o2, 48) : default;
                    var a33 = TGates.Value > 3 ? Vector512.LoadUnsafe(ref o3, 48) : default;
                    ref var d = ref dgBlock;
                    ref var xr = ref Unsafe.Add(ref x, k);
                    for (var row = 0; row < rows; row++)
                    {
                        var g0 = Vector512.LoadUnsafe(ref d);
                        var g1 = TGates.Value > 1 ? Vector512.LoadUnsafe(ref d, 16) : default;
                        var g2 = TGates.Value > 2 ? Vector512.LoadUnsafe(ref d, 32) : default;
                        var g3 = TGates.Value > 3 ? Vector512.LoadUnsafe(ref d, 48) : default;
                        var x0 = Vector512.Create(xr);
                        var x1 = Vector512.Create(Unsafe.Add(ref xr, 1));
                        var x2 = Vector512.Create(Unsafe.Add(ref xr, 2));
                        var x3 = Vector512.Create(Unsafe.Add(ref xr, 3));
                        a00 = Vector512.MultiplyAddEstimate(g0, x0, a00);
                        a10 = Vector512.MultiplyAddEstimate(g0, x1, a10);
                        a20 = Vector512.MultiplyAddEstimate(g0, x2, a20);
                        a30 = Vector512.MultiplyAddEstimate(g0, x3, a30);
                        if (TGates.Value > 1)
                        {
                            a01 = Vector512.MultiplyAddEstimate(g1, x0, a01);
                            a11 = Vector512.MultiplyAddEstimate(g1, x1, a11);
                            a21 = Vector512.MultiplyAddEstimate(g1, x2, a21);
                            a31 = Vector512.MultiplyAddEstimate(g1, x3, a31);
                        }

                        if (TGates.Value > 2)
                        {
                            a02 = Vector512.MultiplyAddEstimate(g2, x0, a02);
                            a12 = Vector512.MultiplyAddEstimate(g2, x1, a12);
                            a22 = Vector512.MultiplyAddEstimate(g2, x2, a22);
                            a32 = Vector512.MultiplyAddEstimate(g2, x3, a32);
                        }

                        if (TGates.Value > 3)
                        {
                            a03 = Vector512.MultiplyAddEstimate(g3, x0, a03);
                            a13 = Vector512.MultiplyAddEstimate(g3, x1, a13);
                            a23 = Vector512.MultiplyAddEstimate(g3, x2, a23);
                            a33 = Vector512.MultiplyAddEstimate(g3, x3, a33);
                        }

                        d = ref Unsafe.Add(ref d, gateRows.Stride);
                        xr = ref Unsafe.Add(ref xr, inputStride);
                    }

                    a00.StoreUnsafe(ref o0);
                    a10.StoreUnsafe(ref o1);
                    a20.StoreUnsafe(ref o2);
                    a30.StoreUnsafe(ref o3);
                    if (TGates.Value > 1)
                    {
                        a01.StoreUnsafe(ref o0, 16);
                        a11.StoreUnsafe(ref o1, 16);
                        a21.StoreUnsafe(ref o2, 16);
                        a31.StoreUnsafe(ref o3, 16);
                    }

                    if (TGates.Value > 2)
                    {
                        a02.StoreUnsafe(ref o0, 32);
                        a12.StoreUnsafe(ref o1, 32);
                        a22.StoreUnsafe(ref o2, 32);
                        a32.StoreUnsafe(ref o3, 32);
                    }

                    if (TGates.Value > 3)
                    {
                        a03.StoreUnsafe(ref o0, 48);
                        a13.StoreUnsafe(ref o1, 48);
                        a23.StoreUnsafe(ref o2, 48);
                        a33.StoreUnsafe(ref o3, 48);
                    }
                }
            }
        }

        /// <summary>
        /// dX += Wᵀ·dG for rows in eights and columns in pairs: each weight register feeds eight FMAs, and a sweep over
        /// W (which lives in L2) serves eight rows; the rows left over go one at a time, eight columns at once.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void TransposedVector512(ref float dx, int inputStride, ref float w, PackedShape tensor, ref float dg, GateRows gateRows, GateSlice gates, int rows)
        {
            var columnStride = tensor.Gates * Block;
            var tiledRows = rows & ~7;
            var columns = tensor.Columns & ~1;
            var stride = gateRows.Stride;
            for (var row = 0; row < tiledRows; row += 8)
            {
                ref var dgTile = ref Unsafe.Add(ref dg, row * stride);
                ref var outTile = ref Unsafe.Add(ref dx, row * inputStride);
                for (var k = 0; k < columns; k += 2)
                {
                    Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                    Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
                    ref var wBlock = ref Unsafe.Add(ref w, tensor.IndexOf(0, k, gates.TensorGate));
                    ref var dBlock = ref Unsafe.Add(ref dgTile, gates.RowGate * Block);
                    for (var block = 0; block < tensor.Blocks; block++)
                    {
                        // The slice's gates are 16 floats apart in both W and dG: walk them by reference.
                        ref var wk = ref wBlock;
                        ref var d = ref dBlock;
                        for (var g = 0; g < gates.Count; g++)
                        {
                            var w0 = Vector512.LoadUnsafe(ref wk);
                            var w1 = Vector512.LoadUnsafe(ref wk, (nuint)columnStride);
                            var d0 = Vector512.LoadUnsafe(ref d);
                            a0 = Vector512.MultiplyAddEstimate(w0, d0, a0);
                            b0 = Vector512.MultiplyAddEstimate(w1, d0, b0);
                            var d1 = Vector512.LoadUnsafe(ref d, (nuint)stride);
                            a1 = Vector512.MultiplyAddEstimate(w0, d1, a1);
                            b1 = Vector512.MultiplyAddEstimate(w1, d1, b1);
                            var d2 = Vector512.LoadUnsafe(ref d, (nuint)(2 * stride));
                            a2 = Vector512.MultiplyAddEstimate(w0, d2, a2);
                            b2 = Vector512.MultiplyAddEstimate(w1, d2, b2);
                            var d3 = Vector512.LoadUnsafe(ref d, (nuint)(3 * stride));
                            a3 = Vector512.MultiplyAddEstimate(w0, d3, a3);
                            b3 = Vector512.MultiplyAddEstimate(w1, d3, b3);
                            var d4 = Vector512.LoadUnsafe(ref d, (nuint)(4 * stride));
                            a4 = Vector512.MultiplyAddEstimate(w0, d4, a4);
                            b4 = Vector512.MultiplyAddEstimate(w1, d4, b4);
                            var d5 = Vector512.LoadUnsafe(ref d, (nuint)(5 * stride));
                            a5 = Vector512.MultiplyAddEstimate(w0, d5, a5);
                            b5 = Vector512.MultiplyAddEstimate(w1, d5, b5);
                            var d6 = Vector512.LoadUnsafe(ref d, (nuint)(6 * stride));
                            a6 = Vector512.MultiplyAddEstimate(w0, d6, a6);
                            b6 = Vector512.MultiplyAddEstimate(w1, d6, b6);
                            var d7 = Vector512.LoadUnsafe(ref d, (nuint)(7 * stride));
                            a7 = Vector512.MultiplyAddEstimate(w0, d7, a7);
                            b7 = Vector512.MultiplyAddEstimate(w1, d7, b7);
                            wk = ref Unsafe.Add(ref wk, Block);
                            d = ref Unsafe.Add(ref d, Block);
                        }

                        wBlock = ref Unsafe.Add(ref wBlock, tensor.Columns * columnStride);
                        dBlock = ref Unsafe.Add(ref dBlock, gateRows.GatesPerBlock * Block);
                    }

                    ref var o = ref Unsafe.Add(ref outTile, k);
                    AddSums(ref o, a0, b0);
                    AddSums(ref Unsafe.Add(ref o, inputStride), a1, b1);
                    AddSums(ref Unsafe.Add(ref o, 2 * inputStride), a2, b2);
                    AddSums(ref Unsafe.Add(ref o, 3 * inputStride), a3, b3);
                    AddSums(ref Unsafe.Add(ref o, 4 * inputStride), a4, b4);
                    AddSums(ref Unsafe.Add(ref o, 5 * inputStride), a5, b5);
                    AddSums(ref Unsafe.Add(ref o, 6 * inputStride), a6, b6);
                    AddSums(ref Unsafe.Add(ref o, 7 * inputStride), a7, b7);
                }

                for (var k = columns; k < tensor.Columns; k++)
                {
                    for (var r = 0; r < 8; r++)
                    {
                        Unsafe.Add(ref outTile, (r * inputStride) + k) += TransposedDot(ref w, tensor, ref Unsafe.Add(ref dgTile, r * stride), gateRows, gates, k);
                    }
                }
            }

            for (var row = tiledRows; row < rows; row++)
            {
                TransposedRowVector512(ref Unsafe.Add(ref dx, row * inputStride), ref w, tensor, ref Unsafe.Add(ref dg, row * stride), gateRows, gates);
            }
        }

        /// <summary>
        /// One row (batch 1, or a tile's leftovers), eight columns at a time: eight independent FMA chains per gate
        /// gradient load, where one column at a time would wait on a single chain's latency.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void TransposedRowVector512(ref float dxRow, ref float w, PackedShape tensor, ref float dgRow, GateRows gateRows, GateSlice gates)
        {
            var columnStride = tensor.Gates * Block;
            var columns = tensor.Columns & ~7;
            for (var k = 0; k < columns; k += 8)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                ref var wBlock = ref Unsafe.Add(ref w, tensor.IndexOf(0, k, gates.TensorGate));
                ref var dBlock = ref Unsafe.Add(ref dgRow, gates.RowGate * Block);
                for (var block = 0; block < tensor.Blocks; block++)
                {
                    ref var wk = ref wBlock;
                    ref var d = ref dBlock;
                    for (var g = 0; g < gates.Count; g++)
                    {
                        var dv = Vector512.LoadUnsafe(ref d);
                        a0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref wk), dv, a0);
                        a1 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref wk, (nuint)columnStride), dv, a1);
                        a2 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref wk, (nuint)(2 * columnStride)), dv, a2);
                        a3 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref wk, (nuint)(3 * columnStride)), dv, a3);
                        a4 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref wk, (nuint)(4 * columnStride)), dv, a4);
                        a5 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref wk, (nuint)(5 * columnStride)), dv, a5);
                        a6 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref wk, (nuint)(6 * columnStride)), dv, a6);
                        a7 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref wk, (nuint)(7 * columnStride)), dv, a7);
                        wk = ref Unsafe.Add(ref wk, Block);
                        d = ref Unsafe.Add(ref d, Block);
                    }

                    wBlock = ref Unsafe.Add(ref wBlock, tensor.Columns * columnStride);
                    dBlock = ref Unsafe.Add(ref dBlock, gateRows.GatesPerBlock * Block);
                }

                ref var o = ref Unsafe.Add(ref dxRow, k);
                AddSums(ref o, a0, a1);
                AddSums(ref Unsafe.Add(ref o, 2), a2, a3);
                AddSums(ref Unsafe.Add(ref o, 4), a4, a5);
                AddSums(ref Unsafe.Add(ref o, 6), a6, a7);
            }

            for (var k = columns; k < tensor.Columns; k++)
            {
                Unsafe.Add(ref dxRow, k) += TransposedDot(ref w, tensor, ref dgRow, gateRows, gates, k);
            }
        }

        /// <summary>out[0] and out[1] += the horizontal sums of two accumulators.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void AddSums(ref float output, Vector512<float> a0, Vector512<float> a1)
        {
            output += Vector512.Sum(a0);
            Unsafe.Add(ref output, 1) += Vector512.Sum(a1);
        }

        /// <summary>A gate count known when the JIT compiles a tile, so per-gate code folds away.</summary>
        private interface IGateCount
        {
            static abstract int Value { get; }
        }

        private readonly struct One : IGateCount
        {
            public static int Value => 1;
        }

        private readonly struct Two : IGateCount
        {
            public static int Value => 2;
        }

        private readonly struct Three : IGateCount
        {
            public static int Value => 3;
        }

        private readonly struct Four : IGateCount
        {
            public static int Value => 4;
        }
    }
}
