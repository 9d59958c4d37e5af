using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.InteropServices;

namespace RnnGen.IO
{
    /// <summary>
    /// Moves 4- and 8-byte elements between memory and the little-endian byte order of a safetensors data section,
    /// bit for bit (NaN payloads, negative zero and subnormals survive). On a little-endian machine these are plain copies.
    /// </summary>
    internal static class LittleEndian
    {
        private const int ChunkElements = 4096;

        /// <summary>Writes the elements to the stream in little-endian order.</summary>
        public static void Write<T>(Stream stream, ReadOnlySpan<T> values)
            where T : unmanaged
        {
            if (BitConverter.IsLittleEndian)
            {
                stream.Write(MemoryMarshal.AsBytes(values));
                return;
            }

            var bytes = MemoryMarshal.AsBytes(values);
            Span<byte> chunk = stackalloc byte[ChunkElements * 8];
            var size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
            for (var start = 0; start < bytes.Length; start += chunk.Length)
            {
                var piece = bytes.Slice(start, Math.Min(chunk.Length, bytes.Length - start));
                var target = chunk[..piece.Length];
                Swap(piece, target, size);
                stream.Write(target);
            }
        }

        /// <summary>Copies little-endian bytes into the elements of <paramref name="destination"/>.</summary>
        public static void Read<T>(ReadOnlySpan<byte> source, Span<T> destination)
            where T : unmanaged
        {
            var target = MemoryMarshal.AsBytes(destination);
            if (BitConverter.IsLittleEndian)
            {
                source.CopyTo(target);
                return;
            }

            Swap(source, target, System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        }

        private static void Swap(ReadOnlySpan<byte> source, Span<byte> destination, int size)
        {
            if (size == 4)
            {
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(source), MemoryMarshal.Cast<byte, int>(destination));
            }
            else if (size == 8)
            {
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, long>(source), MemoryMarshal.Cast<byte, long>(destination));
            }
            else
            {
                source.CopyTo(destination);
            }
        }
    }
}
