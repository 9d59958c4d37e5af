using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace RnnGen.Onnx
{
    /// <summary>Appends nodes, initializers and typed inputs/outputs to an ONNX graph, with fresh value names.</summary>
    internal sealed class OnnxGraphBuilder
    {
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);

        public OnnxGraphBuilder(string name)
        {
            Graph = new GraphProto { Name = name };
        }

        public GraphProto Graph { get; }

        /// <summary>A float initializer stored as little-endian raw data.</summary>
        public string Initializer(string name, long[] dims, ReadOnlySpan<float> values)
        {
            var tensor = new TensorProto { Name = Claim(name), DataType = (int)TensorProto.Types.DataType.Float };
            tensor.Dims.AddRange(dims);
            tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
            Graph.Initializer.Add(tensor);
            return tensor.Name;
        }

        /// <summary>An int64 initializer (shapes, axes, indices); no dims makes it a scalar.</summary>
        public string Int64Initializer(string name, long[] dims, params long[] values)
        {
            var tensor = new TensorProto { Name = Claim(name), DataType = (int)TensorProto.Types.DataType.Int64 };
            tensor.Dims.AddRange(dims);
            tensor.Int64Data.AddRange(values);
            Graph.Initializer.Add(tensor);
            return tensor.Name;
        }

        /// <summary>A node; its outputs get the names asked for (made unique). Returns the node to add attributes to.</summary>
        public NodeProto Node(string opType, string name, string[] inputs, params string[] outputs)
        {
            var node = new NodeProto { OpType = opType, Name = Claim(name) };
            node.Input.AddRange(inputs);
            foreach (string output in outputs)
            {
                node.Output.Add(output.Length == 0 ? string.Empty : Claim(output));
            }

            Graph.Node.Add(node);
            return node;
        }

        /// <summary>A graph input or output: <paramref name="dims"/> are sizes (long) or symbolic names (string).</summary>
        public void Value(bool input, string name, TensorProto.Types.DataType type, params object[] dims)
        {
            var shape = new TensorShapeProto();
            foreach (object dim in dims)
            {
                shape.Dim.Add(dim is string symbol
                    ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                    : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
            }

            var value = new ValueInfoProto
            {
                Name = input ? Claim(name) : name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
            };
            (input ? Graph.Input : Graph.Output).Add(value);
        }

        public static void Attribute(NodeProto node, string name, long value) =>
            node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });

        public static void Attribute(NodeProto node, string name, string value) =>
            node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });

        public static void Attribute(NodeProto node, string name, params long[] values)
        {
            var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
            attribute.Ints.AddRange(values);
            node.Attribute.Add(attribute);
        }

        public static void Attribute(NodeProto node, string name, IEnumerable<float> values)
        {
            var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
            attribute.Floats.AddRange(values);
            node.Attribute.Add(attribute);
        }

        public static void Attribute(NodeProto node, string name, IEnumerable<string> values)
        {
            var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
            foreach (string value in values)
            {
                attribute.Strings.Add(ByteString.CopyFromUtf8(value));
            }

            node.Attribute.Add(attribute);
        }

        /// <summary>Value names are unique in a graph; a name already taken gets a numeric suffix.</summary>
        private string Claim(string name)
        {
            string unique = name;
            for (int i = 1; !_names.Add(unique); i++)
            {
                unique = name + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return unique;
        }
    }
}
