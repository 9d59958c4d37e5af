using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using RnnGen.IO;
using RnnGen.Runtime.Tests.Models;
using Xunit;

namespace RnnGen.Runtime.Tests.IO
{
    /// <summary>Writing and reading back: bit-exact values, the exact bytes the format (and Python's safetensors) uses.</summary>
    public sealed class SafeTensorsRoundTripTests
    {
        private static readonly uint[] SpecialBits =
        {
            0x7FC00000, // quiet NaN
            0x7FC12345, // quiet NaN with payload
            0xFFC00001, // negative quiet NaN with payload
            0x7F800001, // signalling NaN
            0xFFBFFFFF, // negative signalling NaN, largest payload
            0x80000000, // -0
            0x00000000, // +0
            0x00000001, // smallest subnormal
            0x807FFFFF, // largest negative subnormal
            0x00400000, // a mid subnormal
            0x7F800000, // +inf
            0xFF800000, // -inf
            0x7F7FFFFF, // float.MaxValue
            0x3F800000, // 1
            0xBDCCCCCD, // -0.1
        };

        [Fact]
        public void Floats_round_trip_bit_for_bit_including_NaN_payloads_negative_zero_and_subnormals()
        {
            var values = SpecialBits.Select(BitConverter.UInt32BitsToSingle).ToArray();
            var writer = new SafeTensorsWriter();
            writer.Add("special", new[] { 3, 5 }, values);
            var file = SafeTensorsFile.Parse(ToBytes(writer));

            var read = new float[15];
            file.ReadInto("special", read, 3, 5);
            Assert.Equal(SpecialBits, read.Select(BitConverter.SingleToUInt32Bits).ToArray());
            Assert.Equal(SpecialBits, file.ReadFloat32("special").Select(BitConverter.SingleToUInt32Bits).ToArray());
        }

        [Fact]
        public void Random_bit_patterns_round_trip_through_a_file()
        {
            var random = new Random(1234);
            var bits = new uint[10_007];
            for (var i = 0; i < bits.Length; i++)
            {
                bits[i] = (uint)random.NextInt64(0, 1L << 32);
            }

            var values = bits.Select(BitConverter.UInt32BitsToSingle).ToArray();
            using var directory = new TempDirectory();
            var path = directory.File("random.safetensors");
            var writer = new SafeTensorsWriter();
            writer.Add("a", new[] { 10_007 }, values);
            writer.Add("b", new[] { 7, 1, 3 }, values.AsSpan(0, 21));
            writer.Save(path);

            var file = SafeTensorsFile.Load(path);
            Assert.Equal(path, file.Source);
            Assert.Equal(bits, file.ReadFloat32("a").Select(BitConverter.SingleToUInt32Bits).ToArray());
            var b = new float[21];
            file.ReadInto("b", b, 7, 1, 3);
            Assert.Equal(bits.Take(21), b.Select(BitConverter.SingleToUInt32Bits));
        }

        [Fact]
        public void Integers_scalars_empty_tensors_and_metadata_round_trip()
        {
            var writer = new SafeTensorsWriter();
            writer.Add("step", ReadOnlySpan<int>.Empty, new[] { long.MaxValue });
            writer.Add("longs", new[] { 3 }, new[] { long.MinValue, -1L, 42L });
            writer.Add("ints", new[] { 2, 2 }, new[] { int.MinValue, -1, 0, int.MaxValue });
            writer.Add("empty", new[] { 0, 3 }, ReadOnlySpan<float>.Empty);
            writer.Add("scalar", ReadOnlySpan<int>.Empty, new[] { 2.5f });
            writer.AddMetadata("format", "pt");
            writer.AddMetadata("ünïcødé \"quoted\"", "line\nbreak");
            var file = SafeTensorsFile.Parse(ToBytes(writer));

            Assert.Equal(new[] { "step", "longs", "ints", "empty", "scalar" }, file.Tensors.Select(t => t.Name));
            var step = new long[1];
            file.ReadInto("step", step);
            Assert.Equal(long.MaxValue, step[0]);
            Assert.Equal(new[] { long.MinValue, -1L, 42L }, file.ReadInt64("longs"));
            var ints = new int[4];
            file.ReadInto("ints", ints, 2, 2);
            Assert.Equal(new[] { int.MinValue, -1, 0, int.MaxValue }, ints);
            Assert.Empty(file.ReadFloat32("empty"));
            Assert.Equal(new long[] { 0, 3 }, file.GetTensor("empty").Shape);
            Assert.Equal(2.5f, file.ReadFloat32("scalar").Single());
            Assert.Empty(file.GetTensor("scalar").Shape);
            Assert.Equal("pt", file.Metadata["format"]);
            Assert.Equal("line\nbreak", file.Metadata["ünïcødé \"quoted\""]);
            Assert.Equal(SafeTensorsDType.I32, file.GetTensor("ints").DType);
            Assert.Equal("ints I32 [2, 2]", file.GetTensor("ints").ToString());
        }

