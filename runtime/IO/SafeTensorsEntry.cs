using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace RnnGen.IO
{
    /// <summary>One tensor described by a safetensors header: its name, element type, shape and where its bytes lie.</summary>
    public sealed class SafeTensorsEntry
    {
        internal SafeTensorsEntry(string name, SafeTensorsDType dtype, long[] shape, long elementCount, long dataBegin, long dataEnd)
        {
            Name = name;
            DType = dtype;
            Shape = new ReadOnlyCollection<long>(shape);
            ElementCount = elementCount;
            DataBegin = dataBegin;
            DataEnd = dataEnd;
        }

        /// <summary>The tensor's name, e.g. <c>weight_ih_l0</c>.</summary>
        public string Name { get; }

        /// <summary>The element type.</summary>
        public SafeTensorsDType DType { get; }

        /// <summary>The dimensions, outermost first; empty for a scalar.</summary>
        public IReadOnlyList<long> Shape { get; }

        /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
        public long ElementCount { get; }

        /// <summary>Offset of the first byte, relative to the start of the data section (the byte after the header).</summary>
        public long DataBegin { get; }

        /// <summary>Offset one past the last byte, relative to the start of the data section.</summary>
        public long DataEnd { get; }

        /// <summary>The number of bytes the tensor occupies: <c>DataEnd - DataBegin</c>.</summary>
        public long ByteLength => DataEnd - DataBegin;

        /// <summary>The shape as text, e.g. <c>[256, 32]</c>.</summary>
        public string ShapeText => TensorShapeText.Format(Shape);

        /// <summary>True when the shape equals <paramref name="shape"/> exactly (same rank, same dimensions).</summary>
        /// <param name="shape">The expected dimensions.</param>
        /// <returns>Whether the shapes are equal.</returns>
        public bool HasShape(ReadOnlySpan<int> shape) => TensorShapeText.SameShape(Shape, shape);

        /// <summary>The name, dtype and shape, e.g. <c>weight_ih_l0 F32 [256, 32]</c>.</summary>
        /// <returns>A one-line description.</returns>
        public override string ToString() => $"{Name} {SafeTensorsDTypes.ToName(DType)} {ShapeText}";
    }
}
