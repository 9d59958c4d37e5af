using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RnnGen.Numerics;
using Xunit;

namespace RnnGen.Runtime.Tests.Quantization
{
    /// <summary>The runtime pieces of the 8- and 16-bit weight formats, against their definitions.</summary>
    public sealed class QuantizationNumericsTests
    {
        [Fact]
        public void BFloat16_rounds_to_nearest_with_ties_to_even()
        {
            Assert.Equal(0x3F80, BFloat16Weights.Round(1f));
            Assert.Equal(0x3F80, BFloat16Weights.Round(BitConverter.UInt32BitsToSingle(0x3F808000))); // tie, down to even
            Assert.Equal(0x3F82, BFloat16Weights.Round(BitConverter.UInt32BitsToSingle(0x3F818000))); // tie, up to even
            Assert.Equal(0x3F81, BFloat16Weights.Round(BitConverter.UInt32BitsToSingle(0x3F808001))); // above the tie
            Assert.Equal(0xBF80, BFloat16Weights.Round(-1f));
            Assert.True(float.IsNaN(BFloat16Weights.Load(BFloat16Weights.Round(BitConverter.UInt32BitsToSingle(0x7F800001)))));
            var random = new Random(1);
            for (var i = 0; i < 10000; i++)
            {
                var value = (float)((random.NextDouble() * 2) - 1) * MathF.Pow(2, random.Next(-20, 20));
                var rounded = BFloat16Weights.Load(BFloat16Weights.Round(value));
                Assert.True(MathF.Abs(rounded - value) <= MathF.Abs(value) * MathF.Pow(2, -8), $"{value} -> {rounded}");
            }
        }

        [Fact]
        public void BFloat16_vector_loads_widen_like_the_scalar_one()
        {
            var random = new Random(2);
            var bits = new ushort[40];
            for (var i = 0; i < bits.Length; i++)
            {
                bits[i] = BFloat16Weights.Round((float)((random.NextDouble() * 8) - 4));
            }

            for (uint offset = 0; offset < 8; offset++)
            {
                var v128 = BFloat16Weights.Load128(ref bits[0], offset);
                var v256 = BFloat16Weights.Load256(ref bits[0], offset);
                var v512 = BFloat16Weights.Load512(ref bits[0], offset);
                for (var lane = 0; lane < 16; lane++)
                {
                    var expected = BFloat16Weights.Load(bits[offset + lane]);
                    Assert.Equal(expected, v512.GetElement(lane));
                    if (lane < 8)
                    {
                        Assert.Equal(expected, v256.GetElement(lane));
                    }

                    if (lane < 4)
                    {
                        Assert.Equal(expected, v128.GetElement(lane));
                    }
                }
            }
        }

        [Fact]
        public void BFloat16_round_checks_the_destination_length()
        {
            var error = Assert.Throws<ArgumentException>(() => BFloat16Weights.Round(new float[4], new ushort[3]));
            Assert.Equal("destination", error.ParamName);
        }

        [Fact]
        public void Int8_rows_are_within_half_a_step_and_corrections_sum_the_row()
        {
            const int blocks = 2, columns = 7, gates = 3, block = Int8Weights.BlockWidth;
            var random = new Random(3);
            var packed = new float[blocks * columns * gates * block];
            for (var i = 0; i < packed.Length; i++)
            {
                packed[i] = (float)((random.NextDouble() * 2) - 1) * (1 + (i % 5));
            }

            // One all-zero row: scale 0, every q 0.
            for (var k = 0; k < columns; k++)
            {
                packed[(((1 * columns * gates) + (k * gates) + 2) * block) + 5] = 0f;
            }

            var weights = new sbyte[Int8Weights.WeightBytes(blocks, columns, gates)];
            var scales = new float[blocks * gates * block];
            var corrections = new int[scales.Length];
            Int8Weights.Quantize(packed, blocks, columns, gates, weights, scales, corrections);
            Assert.Equal(blocks * 8 * gates * block, weights.Length); // 7 columns padded to 8
            for (var b = 0; b < blocks; b++)
            {
                for (var g = 0; g < gates; g++)
                {
                    for (var lane = 0; lane < block; lane++)
                    {
                        var row = (((b * gates) + g) * block) + lane;
                        int Q(int k) => weights[(b * 8 * gates * block) + (((((k >> 2) * gates) + g) * block) + lane) * 4 + (k & 3)];
                        var sum = 0;
                        var largest = 0;
                        for (var k = 0; k < columns; k++)
                        {
                            var w = packed[(((b * columns * gates) + (k * gates) + g) * block) + lane];
                            Assert.True(Math.Abs((scales[row] * Q(k)) - w) <= (scales[row] * 0.5f) + 1e-6f, $"row {row} k {k}");
                            sum += Q(k);
                            largest = Math.Max(largest, Math.Abs(Q(k)));
                        }

                        Assert.Equal(0, Q(7)); // the padding column
                        Assert.Equal(128 * sum, corrections[row]);
                        Assert.Equal(scales[row] == 0f ? 0 : 127, largest);
                    }
                }
            }

            Assert.Equal(0f, scales[(((1 * gates) + 2) * block) + 5]);
        }

