namespace RnnGen.IO
{
    /// <summary>
    /// The element types a safetensors header can name. <see cref="F32"/>, <see cref="I32"/> and <see cref="I64"/> can be
    /// written and read as values; the others are recognised (so a file that also holds, say, F16 tensors still loads and
    /// its layout is validated) but reading them as values is refused with a message naming the dtype.
    /// </summary>
    public enum SafeTensorsDType
    {
        /// <summary>32-bit IEEE 754 float, <c>"F32"</c>.</summary>
        F32,

        /// <summary>32-bit signed integer, <c>"I32"</c>.</summary>
        I32,

        /// <summary>64-bit signed integer, <c>"I64"</c> (step counts, token ids).</summary>
        I64,

        /// <summary>64-bit IEEE 754 float, <c>"F64"</c> (recognised only).</summary>
        F64,

        /// <summary>16-bit IEEE 754 float, <c>"F16"</c> (recognised only).</summary>
        F16,

        /// <summary>bfloat16, <c>"BF16"</c> (recognised only).</summary>
        BF16,

        /// <summary>8-bit signed integer, <c>"I8"</c> (recognised only).</summary>
        I8,

        /// <summary>8-bit unsigned integer, <c>"U8"</c> (recognised only).</summary>
        U8,

        /// <summary>16-bit signed integer, <c>"I16"</c> (recognised only).</summary>
        I16,

        /// <summary>16-bit unsigned integer, <c>"U16"</c> (recognised only).</summary>
        U16,

        /// <summary>32-bit unsigned integer, <c>"U32"</c> (recognised only).</summary>
        U32,

        /// <summary>64-bit unsigned integer, <c>"U64"</c> (recognised only).</summary>
        U64,

        /// <summary>Boolean stored as one byte, <c>"BOOL"</c> (recognised only).</summary>
        Bool,
    }
}
