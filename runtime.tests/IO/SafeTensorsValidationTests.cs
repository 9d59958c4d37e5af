using System;
using System.IO;
using RnnGen.IO;
using Xunit;

namespace RnnGen.Runtime.Tests.IO
{
    /// <summary>Every malformed file is rejected with a <see cref="CheckpointException"/> that says precisely what is wrong.</summary>
    public sealed class SafeTensorsValidationTests
    {
        private const string Source = "bad.safetensors";

        [Fact]
        public void Reads_a_file_written_by_hand_with_tensors_out_of_offset_order_metadata_and_padding()
        {
            // Tensors listed in the header in another order than their data, as older writers did; 5 spaces of padding.
            var header = "{\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[8,20]},\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]}}     ";
            var bytes = HandWritten.File(header, HandWritten.Floats(1.5f, -2f, 3f, 4f, -0f));
            var file = SafeTensorsFile.Parse(bytes, Source);

            Assert.Equal(new[] { "b", "a" }, new[] { file.Tensors[0].Name, file.Tensors[1].Name });
            var a = new float[2];
            file.ReadInto("a", a, 1, 2);
            Assert.Equal(new[] { 1.5f, -2f }, a);
            var b = new float[3];
            file.ReadInto("b", b, 3);
            Assert.Equal(new[] { 3f, 4f, -0f }, b);
            Assert.True(float.IsNegative(b[2]));
            Assert.Equal("pt", file.Metadata["format"]);
            Assert.Equal(8, file.GetTensor("b").DataBegin);
            Assert.Equal(12, file.GetTensor("b").ByteLength);
        }

        [Fact]
        public void Reads_the_reference_implementations_test_vectors()
        {
            // From safetensors' own Python tests: an unpadded 60-byte header, and one with metadata and 7 spaces.
            var plain = SafeTensorsFile.Parse(HandWritten.File("{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", HandWritten.Zeros(16)));
            var values = new int[4];
            plain.ReadInto("test", values, 2, 2);
            Assert.Equal(new int[4], values);

            var withMetadata = SafeTensorsFile.Parse(HandWritten.File(
                "{\"__metadata__\":{\"framework\":\"pt\"},\"test1\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}       ",
                HandWritten.Zeros(16)));
            Assert.Equal("pt", withMetadata.Metadata["framework"]);
            Assert.Equal(new[] { 0, 0, 0, 0 }, withMetadata.ReadInt32("test1"));
        }

        [Fact]
        public void Other_dtypes_are_recognised_for_layout_but_not_read_as_floats()
        {
            var header = "{\"half\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},\"flag\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[6,8]}}";
            var file = SafeTensorsFile.Parse(HandWritten.File(header, HandWritten.Zeros(8)), Source);
            Assert.Equal(SafeTensorsDType.F16, file.GetTensor("half").DType);
            Assert.Equal(SafeTensorsDType.Bool, file.GetTensor("flag").DType);
            var error = Assert.Throws<CheckpointException>(() => file.ReadInto("half", new float[3], 3));
            Assert.Equal("Checkpoint 'bad.safetensors': tensor 'half' has dtype F16, expected F32.", error.Message);
        }

        [Fact]
        public void A_file_shorter_than_the_length_prefix_is_rejected()
        {
            AssertRejected(new byte[5], "Invalid safetensors file 'bad.safetensors': the file is 5 bytes long, too short for the 8-byte header length");
            AssertRejected(Array.Empty<byte>(), "the file is 0 bytes long");
        }

        [Fact]
        public void A_header_length_beyond_the_file_is_rejected()
        {
            var bytes = HandWritten.File("{}", Array.Empty<byte>());
            bytes[0] = 200;
            AssertRejected(bytes, "the header length is 200 bytes but only 2 bytes follow the length prefix");

            var huge = new byte[16];
            huge[7] = 0x80;
            AssertRejected(huge, "the header length is 9223372036854775808 bytes, more than the 100000000-byte limit");
        }

