using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnGen.Threading;

namespace RnnGen.Numerics
{
    /// <summary>
    /// Splits <see cref="PackedGradients"/>' two big products across cores through <see cref="RowParallel"/>: the
    /// weight gradient by blocks of 16 units (each block's sums are independent), Wᵀ·dG by tiles of eight rows. Each
    /// element is computed by the same serial code whichever thread runs it, so the results are bit-identical for any
    /// thread count. The spans are pinned on the calling thread for the duration of the call, which waits for its
    /// workers, so the workers can address them; nothing is allocated (one job object per thread, made once).
    /// </summary>
    internal static unsafe class ParallelGemm
    {
        /// <summary>Below this many FLOPs per thread the fork and join (a few microseconds) would cost more than they save.</summary>
        private const long MinFlopsPerThread = 1L << 20;

        private const int RowTile = 8;

        [ThreadStatic]
        private static WeightsJob? weightsJob;

        [ThreadStatic]
        private static TransposedJob? transposedJob;

        public static bool TryWeights(Span<float> weightGradients, PackedShape tensor, ReadOnlySpan<float> gateGradients, GateRows gateRows, GateSlice gates, ReadOnlySpan<float> inputs, int inputStride, int rows)
        {
            long flopsPerBlock = 2L * rows * tensor.Columns * gates.Count * 16;
            int minBlocks = (int)Math.Clamp(MinFlopsPerThread / Math.Max(1, flopsPerBlock), 1, int.MaxValue);
            if (RowParallel.MaxThreads < 2 || tensor.Blocks < 2 * minBlocks)
            {
                return false;
            }

            fixed (float* dw = weightGradients)
            fixed (float* dg = gateGradients)
            fixed (float* x = inputs)
            {
                WeightsJob job = weightsJob ??= new WeightsJob();
                job.Set(dw, weightGradients.Length, tensor, dg, gateGradients.Length, gateRows, gates, x, inputs.Length, inputStride, rows);
                RowParallel.For(job, tensor.Blocks, minBlocks);
                job.Clear();
            }

            return true;
        }

        public static bool TryTransposed(Span<float> inputGradients, int inputStride, ReadOnlySpan<float> weights, PackedShape tensor, ReadOnlySpan<float> gateGradients, GateRows gateRows, GateSlice gates, int rows)
        {
            int tiles = (rows + RowTile - 1) / RowTile;
            long flopsPerTile = 2L * RowTile * tensor.Columns * tensor.Blocks * gates.Count * 16;
            int minTiles = (int)Math.Clamp(MinFlopsPerThread / Math.Max(1, flopsPerTile), 1, int.MaxValue);
            if (RowParallel.MaxThreads < 2 || tiles < 2 * minTiles)
            {
                return false;
            }

            fixed (float* dx = inputGradients)
            fixed (float* w = weights)
            fixed (float* dg = gateGradients)
            {
                TransposedJob job = transposedJob ??= new TransposedJob();
                job.Set(dx, inputGradients.Length, inputStride, w, weights.Length, tensor, dg, gateGradients.Length, gateRows, gates, rows);
                RowParallel.For(job, tiles, minTiles);
                job.Clear();
            }

            return true;
        }

        /// <summary>dW for blocks [start, start + count): the same call on the blocks' slice of dW and dG.</summary>
        private sealed class WeightsJob : IRowRange
        {
            private float* dw;
            private int dwLength;
            private PackedShape tensor;
            private float* dg;
            private int dgLength;
            private GateRows gateRows;
            private GateSlice gates;
            private float* x;
            private int xLength;
            private int inputStride;
            private int rows;

            public void Set(float* dw, int dwLength, PackedShape tensor, float* dg, int dgLength, GateRows gateRows, GateSlice gates, float* x, int xLength, int inputStride, int rows)
            {
                this.dw = dw;
                this.dwLength = dwLength;
                this.tensor = tensor;
                this.dg = dg;
                this.dgLength = dgLength;
                this.gateRows = gateRows;
                this.gates = gates;
                this.x = x;
                this.xLength = xLength;
                this.inputStride = inputStride;
                this.rows = rows;
            }

            public void Clear()
            {
                dw = null;
                dg = null;
                x = null;
            }

            public void Run(int start, int count)
            {
                int weightOffset = tensor.IndexOf(start, 0, 0);
                int gateOffset = start * gateRows.GatesPerBlock * 16;
                PackedGradients.AccumulateWeightsSerial(
                    new Span<float>(dw + weightOffset, dwLength - weightOffset),
                    tensor with { Blocks = count },
                    new ReadOnlySpan<float>(dg + gateOffset, dgLength - gateOffset),
                    gateRows,
                    gates,
                    new ReadOnlySpan<float>(x, xLength),
                    inputStride,
                    rows);
            }
        }

        /// <summary>Wᵀ·dG for row tiles [start, start + count): the same call on those rows of dX and dG.</summary>
        private sealed class TransposedJob : IRowRange
        {
            private float* dx;
            private int dxLength;
            private int inputStride;
            private float* w;
            private int wLength;
            private PackedShape tensor;
            private float* dg;
            private int dgLength;
            private GateRows gateRows;
            private GateSlice gates;
            private int rows;

            public void Set(float* dx, int dxLength, int inputStride, float* w, int wLength, PackedShape tensor, float* dg, int dgLength, GateRows gateRows, GateSlice gates, int rows)
            {
                this.dx = dx;
                this.dxLength = dxLength;
                this.inputStride = inputStride;
                this.w = w;
                this.wLength = wLength;
                this.tensor = tensor;
                this.dg = dg;
                this.dgLength = dgLength;
                this.gateRows = gateRows;
                this.gates = gates;
                this.rows = rows;
            }

            public void Clear()
            {
                dx = null;
                w = null;
                dg = null;
            }

            public void Run(int start, int count)
            {
                int firstRow = start * RowTile;
                int rowCount = Math.Min((start + count) * RowTile, rows) - firstRow;
                int dxOffset = firstRow * inputStride;
                int dgOffset = firstRow * gateRows.Stride;
                PackedGradients.AccumulateTransposedSerial(
                    new Span<float>(dx + dxOffset, dxLength - dxOffset),
                    inputStride,
                    new ReadOnlySpan<float>(w, wLength),
                    tensor,
                    new ReadOnlySpan<float>(dg + dgOffset, dgLength - dgOffset),
                    gateRows,
                    gates,
                    rowCount);
            }
        }
    }
}
