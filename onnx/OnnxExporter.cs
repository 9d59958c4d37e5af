using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace RnnGen.Onnx
{
    /// <summary>
    /// Writes a generated network as a standard ONNX graph that computes what its <c>Forward</c> computes (no lengths:
    /// every sequence runs all steps; dropout is training-only and not written):
    /// <code>
    /// input [sequence][batch][InputSize] float   (or tokens [sequence][batch] int64 → Gather on embedding.weight)
    ///   → per layer: LSTM / GRU / RNN node (W, R, B in ONNX gate order) → Squeeze, or Transpose + Reshape (concat)
    ///     or Gather + Add / Mul (sum, average, multiply) for a bidirectional layer
    ///   (a last layer returning its last step only is read from Y_h: forward after the last step, backward after step 0)
    ///   → head: MatMul + Add on sequences, Gemm on a last step; then Softmax / Sigmoid / Tanh / Relu
    /// output [sequence][batch][OutputSize] (or [batch][OutputSize])
    /// </code>
    /// </summary>
    internal static class OnnxExporter
    {
        public static ModelProto Build(IRecurrentNetwork model, OnnxExportOptions options)
        {
            NetworkDescription description = model.Description;
            RequireExportable(description);
            var graph = new OnnxGraphBuilder(options.GraphName);
            var exporter = new Exporter(model, graph, options);
            string value = exporter.Input(description);
            if (options.SequenceLengths)
            {
                graph.Value(input: true, "lengths", DataType.Int32, "batch");
            }

            for (int k = 0; k < description.Layers.Count; k++)
            {
                value = exporter.Layer(description.Layers[k], k, value);
            }

            if (description.Head is { } head)
            {
                value = exporter.Head(head, description.ReturnsSequences, value);
                if (options.SequenceLengths && description.ReturnsSequences)
                {
                    value = exporter.MaskPadding(value); // the head maps a padded step's zeros to non-zero outputs
                }
            }

            Rename(graph.Graph, value, "output");
            object[] outputShape = description.ReturnsSequences
                ? ["sequence", "batch", (long)description.OutputSize]
                : ["batch", (long)description.OutputSize];
            graph.Value(input: false, "output", DataType.Float, outputShape);
            exporter.AddStateOutputs();

            var result = new ModelProto
            {
                // IR 8 reads opsets up to 18; newer opsets need IR 9 (19, 20) or 10 (21).
                IrVersion = options.Opset <= 18 ? 8 : options.Opset <= 20 ? 9 : 10,
                ProducerName = "RnnGen.Onnx",
                ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
                Graph = graph.Graph,
                DocString = description.Architecture,
            };
            result.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = options.Opset });
            return result;
        }

        /// <summary>Throws, listing every part of the network ONNX's operators cannot express.</summary>
        private static void RequireExportable(NetworkDescription description)
        {
            var problems = new List<string>();
            for (int k = 0; k < description.Layers.Count; k++)
            {
                RecurrentLayerInfo layer = description.Layers[k];
                string where = "layer " + k.ToString(CultureInfo.InvariantCulture) + " (" + layer + "): ";
                if (layer.GoBackwards)
                {
                    problems.Add(where + "GoBackwards returns its outputs in reversed order (Keras); ONNX's direction=\"reverse\" returns them in input order");
                }

                if (layer.CoupledGates)
                {
                    problems.Add(where + "coupled input and forget gates have no PyTorch-layout weights to map onto ONNX's input_forget");
                }

                if (layer.Peepholes)
                {
                    problems.Add(where + "peephole LSTMs are not exported (no PyTorch-layout tensors to map onto ONNX's P input)");
                }

                if (layer.Minimal)
                {
                    problems.Add(where + "the minimal GRU (gates f, n) is not an ONNX operator");
                }

                if (!layer.ReturnSequences && k < description.Layers.Count - 1)
                {
                    problems.Add(where + "only the last layer may return its last step only");
                }

                foreach (Activation activation in OnnxActivations.Of(layer))
                {
                    if (OnnxActivations.Name(activation) is null)
                    {
                        problems.Add(where + "activation " + activation + " is not one of ONNX's recurrent activations");
                    }
                }
            }

            if (description.Head is { Activation: not (Activation.Linear or Activation.Softmax or Activation.Sigmoid or Activation.Tanh or Activation.Relu) } head)
            {
                problems.Add("head (" + head + "): activation " + head.Activation + " is not exported");
            }

            if (problems.Count > 0)
            {
                throw new NotSupportedException(
                    "ONNX cannot express " + description.Architecture + " as RnnGen runs it; nothing was written:"
                    + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p)));
            }
        }

        /// <summary>Gives the value <paramref name="from"/> (a node's output) the name <paramref name="to"/>.</summary>
        private static void Rename(GraphProto graph, string from, string to)
        {
            foreach (NodeProto node in graph.Node)
            {
                for (int i = 0; i < node.Output.Count; i++)
                {
                    if (node.Output[i] == from)
                    {
                        node.Output[i] = to;
                    }
                }
            }
        }

        /// <summary>One export: the model, the graph being built and the shared constants.</summary>
        private sealed class Exporter(IRecurrentNetwork model, OnnxGraphBuilder graph, OnnxExportOptions options)
        {
            private readonly List<(string Name, long Directions, long Units)> _stateOutputs = [];
            private readonly Dictionary<string, string> _constants = new(StringComparer.Ordinal);

            public string Input(NetworkDescription description)
            {
                if (!description.HasEmbedding)
                {
                    graph.Value(input: true, "input", DataType.Float, "sequence", "batch", (long)description.InputSize);
                    return "input";
                }

                // embedded[t][b] = embedding.weight[tokens[t][b]]
                graph.Value(input: true, "tokens", DataType.Int64, "sequence", "batch");
                string table = graph.Initializer(PyTorchNames.Embedding, [description.VocabularySize, description.EmbeddingDimension], Tensor(PyTorchNames.Embedding));
                return graph.Node("Gather", "embedding", [table, "tokens"], "embedded").Output[0];
            }

            /// <summary>One recurrent layer: its node and the glue that gives the next layer <c>[sequence][batch][features]</c>.</summary>
            public string Layer(RecurrentLayerInfo layer, int k, string x)
            {
                string l = "l" + k.ToString(CultureInfo.InvariantCulture);
                int directions = layer.Bidirectional ? 2 : 1;
                int gates = GateOrder.Gates(layer.Cell);
                int rows = gates * layer.Units;
                float[] w = new float[directions * rows * layer.InputSize];
                float[] r = new float[directions * rows * layer.Units];
                float[] b = new float[directions * 2 * rows];
                for (int d = 0; d < directions; d++)
                {
                    // W = W_ih, R = W_hh and B = [b_ih, b_hh], each with its gate blocks in ONNX order.
                    GateOrder.ToOnnx(layer.Cell, Tensor(PyTorchNames.Layer("weight_ih", k, d)), w.AsSpan(d * rows * layer.InputSize, rows * layer.InputSize));
                    GateOrder.ToOnnx(layer.Cell, Tensor(PyTorchNames.Layer("weight_hh", k, d)), r.AsSpan(d * rows * layer.Units, rows * layer.Units));
                    if (layer.UseBias)
                    {
                        GateOrder.ToOnnx(layer.Cell, Tensor(PyTorchNames.Layer("bias_ih", k, d)), b.AsSpan(d * 2 * rows, rows));
                        GateOrder.ToOnnx(layer.Cell, Tensor(PyTorchNames.Layer("bias_hh", k, d)), b.AsSpan((d * 2 * rows) + rows, rows));
                    }
                }

                var inputs = new List<string>
                {
                    x,
                    graph.Initializer(l + ".W", [directions, rows, layer.InputSize], w),
                    graph.Initializer(l + ".R", [directions, rows, layer.Units], r),
                    layer.UseBias ? graph.Initializer(l + ".B", [directions, 2 * rows], b) : string.Empty,
                    options.SequenceLengths ? "lengths" : string.Empty, // sequence_lens (none: every sequence runs all steps)
                };
                // Y is every step's h; Y_h the final h (unused unless the layer returns its last step, or states are outputs).
                var outputs = new List<string> { layer.ReturnSequences ? l + ".Y" : string.Empty };
                if (options.StateInputsAndOutputs)
                {
                    inputs.Add(StateInput("initial_h_" + l, directions, layer.Units));
                    outputs.Add("h_n_" + l);
                    _stateOutputs.Add(("h_n_" + l, directions, layer.Units));
                    if (layer.Cell == CellType.Lstm)
                    {
                        inputs.Add(StateInput("initial_c_" + l, directions, layer.Units));
                        outputs.Add("c_n_" + l);
                        _stateOutputs.Add(("c_n_" + l, directions, layer.Units));
                    }
                }

                if (!layer.ReturnSequences && outputs.Count == 1)
                {
                    outputs.Add(l + ".Y_h");
                }

                while (inputs[^1].Length == 0)
                {
                    inputs.RemoveAt(inputs.Count - 1);
                }

                string op = layer.Cell switch { CellType.Lstm => "LSTM", CellType.Gru => "GRU", _ => "RNN" };
                NodeProto node = graph.Node(op, "layer" + k.ToString(CultureInfo.InvariantCulture), [.. inputs], [.. outputs]);
                OnnxGraphBuilder.Attribute(node, "hidden_size", (long)layer.Units);
                if (layer.Bidirectional)
                {
                    OnnxGraphBuilder.Attribute(node, "direction", "bidirectional");
                }

                if (layer.Cell == CellType.Gru)
                {
                    // 1: r multiplies (R_h h + Rb_h), PyTorch's GRU; 0: r multiplies h before R_h.
                    OnnxGraphBuilder.Attribute(node, "linear_before_reset", layer.ResetAfter ? 1L : 0L);
                }

                if (!OnnxActivations.AreDefault(layer))
                {
                    WriteActivations(node, layer, directions);
                }

                // Y is [sequence][directions][batch][units]; Y_h is [directions][batch][units]: the directions axis is
                // 1 or 0. A last-step layer returns each direction's final h (RnnGen's and Keras's last step of a
                // bidirectional layer: the backward direction after step 0, not after the last step alone).
                bool sequences = layer.ReturnSequences;
                string y = sequences ? node.Output[0] : node.Output[1];
                long axis = sequences ? 1 : 0;
                if (!layer.Bidirectional)
                {
                    string axes = sequences ? Constant("axis_1", [1], 1) : Constant("axis_0", [1], 0);
                    return graph.Node("Squeeze", l + ".squeeze", [y, axes], l + ".output").Output[0];
                }

                if (layer.MergeMode == MergeMode.Concat)
                {
                    // [..][batch][2][units] → [..][batch][2·units]: forward then backward, as Forward writes them.
                    NodeProto transpose = graph.Node("Transpose", l + ".transpose", [y], l + ".transposed");
                    if (sequences)
                    {
                        OnnxGraphBuilder.Attribute(transpose, "perm", 0L, 2L, 1L, 3L);
                    }
                    else
                    {
                        OnnxGraphBuilder.Attribute(transpose, "perm", 1L, 0L, 2L);
                    }

                    string shape = sequences ? Constant("concat_shape", [3], 0, 0, -1) : Constant("concat_shape_last", [2], 0, -1);
                    return graph.Node("Reshape", l + ".concat", [transpose.Output[0], shape], l + ".output").Output[0];
                }

                string forward = Direction(y, 0, axis, l);
                string backward = Direction(y, 1, axis, l);
                switch (layer.MergeMode)
                {
                    case MergeMode.Sum:
                        return graph.Node("Add", l + ".sum", [forward, backward], l + ".output").Output[0];
                    case MergeMode.Multiply:
                        return graph.Node("Mul", l + ".multiply", [forward, backward], l + ".output").Output[0];
                    default:
                        string sum = graph.Node("Add", l + ".sum", [forward, backward], l + ".sum").Output[0];
                        string half = _constants.TryGetValue("half", out string? existing) ? existing : _constants["half"] = graph.Initializer("half", [], [0.5f]);
                        return graph.Node("Mul", l + ".average", [sum, half], l + ".output").Output[0];
                }
            }

            /// <summary>The dense head: MatMul + Add on <c>[sequence][batch][in]</c>, Gemm on <c>[batch][in]</c>, then the activation.</summary>
            public string Head(DenseLayerInfo head, bool sequences, string x)
            {
                float[] weight = Tensor(PyTorchNames.HeadWeight); // [units][in]
                string? bias = head.UseBias ? graph.Initializer(PyTorchNames.HeadBias, [head.Units], Tensor(PyTorchNames.HeadBias)) : null;
                string value;
                if (sequences)
                {
                    float[] transposed = new float[weight.Length]; // MatMul multiplies by [in][units]
                    for (int o = 0; o < head.Units; o++)
                    {
                        for (int i = 0; i < head.InputSize; i++)
                        {
                            transposed[(i * head.Units) + o] = weight[(o * head.InputSize) + i];
                        }
                    }

                    string wt = graph.Initializer("head.weight_t", [head.InputSize, head.Units], transposed);
                    value = graph.Node("MatMul", "head.matmul", [x, wt], "head.product").Output[0];
                    if (bias is not null)
                    {
                        value = graph.Node("Add", "head.add", [value, bias], "head.linear").Output[0];
                    }
                }
                else
                {
                    string w = graph.Initializer(PyTorchNames.HeadWeight, [head.Units, head.InputSize], weight);
                    NodeProto gemm = graph.Node("Gemm", "head.gemm", bias is null ? [x, w] : [x, w, bias], "head.linear");
                    OnnxGraphBuilder.Attribute(gemm, "transB", 1L);
                    value = gemm.Output[0];
                }

                switch (head.Activation)
                {
                    case Activation.Softmax:
                        NodeProto softmax = graph.Node("Softmax", "head.softmax", [value], "head.output");
                        OnnxGraphBuilder.Attribute(softmax, "axis", -1L);
                        return softmax.Output[0];
                    case Activation.Sigmoid:
                        return graph.Node("Sigmoid", "head.sigmoid", [value], "head.output").Output[0];
                    case Activation.Tanh:
                        return graph.Node("Tanh", "head.tanh", [value], "head.output").Output[0];
                    case Activation.Relu:
                        return graph.Node("Relu", "head.relu", [value], "head.output").Output[0];
                    default:
                        return value;
                }
            }

            /// <summary>
            /// Zeroes the padded steps of <c>[sequence][batch][units]</c>: mask[t][b] = t &lt; lengths[b], from
            /// Range(0, sequence) compared with the lengths.
            /// </summary>
            public string MaskPadding(string value)
            {
                string shape = graph.Node("Shape", "mask.shape", [value], "mask.shape").Output[0];
                string steps = graph.Node("Gather", "mask.steps", [shape, Constant("direction_0", [], 0)], "mask.steps").Output[0];
                string range = graph.Node("Range", "mask.range", [Constant("zero", [], 0), steps, Constant("one", [], 1)], "mask.range").Output[0];
                string column = graph.Node("Unsqueeze", "mask.column", [range, Constant("axis_1", [1], 1)], "mask.column").Output[0];
                NodeProto cast = graph.Node("Cast", "mask.lengths", ["lengths"], "mask.lengths");
                OnnxGraphBuilder.Attribute(cast, "to", (long)DataType.Int64);
                string valid = graph.Node("Less", "mask.valid", [column, cast.Output[0]], "mask.valid").Output[0]; // [sequence][batch]
                NodeProto floats = graph.Node("Cast", "mask.float", [valid], "mask.float");
                OnnxGraphBuilder.Attribute(floats, "to", (long)DataType.Float);
                string mask = graph.Node("Unsqueeze", "mask", [floats.Output[0], Constant("axis_2", [1], 2)], "mask").Output[0];
                return graph.Node("Mul", "mask.apply", [value, mask], "masked").Output[0];
            }

            public void AddStateOutputs()
            {
                foreach ((string name, long directions, long units) in _stateOutputs)
                {
                    graph.Value(input: false, name, DataType.Float, directions, "batch", units);
                }
            }

            private string StateInput(string name, int directions, int units)
            {
                graph.Value(input: true, name, DataType.Float, (long)directions, "batch", (long)units);
                return name;
            }

            /// <summary>One direction of Y: <c>[sequence][batch][units]</c>.</summary>
            private string Direction(string y, long direction, long axis, string l)
            {
                string index = Constant(direction == 0 ? "direction_0" : "direction_1", [], direction);
                NodeProto gather = graph.Node("Gather", l + (direction == 0 ? ".forward" : ".backward"), [y, index], l + (direction == 0 ? ".forward" : ".backward"));
                OnnxGraphBuilder.Attribute(gather, "axis", axis);
                return gather.Output[0];
            }

            private static void WriteActivations(NodeProto node, RecurrentLayerInfo layer, int directions)
            {
                var names = new List<string>();
                var alphas = new List<float>();
                var betas = new List<float>();
                for (int d = 0; d < directions; d++)
                {
                    foreach (Activation activation in OnnxActivations.Of(layer))
                    {
                        names.Add(OnnxActivations.Name(activation)!);
                        (float alpha, float beta) = OnnxActivations.Parameters(activation);
                        if (!float.IsNaN(alpha))
                        {
                            // ONNX consumes alphas and betas in order, only for the activations that take them.
                            alphas.Add(alpha);
                            betas.Add(beta);
                        }
                    }
                }

                OnnxGraphBuilder.Attribute(node, "activations", names);
                if (alphas.Count > 0)
                {
                    OnnxGraphBuilder.Attribute(node, "activation_alpha", alphas);
                    OnnxGraphBuilder.Attribute(node, "activation_beta", betas);
                }
            }

            private string Constant(string name, long[] dims, params long[] values) =>
                _constants.TryGetValue(name, out string? existing) ? existing : _constants[name] = graph.Int64Initializer(name, dims, values);

            /// <summary>A parameter tensor in PyTorch's layout, through the model's own exporter.</summary>
            private float[] Tensor(string name)
            {
                foreach (TensorInfo tensor in model.PyTorchTensors)
                {
                    if (tensor.Name == name)
                    {
                        float[] values = new float[tensor.Rows * tensor.Columns];
                        model.ExportPyTorch(name, values);
                        return values;
                    }
                }

                throw new NotSupportedException("The model has no PyTorch tensor '" + name + "' (it has " + string.Join(", ", model.PyTorchTensors.Select(t => t.Name)) + "); ONNX export maps PyTorch tensors.");
            }
        }
    }
}
