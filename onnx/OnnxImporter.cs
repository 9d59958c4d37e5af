using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Onnx;

namespace RnnGen.Onnx
{
    /// <summary>
    /// Reads the weights of an ONNX graph (as <c>torch.onnx.export</c> writes it, or RnnGen's exporter) into a
    /// generated network. The graph is recognised by its parts, not by exact node names: the recurrent nodes
    /// (LSTM / GRU / RNN) in graph order are the layers, a Gather on a constant table feeding the first of them is
    /// the embedding, a Gemm or MatMul (+ Add) on a constant after the last is the head, and an activation node after
    /// it is the head's activation. Each part is checked against <see cref="IRecurrentNetwork.Description"/>; every
    /// difference is collected, and only a graph with none is imported.
    /// </summary>
    internal sealed class OnnxImporter
    {
        private readonly IRecurrentNetwork _model;
        private readonly NetworkDescription _description;
        private readonly OnnxGraphIndex _graph;
        private readonly string? _baseDirectory;
        private readonly List<OnnxDifference> _differences = [];
        private readonly Dictionary<string, float[]> _tensors = new(StringComparer.Ordinal);

        private readonly long _opset;

        private OnnxImporter(IRecurrentNetwork model, GraphProto graph, string? baseDirectory, long opset)
        {
            _opset = opset;
            _model = model;
            _description = model.Description;
            _graph = new OnnxGraphIndex(graph);
            _baseDirectory = baseDirectory;
        }

        /// <summary>Validates the graph against the model and imports every tensor, or throws having imported nothing.</summary>
        public static void Import(IRecurrentNetwork model, ModelProto onnx, string? baseDirectory)
        {
            if (onnx.Graph is null)
            {
                throw new OnnxImportException("The ONNX model has no graph.");
            }

            long opset = onnx.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();
            var importer = new OnnxImporter(model, onnx.Graph, baseDirectory, opset);
            importer.Read();
            if (importer._differences.Count > 0)
            {
                throw new OnnxImportException(importer._description.Architecture, importer._differences);
            }

            importer.Apply();
        }

        private void Read()
        {
            List<NodeProto> recurrent = _graph.Graph.Node.Where(n => n.OpType is "LSTM" or "GRU" or "RNN").ToList();
            if (recurrent.Count != _description.Layers.Count)
            {
                Differ("graph", "recurrent layers (LSTM/GRU/RNN nodes)", _description.Layers.Count.ToString(CultureInfo.InvariantCulture),
                    recurrent.Count.ToString(CultureInfo.InvariantCulture) + (recurrent.Count == 0 ? string.Empty : " (" + string.Join(", ", recurrent.Select(OnnxGraphIndex.Describe)) + ")"));
            }

            ReadInput(recurrent.FirstOrDefault());
            for (int k = 0; k < Math.Min(recurrent.Count, _description.Layers.Count); k++)
            {
                ReadLayer(recurrent[k], k, _description.Layers[k], k == 0 ? null : recurrent[k - 1]);
            }

            ReadHead(recurrent.LastOrDefault());
            ReadOutputRank();
            foreach (TensorInfo expected in _model.PyTorchTensors)
            {
                if (!_tensors.TryGetValue(expected.Name, out float[]? values))
                {
                    if (_differences.Count == 0)
                    {
                        Differ("graph", "tensor " + expected.Name + " " + expected.Shape, "a matching initializer", "none");
                    }
                }
                else if (values.Length != expected.Length)
                {
                    Differ("graph", "tensor " + expected.Name, expected.Shape + " (" + expected.Length + " values)", values.Length + " values");
                }
            }
        }

