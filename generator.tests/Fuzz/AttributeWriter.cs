using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace RnnGen.Generator.Tests.Fuzz
{
    /// <summary>
    /// Writes random RnnGen attribute lists with every option of every attribute and sizes at the edges of the parser's
    /// ranges and of the buffer limit. A tame writer picks only what the parser accepts (so most networks reach the
    /// emitter and their code is compiled and checked); a wild one also writes out-of-range values, impossible option
    /// combinations and orders, and arguments the compiler rejects.
    /// </summary>
    internal sealed class AttributeWriter
    {
        private static readonly string[] CellActivations = { "Activation.Tanh", "Activation.Relu", "Activation.Sigmoid", "Activation.HardSigmoid", "Activation.Linear" };
        private static readonly string[] HeadActivations = { "Activation.Linear", "Activation.Softmax", "Activation.Sigmoid", "Activation.Tanh", "Activation.Relu" };
        private static readonly string[] BadActivations = { "Activation.Softmax", "Activation.HardSigmoid", "(Activation)99" };
        private static readonly string[] MergeModes = { "MergeMode.Concat", "MergeMode.Sum", "MergeMode.Multiply", "MergeMode.Average" };
        private static readonly string[] Rates = { "0f", "0.1f", "0.5f", "0.999f", "0.25f" };
        private static readonly string[] BadRates = { "1f", "-0.1f", "float.NaN", "float.PositiveInfinity" };
        private static readonly int[] UnitEdges = { 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 256, 1024, 4096, 8192 };
        private static readonly int[] FeatureEdges = { 1, 2, 3, 15, 16, 17, 33, 64, 1000, 65536 };
        private static readonly int[] StepEdges = { 1, 2, 1024, 32768, 65536 };
        private static readonly int[] BatchEdges = { 1, 2, 7, 64, 4096 };
        private static readonly int[] VocabularyEdges = { 1, 2, 255, 65536, 4194304 };
        private static readonly int[] DimensionEdges = { 1, 2, 16, 17, 4096, 65536 };
        private static readonly string[] Invalid = { "0", "-1", "int.MaxValue", "int.MinValue" };

        // Arguments the compiler rejects: the generator still runs on them while the user types.
        private static readonly string[] Malformed =
        {
            "[Lstm(\"x\")]", "[Lstm]", "[Lstm(8, 9)]", "[Lstm(8, UseBias = 3)]", "[Gru(8, Bogus = true)]", "[SimpleRnn(x)]",
            "[Lstm(8, ReturnSequences = null)]", "[Dense(2, 7)]", "[Embedding(1)]", "[Lstm(int.MaxValue + 1)]", "[Unknown]",
            "[Gru(8, Minimal = 1)]", "[Lstm(8, Dropout = 0.5)]", "[Dense]", "[SimpleRnn(8, \"relu\")]",
        };

        private readonly Random _r;
        private readonly string _constantsClass;
        private readonly bool _wild;

        /// <param name="constantsClass">The class the program declares <see cref="Constants"/> in, fully qualified.</param>
        /// <param name="wild">Whether to write what the parser or the compiler rejects, too.</param>
        public AttributeWriter(Random random, string constantsClass, bool wild)
        {
            _r = random;
            _constantsClass = constantsClass;
            _wild = wild;
        }

        /// <summary>Constants the attributes use as arguments: the program must declare them in its constants class.</summary>
        public List<(string Name, int Value)> Constants { get; } = new();

        /// <summary>The attributes of one network, each as its own <c>[...]</c>.</summary>
        public List<string> Network(string spelling)
        {
            var attributes = new List<string>();
            var embedding = _r.NextDouble() < 0.35;
            var network = new List<string>();
            if (!embedding ? !Wild(0.05) : Wild(0.05))
            {
                network.Add("InputSize = " + Size(FeatureEdges, 1, 40));
            }

            if (_r.NextDouble() < 0.5)
            {
                network.Add("SequenceLength = " + Size(StepEdges, 1, 64));
            }

            if (_r.NextDouble() < 0.5)
            {
                network.Add("BatchSize = " + Size(BatchEdges, 1, 16));
            }

            if (_r.NextDouble() < 0.1)
            {
                network.Add("Cuda = true"); // the GPU side (PTX constant, ToCuda, CudaModel) must compile as cleanly
            }

            if (_r.NextDouble() < 0.03)
            {
                network.Add("CudaFastMath = true"); // RNNG0017 (a warning) without Cuda
            }

            attributes.Add($"[{spelling}{(network.Count == 0 ? string.Empty : "(" + string.Join(", ", network) + ")")}]");
            if (embedding)
            {
                attributes.Add($"[{Qualify("Embedding")}({Size(VocabularyEdges, 1, 200)}, {Size(DimensionEdges, 1, 48)})]");
            }

            var depth = _wild ? Pick(1, 1, 1, 2, 2, 3, 0, 4) : Pick(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 4);
            for (var i = 0; i < depth; i++)
            {
                attributes.Add(Wild(0.03) ? Pick(Malformed) : Recurrent(last: i == depth - 1));
            }

            if (_r.NextDouble() < 0.5)
            {
                attributes.Add(Dense());
            }

            if (attributes.Count > 2 && Wild(0.08))
            {
                // Impossible orders: embedding late, dense early, a second head.
                var moved = attributes[_r.Next(1, attributes.Count)];
                attributes.Remove(moved);
                attributes.Insert(_r.Next(1, attributes.Count + 1), moved);
            }

            if (Wild(0.03))
            {
                attributes.Add(Dense());
            }

            return attributes;
        }

        /// <summary>Layer attributes only, for a class without <c>[RecurrentNetwork]</c> (RNNG0015).</summary>
        public List<string> Orphans() => Enumerable.Range(0, _r.Next(1, 3)).Select(_ => _r.NextDouble() < 0.3 ? Dense() : Recurrent(last: false)).ToList();

        private string Recurrent(bool last)
        {
            var cell = Pick("SimpleRnn", "Lstm", "Gru");
            var args = new List<string> { Size(UnitEdges, 1, 80) };
            if (cell == "SimpleRnn" && _r.NextDouble() < 0.3)
            {
                args.Add(Activation(CellActivations));
            }

            void Option(double p, string name, string value)
            {
                if (_r.NextDouble() < p)
                {
                    args.Add($"{name} = {value}");
                }
            }

            string Bool() => _r.NextDouble() < 0.7 ? "true" : "false";
            string Rate() => Wild(0.2) ? Pick(BadRates) : Pick(Rates);
            Option(0.15, "UseBias", Bool());
            Option(last ? 0.3 : 0.05, "ReturnSequences", last ? Bool() : Wild(0.5) ? "false" : "true");
            Option(0.15, "Dropout", Rate());
            Option(0.15, "RecurrentDropout", Rate());
            var bidirectional = _r.NextDouble() < 0.2;
            Option(bidirectional ? 1 : 0, "Bidirectional", "true");
            Option(bidirectional ? (_wild ? 0.1 : 0) : 0.12, "GoBackwards", "true");
            Option(bidirectional ? 0.5 : (_wild ? 0.1 : 0), "MergeMode", Wild(0.1) ? "(MergeMode)9" : Pick(MergeModes));
            Option(cell == "Lstm" ? 0.2 : (_wild ? 0.05 : 0), "Peepholes", Bool());
            Option(cell == "Lstm" ? 0.2 : (_wild ? 0.05 : 0), "CoupledGates", Bool());
            if (cell != "SimpleRnn")
            {
                Option(0.15, "Activation", Activation(CellActivations));
                Option(0.15, "RecurrentActivation", Activation(CellActivations));
            }

            if (cell == "Gru")
            {
                var minimal = _r.NextDouble() < 0.2;
                Option(minimal ? 1 : 0, "Minimal", "true");
                Option(0.2, "ResetAfter", minimal && !Wild(0.5) ? "false" : Bool());
            }

            return $"[{Qualify(cell)}({string.Join(", ", args)})]";
        }

        private string Dense()
        {
            var args = new List<string> { Size(UnitEdges, 1, 40) };
            if (_r.NextDouble() < 0.4)
            {
                args.Add(Activation(HeadActivations));
            }

            if (_r.NextDouble() < 0.2)
            {
                args.Add("UseBias = " + (_r.NextDouble() < 0.5 ? "true" : "false"));
            }

            if (_r.NextDouble() < 0.2)
            {
                args.Add("Dropout = " + (Wild(0.2) ? Pick(BadRates) : Pick(Rates)));
            }

            return $"[{Qualify("Dense")}({string.Join(", ", args)})]";
        }

        /// <summary>A size: mostly small, sometimes at an edge, rarely out of range or written as a constant.</summary>
        private string Size(int[] edges, int min, int max)
        {
            var roll = _r.NextDouble();
            var value = roll < 0.85 ? _r.Next(min, max + 1) : !Wild(0.4) ? Pick(edges) : -1;
            if (value < 0)
            {
                var edge = Pick(edges.Max() + 1, edges.Max() * 2);
                return _r.NextDouble() < 0.5 ? edge.ToString(CultureInfo.InvariantCulture) : Pick(Invalid);
            }

            var text = value.ToString(CultureInfo.InvariantCulture);
            if (_r.NextDouble() < 0.04)
            {
                var name = "Size" + Constants.Count.ToString(CultureInfo.InvariantCulture);
                Constants.Add((name, value));
                return _constantsClass + "." + name;
            }

            return _r.NextDouble() < 0.02 ? $"({text} * 1)" : text;
        }

        /// <summary>An activation of <paramref name="valid"/>; a wild writer sometimes picks one the layer does not take.</summary>
        private string Activation(string[] valid) => Wild(0.15) ? Pick(BadActivations) : Pick(valid);

        /// <summary>True with probability <paramref name="p"/> for a wild writer, never for a tame one.</summary>
        private bool Wild(double p) => _wild && _r.NextDouble() < p;

        private string Qualify(string attribute) => _r.Next(20) switch
        {
            0 => "RnnGen." + attribute,
            1 => "global::RnnGen." + attribute + "Attribute",
            2 => attribute + "Attribute",
            _ => attribute,
        };

        private T Pick<T>(params T[] items) => items[_r.Next(items.Length)];
    }
}
