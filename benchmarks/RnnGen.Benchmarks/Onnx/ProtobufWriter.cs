using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace RnnGen.Benchmarks.Onnx
{
    /// <summary>
    /// The protobuf wire format, just what an ONNX model needs: varints, strings, bytes and nested messages. Messages
    /// are written depth-first into their own writers and copied into the parent with their length.
    /// </summary>
    internal sealed class ProtobufWriter
    {
        private const int VarintType = 0;
        private const int LengthDelimitedType = 2;

        private readonly ArrayBufferWriter<byte> _buffer = new();

        public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

        public ProtobufWriter Int64(int field, long value)
        {
            Tag(field, VarintType);
            Varint((ulong)value);
            return this;
        }

        public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public ProtobufWriter Bytes(int field, ReadOnlySpan<byte> value)
        {
            Tag(field, LengthDelimitedType);
            Varint((ulong)value.Length);
            _buffer.Write(value);
            return this;
        }

        /// <summary>Raw little-endian float32 data (TensorProto.raw_data).</summary>
        public ProtobufWriter Floats(int field, ReadOnlySpan<float> values)
        {
            var bytes = new byte[values.Length * sizeof(float)];
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
            }

            return Bytes(field, bytes);
        }

        public ProtobufWriter Message(int field, Action<ProtobufWriter> build)
        {
            var nested = new ProtobufWriter();
            build(nested);
            return Bytes(field, nested.WrittenSpan);
        }

        private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

        private void Varint(ulong value)
        {
            Span<byte> bytes = stackalloc byte[10];
            var count = 0;
            do
            {
                var next = (byte)(value & 0x7F);
                value >>= 7;
                bytes[count++] = value == 0 ? next : (byte)(next | 0x80);
            }
            while (value != 0);

            _buffer.Write(bytes[..count]);
        }
    }
}