        /// <summary>Float features from a graph input, or token ids through a Gather on the embedding table.</summary>
        private void ReadInput(NodeProto? first)
        {
            if (first is null || first.Input.Count == 0)
            {
                return;
            }

            NodeProto? source = _graph.Source(first.Input[0]);
            bool isEmbedding = source is { OpType: "Gather" } && _graph.Constants.ContainsKey(source.Input[0]);
            if (!_description.HasEmbedding)
            {
                if (source is not null)
                {
                    Differ(OnnxGraphIndex.Describe(first) + " (layer 0)", "input X", "a graph input of " + _description.InputSize + " features per step",
                        "the output of " + OnnxGraphIndex.Describe(source) + (isEmbedding ? " (an embedding)" : string.Empty));
                }

                return;
            }

            if (!isEmbedding)
            {
                Differ("embedding", "input of layer 0", "a Gather on a [" + _description.VocabularySize + "][" + _description.EmbeddingDimension + "] table",
                    source is null ? "a graph input (float features)" : "the output of " + OnnxGraphIndex.Describe(source!));
                return;
            }

            int axis = (int)(OnnxGraphIndex.Attribute(source!, "axis")?.I ?? 0);
            TensorProto table = _graph.Constants[source!.Input[0]];
            string where = OnnxGraphIndex.Describe(source) + " (embedding)";
            if (axis != 0)
            {
                Differ(where, "axis", "0 (rows of the table)", axis.ToString(CultureInfo.InvariantCulture));
            }

            if (!Shape(table).SequenceEqual([_description.VocabularySize, _description.EmbeddingDimension]))
            {
                Differ(where, "table '" + table.Name + "' shape", "[" + _description.VocabularySize + "][" + _description.EmbeddingDimension + "]", ShapeText(table));
                return;
            }

            if (Values(table, where) is { } values)
            {
                _tensors[PyTorchNames.Embedding] = values;
            }
        }

