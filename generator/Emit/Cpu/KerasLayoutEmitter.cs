using System.Collections.Generic;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Writes <c>KerasTensors</c>, <c>ImportKeras</c> and <c>ExportKeras</c>: the network's weights in Keras' layout
    /// (<c>model.get_weights()</c> order), converted through the PyTorch tensors by <c>RnnGen.KerasLayout</c>.
    /// </summary>
    internal static class KerasLayoutEmitter
    {
        private const string Tensor = "global::RnnGen.TensorInfo";
        private const string Layout = "global::RnnGen.KerasLayout";

        public static void Emit(SourceWriter w, Plan plan)
        {
            var tensors = Tensors(plan);
            w.Summary("The Keras weights this network's parameters map to, in <c>model.get_weights()</c> order: per layer <c>kernel</c> [inputs][gates·units], <c>recurrent_kernel</c> [units][gates·units], <c>bias</c>; Keras gate order (LSTM i, f, c, o; GRU z, r, h).");
            w.Line(GeneratedCode.Attribute);
            w.Line($"public static global::System.Collections.Generic.IReadOnlyList<{Tensor}> KerasTensors {{ get; }} = new {Tensor}[]");
            w.Line("{");
            foreach (var t in tensors)
            {
                w.Line(t.Vector
                    ? $"    {Tensor}.Vector(\"{t.Name}\", {Int(t.Rows)}),"
                    : $"    {Tensor}.Matrix(\"{t.Name}\", {Int(t.Rows)}, {Int(t.Columns)}),");
            }

            w.Line("};");
            w.Line();
            EmitConversion(w, tensors, import: true);
            w.Line();
            EmitConversion(w, tensors, import: false);
        }

        private static void EmitConversion(SourceWriter w, List<KerasTensor> tensors, bool import)
        {
            var span = import ? "values" : "destination";
            w.Summary(import
                ? "Sets one tensor from Keras' layout, e.g. a layer's weights from <c>model.get_weights()</c>. See <see cref=\"KerasTensors\"/> for names and shapes."
                : "Writes one tensor in Keras' layout, for <c>model.set_weights()</c>. See <see cref=\"KerasTensors\"/> for names and shapes.");
            w.Line("/// <param name=\"name\">A name from <see cref=\"KerasTensors\"/>, e.g. <c>layer0/kernel</c>.</param>");
            w.Line($"/// <param name=\"{span}\">Exactly as many floats as the tensor has, row-major.</param>");
            w.Line(import
                ? "/// <remarks>A single Keras bias (LSTM, SimpleRNN, GRU with reset_after=False) is b_ih + b_hh: it becomes b_ih and b_hh is set to zero.</remarks>"
                : "/// <remarks>A single Keras bias is written as b_ih + b_hh.</remarks>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The name is unknown or the length does not match the shape.</exception>");
            w.Line(GeneratedCode.Attribute);
            var signature = import ? $"public void ImportKeras(string name, {ReadOnlySpan} values)" : $"public void ExportKeras(string name, {Span} destination)";
            var pytorch = import ? "ImportPyTorch" : "ExportPyTorch";
            var direction = import ? "Import" : "Export";
            using (w.Block(signature))
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(name);");
                if (import)
                {
                    w.Line("global::RnnGen.NonFiniteValues.RequireFiniteTensor(values, name, \"values\"); // before any part is imported");
                }

                using (w.Block("switch (name)"))
                {
                    foreach (var t in tensors)
                    {
                        w.Line($"case \"{t.Name}\":");
                        w.Line($"    global::RnnGen.Shapes.RequireLength({span}.Length, {Int(t.Rows * t.Columns)}, \"{span}\", \"{t.Name} {t.Shape}\");");
                        switch (t.Kind)
                        {
                            case KerasKind.Same:
                                w.Line($"    {pytorch}(\"{t.PyTorch}\", {span});");
                                break;
                            case KerasKind.Kernel:
                                w.Line($"    {Layout}.{direction}Kernel({span}, {Int(t.Inputs)}, {Int(t.Units)}, {Int(t.Gates)}, \"{t.PyTorch}\", {pytorch});");
                                break;
                            default:
                                w.Line($"    {Layout}.{direction}Bias({span}, {Int(t.Units)}, {Int(t.Gates)}, {Bool(t.Kind == KerasKind.SplitBias)}, \"{t.PyTorch}\", \"{t.RecurrentPyTorch}\", {pytorch});");
                                break;
                        }

                        w.Line("    return;");
                    }

                    w.Line("default:");
                    w.Line("    throw global::RnnGen.Shapes.UnknownTensor(name, KerasTensors, \"name\");");
                }
            }
        }

        private static List<KerasTensor> Tensors(Plan plan)
        {
            var list = new List<KerasTensor>();
            if (plan.Embedding is { } e)
            {
                list.Add(new KerasTensor("embedding/embeddings", e.Vocabulary, e.Dimension, false, KerasKind.Same, "embedding.weight"));
            }

            foreach (var layer in plan.Layers)
            {
                // A bidirectional layer's weights: Keras' Bidirectional wrapper lists the forward layer's, then the backward one's.
                var k = Int(layer.Group) + (layer.Spec.Bidirectional ? (layer.PyTorchSuffix.Length > 0 ? "/backward" : "/forward") : string.Empty);
                var t = Int(layer.Group) + layer.PyTorchSuffix;
                var g = layer.GateCount;
                var u = layer.Spec.Units;
                list.Add(new KerasTensor($"layer{k}/kernel", layer.InputWidth, g * u, false, KerasKind.Kernel, $"weight_ih_l{t}") { Inputs = layer.InputWidth, Units = u, Gates = g });
                list.Add(new KerasTensor($"layer{k}/recurrent_kernel", u, g * u, false, KerasKind.Kernel, $"weight_hh_l{t}") { Inputs = u, Units = u, Gates = g });
                if (layer.Spec.UseBias)
                {
                    var split = layer.Spec.Cell == CellKind.Gru && layer.Spec.ResetAfter;
                    list.Add(new KerasTensor($"layer{k}/bias", split ? 2 : g * u, split ? g * u : 1, !split, split ? KerasKind.SplitBias : KerasKind.SummedBias, $"bias_ih_l{t}")
                    {
                        Units = u,
                        Gates = g,
                        RecurrentPyTorch = $"bias_hh_l{t}",
                    });
                }

                foreach (var symbol in CellTraits.PeepholeSymbols(layer.Spec))
                {
                    // Keras' PeepholeLSTMCell: input_gate_, forget_gate_, output_gate_peephole_weights, [units] each.
                    var gate = symbol switch { "i" => "input", "f" => "forget", _ => "output" };
                    list.Add(new KerasTensor($"layer{k}/{gate}_gate_peephole_weights", u, 1, true, KerasKind.Same, $"peephole_{symbol}_l{t}"));
                }
            }

            if (plan.Head is { } head)
            {
                list.Add(new KerasTensor("dense/kernel", head.InputWidth, head.Spec.Units, false, KerasKind.Kernel, "head.weight") { Inputs = head.InputWidth, Units = head.Spec.Units, Gates = 1 });
                if (head.Bias is not null)
                {
                    list.Add(new KerasTensor("dense/bias", head.Spec.Units, 1, true, KerasKind.Same, "head.bias"));
                }
            }

            return list;
        }

        private enum KerasKind
        {
            /// <summary>Same layout as the PyTorch tensor (embedding, dense bias).</summary>
            Same,

            /// <summary>x · W layout: transposed, gate blocks reordered.</summary>
            Kernel,

            /// <summary>One vector holding b_ih + b_hh.</summary>
            SummedBias,

            /// <summary>[2][gates·units]: b_ih, b_hh (GRU reset_after=True).</summary>
            SplitBias,
        }

        private sealed record KerasTensor(string Name, int Rows, int Columns, bool Vector, KerasKind Kind, string PyTorch)
        {
            public int Inputs { get; init; }

            public int Units { get; init; }

            public int Gates { get; init; }

            public string RecurrentPyTorch { get; init; } = string.Empty;

            public string Shape => Vector ? $"[{Int(Rows)}]" : $"[{Int(Rows)}][{Int(Columns)}]";
        }
    }
}
