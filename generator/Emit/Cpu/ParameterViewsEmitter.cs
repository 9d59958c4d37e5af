using System.Linq;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Writes the parameter buffer and its named views: per layer a struct with one <c>GateParameters</c> per gate,
    /// plus the embedding table and the head. Views address the packed layout, so they never copy.
    /// </summary>
    internal static class ParameterViewsEmitter
    {
        private const string Buffer = "global::RnnGen.AlignedBuffer";
        private const string Matrix = "global::RnnGen.GateMatrix";

        public static void Emit(SourceWriter w, Plan plan)
        {
            w.Line(GeneratedCode.Attribute);
            w.Line($"private readonly {Buffer} _parameters = new(PackedParameterLength);");
            w.Line();
            w.Summary("The packed parameter buffer, 64-byte aligned: what optimisers and checkpoints work on. Use the named views or <c>ImportPyTorch</c> to address single tensors.");
            w.Line(GeneratedCode.Attribute);
            if (QuantizedWeightsEmitter.Invalidate(plan) is { } bump)
            {
                using (w.Block($"public {Span} PackedParameters"))
                using (w.Block("get"))
                {
                    w.Line(bump);
                    w.Line("return _parameters.Span;");
                }
            }
            else
            {
                w.Line($"public {Span} PackedParameters => _parameters.Span;");
            }
            w.Line();

            if (plan.Embedding is { } embedding)
            {
                w.Summary($"The embedding table, row-major [{Int(embedding.Vocabulary)}][{Int(embedding.Dimension)}]: row t is token t's vector.");
                w.Line(GeneratedCode.Attribute);
                w.Line($"public {Span} EmbeddingTable => _parameters.Span.Slice({Int(embedding.Offset)}, {Int(embedding.Length)});");
                w.Line();
            }

            foreach (var layer in plan.Layers)
            {
                w.Summary($"{layer.Name} ({CellTraits.DisplayName(layer.Spec.Cell)}, {Int(layer.Spec.Units)} units): its parameters gate by gate.");
                w.Line(GeneratedCode.Attribute);
                if (QuantizedWeightsEmitter.Invalidate(plan) is { } viewBump)
                {
                    using (w.Block($"public {layer.Name}Parameters {layer.Name}"))
                    using (w.Block("get"))
                    {
                        w.Line(viewBump);
                        w.Line("return new(_parameters);");
                    }
                }
                else
                {
                    w.Line($"public {layer.Name}Parameters {layer.Name} => new(_parameters);");
                }
                w.Line();
            }

            if (plan.Head is { } head)
            {
                w.Summary($"The dense head's weights W, [{Int(head.Spec.Units)}][{Int(head.InputWidth)}].");
                w.Line(GeneratedCode.Attribute);
                w.Line($"public {Matrix} HeadWeights => new(_parameters, {Int(head.Weights.Offset)}, {Int(head.Spec.Units)}, {Int(head.InputWidth)}, 1, 0);");
                w.Line();
                w.Summary(head.Bias is null ? "The dense head has no bias: an empty view." : $"The dense head's bias b, [{Int(head.Spec.Units)}].");
                w.Line(GeneratedCode.Attribute);
                w.Line(head.Bias is { } bias
                    ? $"public {Matrix} HeadBias => new(_parameters, {Int(bias.Offset)}, {Int(head.Spec.Units)}, 1, 1, 0);"
                    : $"public {Matrix} HeadBias => new(_parameters, 0, 0, 1, 1, 0);");
                w.Line();
            }

            foreach (var layer in plan.Layers)
            {
                EmitLayerStruct(w, layer);
                w.Line();
            }
        }

        private static void EmitLayerStruct(SourceWriter w, LayerPlan layer)
        {
            var names = CellTraits.GateNames(layer.Spec);
            var symbols = CellTraits.GateSymbols(layer.Spec);
            var units = Int(layer.Spec.Units);
            w.Summary($"The parameters of {layer.Name} ({CellTraits.DisplayName(layer.Spec.Cell)}), gate by gate, as views into the packed buffer.");
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"public readonly struct {layer.Name}Parameters"))
            {
                w.Line($"private readonly {Buffer} _buffer;");
                w.Line();
                w.Line($"internal {layer.Name}Parameters({Buffer} buffer) => _buffer = buffer;");
                for (var g = 0; g < names.Length; g++)
                {
                    var s = symbols[g];
                    var group = layer.RecurrentWeights.First(t => g >= t.FirstGate && g < t.FirstGate + t.Gates);
                    w.Line();
                    w.Summary($"Gate {s}: W_i{s} [{units}][{Int(layer.InputWidth)}], W_h{s} [{units}][{units}]" + (layer.Spec.UseBias ? $", b_i{s} and b_h{s} [{units}]." : " (no biases)."));
                    w.Line($"public global::RnnGen.GateParameters {names[g]} => new(");
                    w.Line($"    new(_buffer, {Int(layer.InputWeights.Offset)}, {units}, {Int(layer.InputWidth)}, {Int(layer.GateCount)}, {Int(g)}),");
                    w.Line($"    new(_buffer, {Int(group.Offset)}, {units}, {units}, {Int(group.Gates)}, {Int(g - group.FirstGate)}),");
                    w.Line(Bias(layer.InputBias, units, layer.GateCount, g) + ",");
                    w.Line(Bias(layer.RecurrentBias, units, layer.GateCount, g) + ");");
                }

                if (layer.Peepholes is { } peepholes)
                {
                    var peep = CellTraits.PeepholeSymbols(layer.Spec);
                    for (var k = 0; k < peep.Length; k++)
                    {
                        w.Line();
                        w.Summary($"Peephole weights p_{peep[k]} [{units}]: gate {peep[k]} sees p_{peep[k]} ⊙ c{(peep[k] == "o" ? "(t)" : "(t-1)")}.");
                        w.Line($"public {Matrix} Peephole{peep[k].ToUpperInvariant()} => new(_buffer, {Int(peepholes.Offset)}, {units}, 1, {Int(peep.Length)}, {Int(k)});");
                    }
                }
            }
        }

        private static string Bias(PackedTensor? tensor, string units, int gates, int gate) => tensor is null
            ? "    new(_buffer, 0, 0, 1, 1, 0)"
            : $"    new(_buffer, {Int(tensor.Offset)}, {units}, 1, {Int(gates)}, {Int(gate)})";
    }
}
