using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Writes conversion to and from PyTorch's tensors: <c>weight_ih_l{k}</c>, <c>weight_hh_l{k}</c>,
    /// <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c> (gate blocks stacked in PyTorch's order, row-major), plus
    /// <c>embedding.weight</c>, <c>head.weight</c> and <c>head.bias</c>; and PyTorch's default initialisation.
    /// </summary>
    internal static class PyTorchLayoutEmitter
    {
        private const string Tensor = "global::RnnGen.TensorInfo";

        public static void Emit(SourceWriter w, Plan plan)
        {
            var tensors = Tensors(plan);
            w.Summary("The PyTorch tensors this network's parameters map to, in <c>state_dict</c> order, with their shapes.");
            w.Line(GeneratedCode.Attribute);
            w.Line($"public static global::System.Collections.Generic.IReadOnlyList<{Tensor}> PyTorchTensors {{ get; }} = new {Tensor}[]");
            w.Line("{");
            foreach (var t in tensors)
            {
                w.Line(t.IsVector
                    ? $"    {Tensor}.Vector(\"{t.Name}\", {Int(t.Rows)}),"
                    : $"    {Tensor}.Matrix(\"{t.Name}\", {Int(t.Rows)}, {Int(t.Columns)}),");
            }

            w.Line("};");
            w.Line();
            EmitImport(w, plan, tensors);
            w.Line();
            EmitExport(w, tensors);
            w.Line();
            EmitInitialize(w, tensors);
        }

        private static void EmitImport(SourceWriter w, Plan plan, List<TensorMapping> tensors)
        {
            w.Summary("Sets one tensor from PyTorch's layout (row-major, gates stacked in PyTorch's order). See <see cref=\"PyTorchTensors\"/> for names and shapes.");
            w.Line("/// <param name=\"name\">A name from <see cref=\"PyTorchTensors\"/>, e.g. <c>weight_ih_l0</c>.</param>");
            w.Line("/// <param name=\"values\">Exactly as many floats as the tensor has.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The name is unknown, the length does not match the shape, or a value is NaN or infinite (nothing is imported then).</exception>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"public void ImportPyTorch(string name, {ReadOnlySpan} values)"))
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(name);");
                if (QuantizedWeightsEmitter.Invalidate(plan) is { } bump)
                {
                    w.Line(bump);
                }
                w.Line("global::RnnGen.NonFiniteValues.RequireFiniteTensor(values, name, \"values\"); // NaN or ∞ never enters the weights");
                using (w.Block("switch (name)"))
                {
                    foreach (var t in tensors)
                    {
                        w.Line($"case \"{t.Name}\":");
                        w.Line($"    global::RnnGen.Shapes.RequireLength(values.Length, {Int(t.Rows * t.Columns)}, \"values\", \"{t.Name} {t.Shape}\");");
                        foreach (var view in t.Views)
                        {
                            var slice = Slice("values", view, t);
                            w.Line(view.Gate is null
                                ? $"    {slice}.CopyTo({view.View});"
                                : $"    {view.View}.CopyFrom({slice});");
                        }

                        w.Line("    return;");
                    }

                    w.Line("default:");
                    w.Line("    throw global::RnnGen.Shapes.UnknownTensor(name, PyTorchTensors, \"name\");");
                }
            }
        }

        private static void EmitExport(SourceWriter w, List<TensorMapping> tensors)
        {
            w.Summary("Writes one tensor in PyTorch's layout (row-major, gates stacked in PyTorch's order). See <see cref=\"PyTorchTensors\"/> for names and shapes.");
            w.Line("/// <param name=\"name\">A name from <see cref=\"PyTorchTensors\"/>, e.g. <c>weight_ih_l0</c>.</param>");
            w.Line("/// <param name=\"destination\">Exactly as many floats as the tensor has.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The name is unknown or the length does not match the shape.</exception>");
            w.Line(GeneratedCode.Attribute);
            w.Line($"public void ExportPyTorch(string name, {Span} destination) => UnpackPyTorch(name, _parameters.Span, destination);");
            w.Line();
            w.Summary("Writes one tensor of a packed gradient buffer (as <c>Backward</c> fills it) in PyTorch's layout, like <see cref=\"ExportPyTorch\"/>.");
            w.Line("/// <param name=\"name\">A name from <see cref=\"PyTorchTensors\"/>.</param>");
            w.Line("/// <param name=\"gradients\">A packed gradient buffer, PackedParameterLength floats.</param>");
            w.Line("/// <param name=\"destination\">Exactly as many floats as the tensor has.</param>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"public static void ExportPyTorchGradient(string name, {ReadOnlySpan} gradients, {Span} destination)"))
            {
                w.Line("global::RnnGen.Shapes.RequireLength(gradients.Length, PackedParameterLength, \"gradients\", \"[PackedParameterLength]\");");
                w.Line("UnpackPyTorch(name, gradients, destination);");
            }

            w.Line();
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"private static void UnpackPyTorch(string name, {ReadOnlySpan} packed, {Span} destination)"))
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(name);");
                using (w.Block("switch (name)"))
                {
                    foreach (var t in tensors)
                    {
                        w.Line($"case \"{t.Name}\":");
                        w.Line($"    global::RnnGen.Shapes.RequireLength(destination.Length, {Int(t.Rows * t.Columns)}, \"destination\", \"{t.Name} {t.Shape}\");");
                        foreach (var view in t.Views)
                        {
                            var slice = Slice("destination", view, t);
                            w.Line(view.Gate is { } g
                                ? $"    global::RnnGen.GateMatrix.Unpack(packed, {Int(g.Offset)}, {Int(g.Rows)}, {Int(g.Columns)}, {Int(g.Gates)}, {Int(g.Gate)}, {slice});"
                                : $"    packed.Slice({Int(view.PackedOffset)}, {Int(view.Length)}).CopyTo({slice});");
                        }

                        w.Line("    return;");
                    }

                    w.Line("default:");
                    w.Line("    throw global::RnnGen.Shapes.UnknownTensor(name, PyTorchTensors, \"name\");");
                }
            }
        }

        private static string Slice(string span, ViewMapping view, TensorMapping tensor) =>
            view.Start == 0 && view.Length == tensor.Rows * tensor.Columns ? span : $"{span}.Slice({Int(view.Start)}, {Int(view.Length)})";

        private static void EmitInitialize(SourceWriter w, List<TensorMapping> tensors)
        {
            w.Summary("Fills every parameter the way PyTorch initialises a fresh module: U(-1/√fan, 1/√fan) for recurrent layers (fan = units) and the head (fan = inputs), N(0, 1) for the embedding.");
            w.Line("/// <param name=\"random\">The source of randomness; seed it for reproducible weights.</param>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block("public void InitializeParameters(global::System.Random random)"))
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(random);");
                w.Line("// One pooled scratch tensor in PyTorch's layout, so initialising costs no memory beyond the weights.");
                w.Line($"float[] scratch = global::System.Buffers.ArrayPool<float>.Shared.Rent({Int(tensors.Max(t => t.Rows * t.Columns))});");
                using (w.Block("try"))
                {
                    foreach (var t in tensors)
                    {
                        var values = $"global::System.MemoryExtensions.AsSpan(scratch, 0, {Int(t.Rows * t.Columns)})";
                        w.Line(t.InitBound is { } bound
                            ? $"global::RnnGen.Numerics.Initializers.FillUniform({values}, {Float(bound)}, random);"
                            : $"global::RnnGen.Numerics.Initializers.FillNormal({values}, random);");
                        w.Line($"ImportPyTorch(\"{t.Name}\", {values});");
                    }
                }

                using (w.Block("finally"))
                {
                    w.Line("global::System.Buffers.ArrayPool<float>.Shared.Return(scratch);");
                }
            }
        }

        private static List<TensorMapping> Tensors(Plan plan)
        {
            var list = new List<TensorMapping>();
            if (plan.Embedding is { } e)
            {
                list.Add(new TensorMapping("embedding.weight", e.Vocabulary, e.Dimension, false, null, new[] { new ViewMapping("EmbeddingTable", 0, e.Length, null, e.Offset) }));
            }

            foreach (var layer in plan.Layers)
            {
                var h = layer.Spec.Units;
                var gates = CellTraits.GateNames(layer.Spec);
                var bound = (float)(1.0 / System.Math.Sqrt(h));
                string Named(string prefix) => prefix + Int(layer.Group) + layer.PyTorchSuffix;
                ViewMapping[] Views(string member, int columns, System.Func<int, PackedTensor> tensorOf)
                {
                    var views = new ViewMapping[gates.Length];
                    for (var g = 0; g < gates.Length; g++)
                    {
                        var tensor = tensorOf(g);
                        var layout = new GateLayout(tensor.Offset, h, columns, tensor.Gates, g - tensor.FirstGate);
                        views[g] = new ViewMapping($"{layer.Name}.{gates[g]}.{member}", g * h * columns, h * columns, layout, tensor.Offset);
                    }

                    return views;
                }

                PackedTensor Recurrent(int gate) => layer.RecurrentWeights.First(t => gate >= t.FirstGate && gate < t.FirstGate + t.Gates);
                list.Add(new TensorMapping(Named("weight_ih_l"), gates.Length * h, layer.InputWidth, false, bound, Views("InputWeights", layer.InputWidth, _ => layer.InputWeights)));
                list.Add(new TensorMapping(Named("weight_hh_l"), gates.Length * h, h, false, bound, Views("RecurrentWeights", h, Recurrent)));
                if (layer.InputBias is { } inputBias && layer.RecurrentBias is { } recurrentBias)
                {
                    list.Add(new TensorMapping(Named("bias_ih_l"), gates.Length * h, 1, true, bound, Views("InputBias", 1, _ => inputBias)));
                    list.Add(new TensorMapping(Named("bias_hh_l"), gates.Length * h, 1, true, bound, Views("RecurrentBias", 1, _ => recurrentBias)));
                }

                if (layer.Peepholes is { } peepholes)
                {
                    // No PyTorch module has peepholes; these names follow its pattern: one [units] vector per gate.
                    var peep = CellTraits.PeepholeSymbols(layer.Spec);
                    for (var k = 0; k < peep.Length; k++)
                    {
                        var layout = new GateLayout(peepholes.Offset, h, 1, peep.Length, k);
                        list.Add(new TensorMapping(Named($"peephole_{peep[k]}_l"), h, 1, true, bound, new[] { new ViewMapping($"{layer.Name}.Peephole{peep[k].ToUpperInvariant()}", 0, h, layout, peepholes.Offset) }));
                    }
                }
            }

            if (plan.Head is { } head)
            {
                var bound = (float)(1.0 / System.Math.Sqrt(head.InputWidth));
                var weights = new GateLayout(head.Weights.Offset, head.Spec.Units, head.InputWidth, 1, 0);
                list.Add(new TensorMapping("head.weight", head.Spec.Units, head.InputWidth, false, bound, new[] { new ViewMapping("HeadWeights", 0, head.Spec.Units * head.InputWidth, weights, weights.Offset) }));
                if (head.Bias is { } bias)
                {
                    var layout = new GateLayout(bias.Offset, head.Spec.Units, 1, 1, 0);
                    list.Add(new TensorMapping("head.bias", head.Spec.Units, 1, true, bound, new[] { new ViewMapping("HeadBias", 0, head.Spec.Units, layout, bias.Offset) }));
                }
            }

            return list;
        }

        /// <summary>One external tensor and the views (with element ranges) it spreads over.</summary>
        private sealed record TensorMapping(string Name, int Rows, int Columns, bool IsVector, float? InitBound, ViewMapping[] Views)
        {
            public string Shape => IsVector ? $"[{Int(Rows)}]" : $"[{Int(Rows)}][{Int(Columns)}]";
        }

        /// <summary>
        /// A range of an external tensor and the view it maps to: a gate matrix in the packed layout
        /// (<paramref name="Gate"/>), or a plain row-major copy at <paramref name="PackedOffset"/> (the embedding).
        /// </summary>
        private sealed record ViewMapping(string View, int Start, int Length, GateLayout? Gate, int PackedOffset);

        /// <summary>Arguments of <c>GateMatrix.Unpack</c> for one gate.</summary>
        private sealed record GateLayout(int Offset, int Rows, int Columns, int Gates, int Gate);
    }
}
