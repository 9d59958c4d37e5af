using System.Collections.Generic;
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
            EmitCopy(w, tensors, import: true);
            w.Line();
            EmitCopy(w, tensors, import: false);
            w.Line();
            EmitInitialize(w, tensors);
        }

        private static void EmitCopy(SourceWriter w, List<TensorMapping> tensors, bool import)
        {
            var (method, spanType, argument, verb) = import
                ? ("ImportPyTorch", ReadOnlySpan, "values", "Sets")
                : ("ExportPyTorch", Span, "destination", "Writes");
            w.Summary($"{verb} one tensor {(import ? "from" : "to")} PyTorch's layout (row-major, gates stacked in PyTorch's order). See <see cref=\"PyTorchTensors\"/> for names and shapes.");
            w.Line($"/// <param name=\"name\">A name from <see cref=\"PyTorchTensors\"/>, e.g. <c>weight_ih_l0</c>.</param>");
            w.Line($"/// <param name=\"{argument}\">Exactly as many floats as the tensor has.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The name is unknown or the length does not match the shape.</exception>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"public void {method}(string name, {spanType} {argument})"))
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(name);");
                using (w.Block("switch (name)"))
                {
                    foreach (var t in tensors)
                    {
                        w.Line($"case \"{t.Name}\":");
                        w.Line($"    global::RnnGen.Shapes.RequireLength({argument}.Length, {Int(t.Rows * t.Columns)}, nameof({argument}), \"{t.Name} {t.Shape}\");");
                        foreach (var (view, start, length) in t.Views)
                        {
                            var slice = start == 0 && length == t.Rows * t.Columns ? argument : $"{argument}.Slice({Int(start)}, {Int(length)})";
                            w.Line(view.EndsWith("EmbeddingTable", System.StringComparison.Ordinal)
                                ? (import ? $"    {slice}.CopyTo({view});" : $"    {view}.CopyTo({slice});")
                                : $"    {view}.{(import ? "CopyFrom" : "CopyTo")}({slice});");
                        }

                        w.Line("    return;");
                    }

                    w.Line("default:");
                    w.Line("    throw global::RnnGen.Shapes.UnknownTensor(name, PyTorchTensors, nameof(name));");
                }
            }
        }

        private static void EmitInitialize(SourceWriter w, List<TensorMapping> tensors)
        {
            w.Summary("Fills every parameter the way PyTorch initialises a fresh module: U(-1/√fan, 1/√fan) for recurrent layers (fan = units) and the head (fan = inputs), N(0, 1) for the embedding.");
            w.Line("/// <param name=\"random\">The source of randomness; seed it for reproducible weights.</param>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block("public void InitializeParameters(global::System.Random random)"))
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(random);");
                foreach (var t in tensors)
                {
                    var values = t.InitBound is { } bound
                        ? $"global::RnnGen.Numerics.Initializers.Uniform({Int(t.Rows * t.Columns)}, {Float(bound)}, random)"
                        : $"global::RnnGen.Numerics.Initializers.Normal({Int(t.Rows * t.Columns)}, random)";
                    w.Line($"ImportPyTorch(\"{t.Name}\", {values});");
                }
            }
        }

        private static List<TensorMapping> Tensors(Plan plan)
        {
            var list = new List<TensorMapping>();
            if (plan.Embedding is { } e)
            {
                list.Add(new TensorMapping("embedding.weight", e.Vocabulary, e.Dimension, false, null, new[] { ("EmbeddingTable", 0, e.Length) }));
            }

            foreach (var layer in plan.Layers)
            {
                var h = layer.Spec.Units;
                var gates = CellTraits.GateNames(layer.Spec.Cell);
                var bound = (float)(1.0 / System.Math.Sqrt(h));
                var k = Int(layer.Index);
                (string, int, int)[] Views(string member, int columns)
                {
                    var views = new (string, int, int)[gates.Length];
                    for (var g = 0; g < gates.Length; g++)
                    {
                        views[g] = ($"{layer.Name}.{gates[g]}.{member}", g * h * columns, h * columns);
                    }

                    return views;
                }

                list.Add(new TensorMapping($"weight_ih_l{k}", gates.Length * h, layer.InputWidth, false, bound, Views("InputWeights", layer.InputWidth)));
                list.Add(new TensorMapping($"weight_hh_l{k}", gates.Length * h, h, false, bound, Views("RecurrentWeights", h)));
                if (layer.Spec.UseBias)
                {
                    list.Add(new TensorMapping($"bias_ih_l{k}", gates.Length * h, 1, true, bound, Views("InputBias", 1)));
                    list.Add(new TensorMapping($"bias_hh_l{k}", gates.Length * h, 1, true, bound, Views("RecurrentBias", 1)));
                }
            }

            if (plan.Head is { } head)
            {
                var bound = (float)(1.0 / System.Math.Sqrt(head.InputWidth));
                list.Add(new TensorMapping("head.weight", head.Spec.Units, head.InputWidth, false, bound, new[] { ("HeadWeights", 0, head.Spec.Units * head.InputWidth) }));
                if (head.Bias is not null)
                {
                    list.Add(new TensorMapping("head.bias", head.Spec.Units, 1, true, bound, new[] { ("HeadBias", 0, head.Spec.Units) }));
                }
            }

            return list;
        }

        /// <summary>One external tensor and the views (with element ranges) it spreads over.</summary>
        private sealed record TensorMapping(string Name, int Rows, int Columns, bool IsVector, float? InitBound, (string View, int Start, int Length)[] Views)
        {
            public string Shape => IsVector ? $"[{Int(Rows)}]" : $"[{Int(Rows)}][{Int(Columns)}]";
        }
    }
}
