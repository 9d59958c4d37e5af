using System.Globalization;
using System.Linq;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// How emitted kernel code spells vector operations. <see cref="Generic"/> is the one the kernels are written in:
    /// each body once, generic over <c>TOps : IVectorOps&lt;TVec&gt;</c>, with every operation a call on a
    /// <c>default(TOps)</c> that the JIT inlines per width. The concrete widths name the runtime's implementations for the dispatcher, and spell the
    /// same operations with operators for the few kernels that are width-specific by nature (the int8 kernel, whose
    /// AVX-VNNI dot products exist only at 256 bits).
    /// </summary>
    internal sealed class VectorFlavor
    {
        private const string Intrinsics = "global::System.Runtime.Intrinsics.";
        private const string Numerics = "global::RnnGen.Numerics.";

        private VectorFlavor(string suffix, int lanes, string type, string? api, string? ops, string description)
        {
            Suffix = suffix;
            Lanes = lanes;
            Type = type;
            Api = api;
            Ops = ops;
            Description = description;
        }

        /// <summary>The generic kernel body's type parameter that implements the operations.</summary>
        public const string OpsParameter = "TOps";

        /// <summary>
        /// The generic body's <c>default</c> instance of <see cref="OpsParameter"/>, declared first in every kernel:
        /// calls through it are constrained calls the JIT inlines, and need no C# 11 (unlike static abstract members).
        /// </summary>
        public const string OpsLocal = "ops";

        /// <summary>The statement that declares <see cref="OpsLocal"/>.</summary>
        public static string OpsDeclaration => $"{OpsParameter} {OpsLocal} = default;";

        /// <summary>The generic kernel body's type parameter for the vector (or scalar) type.</summary>
        public const string VectorParameter = "TVec";

        public static VectorFlavor V512 { get; } = new("V512", 16, Intrinsics + "Vector512<float>", Intrinsics + "Vector512", Numerics + "VectorOps512", "Vector512<float> (16 lanes)");

        public static VectorFlavor V256 { get; } = new("V256", 8, Intrinsics + "Vector256<float>", Intrinsics + "Vector256", Numerics + "VectorOps256", "Vector256<float> (8 lanes)");

        public static VectorFlavor V128 { get; } = new("V128", 4, Intrinsics + "Vector128<float>", Intrinsics + "Vector128", Numerics + "VectorOps128", "Vector128<float> (4 lanes; also the ARM64 path)");

        public static VectorFlavor Scalar { get; } = new("Scalar", 1, "float", null, Numerics + "ScalarOps", "scalar float (no SIMD)");

        /// <summary>The width-generic body: <c>TVec</c> values and <c>ops</c> calls; <see cref="Lanes"/> is unknown (0).</summary>
        public static VectorFlavor Generic { get; } = new(string.Empty, 0, VectorParameter, null, null, "any width");

        /// <summary>Widest first: the dispatcher takes the first one the JIT reports as accelerated.</summary>
        public static VectorFlavor[] All { get; } = { V512, V256, V128, Scalar };

        /// <summary>The generic method's type parameters and constraints, for a kernel declaration.</summary>
        public static string GenericParameters => $"<{OpsParameter}, {VectorParameter}>";

        public static string GenericConstraints => $"where {OpsParameter} : struct, {Numerics}IVectorOps<{VectorParameter}> where {VectorParameter} : struct";

        public string Suffix { get; }

        /// <summary>Floats per vector; 0 for <see cref="Generic"/>, whose width is <c>ops.Count</c>.</summary>
        public int Lanes { get; }

        /// <summary>The vector type, written out for every local: never <c>var</c>, which a user type named <c>var</c> would capture.</summary>
        public string Type { get; }

        public string Description { get; }

        /// <summary>The static Vector API class, or null for scalar and generic.</summary>
        public string? Api { get; }

        /// <summary>The runtime's <c>IVectorOps</c> implementation for this width (null for <see cref="Generic"/>).</summary>
        public string? Ops { get; }

        private bool IsGeneric => Lanes == 0;

        /// <summary>The type arguments a dispatcher passes to a generic kernel for this width.</summary>
        public string TypeArguments => $"<{Ops}, {Type}>";

        /// <summary>A JIT-time constant: dead branches vanish from the machine code.</summary>
        public string? AcceleratedCondition => Api is null ? null : Api + ".IsHardwareAccelerated";

        public string Load(string reference, int offset) => Load(reference, Literal(offset));

        // The offset converts to nuint implicitly from uint: a cast to 'nuint' would bind to a user type named nuint.
        public string Load(string reference, string offset) =>
            IsGeneric ? $"{OpsLocal}.Load(ref {reference}, {offset})"
            : Api is null ? $"global::System.Runtime.CompilerServices.Unsafe.Add(ref {reference}, {offset})"
            : $"{Api}.LoadUnsafe(ref {reference}, (uint)({offset}))";

        public string Store(string value, string reference, string offset) =>
            IsGeneric ? $"{OpsLocal}.Store({value}, ref {reference}, {offset});"
            : Api is null ? $"global::System.Runtime.CompilerServices.Unsafe.Add(ref {reference}, {offset}) = {value};"
            : $"{Api}.StoreUnsafe({value}, ref {reference}, (uint)({offset}));";

        public string Broadcast(string scalar) => IsGeneric ? $"{OpsLocal}.Create({scalar})" : Api is null ? scalar : $"{Api}.Create({scalar})";

        public string Zero => IsGeneric ? $"{OpsLocal}.Zero" : Api is null ? "0f" : $"{Type}.Zero";

        public string One => IsGeneric ? $"{OpsLocal}.One" : Api is null ? "1f" : $"{Type}.One";

        /// <summary><c>a + b</c>.</summary>
        public string Add(string a, string b) => IsGeneric ? $"{OpsLocal}.Add({a}, {b})" : $"({a} + {b})";

        /// <summary><c>a - b</c>.</summary>
        public string Subtract(string a, string b) => IsGeneric ? $"{OpsLocal}.Subtract({a}, {b})" : $"({a} - {b})";

        /// <summary>The product of the factors, left to right (the order fixes the rounding).</summary>
        public string Multiply(params string[] factors) => IsGeneric
            ? factors.Skip(1).Aggregate(factors[0], (product, f) => $"{OpsLocal}.Multiply({product}, {f})")
            : "(" + string.Join(" * ", factors) + ")";

        /// <summary><c>a · b + c</c>, fused where the hardware has FMA.</summary>
        public string MultiplyAdd(string a, string b, string c) => Call("MultiplyAdd", a, b, c);

        /// <summary>An element-wise function of <c>VectorMath</c> / <c>IVectorOps</c>: Sigmoid, Tanh, Relu, ...</summary>
        public string Call(string function, params string[] arguments) =>
            $"{(IsGeneric ? OpsLocal : Numerics + "VectorMath")}.{function}({string.Join(", ", arguments)})";

        private static string Literal(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