        [Fact]
        public void Every_truncation_of_a_valid_file_is_rejected_with_a_checkpoint_exception()
        {
            var writer = new SafeTensorsWriter();
            writer.Add("w", new[] { 2, 3 }, new[] { 1f, 2f, 3f, 4f, 5f, 6f });
            writer.Add("b", new[] { 2 }, new[] { 7f, 8f });
            using var stream = new MemoryStream();
            writer.WriteTo(stream);
            var full = stream.ToArray();
            Assert.NotNull(SafeTensorsFile.Parse(full));

            for (var length = 0; length < full.Length; length++)
            {
                var error = Assert.Throws<CheckpointException>(() => SafeTensorsFile.Parse(full.AsSpan(0, length), Source));
                Assert.StartsWith("Invalid safetensors file 'bad.safetensors': ", error.Message, StringComparison.Ordinal);
            }

            // Cut inside the data: the message points at the tensor whose bytes are missing.
            AssertRejected(full.AsSpan(0, full.Length - 1).ToArray(), "tensor 'b' has data_offsets [24, 32] past the end of the data section (31 bytes)", tensor: "b");
        }

        [Fact]
        public void Corrupting_any_header_byte_never_escapes_as_another_exception_type()
        {
            var writer = new SafeTensorsWriter();
            writer.Add("weight", new[] { 2, 2 }, new[] { 1f, 2f, 3f, 4f });
            writer.AddMetadata("k", "v");
            using var stream = new MemoryStream();
            writer.WriteTo(stream);
            var full = stream.ToArray();
            var random = new Random(99);
            var headerEnd = full.Length - 16;
            for (var position = 0; position < headerEnd; position++)
            {
                foreach (var value in new byte[] { 0, (byte)'"', (byte)'9', (byte)'}', (byte)random.Next(256) })
                {
                    var corrupt = (byte[])full.Clone();
                    corrupt[position] = value;
                    try
                    {
                        SafeTensorsFile.Parse(corrupt, Source);
                    }
                    catch (CheckpointException)
                    {
                        // expected for most corruptions; the point is that nothing else escapes
                    }
                }
            }
        }

