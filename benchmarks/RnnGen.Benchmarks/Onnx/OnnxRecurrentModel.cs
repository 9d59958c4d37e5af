using System;
using System.Collections.Generic;

namespace RnnGen.Benchmarks.Onnx
{
    /// <summary>
    /// Builds an ONNX model (opset 14) of one LSTM or GRU layer from PyTorch's tensors, so ONNX Runtime runs exactly
    /// the weights RnnGen runs. Inputs X [seq][batch][input], initial_h (and initial_c) [1][batch][hidden]; outputs
    /// Y [seq][1][batch][hidden] and Y_h (and Y_c).
    /// </summary>
    /// <remarks>
    /// ONNX orders an LSTM's gates i, o, f, c where PyTorch has i, f, g, o, and a GRU's z, r, h where PyTorch has
    /// r, z, n; its GRU with <c>linear_before_reset = 1</c> is PyTorch's (r applied after the recurrent product).
    /// </remarks>
    internal static class OnnxRecurrentModel
    {
        // Field numbers of onnx.proto.
        private const int ModelIrVersion = 1, ModelProducerName = 2, ModelGraph = 7, ModelOpsetImport = 8;
        private const int OpsetVersion = 2;
        private const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
        private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5;
        private const int AttributeName = 1, AttributeInt = 3, AttributeType = 20, AttributeTypeInt = 2;
        private const int TensorDims = 1, TensorDataType = 2, TensorName = 8, TensorRawData = 9, Float = 1;
        private const int ValueName = 1, ValueType = 2, TypeTensor = 1, TensorElemType = 1, TensorShape = 2;
        private const int ShapeDim = 1, DimValue = 1, DimParam = 2;

        /// <summary>The model's bytes.</summary>
        /// <param name="lstm">LSTM (else GRU).</param>
        /// <param name="input">Input features.</param>
        /// <param name="hidden">Hidden units.</param>
        /// <param name="pyTorch">PyTorch's weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 by name.</param>
        public static byte[] Build(bool lstm, int input, int hidden, IReadOnlyDictionary<string, float[]> pyTorch)
        {
            // Rows of PyTorch's gate blocks in ONNX order.
            int[] order = lstm ? [0, 3, 1, 2] : [1, 0, 2];
            var gates = order.Length;
            var w = Reorder(pyTorch["weight_ih_l0"], order, hidden * input);
            var r = Reorder(pyTorch["weight_hh_l0"], order, hidden * hidden);
            var b = new float[2 * gates * hidden];
            Reorder(pyTorch["bias_ih_l0"], order, hidden).CopyTo(b, 0);
            Reorder(pyTorch["bias_hh_l0"], order, hidden).CopyTo(b, gates * hidden);

            var stateInputs = lstm ? new[] { "initial_h", "initial_c" } : ["initial_h"];
            var outputs = lstm ? new[] { "Y", "Y_h", "Y_c" } : ["Y", "Y_h"];
            var model = new ProtobufWriter()
                .Int64(ModelIrVersion, 8)
                .String(ModelProducerName, "RnnGen.Benchmarks")
                .Message(ModelOpsetImport, o => o.String(1, string.Empty).Int64(OpsetVersion, 14))
                .Message(ModelGraph, graph =>
                {
                    graph.String(GraphName, lstm ? "lstm" : "gru");
                    graph.Message(GraphNode, node =>
                    {
                        // X, W, R, B, sequence_lens (omitted), initial_h, initial_c
                        foreach (var name in new[] { "X", "W", "R", "B", string.Empty })
                        {
                            node.String(NodeInput, name);
                        }

                        foreach (var name in stateInputs)
                        {
                            node.String(NodeInput, name);
                        }

                        foreach (var name in outputs)
                        {
                            node.String(NodeOutput, name);
                        }

                        node.String(NodeName, "cell").String(NodeOpType, lstm ? "LSTM" : "GRU");
                        node.Message(NodeAttribute, a => a.String(AttributeName, "hidden_size").Int64(AttributeType, AttributeTypeInt).Int64(AttributeInt, hidden));
                        if (!lstm)
                        {
                            node.Message(NodeAttribute, a => a.String(AttributeName, "linear_before_reset").Int64(AttributeType, AttributeTypeInt).Int64(AttributeInt, 1));
                        }
                    });
                    Initializer(graph, "W", [1, gates * hidden, input], w);
                    Initializer(graph, "R", [1, gates * hidden, hidden], r);
                    Initializer(graph, "B", [1, 2 * gates * hidden], b);
                    Value(graph, GraphInput, "X", ["seq", "batch", input]);
                    foreach (var name in stateInputs)
                    {
                        Value(graph, GraphInput, name, [1, "batch", hidden]);
                    }

                    Value(graph, GraphOutput, "Y", ["seq", 1, "batch", hidden]);
                    foreach (var name in outputs[1..])
                    {
                        Value(graph, GraphOutput, name, [1, "batch", hidden]);
                    }
                });
            return model.WrittenSpan.ToArray();
        }

        /// <summary>Gate blocks of <paramref name="blockLength"/> floats, taken in <paramref name="order"/>.</summary>
        private static float[] Reorder(float[] values, int[] order, int blockLength)
        {
            var result = new float[values.Length];
            for (var i = 0; i < order.Length; i++)
            {
                Array.Copy(values, order[i] * blockLength, result, i * blockLength, blockLength);
            }

            return result;
        }

        private static void Initializer(ProtobufWriter graph, string name, long[] dims, float[] values) =>
            graph.Message(GraphInitializer, t =>
            {
                foreach (var dim in dims)
                {
                    t.Int64(TensorDims, dim);
                }

                t.Int64(TensorDataType, Float).String(TensorName, name).Floats(TensorRawData, values);
            });

        /// <summary>A float tensor's name and shape: each dimension a size, or a name for a symbolic one.</summary>
        private static void Value(ProtobufWriter graph, int field, string name, object[] dims) =>
            graph.Message(field, v => v
                .String(ValueName, name)
                .Message(ValueType, type => type.Message(TypeTensor, tensor => tensor
                    .Int64(TensorElemType, Float)
                    .Message(TensorShape, shape =>
                    {
                        foreach (var dim in dims)
                        {
                            shape.Message(ShapeDim, d =>
                            {
                                if (dim is string symbol)
                                {
                                    d.String(DimParam, symbol);
                                }
                                else
                                {
                                    d.Int64(DimValue, Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture));
                                }
                            });
                        }
                    }))));
    }
}
