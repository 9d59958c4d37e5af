using System;
using RnnGen.Numerics;
using RnnGen.Runtime.Tests.Helpers;
using Xunit;

namespace RnnGen.Runtime.Tests.Numerics
{
    /// <summary>
    /// The backward GEMMs against loops written from their definitions, over shapes that exercise every register
    /// tile and remainder: rows and columns not multiples of the tiles, 1 to 4 gates, gate slices that start part-way.
    /// (CI reruns this with AVX-512, AVX2 and all intrinsics off, so each width's path is checked.)
    /// </summary>
    public sealed class PackedGradientsTests
    {
        private const int Block = 16;

        public static TheoryData<int, int, int, int, int, int> Shapes() => new()
        {
            // blocks, columns, tensor gates, slice first gate, slice gates, rows
            { 1, 4, 4, 0, 4, 8 },
            { 2, 9, 4, 0, 4, 21 },
            { 3, 7, 3, 0, 3, 17 },
            { 2, 5, 3, 1, 2, 9 },
            { 1, 3, 3, 2, 1, 13 },
            { 2, 16, 4, 1, 3, 35 },
            { 1, 1, 1, 0, 1, 1 },
            { 2, 12, 4, 0, 4, 300 }, // more than one chunk of rows
            { 1, 6, 2, 0, 2, 0 },
        };

        [Theory]
        [MemberData(nameof(Shapes))]
        public void Weight_gradients_are_the_sum_over_rows_of_gate_gradients_times_inputs(int blocks, int columns, int gates, int first, int count, int rows)
        {
            var (tensor, layout, slice, dg) = Setup(blocks, columns, gates, first, count, rows);
            var inputStride = columns + 3; // rows of x are not packed tightly
            var x = new Lcg(21).Uniform(Math.Max(1, rows * inputStride), 1f);
            var dw = new Lcg(22).Uniform(blocks * columns * gates * Block, 1f); // accumulates onto what is there
            var expected = (float[])dw.Clone();
            for (var block = 0; block < blocks; block++)
            {
                for (var k = 0; k < columns; k++)
                {
                    for (var g = 0; g < count; g++)
                    {
                        for (var lane = 0; lane < Block; lane++)
                        {
                            double sum = 0;
                            for (var row = 0; row < rows; row++)
                            {
                                sum += (double)dg[(row * layout.Stride) + (block * gates * Block) + ((first + g) * Block) + lane] * x[(row * inputStride) + k];
                            }

                            expected[tensor.IndexOf(block, k, first + g) + lane] += (float)sum;
                        }
                    }
                }
            }

            PackedGradients.AccumulateWeights(dw, tensor, dg, layout, slice, x, inputStride, rows);
            AssertClose(expected, dw);
        }

        [Theory]
        [MemberData(nameof(Shapes))]
        public void Input_gradients_are_the_transposed_weights_times_gate_gradients(int blocks, int columns, int gates, int first, int count, int rows)
        {
            var (tensor, layout, slice, dg) = Setup(blocks, columns, gates, first, count, rows);
            var w = new Lcg(23).Uniform(blocks * columns * gates * Block, 1f);
            var inputStride = columns + 2;
            var dx = new Lcg(24).Uniform(Math.Max(1, rows * inputStride), 1f);
            var expected = (float[])dx.Clone();
            for (var row = 0; row < rows; row++)
            {
                for (var k = 0; k < columns; k++)
                {
                    double sum = 0;
                    for (var block = 0; block < blocks; block++)
                    {
                        for (var g = 0; g < count; g++)
                        {
                            for (var lane = 0; lane < Block; lane++)
                            {
                                sum += (double)w[tensor.IndexOf(block, k, first + g) + lane] * dg[(row * layout.Stride) + (block * gates * Block) + ((first + g) * Block) + lane];
                            }
                        }
                    }

                    expected[(row * inputStride) + k] += (float)sum;
                }
            }

            PackedGradients.AccumulateTransposed(dx, inputStride, w, tensor, dg, layout, slice, rows);
            AssertClose(expected, dx);
        }

        [Theory]
        [MemberData(nameof(Shapes))]
        public void Bias_gradients_add_each_row_in_order(int blocks, int columns, int gates, int first, int count, int rows)
        {
            var (_, layout, slice, dg) = Setup(blocks, columns, gates, first, count, rows);
            var bias = new PackedShape(blocks, 1, gates);
            var db = new Lcg(31).Uniform(blocks * gates * Block, 1f); // accumulates onto what is there
            var expected = (float[])db.Clone();
            for (var block = 0; block < blocks; block++)
            {
                for (var g = 0; g < count; g++)
                {
                    for (var lane = 0; lane < Block; lane++)
                    {
                        var sum = expected[bias.IndexOf(block, 0, first + g) + lane];
                        for (var row = 0; row < rows; row++)
                        {
                            sum += dg[(row * layout.Stride) + (block * gates * Block) + ((first + g) * Block) + lane]; // float, row by row
                        }

                        expected[bias.IndexOf(block, 0, first + g) + lane] = sum;
                    }
                }
            }

            PackedGradients.AccumulateBias(db, bias, dg, layout, slice, rows);
            Assert.Equal(expected, db); // the same additions in the same order: the same bits
        }

        private static (PackedShape Tensor, GateRows Layout, GateSlice Slice, float[] GateGradients) Setup(int blocks, int columns, int gates, int first, int count, int rows)
        {
            var layout = new GateRows((blocks * gates * Block) + 16, gates); // a padded row stride, as the tape has
            var dg = new Lcg(20).Uniform(Math.Max(1, rows * layout.Stride), 1f);
            return (new PackedShape(blocks, columns, gates), layout, new GateSlice(first, first, count), dg);
        }

        private static void AssertClose(float[] expected, float[] actual)
        {
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
            }
        }
    }
}