        private void ReadLayer(NodeProto node, int k, RecurrentLayerInfo layer, NodeProto? previous)
        {
            string where = OnnxGraphIndex.Describe(node) + " (layer " + k.ToString(CultureInfo.InvariantCulture) + ")";
            int differencesBefore = _differences.Count;
            CellType? cell = node.OpType switch { "LSTM" => CellType.Lstm, "GRU" => CellType.Gru, "RNN" => CellType.SimpleRnn, _ => null };
            if (cell != layer.Cell)
            {
                Differ(where, "cell", CellName(layer.Cell), node.OpType);
                return; // the rest (gates, attributes) means something else for another cell
            }

            if (previous is not null)
            {
                // The previous layer's output, after its merge (Add / Mul) when it has one.
                string? merged = MergedOutput(previous).Value;
                NodeProto? expected = merged is null ? previous : _graph.Producer(merged);
                NodeProto? source = _graph.Source(node.Input[0]);
                if (source != expected)
                {
                    Differ(where, "input X", "the output of " + OnnxGraphIndex.Describe(previous) + " (layer " + (k - 1) + ")",
                        source is null ? "a graph input or constant" : "the output of " + OnnxGraphIndex.Describe(source));
                }
            }

            long hidden = OnnxGraphIndex.Attribute(node, "hidden_size")?.I ?? -1;
            if (hidden != layer.Units)
            {
                Differ(where, "hidden_size", layer.Units.ToString(CultureInfo.InvariantCulture), hidden < 0 ? "none" : hidden.ToString(CultureInfo.InvariantCulture));
            }

            string direction = OnnxGraphIndex.Attribute(node, "direction")?.S.ToStringUtf8() ?? "forward";
            string expectedDirection = layer.Bidirectional ? "bidirectional" : layer.GoBackwards ? "reverse" : "forward";
            if (direction != expectedDirection)
            {
                Differ(where, "direction", expectedDirection, direction);
            }
            else if (layer.GoBackwards)
            {
                Differ(where, "direction", "a layer ONNX can express (RnnGen's GoBackwards returns its outputs reversed, ONNX's reverse in input order)", "reverse");
            }

            if (layer.Bidirectional && direction == "bidirectional")
            {
                MergeMode found = MergedOutput(node).Mode ?? MergeMode.Concat;
                if (found != layer.MergeMode)
                {
                    Differ(where, "merge mode", layer.MergeMode.ToString(), found + (found == MergeMode.Concat ? " (no Add / Mul of the two directions)" : string.Empty));
                }

                if (!layer.ReturnSequences && !node.Output.Skip(1).Take(1).Any(h => h.Length > 0 && (_graph.Readers(h).Count > 0 || _graph.Graph.Output.Any(o => o.Name == h))))
                {
                    // PyTorch's y[-1] pairs the backward direction's state after the last step alone; RnnGen (like
                    // Keras) returns its state after step 0, which is ONNX's Y_h.
                    Differ(where, "last step", "the final states Y_h (forward after the last step, backward after step 0)", "Y's last step (PyTorch's y[-1])");
                }
            }

            if (layer.Peepholes || layer.CoupledGates || layer.Minimal)
            {
                Differ(where, "cell variant", (layer.Peepholes ? "peepholes" : layer.CoupledGates ? "coupled gates" : "minimal GRU") + " (not imported from ONNX)", node.OpType);
            }

            if (cell == CellType.Gru)
            {
                long before = OnnxGraphIndex.Attribute(node, "linear_before_reset")?.I ?? 0;
                if (before != (layer.ResetAfter ? 1 : 0))
                {
                    Differ(where, "linear_before_reset", layer.ResetAfter ? "1 (ResetAfter = true, PyTorch's GRU)" : "0 (ResetAfter = false)", before.ToString(CultureInfo.InvariantCulture));
                }
            }

            if (OnnxGraphIndex.Attribute(node, "clip") is not null)
            {
                Differ(where, "clip", "none (RnnGen does not clip)", OnnxGraphIndex.Attribute(node, "clip")!.F.ToString(CultureInfo.InvariantCulture));
            }

            if (cell == CellType.Lstm && (OnnxGraphIndex.Attribute(node, "input_forget")?.I ?? 0) != 0)
            {
                Differ(where, "input_forget", "0", "1 (coupled gates)");
            }

            if (cell == CellType.Lstm && node.Input.Count > 7 && node.Input[7].Length > 0)
            {
                Differ(where, "input P (peepholes)", "none", "'" + node.Input[7] + "'");
            }

            CheckActivations(node, layer, where, direction == "bidirectional" ? 2 : 1);
            if (_differences.Count > differencesBefore)
            {
                return; // shapes and weights of a node that already differs would only repeat it
            }

            int directions = layer.Bidirectional ? 2 : 1;
            int rows = GateOrder.Gates(layer.Cell) * layer.Units;
            float[]? w = Weight(node, 1, "W", where, [directions, rows, layer.InputSize]);
            float[]? r = Weight(node, 2, "R", where, [directions, rows, layer.Units]);
            bool hasBias = node.Input.Count > 3 && node.Input[3].Length > 0;
            float[]? b = null;
            if (hasBias != layer.UseBias)
            {
                Differ(where, "input B (biases)", layer.UseBias ? "an initializer (UseBias = true)" : "none (UseBias = false)", hasBias ? "'" + node.Input[3] + "'" : "none");
            }
            else if (hasBias)
            {
                b = Weight(node, 3, "B", where, [directions, 2 * rows]);
            }

            if (w is null || r is null || (layer.UseBias && b is null))
            {
                return;
            }

            for (int d = 0; d < directions; d++)
            {
                Put(PyTorchNames.Layer("weight_ih", k, d), layer.Cell, w.AsSpan(d * rows * layer.InputSize, rows * layer.InputSize));
                Put(PyTorchNames.Layer("weight_hh", k, d), layer.Cell, r.AsSpan(d * rows * layer.Units, rows * layer.Units));
                if (b is not null)
                {
                    Put(PyTorchNames.Layer("bias_ih", k, d), layer.Cell, b.AsSpan(d * 2 * rows, rows));
                    Put(PyTorchNames.Layer("bias_hh", k, d), layer.Cell, b.AsSpan((d * 2 * rows) + rows, rows));
                }
            }
        }

