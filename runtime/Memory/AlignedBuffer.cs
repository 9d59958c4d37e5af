using System;
using System.Runtime.CompilerServices;

namespace RnnGen
{
    /// <summary>
    /// A float buffer whose first element sits on a 64-byte boundary (one cache line, one Vector512), allocated once
    /// on the pinned object heap so the alignment holds for the buffer's lifetime.
    /// </summary>
    public sealed class AlignedBuffer
    {
        private const int AlignmentBytes = 64;
        private readonly float[] _array;
        private readonly int _start;

        /// <summary>Allocates <paramref name="length"/> zeroed floats.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
        public unsafe AlignedBuffer(int length)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            _array = GC.AllocateArray<float>(length + (AlignmentBytes / sizeof(float)), pinned: true);
            var address = (nuint)Unsafe.AsPointer(ref _array[0]);
            var misalignment = (int)(address % AlignmentBytes);
            _start = misalignment == 0 ? 0 : (AlignmentBytes - misalignment) / sizeof(float);
            Length = length;
        }

        /// <summary>Number of floats.</summary>
        public int Length { get; }

        /// <summary>The whole buffer.</summary>
        public Span<float> Span => _array.AsSpan(_start, Length);

        /// <summary>A reference to the first (64-byte aligned) element, for kernels.</summary>
        public ref float Reference => ref _array[_start];

        internal float[] Array => _array;

        internal int Start => _start;
    }
}
