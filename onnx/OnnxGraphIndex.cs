using System;
using System.Collections.Generic;
using System.Linq;
using Onnx;

namespace RnnGen.Onnx
{
    /// <summary>
    /// Lookups over an ONNX graph: which node produces a value, which nodes read it, which values are constants
    /// (initializers and <c>Constant</c> nodes), and how to see through the reshaping glue an exporter inserts
    /// between the layers it lowers (Squeeze, Transpose, Reshape, ...).
    /// </summary>
    internal sealed class OnnxGraphIndex
    {
        /// <summary>Ops that only move, reshape, retype or select along time: data flows through input 0 unchanged in value.</summary>
        private static readonly HashSet<string> Glue = new(StringComparer.Ordinal)
        {
            "Squeeze", "Unsqueeze", "Transpose", "Reshape", "Flatten", "Identity", "Cast", "Dropout", "Slice", "Gather",
        };

        private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);

        public OnnxGraphIndex(GraphProto graph)
        {
            Graph = graph;
            foreach (TensorProto initializer in graph.Initializer)
            {
                Constants[initializer.Name] = initializer;
            }

            foreach (NodeProto node in graph.Node)
            {
                foreach (string output in node.Output.Where(o => o.Length > 0))
                {
                    _producers[output] = node;
                }

                foreach (string input in node.Input.Where(i => i.Length > 0))
                {
                    if (!_consumers.TryGetValue(input, out List<NodeProto>? list))
                    {
                        _consumers[input] = list = [];
                    }

                    list.Add(node);
                }

                if (node.OpType == "Constant" && node.Output.Count == 1 && node.Attribute.FirstOrDefault(a => a.Name == "value") is { T: { } tensor })
                {
                    Constants[node.Output[0]] = tensor;
                }
            }
        }

        public GraphProto Graph { get; }

        /// <summary>Initializers and Constant nodes' tensors by value name.</summary>
        public Dictionary<string, TensorProto> Constants { get; } = new(StringComparer.Ordinal);

        public NodeProto? Producer(string value) => _producers.TryGetValue(value, out NodeProto? node) ? node : null;

        public IReadOnlyList<NodeProto> Consumers(string value) =>
            _consumers.TryGetValue(value, out List<NodeProto>? list) ? list : Array.Empty<NodeProto>();

        /// <summary>
        /// The node whose output reaches <paramref name="value"/> through glue only, or null when it comes from a
        /// graph input or a constant. A Gather on a constant table (an embedding) is not glue: it is returned.
        /// </summary>
        public NodeProto? Source(string value)
        {
            for (int guard = 0; guard < 1000; guard++)
            {
                NodeProto? node = Producer(value);
                if (node is null || !IsGlue(node))
                {
                    return node;
                }

                value = node.Input[0];
            }

            return null;
        }

        /// <summary>The first non-glue nodes reading <paramref name="value"/>, looking through glue.</summary>
        public List<NodeProto> Readers(string value)
        {
            var found = new List<NodeProto>();
            var pending = new Stack<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            pending.Push(value);
            while (pending.Count > 0)
            {
                string current = pending.Pop();
                if (!seen.Add(current))
                {
                    continue;
                }

                foreach (NodeProto node in Consumers(current))
                {
                    if (IsGlue(node) && node.Input[0] == current)
                    {
                        foreach (string output in node.Output.Where(o => o.Length > 0))
                        {
                            pending.Push(output);
                        }
                    }
                    else if (!found.Contains(node))
                    {
                        found.Add(node);
                    }
                }
            }

            return found;
        }

        /// <summary>Whether data passes through <paramref name="node"/> unchanged in value (input 0 → output 0).</summary>
        public bool IsGlue(NodeProto node) =>
            Glue.Contains(node.OpType) && node.Input.Count > 0 && !(node.OpType == "Gather" && Constants.ContainsKey(node.Input[0]));

        /// <summary>A node's attribute, or null.</summary>
        public static AttributeProto? Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

        /// <summary>A node's description for messages: <c>node 'LSTM_3' (LSTM)</c>.</summary>
        public static string Describe(NodeProto node) =>
            "node '" + (node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault() ?? "?") + "' (" + node.OpType + ")";
    }
}
