using System;
using RnnGen.Gpu;
using Xunit;

namespace RnnGen.Runtime.Tests.Gpu
{
    /// <summary>Kernel arguments carry the bits and sizes the driver's parameter array needs; launch shapes reject what no GPU runs.</summary>
    public sealed class KernelArgumentTests
    {
        [Fact]
        public void Pointers_are_8_bytes_and_scalars_4()
        {
            using var device = new FakeGpuDevice();
            using var buffer = device.Allocate(64);
            Assert.Equal(8, KernelArgument.Pointer(buffer).Size);
            Assert.Equal(4, KernelArgument.Int32(7).Size);
            Assert.Equal(4, KernelArgument.Float32(1f).Size);
            Assert.Equal(8, KernelArgument.UInt64(ulong.MaxValue).Size);
            Assert.Equal(ulong.MaxValue, KernelArgument.UInt64(ulong.MaxValue).Bits);
            Assert.Equal(KernelArgumentKind.Pointer, KernelArgument.Pointer(buffer).Kind);
            Assert.Equal(KernelArgumentKind.Int32, KernelArgument.Int32(7).Kind);
            Assert.Equal(KernelArgumentKind.Float32, KernelArgument.Float32(1f).Kind);
            Assert.Equal(KernelArgumentKind.UInt64, KernelArgument.UInt64(7).Kind);
        }

        [Fact]
        public void Scalars_keep_their_bits_zero_extended()
        {
            Assert.Equal(7UL, KernelArgument.Int32(7).Bits);
            Assert.Equal(0xFFFF_FFFFUL, KernelArgument.Int32(-1).Bits); // the upper half of the 8-byte slot stays 0
            Assert.Equal(0x3F80_0000UL, KernelArgument.Float32(1f).Bits);
            Assert.Equal(0xC000_0000UL, KernelArgument.Float32(-2f).Bits);
            Assert.Equal((ulong)BitConverter.SingleToUInt32Bits(float.NaN), KernelArgument.Float32(float.NaN).Bits);
        }

        [Fact]
        public void A_pointer_is_the_buffer_address_plus_the_byte_offset_up_to_one_past_the_end()
        {
            using var device = new FakeGpuDevice();
            using var buffer = device.Allocate(64);
            Assert.Equal(buffer.Address, KernelArgument.Pointer(buffer).Bits);
            Assert.Equal(buffer.Address + 12, KernelArgument.Pointer(buffer, 12).Bits);
            Assert.Equal(buffer.Address + 64, KernelArgument.Pointer(buffer, 64).Bits);
        }

        [Fact]
        public void A_pointer_offset_outside_the_buffer_throws_naming_the_offset()
        {
            using var device = new FakeGpuDevice();
            using var buffer = device.Allocate(64);
            Assert.Throws<ArgumentOutOfRangeException>("byteOffset", () => KernelArgument.Pointer(buffer, 65));
            Assert.Throws<ArgumentOutOfRangeException>("byteOffset", () => KernelArgument.Pointer(buffer, -1));
            Assert.Throws<ArgumentNullException>("buffer", () => KernelArgument.Pointer(null!));
        }

        [Theory]
        [InlineData(0, 32, 0, "Blocks")]
        [InlineData(-1, 32, 0, "Blocks")]
        [InlineData(1, 0, 0, "ThreadsPerBlock")]
        [InlineData(1, 1025, 0, "ThreadsPerBlock")]
        [InlineData(1, 32, -4, "DynamicSharedBytes")]
        public void LaunchShape_Validate_names_the_size_out_of_range(int blocks, int threads, int shared, string name)
        {
            var shape = new LaunchShape(blocks, threads, shared);
            Assert.Throws<ArgumentOutOfRangeException>(name, () => shape.Validate());
        }

        [Fact]
        public void LaunchShape_Validate_accepts_the_limits()
        {
            new LaunchShape(1, 1).Validate();
            new LaunchShape(int.MaxValue, 1024, 227 * 1024, Cooperative: true).Validate();
        }

        [Fact]
        public void Buffer_checks_name_the_argument_that_is_wrong()
        {
            using var device = new FakeGpuDevice();
            using var other = new FakeGpuDevice();
            var buffer = device.Allocate(16);
            device.CheckUpload(buffer, 0, 16);
            device.CheckUpload(buffer, 16, 0);
            Assert.Throws<ArgumentNullException>("destination", () => device.CheckUpload(null!, 0, 1));
            Assert.Throws<ArgumentException>("destination", () => device.CheckUpload(other.Allocate(16), 0, 1));
            Assert.Throws<ArgumentOutOfRangeException>("byteOffset", () => device.CheckUpload(buffer, -1, 1));
            Assert.Throws<ArgumentOutOfRangeException>("byteOffset", () => device.CheckUpload(buffer, 17, 0));
            Assert.Throws<ArgumentOutOfRangeException>("source", () => device.CheckUpload(buffer, 8, 9));
            buffer.Dispose();
            Assert.True(buffer.IsDisposed);
            var disposed = Assert.Throws<ObjectDisposedException>(() => device.CheckUpload(buffer, 0, 1));
            Assert.Equal("destination", disposed.ObjectName);
        }
    }
}