        private void CheckActivations(NodeProto node, RecurrentLayerInfo layer, string where, int directions)
        {
            AttributeProto? attribute = OnnxGraphIndex.Attribute(node, "activations");
            string[] found = attribute is null
                ? Enumerable.Repeat(OnnxActivations.Defaults(layer.Cell), directions).SelectMany(a => a).ToArray()
                : attribute.Strings.Select(s => s.ToStringUtf8()).ToArray();
            Activation[] wanted = OnnxActivations.Of(layer);
            string[] expected = Enumerable.Repeat(wanted.Select(a => OnnxActivations.Name(a) ?? a.ToString()), directions).SelectMany(a => a).ToArray();
            if (!found.SequenceEqual(expected, StringComparer.OrdinalIgnoreCase))
            {
                Differ(where, "activations", "[" + string.Join(", ", expected) + "]", "[" + string.Join(", ", found) + "]");
                return;
            }

            // HardSigmoid and Affine must have RnnGen's alpha and beta (HardSigmoid: 1/6, 1/2; Affine: 1, 0).
            float[] alphas = OnnxGraphIndex.Attribute(node, "activation_alpha")?.Floats.ToArray() ?? [];
            float[] betas = OnnxGraphIndex.Attribute(node, "activation_beta")?.Floats.ToArray() ?? [];
            int next = 0;
            foreach (Activation activation in Enumerable.Repeat(wanted, directions).SelectMany(a => a))
            {
                (float alpha, float beta) = OnnxActivations.Parameters(activation);
                if (float.IsNaN(alpha))
                {
                    continue;
                }

                // ONNX's defaults: HardSigmoid 0.2 / 0.5, Affine 1 / 0.
                float foundAlpha = next < alphas.Length ? alphas[next] : activation == Activation.HardSigmoid ? 0.2f : 1f;
                float foundBeta = next < betas.Length ? betas[next] : activation == Activation.HardSigmoid ? 0.5f : 0f;
                next++;
                if (Math.Abs(foundAlpha - alpha) > 1e-6f || Math.Abs(foundBeta - beta) > 1e-6f)
                {
                    Differ(where, OnnxActivations.Name(activation) + " alpha, beta",
                        alpha.ToString("R", CultureInfo.InvariantCulture) + ", " + beta.ToString("R", CultureInfo.InvariantCulture),
                        foundAlpha.ToString("R", CultureInfo.InvariantCulture) + ", " + foundBeta.ToString("R", CultureInfo.InvariantCulture));
                }
            }
        }

