using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Where the reduced-precision copy of the weights lives (<c>Weights = BFloat16</c> or <c>Int8</c>): one aligned
    /// float buffer, <c>_quantized</c>, read as other element types. bfloat16 mirrors the whole parameter buffer
    /// element for element (so every tensor keeps its offset); int8 holds, for each layer's W_ih and W_hh tensors, the
    /// weights in the VPDPBUSD layout, then the row scales, then the row corrections, each on a 64-byte boundary.
    /// </summary>
    internal sealed class QuantizedWeights
    {
        private readonly Dictionary<int, Int8Tensor> _byOffset;

        private QuantizedWeights(WeightFormat format, int length, IReadOnlyList<Int8Tensor> tensors)
        {
            Format = format;
            Length = length;
            Tensors = tensors;
            _byOffset = tensors.ToDictionary(t => t.Source.Offset);
        }

        public WeightFormat Format { get; }

        /// <summary>Floats in <c>_quantized</c>.</summary>
        public int Length { get; }

        /// <summary>The int8 tensors (empty for bfloat16).</summary>
        public IReadOnlyList<Int8Tensor> Tensors { get; }

        /// <summary>The copy, or null when Step reads fp32.</summary>
        public static QuantizedWeights? For(Plan plan)
        {
            var format = plan.Spec.Weights;
            if (format == WeightFormat.Float32 || !plan.CanStream)
            {
                return null;
            }

            if (format == WeightFormat.BFloat16)
            {
                return new QuantizedWeights(format, (int)Packing.Align((plan.Sizes.Parameters + 1) / 2), new Int8Tensor[0]);
            }

            var tensors = new List<Int8Tensor>();
            long offset = 0;
            foreach (var source in plan.Layers.SelectMany(l => new[] { l.InputWeights }.Concat(l.RecurrentWeights)))
            {
                var bytes = source.Blocks * ((source.Columns + 3) / 4 * 4) * source.Gates * Packing.BlockWidth;
                var rows = source.Blocks * source.Gates * Packing.BlockWidth;
                var weights = (int)offset;
                var scales = (int)Packing.Align(weights + (bytes / 4));
                var corrections = (int)Packing.Align(scales + rows);
                offset = Packing.Align(corrections + rows);
                tensors.Add(new Int8Tensor(source, weights, scales, corrections, bytes, rows));
            }

            return new QuantizedWeights(format, (int)offset, tensors);
        }

        /// <summary>The kernel name suffix of this format.</summary>
        public string Suffix => Format == WeightFormat.Int8 ? Int8KernelEmitter.Suffix : WeightEncoding.BFloat16.Suffix;

        /// <summary>The weight arguments a kernel of this format takes for <paramref name="source"/>, in place of <c>ref p[offset]</c>.</summary>
        public string Arguments(PackedTensor source)
        {
            if (Format == WeightFormat.BFloat16)
            {
                return Literals.At("q16", source.Offset);
            }

            var t = _byOffset[source.Offset];
            return $"{Literals.At("q8", t.Weights * 4)}, {Literals.At("q", t.Scales)}, ref global::System.Runtime.CompilerServices.Unsafe.As<float, int>({Literals.At("q", t.Corrections)})";
        }
    }

    /// <summary>One int8 tensor: its fp32 source and the float offsets of its bytes, scales and corrections in <c>_quantized</c>.</summary>
    internal sealed record Int8Tensor(PackedTensor Source, int Weights, int Scales, int Corrections, int Bytes, int Rows);
}
