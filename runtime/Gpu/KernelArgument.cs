using System;

namespace RnnGen.Gpu
{
    /// <summary>The PTX type of a kernel parameter.</summary>
    public enum KernelArgumentKind
    {
        /// <summary>A device address, <c>.param .u64</c>.</summary>
        Pointer,

        /// <summary>A 32-bit integer, <c>.param .s32</c> (or <c>.u32</c>).</summary>
        Int32,

        /// <summary>A float, <c>.param .f32</c>.</summary>
        Float32,

        /// <summary>A 64-bit integer, <c>.param .u64</c> (a random stream's state).</summary>
        UInt64,
    }

    /// <summary>One value passed to a kernel, in the order of its <c>.param</c> list. No allocation: a plain 16-byte struct.</summary>
    public readonly struct KernelArgument
    {
        private KernelArgument(KernelArgumentKind kind, ulong bits)
        {
            Kind = kind;
            Bits = bits;
        }

        /// <summary>The parameter's type.</summary>
        public KernelArgumentKind Kind { get; }

        /// <summary>The value's bits, zero-extended to 64 (a float's IEEE bits in the low 32).</summary>
        public ulong Bits { get; }

        /// <summary>Bytes the parameter occupies: 8 for a pointer or a 64-bit integer, 4 otherwise.</summary>
        public int Size => Kind is KernelArgumentKind.Pointer or KernelArgumentKind.UInt64 ? 8 : 4;

        /// <summary>The address of <paramref name="buffer"/> plus <paramref name="byteOffset"/>.</summary>
        public static KernelArgument Pointer(DeviceBuffer buffer, long byteOffset = 0)
        {
            ArgumentNullException.ThrowIfNull(buffer);
            if (byteOffset < 0 || byteOffset > buffer.Bytes)
            {
                throw new ArgumentOutOfRangeException(nameof(byteOffset), byteOffset, $"The offset must lie within the buffer's {buffer.Bytes} bytes.");
            }

            return new KernelArgument(KernelArgumentKind.Pointer, buffer.Address + (ulong)byteOffset);
        }

        /// <summary>A 32-bit integer.</summary>
        public static KernelArgument Int32(int value) => new(KernelArgumentKind.Int32, (uint)value);

        /// <summary>A float.</summary>
        public static KernelArgument Float32(float value) => new(KernelArgumentKind.Float32, BitConverter.SingleToUInt32Bits(value));

        /// <summary>A 64-bit unsigned integer.</summary>
        public static KernelArgument UInt64(ulong value) => new(KernelArgumentKind.UInt64, value);
    }
}