        [Fact]
        public void Writer_output_is_byte_for_byte_the_reference_layout_with_space_padding_to_8_bytes()
        {
            // The reference implementation's own test vector (safetensors' Python tests: save({"test": zeros((2, 2), int32)})),
            // whose 60-byte header current versions pad with spaces to 64.
            var writer = new SafeTensorsWriter();
            writer.Add("test", new[] { 2, 2 }, new int[4]);
            var expected = HandWritten.File("{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}    ", HandWritten.Zeros(16));
            Assert.Equal(expected, ToBytes(writer));
            Assert.Equal(64UL, BinaryPrimitives.ReadUInt64LittleEndian(expected));
        }

        [Fact]
        public void Writer_puts_metadata_first_and_tensors_in_the_order_added_contiguously()
        {
            var writer = new SafeTensorsWriter();
            writer.Add("z", new[] { 1 }, new[] { 1f });
            writer.Add("a", new[] { 2 }, new[] { 2f, 3f });
            writer.AddMetadata("k", "v");
            var bytes = ToBytes(writer);
            var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            var header = Encoding.UTF8.GetString(bytes, 8, headerLength);

            Assert.Equal(0, headerLength % 8);
            Assert.Equal(
                "{\"__metadata__\":{\"k\":\"v\"},\"z\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                header.TrimEnd(' '));
            Assert.Equal(HandWritten.Floats(1f, 2f, 3f), bytes.Skip(8 + headerLength).ToArray());
        }

        [Fact]
        public void Exported_tensors_are_read_at_save_time_from_a_zeroed_buffer()
        {
            var source = new[] { 1f, 2f, 3f, 4f, 5f, 6f };
            var writer = new SafeTensorsWriter();
            writer.Add("partial", new[] { 3 }, (name, destination) =>
            {
                Assert.Equal("partial", name);
                Assert.All(destination.ToArray(), v => Assert.Equal(0f, v));
                destination[0] = 9f; // leaves the rest as zeros
            });
            writer.Add(TensorInfo.Matrix("m", 2, 3), (_, destination) => source.CopyTo(destination));
            source[0] = -1f; // read at save time, so this change is saved

            var file = SafeTensorsFile.Parse(ToBytes(writer));
            Assert.Equal(new[] { 9f, 0f, 0f }, file.ReadFloat32("partial"));
            var m = new float[6];
            file.ReadInto(TensorInfo.Matrix("m", 2, 3), m);
            Assert.Equal(new[] { -1f, 2f, 3f, 4f, 5f, 6f }, m);

            // A second save exports again (the scratch buffer is zeroed each time).
            Assert.Equal(new[] { 9f, 0f, 0f }, SafeTensorsFile.Parse(ToBytes(writer)).ReadFloat32("partial"));
        }

        [Fact]
        public void A_generated_network_saves_and_loads_all_its_PyTorch_tensors()
        {
            var original = new Fx_lstm_i5_h17_l1();
            original.InitializeParameters(new Random(7));
            var writer = new SafeTensorsWriter();
            writer.AddAll(Fx_lstm_i5_h17_l1.PyTorchTensors, original.ExportPyTorch);
            using var directory = new TempDirectory();
            var path = directory.File("lstm.safetensors");
            writer.Save(path);

            var copy = new Fx_lstm_i5_h17_l1();
            var file = SafeTensorsFile.Load(path);
            file.ImportAll(Fx_lstm_i5_h17_l1.PyTorchTensors, copy.ImportPyTorch);

            foreach (var tensor in Fx_lstm_i5_h17_l1.PyTorchTensors)
            {
                var expected = new float[tensor.Length];
                var actual = new float[tensor.Length];
                original.ExportPyTorch(tensor.Name, expected);
                copy.ExportPyTorch(tensor.Name, actual);
                Assert.Equal(expected.Select(BitConverter.SingleToUInt32Bits), actual.Select(BitConverter.SingleToUInt32Bits));
                Assert.Contains(expected, v => v != 0f);
            }

            Assert.Empty(file.FindMismatches(Fx_lstm_i5_h17_l1.PyTorchTensors));
        }

        [Fact]
        public void Writer_rejects_bad_names_and_shapes()
        {
            var writer = new SafeTensorsWriter();
            writer.Add("a", new[] { 2 }, new[] { 1f, 2f });
            Assert.Contains("already added", Assert.Throws<ArgumentException>(() => writer.Add("a", new[] { 1 }, new[] { 1f })).Message, StringComparison.Ordinal);
            Assert.Contains("reserved", Assert.Throws<ArgumentException>(() => writer.Add("__metadata__", new[] { 1 }, new[] { 1f })).Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => writer.Add(string.Empty, new[] { 1 }, new[] { 1f }));
            var mismatch = Assert.Throws<ArgumentException>(() => writer.Add("b", new[] { 2, 3 }, new[] { 1f }));
            Assert.Contains("Tensor 'b' has shape [2, 3] = 6 elements but 1 values were given", mismatch.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => writer.Add("c", new[] { -1 }, ReadOnlySpan<float>.Empty));

            // A rejected tensor does not take its name.
            writer.Add("b", new[] { 1 }, new[] { 1f });
            Assert.Equal(2, writer.Count);
        }

        private static byte[] ToBytes(SafeTensorsWriter writer)
        {
            using var stream = new MemoryStream();
            writer.WriteTo(stream);
            return stream.ToArray();
        }
    }
}
