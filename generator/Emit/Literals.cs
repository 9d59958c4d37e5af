using System.Globalization;

namespace RnnGen.Generator.Emit
{
    /// <summary>Culture-invariant literals for generated code (a fi-FI machine must not write "0,5f").</summary>
    internal static class Literals
    {
        public const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
        public const string Marshal = "global::System.Runtime.InteropServices.MemoryMarshal";
        public const string Span = "global::System.Span<float>";
        public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";

        public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>Round-trippable float literal with the <c>f</c> suffix.</summary>
        public static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture) + "f";

        public static string Bool(bool value) => value ? "true" : "false";

        /// <summary><c>ref Unsafe.Add(ref baseName, offset)</c>, or <c>ref baseName</c> at offset 0.</summary>
        public static string At(string baseName, int offset) =>
            offset == 0 ? $"ref {baseName}" : $"ref {Unsafe}.Add(ref {baseName}, {Int(offset)})";

        /// <summary><c>ref Unsafe.Add(ref baseName, expression)</c>.</summary>
        public static string At(string baseName, string offset) => $"ref {Unsafe}.Add(ref {baseName}, {offset})";
    }
}