        /// <summary>The dense head after the last layer: Gemm (B as [out][in] with transB = 1, or [in][out]) or MatMul + Add, then its activation.</summary>
        private void ReadHead(NodeProto? last)
        {
            if (last is null)
            {
                return;
            }

            // The head reads the merged output, or Y / Y_h through glue.
            string? merged = MergedOutput(last).Value;
            List<NodeProto> readers = merged is not null
                ? _graph.Readers(merged)
                : last.Output.Take(2).Where(o => o.Length > 0).SelectMany(_graph.Readers).Distinct().ToList();
            NodeProto? dense = readers.FirstOrDefault(n => n.OpType is "Gemm" or "MatMul" && n.Input.Count > 1 && _graph.Constants.ContainsKey(n.Input[1]));
            DenseLayerInfo? head = _description.Head;
            if (head is null)
            {
                if (dense is not null)
                {
                    Differ(OnnxGraphIndex.Describe(dense), "head", "none (the last recurrent layer's output is the network's)", "a dense layer on the recurrent output");
                }

                return;
            }

            if (dense is null)
            {
                Differ("head", "dense layer after " + OnnxGraphIndex.Describe(last), head + " as Gemm or MatMul + Add",
                    readers.Count == 0 ? "none (the recurrent output is the graph's output)" : string.Join(", ", readers.Select(OnnxGraphIndex.Describe)));
                return;
            }

            string where = OnnxGraphIndex.Describe(dense) + " (head)";
            int differencesBefore = _differences.Count;
            TensorProto weight = _graph.Constants[dense.Input[1]];
            bool transposed = dense.OpType == "Gemm" && (OnnxGraphIndex.Attribute(dense, "transB")?.I ?? 0) == 1;
            long[] expected = transposed ? [head.Units, head.InputSize] : [head.InputSize, head.Units];
            if (dense.OpType == "Gemm")
            {
                if ((OnnxGraphIndex.Attribute(dense, "transA")?.I ?? 0) != 0 || (OnnxGraphIndex.Attribute(dense, "alpha")?.F ?? 1f) != 1f || (OnnxGraphIndex.Attribute(dense, "beta")?.F ?? 1f) != 1f)
                {
                    Differ(where, "transA, alpha, beta", "0, 1, 1", "other values");
                }
            }

            if (!Shape(weight).SequenceEqual(expected))
            {
                Differ(where, "weight '" + weight.Name + "' shape", "[" + expected[0] + "][" + expected[1] + "] (" + head + " on " + head.InputSize + " inputs)", ShapeText(weight));
                return;
            }

            string output = dense.Output[0];
            string? biasName = null;
            if (dense.OpType == "Gemm")
            {
                biasName = dense.Input.Count > 2 && dense.Input[2].Length > 0 ? dense.Input[2] : null;
            }
            else if (_graph.Readers(output).FirstOrDefault(n => n.OpType == "Add") is { } add && add.Input.Any(i => _graph.Constants.ContainsKey(i)))
            {
                biasName = add.Input.First(i => _graph.Constants.ContainsKey(i));
                output = add.Output[0];
            }

            if ((biasName is not null) != head.UseBias)
            {
                Differ(where, "bias", head.UseBias ? "a [" + head.Units + "] bias (UseBias = true)" : "none (UseBias = false)", biasName is null ? "none" : "'" + biasName + "'");
            }

            Activation found = Activation.Linear;
            NodeProto? activation = _graph.Readers(output).FirstOrDefault(n => n.OpType is "Softmax" or "LogSoftmax" or "Sigmoid" or "Tanh" or "Relu" or "HardSigmoid");
            if (activation is not null)
            {
                found = activation.OpType switch
                {
                    "Softmax" => Activation.Softmax,
                    "Sigmoid" => Activation.Sigmoid,
                    "Tanh" => Activation.Tanh,
                    "Relu" => Activation.Relu,
                    _ => (Activation)(-1),
                };
            }

            if (activation is { OpType: "Softmax" })
            {
                // Softmax runs over the units: the last axis (opset 13 made -1 the default; before it, 1).
                long axis = OnnxGraphIndex.Attribute(activation, "axis")?.I ?? (_opset >= 13 ? -1 : 1);
                int rank = _description.ReturnsSequences ? 3 : 2;
                if (axis != -1 && axis != rank - 1)
                {
                    Differ(OnnxGraphIndex.Describe(activation), "axis", "-1 (the units)", axis.ToString(CultureInfo.InvariantCulture));
                }
            }

            if (found != head.Activation)
            {
                Differ(where, "activation", head.Activation.ToString(), activation is null ? "none (Linear)" : activation.OpType);
            }

            if (_differences.Count > differencesBefore)
            {
                return;
            }

            if (Values(weight, where) is { } w)
            {
                _tensors[PyTorchNames.HeadWeight] = transposed ? w : Transpose(w, head.InputSize, head.Units);
            }

            if (biasName is not null && Values(_graph.Constants[biasName], where) is { } b)
            {
                if (b.Length != head.Units)
                {
                    Differ(where, "bias '" + biasName + "' shape", "[" + head.Units + "]", ShapeText(_graph.Constants[biasName]));
                }
                else
                {
                    _tensors[PyTorchNames.HeadBias] = b;
                }
            }
        }

