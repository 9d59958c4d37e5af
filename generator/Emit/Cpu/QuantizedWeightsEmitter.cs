using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// The members behind <c>Weights = BFloat16</c> / <c>Int8</c>: the copy <c>Step</c> reads, <c>QuantizeWeights()</c>
    /// that makes it from the fp32 parameters, and the version pair that keeps it from going stale. Every member that
    /// writes the parameters or hands out a writable view of them (PackedParameters, the layer views, ImportPyTorch and
    /// so ImportKeras and safetensors loading, InitializeParameters) bumps <c>_parametersVersion</c>; <c>Step</c>
    /// re-quantises when it differs from the version the copy was made at. A span or view kept from before a
    /// <c>Step</c> and written after it is the one write this cannot see: the docs say to call <c>QuantizeWeights()</c> then.
    /// </summary>
    internal static class QuantizedWeightsEmitter
    {
        public static void Emit(SourceWriter w, Plan plan)
        {
            if (QuantizedWeights.For(plan) is not { } copy)
            {
                return;
            }

            var format = copy.Format == WeightFormat.Int8 ? "Int8" : "BFloat16";
            w.Summary($"The weight format <c>Step</c> reads: {format}, a copy of the fp32 parameters made by <see cref=\"QuantizeWeights\"/>.");
            w.Line(GeneratedCode.Attribute);
            w.Line($"public const global::RnnGen.WeightFormat StepWeightFormat = global::RnnGen.WeightFormat.{format};");
            w.Line();
            w.Line(GeneratedCode.Attribute);
            w.Line($"private readonly global::RnnGen.AlignedBuffer _quantized = new({Int(copy.Length)}); // {Describe(copy)}");
            w.Line(GeneratedCode.Attribute);
            w.Line("private int _parametersVersion = 1; // bumped by every member that may write the parameters");
            w.Line(GeneratedCode.Attribute);
            w.Line("private int _quantizedVersion; // the parameters version _quantized was made from");
            w.Line();
            w.Summary($"Remakes the {format} weights <c>Step</c> reads from the fp32 parameters (the source of truth).");
            w.Line("/// <remarks>");
            w.Line("/// <c>Step</c> calls this itself when the parameters may have changed since the last copy: after <see cref=\"PackedParameters\"/>,");
            w.Line("/// a layer view, <c>ImportPyTorch</c>/<c>ImportKeras</c> (and so safetensors loading) or <c>InitializeParameters</c>. Call it yourself");
            w.Line("/// after writing through a span or view obtained before the last <c>Step</c>. Allocates nothing. Not thread-safe against a");
            w.Line("/// concurrent <c>Step</c> on the same model.");
            w.Line("/// </remarks>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block("public void QuantizeWeights()"))
            {
                w.Line("int version = _parametersVersion;");
                w.Line($"global::System.ReadOnlySpan<float> parameters = _parameters.Span;");
                w.Line($"global::System.Span<float> quantized = _quantized.Span;");
                if (copy.Format == WeightFormat.BFloat16)
                {
                    w.Line("// w16 = round-to-nearest-even(w) >> 16, every parameter, same offsets.");
                    w.Line("global::RnnGen.Numerics.BFloat16Weights.Round(parameters, global::System.Runtime.InteropServices.MemoryMarshal.Cast<float, ushort>(quantized));");
                }
                else
                {
                    w.Line("// Per row r: s_r = max_k |W_rk| / 127, q_rk = round(W_rk / s_r), correction_r = 128 Σ_k q_rk.");
                    foreach (var t in copy.Tensors)
                    {
                        var s = t.Source;
                        w.Line($"global::RnnGen.Numerics.Int8Weights.Quantize(parameters.Slice({Int(s.Offset)}, {Int(s.Length)}), {Int(s.Blocks)}, {Int(s.Columns)}, {Int(s.Gates)}, global::System.Runtime.InteropServices.MemoryMarshal.Cast<float, sbyte>(quantized.Slice({Int(t.Weights)}, {Int(t.Bytes / 4)})), quantized.Slice({Int(t.Scales)}, {Int(t.Rows)}), global::System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(quantized.Slice({Int(t.Corrections)}, {Int(t.Rows)})));");
                    }
                }

                w.Line("_quantizedVersion = version; // a write during the copy leaves it stale, and the next Step copies again");
            }

            w.Line();
        }

        /// <summary>In a member that writes the parameters or hands out a writable view: the copy may be stale now.</summary>
        public static string? Invalidate(Plan plan) => QuantizedWeights.For(plan) is null ? null : "_parametersVersion++; // the quantised copy Step reads may be stale now";

        /// <summary>At the start of <c>Step</c>: refresh a stale copy and name the references the kernels take.</summary>
        public static void EmitStepPrologue(SourceWriter w, Plan plan)
        {
            if (QuantizedWeights.For(plan) is not { } copy)
            {
                return;
            }

            using (w.Block("if (_quantizedVersion != _parametersVersion)"))
            {
                w.Line("QuantizeWeights(); // the parameters may have changed since the copy was made");
            }

            if (copy.Format == WeightFormat.BFloat16)
            {
                w.Line("ref ushort q16 = ref global::System.Runtime.CompilerServices.Unsafe.As<float, ushort>(ref _quantized.Reference);");
            }
            else
            {
                w.Line("ref float q = ref _quantized.Reference;");
                w.Line("ref sbyte q8 = ref global::System.Runtime.CompilerServices.Unsafe.As<float, sbyte>(ref q);");
            }
        }

        private static string Describe(QuantizedWeights copy) => copy.Format == WeightFormat.BFloat16
            ? "every parameter as bfloat16, at its fp32 offset"
            : $"{Int(copy.Tensors.Count)} int8 tensor(s): W_ih and W_hh of each layer, with row scales and corrections";
    }
}
