using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace RnnGen.Runtime.Tests.IO
{
    /// <summary>Builds safetensors bytes by hand, independently of the writer under test.</summary>
    internal static class HandWritten
    {
        /// <summary>8-byte little-endian length of the header as given (no padding added), the header, then the data.</summary>
        public static byte[] File(string header, byte[] data) => File(Encoding.UTF8.GetBytes(header), data);

        public static byte[] File(byte[] header, byte[] data)
        {
            var bytes = new byte[8 + header.Length + data.Length];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
            header.CopyTo(bytes, 8);
            data.CopyTo(bytes, 8 + header.Length);
            return bytes;
        }

        public static byte[] Floats(params float[] values)
        {
            var bytes = new byte[values.Length * 4];
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
            }

            return bytes;
        }

        public static byte[] Zeros(int count) => new byte[count];
    }

    /// <summary>A fresh directory under the temp folder, deleted afterwards.</summary>
    internal sealed class TempDirectory : IDisposable
    {
        public TempDirectory()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rnngen-io-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public string[] Entries() => Directory.GetFileSystemEntries(Path);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