        /// <summary>A sequence model's first output is <c>[sequence][batch][features]</c>; a last-step model's <c>[batch][features]</c>.</summary>
        private void ReadOutputRank()
        {
            if (_graph.Graph.Output.FirstOrDefault()?.Type?.TensorType?.Shape is { Dim.Count: > 0 } shape)
            {
                int expected = _description.ReturnsSequences ? 3 : 2;
                if (shape.Dim.Count != expected)
                {
                    Differ("output '" + _graph.Graph.Output[0].Name + "'", "rank",
                        expected + (_description.ReturnsSequences ? " ([sequence][batch][features]: ReturnSequences = true)" : " ([batch][features]: the last step only)"),
                        shape.Dim.Count.ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        /// <summary>The values of a node's constant input, checked against a shape.</summary>
        private float[]? Weight(NodeProto node, int input, string name, string where, long[] expected)
        {
            if (node.Input.Count <= input || node.Input[input].Length == 0)
            {
                Differ(where, "input " + name, "an initializer " + ShapeText(expected), "none");
                return null;
            }

            if (!_graph.Constants.TryGetValue(node.Input[input], out TensorProto? tensor))
            {
                Differ(where, "input " + name + " '" + node.Input[input] + "'", "an initializer " + ShapeText(expected), "a value computed in the graph (missing initializer)");
                return null;
            }

            if (!Shape(tensor).SequenceEqual(expected))
            {
                Differ(where, "input " + name + " '" + tensor.Name + "' shape", ShapeText(expected), ShapeText(tensor));
                return null;
            }

            return Values(tensor, where);
        }

        private float[]? Values(TensorProto tensor, string where)
        {
            float[]? values = OnnxTensorReader.TryRead(tensor, _baseDirectory, out string problem);
            if (values is null)
            {
                Differ(where, "initializer '" + tensor.Name + "'", "float values", problem);
            }

            return values;
        }

        /// <summary>
        /// How a bidirectional node's directions are merged, when not by concatenation: an Add or Mul of the two
        /// directions (each a Gather of Y or Y_h), an Average being that Add times a constant 0.5. Returns the value
        /// holding the merged output, or nulls for a concatenated (or single) direction.
        /// </summary>
        private (string? Value, MergeMode? Mode) MergedOutput(NodeProto node)
        {
            foreach (string y in node.Output.Take(2).Where(o => o.Length > 0))
            {
                foreach (NodeProto reader in _graph.Readers(y))
                {
                    if (reader.OpType is "Add" or "Mul" && reader.Input.Count == 2
                        && reader.Input.All(i => !_graph.Constants.ContainsKey(i) && _graph.Source(i) == node))
                    {
                        if (reader.OpType == "Mul")
                        {
                            return (reader.Output[0], MergeMode.Multiply);
                        }

                        NodeProto? half = _graph.Readers(reader.Output[0]).FirstOrDefault(n => n.OpType == "Mul" && n.Input.Any(IsHalf));
                        return half is null ? (reader.Output[0], MergeMode.Sum) : (half.Output[0], MergeMode.Average);
                    }
                }
            }

            return (null, null);
        }

        private bool IsHalf(string value) =>
            _graph.Constants.TryGetValue(value, out TensorProto? tensor)
            && OnnxTensorReader.TryRead(tensor, null, out _) is [0.5f];

        /// <summary>Stores one direction's block of W, R or B in PyTorch's layout under its PyTorch name.</summary>
        private void Put(string name, CellType cell, ReadOnlySpan<float> onnx)
        {
            var pyTorch = new float[onnx.Length];
            GateOrder.ToPyTorch(cell, onnx, pyTorch);
            _tensors[name] = pyTorch;
        }

        /// <summary>Writes every tensor; on any failure (e.g. a NaN weight) the parameters are restored as they were.</summary>
        private void Apply()
        {
            float[] backup = _model.PackedParameters.ToArray();
            try
            {
                foreach (TensorInfo tensor in _model.PyTorchTensors)
                {
                    _model.ImportPyTorch(tensor.Name, _tensors[tensor.Name]);
                }
            }
            catch
            {
                backup.CopyTo(_model.PackedParameters);
                throw;
            }
        }

        private void Differ(string where, string what, string expected, string found) => _differences.Add(new OnnxDifference(where, what, expected, found));

        private static float[] Transpose(float[] values, int rows, int columns)
        {
            var result = new float[values.Length];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    result[(j * rows) + i] = values[(i * columns) + j];
                }
            }

            return result;
        }

        private static long[] Shape(TensorProto tensor) => [.. tensor.Dims];

        private static string ShapeText(TensorProto tensor) => ShapeText(Shape(tensor)) + " " + OnnxTensorReader.DataTypeName(tensor.DataType);

        private static string ShapeText(long[] shape)
        {
            var text = new StringBuilder();
            foreach (long dim in shape)
            {
                text.Append('[').Append(dim.ToString(CultureInfo.InvariantCulture)).Append(']');
            }

            return shape.Length == 0 ? "[] (a scalar)" : text.ToString();
        }

        private static string CellName(CellType cell) => cell switch { CellType.Lstm => "LSTM", CellType.Gru => "GRU", _ => "RNN" };
    }
}