        [Fact]
        public void Int8_quantize_names_the_span_with_the_wrong_shape()
        {
            var error = Assert.Throws<ArgumentException>(() => Int8Weights.Quantize(new float[16 * 5], 1, 5, 1, new sbyte[16 * 5], new float[16], new int[16]));
            Assert.Equal("weights", error.ParamName);
            Assert.Contains("expected 128", error.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(13)]
        [InlineData(64)]
        public void Inputs_round_to_offset_bytes_within_half_a_step(int count)
        {
            var random = new Random(count);
            var x = new float[count];
            for (var i = 0; i < count; i++)
            {
                x[i] = (float)((random.NextDouble() * 6) - 3);
            }

            var bytes = new byte[Int8Weights.PaddedColumns(count)];
            var scale = Int8Weights.QuantizeInput(ref x[0], count, ref bytes[0]);
            Assert.Equal(MathF.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(x)) / 127f, scale);
            for (var i = 0; i < count; i++)
            {
                Assert.True(MathF.Abs(((bytes[i] - 128) * scale) - x[i]) <= (scale * 0.5f) * (1 + 1e-5f), $"x[{i}] = {x[i]} -> {bytes[i]}");
            }

            for (var i = count; i < bytes.Length; i++)
            {
                Assert.Equal(128, bytes[i]); // padding reads as zero
            }
        }

        [Fact]
        public void A_zero_input_has_scale_zero_and_reads_as_zero()
        {
            var x = new float[9];
            var bytes = new byte[12];
            Assert.Equal(0f, Int8Weights.QuantizeInput(ref x[0], 9, ref bytes[0]));
            Assert.All(bytes, b => Assert.Equal(128, b));
        }

        [Fact]
        public void Dot_matches_its_scalar_definition_on_every_path()
        {
            var random = new Random(5);
            var xs = new byte[32];
            var ws = new sbyte[32];
            for (var trial = 0; trial < 2000; trial++)
            {
                for (var i = 0; i < 32; i++)
                {
                    // Extremes often: the 16-bit products of the AVX2 path must not saturate.
                    xs[i] = trial % 3 == 0 ? (byte)255 : (byte)random.Next(256);
                    ws[i] = trial % 3 == 0 ? (sbyte)(i % 2 == 0 ? 127 : -127) : (sbyte)random.Next(-127, 128);
                }

                var x = Vector256.Create<byte>(xs);
                var w = Vector256.Create<sbyte>(ws);
                var accumulator = Vector256.Create(trial, -trial, 7, 0, int.MaxValue / 2, -5, 3, 1);
                var expected = Int8Weights.DotPortable(accumulator, x, w);
                for (var lane = 0; lane < 8; lane++)
                {
                    var sum = accumulator.GetElement(lane);
                    for (var j = 0; j < 4; j++)
                    {
                        sum += xs[(lane * 4) + j] * ws[(lane * 4) + j];
                    }

                    Assert.Equal(sum, expected.GetElement(lane));
                }

                Assert.Equal(expected, Int8Weights.Dot(accumulator, x, w));
                if (Avx2.IsSupported)
                {
                    Assert.Equal(expected, Int8Weights.DotAvx2(accumulator, x, w));
                }
            }
        }
    }
}
