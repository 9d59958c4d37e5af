using System;

namespace RnnGen.IO
{
    /// <summary>Names and element sizes of <see cref="SafeTensorsDType"/> values as they appear in a safetensors header.</summary>
    public static class SafeTensorsDTypes
    {
        /// <summary>The dtype names this library recognises, for error messages.</summary>
        public const string KnownNames = "F32, I32, I64, F64, F16, BF16, I8, U8, I16, U16, U32, U64, BOOL";

        /// <summary>The size of one element in bytes.</summary>
        /// <param name="dtype">The element type.</param>
        /// <returns>1, 2, 4 or 8.</returns>
        public static int SizeOf(SafeTensorsDType dtype) => dtype switch
        {
            SafeTensorsDType.F32 or SafeTensorsDType.I32 or SafeTensorsDType.U32 => 4,
            SafeTensorsDType.I64 or SafeTensorsDType.F64 or SafeTensorsDType.U64 => 8,
            SafeTensorsDType.F16 or SafeTensorsDType.BF16 or SafeTensorsDType.I16 or SafeTensorsDType.U16 => 2,
            SafeTensorsDType.I8 or SafeTensorsDType.U8 or SafeTensorsDType.Bool => 1,
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype."),
        };

        /// <summary>The name used in the header, e.g. <c>"F32"</c> or <c>"BOOL"</c>.</summary>
        /// <param name="dtype">The element type.</param>
        /// <returns>The header spelling.</returns>
        public static string ToName(SafeTensorsDType dtype) => dtype switch
        {
            SafeTensorsDType.Bool => "BOOL",
            _ when Enum.IsDefined(dtype) => dtype.ToString(),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype."),
        };

        /// <summary>Parses a header dtype name (exact, case-sensitive, as the format specifies).</summary>
        /// <param name="name">The name from the header.</param>
        /// <param name="dtype">The element type when recognised.</param>
        /// <returns><see langword="true"/> when the name is one of <see cref="KnownNames"/>.</returns>
        public static bool TryParse(string? name, out SafeTensorsDType dtype)
        {
            dtype = name switch
            {
                "F32" => SafeTensorsDType.F32,
                "I32" => SafeTensorsDType.I32,
                "I64" => SafeTensorsDType.I64,
                "F64" => SafeTensorsDType.F64,
                "F16" => SafeTensorsDType.F16,
                "BF16" => SafeTensorsDType.BF16,
                "I8" => SafeTensorsDType.I8,
                "U8" => SafeTensorsDType.U8,
                "I16" => SafeTensorsDType.I16,
                "U16" => SafeTensorsDType.U16,
                "U32" => SafeTensorsDType.U32,
                "U64" => SafeTensorsDType.U64,
                "BOOL" => SafeTensorsDType.Bool,
                _ => (SafeTensorsDType)(-1),
            };
            return (int)dtype >= 0;
        }
    }
}
