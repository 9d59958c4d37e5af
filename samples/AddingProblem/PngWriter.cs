using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace RnnGen.Samples.AddingProblem
{
    /// <summary>
    /// A minimal PNG encoder: 8-bit RGB, no interlacing, every row with filter type 0 (none), the pixels compressed
    /// as one zlib stream in one IDAT chunk. Enough for plots, whose flat colours deflate well without filtering.
    /// </summary>
    /// <remarks>
    /// A PNG is the 8-byte signature followed by chunks, each <c>length (4 bytes, big-endian) | type (4 ASCII) |
    /// data | CRC-32 of type and data</c>: IHDR (size and pixel format), IDAT (the zlib data), IEND.
    /// </remarks>
    public static class PngWriter
    {
        private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

        // CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320), one table entry per byte value.
        private static readonly uint[] CrcTable = BuildCrcTable();

        /// <summary>Writes an RGB image to a file.</summary>
        /// <param name="path">The file to create or overwrite.</param>
        /// <param name="width">Pixels per row.</param>
        /// <param name="height">Rows.</param>
        /// <param name="rgb">The pixels, row by row from the top, 3 bytes (R, G, B) each.</param>
        public static void Write(string path, int width, int height, ReadOnlySpan<byte> rgb)
        {
            using var file = File.Create(path);
            Write(file, width, height, rgb);
        }

        /// <summary>Writes an RGB image to a stream.</summary>
        /// <param name="destination">The stream.</param>
        /// <param name="width">Pixels per row (at least 1).</param>
        /// <param name="height">Rows (at least 1).</param>
        /// <param name="rgb">The pixels, row by row from the top, 3 bytes (R, G, B) each.</param>
        /// <exception cref="ArgumentException"><paramref name="rgb"/> does not hold width × height × 3 bytes.</exception>
        public static void Write(Stream destination, int width, int height, ReadOnlySpan<byte> rgb)
        {
            ArgumentNullException.ThrowIfNull(destination);
            ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
            var stride = width * 3;
            if (rgb.Length != (long)stride * height)
            {
                throw new ArgumentException($"rgb must hold width × height × 3 = {(long)stride * height} bytes; got {rgb.Length}.", nameof(rgb));
            }

            destination.Write(Signature);

            Span<byte> header = stackalloc byte[13];
            BinaryPrimitives.WriteInt32BigEndian(header, width);
            BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
            header[8] = 8;  // bit depth
            header[9] = 2;  // colour type: truecolour (RGB)
            header[10] = 0; // compression: deflate
            header[11] = 0; // filter method: adaptive (per-row filter byte)
            header[12] = 0; // no interlace
            WriteChunk(destination, "IHDR", header);

            using (var compressed = new MemoryStream())
            {
                using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
                {
                    for (var y = 0; y < height; y++)
                    {
                        zlib.WriteByte(0); // filter type 0: the row as it is
                        zlib.Write(rgb.Slice(y * stride, stride));
                    }
                }

                WriteChunk(destination, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
            }

            WriteChunk(destination, "IEND", []);
        }

        /// <summary>The CRC-32 of <paramref name="data"/> continued from <paramref name="crc"/> (start with 0).</summary>
        /// <param name="crc">The CRC so far.</param>
        /// <param name="data">More bytes.</param>
        /// <returns>The updated CRC.</returns>
        public static uint Crc32(uint crc, ReadOnlySpan<byte> data)
        {
            var c = ~crc;
            foreach (var b in data)
            {
                c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
            }

            return ~c;
        }

        private static void WriteChunk(Stream destination, string type, ReadOnlySpan<byte> data)
        {
            Span<byte> word = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
            destination.Write(word);
            Span<byte> typeBytes = stackalloc byte[4];
            Encoding.ASCII.GetBytes(type, typeBytes);
            destination.Write(typeBytes);
            destination.Write(data);
            BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(Crc32(0, typeBytes), data));
            destination.Write(word);
        }

        private static uint[] BuildCrcTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                var c = n;
                for (var k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }
}