        [Fact]
        public void Invalid_JSON_and_a_non_object_header_are_rejected()
        {
            AssertRejected(HandWritten.File("{\"a\":", Array.Empty<byte>()), "Invalid safetensors file 'bad.safetensors': the header is not valid JSON: ");
            AssertRejected(HandWritten.File("{}\0\0\0", Array.Empty<byte>()), "the header is not valid JSON");
            AssertRejected(HandWritten.File(new byte[] { (byte)'{', 0xC3, 0x28, (byte)'}' }, Array.Empty<byte>()), "the header is not valid UTF-8.");
            AssertRejected(HandWritten.File(new byte[] { (byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}' }, Array.Empty<byte>()), "the header is not valid UTF-8.");
            AssertRejected(HandWritten.File("[1, 2]", Array.Empty<byte>()), "the header must be a JSON object mapping tensor names to descriptions; it is a array.");
        }

        [Fact]
        public void An_unknown_dtype_is_rejected_naming_the_tensor_and_the_known_dtypes()
        {
            AssertRejected(
                Header("\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}", 4),
                "Invalid safetensors file 'bad.safetensors': tensor 'w' has unknown dtype \"F8_E4M3\"; known dtypes are F32, I32, I64",
                tensor: "w");
            AssertRejected(Header("\"w\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}", 4), "tensor 'w' has unknown dtype \"f32\"", tensor: "w");
            AssertRejected(Header("\"w\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}", 4), "tensor 'w' has unknown dtype 32", tensor: "w");
        }

        [Fact]
        public void Missing_or_malformed_fields_are_rejected()
        {
            AssertRejected(Header("\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}", 4), "tensor 'w' has no 'dtype'.", tensor: "w");
            AssertRejected(Header("\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}", 4), "tensor 'w' has no 'shape'.", tensor: "w");
            AssertRejected(Header("\"w\":{\"dtype\":\"F32\",\"shape\":[1]}", 4), "tensor 'w' has no 'data_offsets'.", tensor: "w");
            AssertRejected(Header("\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}", 4), "tensor 'w' has shape [-1]; a shape must be an array of non-negative integers.", tensor: "w");
            AssertRejected(Header("\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}", 4), "a shape must be an array of non-negative integers", tensor: "w");
            AssertRejected(Header("\"w\":{\"dtype\":\"F32\",\"shape\":4,\"data_offsets\":[0,4]}", 4), "tensor 'w' has shape 4;", tensor: "w");
            AssertRejected(Header("\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}", 4), "tensor 'w' has data_offsets [0]; they must be two non-negative integers [begin, end].", tensor: "w");
            AssertRejected(Header("\"w\":[1,2]", 4), "tensor 'w' must be described by an object with dtype, shape and data_offsets; it is a array.", tensor: "w");
            AssertRejected(Header("\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}", 4), "tensor 'w' has shape [4294967296, 4294967296], too many elements to address.", tensor: "w");
            AssertRejected(Header("\"__metadata__\":{\"n\":1}", 0), "'__metadata__' entry 'n' must be a string; it is a number.");
            AssertRejected(Header("\"__metadata__\":[]", 0), "'__metadata__' must be an object of string values; it is a array.");
        }

        [Fact]
        public void Offsets_that_disagree_with_the_shape_are_rejected()
        {
            AssertRejected(
                Header("\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}", 12),
                "Invalid safetensors file 'bad.safetensors': tensor 'w' has data_offsets [0, 12] (12 bytes) but shape [2, 2] of F32 needs 16 bytes.",
                tensor: "w");
            AssertRejected(Header("\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}", 8), "tensor 'w' has data_offsets [8, 4] with end before begin.", tensor: "w");
            AssertRejected(Header("\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}", 4), "tensor 'w' has data_offsets [4, 8] past the end of the data section (4 bytes)", tensor: "w");
        }

        [Fact]
        public void Overlapping_tensors_gaps_and_trailing_bytes_are_rejected()
        {
            AssertRejected(
                Header("\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}", 12),
                "Invalid safetensors file 'bad.safetensors': tensor 'b' has data_offsets [4, 12] that overlap tensor 'a' at [0, 8].",
                tensor: "b");
            AssertRejected(
                Header("\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", 8),
                "tensor 'b' has data_offsets [0, 8] that overlap tensor 'a' at [0, 8].",
                tensor: "b");
            AssertRejected(
                Header("\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}", 12),
                "bytes [4, 8) of the data section belong to no tensor (a gap before tensor 'b'); tensors must be contiguous.");
            AssertRejected(
                Header("\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", 9),
                "the data section is 9 bytes but the tensors cover only the first 4; the file has trailing bytes or a tensor is missing from the header.");
            AssertRejected(Header(string.Empty, 4), "the data section is 4 bytes but the tensors cover only the first 0");
        }

        [Fact]
        public void Duplicate_names_are_rejected()
        {
            AssertRejected(
                Header("\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}", 8),
                "Invalid safetensors file 'bad.safetensors': tensor 'w' appears more than once in the header (duplicate tensor name).",
                tensor: "w");
            AssertRejected(Header("\"__metadata__\":{},\"__metadata__\":{}", 0), "'__metadata__' appears more than once in the header.");
            AssertRejected(Header("\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}", 0), "'__metadata__' entry 'k' appears more than once.");
        }

        [Fact]
        public void Loading_a_missing_file_names_it()
        {
            using var directory = new TempDirectory();
            var path = directory.File("absent.safetensors");
            var error = Assert.Throws<CheckpointException>(() => SafeTensorsFile.Load(path));
            Assert.StartsWith($"Could not read checkpoint '{path}': ", error.Message, StringComparison.Ordinal);
            Assert.IsType<FileNotFoundException>(error.InnerException);
            Assert.Equal(path, error.FilePath);
        }

        [Fact]
        public void Loading_a_bad_file_names_the_path()
        {
            using var directory = new TempDirectory();
            var path = directory.File("bad.safetensors");
            File.WriteAllBytes(path, HandWritten.File("{\"w\":{\"dtype\":\"X\",\"shape\":[],\"data_offsets\":[0,0]}}", Array.Empty<byte>()));
            var error = Assert.Throws<CheckpointException>(() => SafeTensorsFile.Load(path));
            Assert.StartsWith($"Invalid safetensors file '{path}': tensor 'w' has unknown dtype \"X\"", error.Message, StringComparison.Ordinal);
        }

        private static byte[] Header(string entries, int dataBytes) => HandWritten.File("{" + entries + "}", new byte[dataBytes]);

        private static void AssertRejected(byte[] bytes, string expectedMessagePart, string? tensor = null)
        {
            var error = Assert.Throws<CheckpointException>(() => SafeTensorsFile.Parse(bytes, Source));
            Assert.Contains(expectedMessagePart, error.Message, StringComparison.Ordinal);
            Assert.StartsWith($"Invalid safetensors file '{Source}': ", error.Message, StringComparison.Ordinal);
            Assert.Equal(Source, error.FilePath);
            Assert.Equal(tensor, error.TensorName);
        }
    }
}
