namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// How a <see cref="KernelEmitter"/> kernel reads its packed weights: fp32 as they are, or bfloat16 widened to fp32
    /// in registers. Both keep the packed layout <c>[block][k][gate][16]</c> element for element, so only the element
    /// type and the load differ and the same generic body serves both. (Int8 needs another layout and
    /// integer accumulation: <see cref="Int8KernelEmitter"/>.)
    /// </summary>
    internal sealed class WeightEncoding
    {
        private const string BFloat16Api = "global::RnnGen.Numerics.BFloat16Weights";

        private WeightEncoding(string suffix, string elementType, string description)
        {
            Suffix = suffix;
            ElementType = elementType;
            Description = description;
        }

        public static WeightEncoding Float32 { get; } = new(string.Empty, "float", "fp32 weights");

        public static WeightEncoding BFloat16 { get; } = new("BFloat16", "ushort", "bfloat16 weights, widened to fp32 in registers (w = bits << 16)");

        /// <summary>Appended to the kernel's name: <c>Layer0RecurrentBFloat16_V256</c>.</summary>
        public string Suffix { get; }

        /// <summary>The element type of the weight reference.</summary>
        public string ElementType { get; }

        public string Description { get; }

        public bool IsFloat32 => ElementType == "float";

        /// <summary>The kernel's parameters with the leading <c>ref float w</c> retyped.</summary>
        public string Parameters(PackedKernel kernel) => IsFloat32 ? kernel.Parameters : "ref " + ElementType + " w" + kernel.Parameters.Substring("ref float w".Length);

        /// <summary>A vector (or scalar) of weights at <paramref name="offset"/> elements from <paramref name="reference"/>, as fp32.</summary>
        public string Load(VectorFlavor flavor, string reference, int offset)
        {
            if (IsFloat32)
            {
                return flavor.Load(reference, offset);
            }

            var at = offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return flavor.Lanes switch
            {
                0 => $"{VectorFlavor.OpsLocal}.LoadBFloat16(ref {reference}, {at})",
                16 => $"{BFloat16Api}.Load512(ref {reference}, {at})",
                8 => $"{BFloat16Api}.Load256(ref {reference}, {at})",
                4 => $"{BFloat16Api}.Load128(ref {reference}, {at})",
                _ => $"{BFloat16Api}.Load(global::System.Runtime.CompilerServices.Unsafe.Add(ref {reference}, {at}))",
            };
        }
    }
}
