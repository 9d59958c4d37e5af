using System.Globalization;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// One vector width the CPU kernels are emitted for. Arithmetic is written with operators and the runtime's
    /// <c>VectorMath</c> overloads, which read the same for every width; only loads, stores, broadcasts and the
    /// type differ, and those come from here. The scalar flavor serves machines without SIMD.
    /// </summary>
    internal sealed class VectorFlavor
    {
        private const string Intrinsics = "global::System.Runtime.Intrinsics.";

        private VectorFlavor(string suffix, int lanes, string type, string? api, string description)
        {
            Suffix = suffix;
            Lanes = lanes;
            Type = type;
            Api = api;
            Description = description;
        }

        public static VectorFlavor V512 { get; } = new("V512", 16, Intrinsics + "Vector512<float>", Intrinsics + "Vector512", "Vector512<float> (16 lanes)");

        public static VectorFlavor V256 { get; } = new("V256", 8, Intrinsics + "Vector256<float>", Intrinsics + "Vector256", "Vector256<float> (8 lanes)");

        public static VectorFlavor V128 { get; } = new("V128", 4, Intrinsics + "Vector128<float>", Intrinsics + "Vector128", "Vector128<float> (4 lanes; also the ARM64 path)");

        public static VectorFlavor Scalar { get; } = new("Scalar", 1, "float", null, "scalar float (no SIMD)");

        /// <summary>Widest first: the dispatcher takes the first one the JIT reports as accelerated.</summary>
        public static VectorFlavor[] All { get; } = { V512, V256, V128, Scalar };

        public string Suffix { get; }

        public int Lanes { get; }

        /// <summary>The vector type, written out for every local: never <c>var</c>, which a user type named <c>var</c> would capture.</summary>
        public string Type { get; }

        public string Description { get; }

        /// <summary>The static Vector API class, or null for scalar.</summary>
        public string? Api { get; }

        /// <summary>A JIT-time constant: dead branches vanish from the machine code.</summary>
        public string? AcceleratedCondition => Api is null ? null : Api + ".IsHardwareAccelerated";

        public string Load(string reference, int offset) => Load(reference, Literal(offset));

        // The offset converts to nuint implicitly from uint: a cast to 'nuint' would bind to a user type named nuint.
        public string Load(string reference, string offset) => Api is null
            ? $"global::System.Runtime.CompilerServices.Unsafe.Add(ref {reference}, {offset})"
            : $"{Api}.LoadUnsafe(ref {reference}, (uint)({offset}))";

        public string Store(string value, string reference, string offset) => Api is null
            ? $"global::System.Runtime.CompilerServices.Unsafe.Add(ref {reference}, {offset}) = {value};"
            : $"{Api}.StoreUnsafe({value}, ref {reference}, (uint)({offset}));";

        public string Broadcast(string scalar) => Api is null ? scalar : $"{Api}.Create({scalar})";

        public string Zero => Api is null ? "0f" : $"{Type}.Zero";

        public string One => Api is null ? "1f" : $"{Type}.One";

        private static string Literal(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
