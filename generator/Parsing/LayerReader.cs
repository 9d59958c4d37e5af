using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Parsing
{
    /// <summary>
    /// Reads layer attributes in source order (Keras <c>Sequential</c> style) and checks that they form a network:
    /// an optional embedding first, then recurrent layers, then an optional dense head.
    /// </summary>
    internal sealed class LayerReader
    {
        private readonly string _className;
        private readonly List<DiagnosticInfo> _diagnostics;
        private readonly CancellationToken _cancellationToken;
        private (int Vocabulary, int Dimension, LocationInfo? Location)? _embedding;
        private LocationInfo? _lastRecurrentLocation;
        private LocationInfo? _headLocation;
        private int _attributeIndex;

        // Layers declared at all, valid or not: an invalid [Embedding] or [Lstm()] already has its own error, so the
        // network-level checks must not add "no input" / "no recurrent layer" on top of it.
        private bool _embeddingDeclared;
        private bool _recurrentDeclared;

        public LayerReader(string className, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            _className = className;
            _diagnostics = diagnostics;
            _cancellationToken = cancellationToken;
        }

        public List<RecurrentLayerSpec> Layers { get; } = new();

        public DenseSpec? Head { get; private set; }

        public void Read(AttributeData attribute)
        {
            var location = ModelParser.AttributeLocation(attribute, _cancellationToken);
            var index = _attributeIndex++;
            var kind = attribute.AttributeClass!.Name;
            _embeddingDeclared |= kind == AttributeNames.Embedding;
            _recurrentDeclared |= kind is AttributeNames.SimpleRnn or AttributeNames.Lstm or AttributeNames.Gru;
            if (attribute.AttributeConstructor is null)
            {
                return; // The compiler already reports the malformed attribute.
            }

            var args = attribute.ConstructorArguments;
            switch (kind)
            {
                case AttributeNames.Embedding:
                    ReadEmbedding(Int(args, 0), Int(args, 1), location, index);
                    break;
                case AttributeNames.Dense:
                    ReadDense(attribute, Int(args, 0), (Activation)Int(args, 1), location);
                    break;
                default:
                    ReadRecurrent(attribute, location);
                    break;
            }
        }

        /// <summary>Resolves the input kind once all layers are read; null when it is invalid.</summary>
        public InputSpec? Finish(int features, bool hasFeatures, LocationInfo? networkLocation, LocationInfo? classLocation)
        {
            if (Layers.Count == 0 && !_recurrentDeclared)
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoRecurrentLayer, classLocation, _className));
            }

            if (_embeddingDeclared && hasFeatures)
            {
                _diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.InputKind,
                    networkLocation,
                    _className,
                    "both [RecurrentNetwork(InputSize = ...)] and [Embedding]",
                    "use InputSize for float features or [Embedding] for token ids, not both"));
                return null;
            }

            if (_embedding is null && _embeddingDeclared)
            {
                return null; // the invalid [Embedding] was reported where it is
            }

            if (_embedding is null && !hasFeatures)
            {
                _diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.InputKind,
                    networkLocation,
                    _className,
                    "no input",
                    "set [RecurrentNetwork(InputSize = n)] for n float features per step, or add [Embedding(vocabulary, dimension)] for token ids"));
                return null;
            }

            if (Layers.Count == 0)
            {
                return null; // a malformed recurrent attribute: the compiler reports it
            }

            return _embedding is { } e ? new InputSpec(0, e.Vocabulary, e.Dimension) : new InputSpec(features, 0, 0);
        }

        private void ReadEmbedding(int vocabulary, int dimension, LocationInfo? location, int index)
        {
            if (index != 0 || _embedding is not null)
            {
                OrderError(location, "Embedding", "an embedding must be the first layer attribute, and there can be only one");
                return;
            }

            var ok = ModelParser.CheckRange(_diagnostics, location, "[Embedding] vocabulary", vocabulary, 1, Limits.MaxVocabulary);
            ok &= ModelParser.CheckRange(_diagnostics, location, "[Embedding] dimension", dimension, 1, Limits.MaxFeatures);
            if (ok)
            {
                _embedding = (vocabulary, dimension, location);
            }
        }

        private void ReadDense(AttributeData attribute, int units, Activation activation, LocationInfo? location)
        {
            if (_headLocation is not null)
            {
                OrderError(location, "Dense", "only one dense head is supported, and it must be the last layer attribute");
                return;
            }

            _headLocation = location;
            if (Layers.Count == 0)
            {
                OrderError(location, "Dense", "the dense head must come after the recurrent layers");
            }

            ModelParser.CheckRange(_diagnostics, location, "[Dense] units", units, 1, Limits.MaxUnits);
            if (!System.Enum.IsDefined(typeof(Activation), activation) || activation == Activation.HardSigmoid)
            {
                var name = System.Enum.IsDefined(typeof(Activation), activation) ? activation.ToString() : ((int)activation).ToString(System.Globalization.CultureInfo.InvariantCulture);
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedActivation, location, name, "Dense", "Linear, Tanh, Relu, Sigmoid or Softmax"));
                return;
            }

            Head = new DenseSpec(
                units,
                activation,
                ModelParser.NamedBool(attribute, "UseBias", true),
                ModelParser.DropoutRate(attribute, "Dropout", "[Dense]", _diagnostics, location));
        }

        private void ReadRecurrent(AttributeData attribute, LocationInfo? location)
        {
            var attributeName = attribute.AttributeClass!.Name;
            var shortName = attributeName.Substring(0, attributeName.Length - "Attribute".Length);
            var args = attribute.ConstructorArguments;
            if (_headLocation is not null)
            {
                OrderError(location, shortName, "recurrent layers must come before the [Dense] head");
            }

            if (Layers.Count > 0 && !Layers[Layers.Count - 1].ReturnSequences)
            {
                OrderError(_lastRecurrentLocation, Layers[Layers.Count - 1].Cell.ToString(), "a layer that feeds another recurrent layer must return sequences; remove ReturnSequences = false");
            }

            _lastRecurrentLocation = location;
            var units = Int(args, 0);
            var ok = ModelParser.CheckRange(_diagnostics, location, $"[{shortName}] units", units, 1, Limits.MaxUnits);
            var cell = attributeName switch
            {
                AttributeNames.Lstm => CellKind.Lstm,
                AttributeNames.Gru => CellKind.Gru,
                _ => CellKind.SimpleRnn,
            };
            var activation = cell == CellKind.SimpleRnn
                ? (args.Length > 1 ? (Activation)Int(args, 1) : Activation.Tanh)
                : (Activation)ModelParser.NamedInt(attribute, "Activation", (int)Activation.Tanh);
            var recurrentActivation = (Activation)ModelParser.NamedInt(attribute, "RecurrentActivation", (int)Activation.Sigmoid);
            ok &= CheckCellActivation(activation, shortName, location);
            ok &= CheckCellActivation(recurrentActivation, shortName, location);

            var layer = new RecurrentLayerSpec(
                cell,
                units,
                activation,
                ModelParser.NamedBool(attribute, "UseBias", true),
                ModelParser.NamedBool(attribute, "ReturnSequences", true),
                cell == CellKind.Gru && ModelParser.NamedBool(attribute, "ResetAfter", true) && !ModelParser.NamedBool(attribute, "Minimal", false),
                ModelParser.DropoutRate(attribute, "Dropout", $"[{shortName}]", _diagnostics, location),
                ModelParser.DropoutRate(attribute, "RecurrentDropout", $"[{shortName}]", _diagnostics, location),
                recurrentActivation,
                ModelParser.NamedBool(attribute, "GoBackwards", false),
                ModelParser.NamedBool(attribute, "Bidirectional", false),
                (MergeMode)ModelParser.NamedInt(attribute, "MergeMode", (int)MergeMode.Concat))
            {
                Peepholes = ModelParser.NamedBool(attribute, "Peepholes", false),
                CoupledGates = ModelParser.NamedBool(attribute, "CoupledGates", false),
                Minimal = cell == CellKind.Gru && ModelParser.NamedBool(attribute, "Minimal", false),
            };
            ok &= CheckDirection(layer, ModelParser.HasNamed(attribute, "MergeMode"), shortName, location);
            ok &= CheckVariant(layer, ModelParser.HasNamed(attribute, "ResetAfter") && ModelParser.NamedBool(attribute, "ResetAfter", true), shortName, location);
            if (ok)
            {
                Layers.Add(layer);
            }
            else
            {
                // Keep the order checks meaningful for the layers that follow.
                Layers.Add(layer with { Units = 1 });
            }
        }

        /// <summary>Peepholes and coupled gates are LSTM options; the minimal GRU has no reset-after form.</summary>
        private bool CheckVariant(RecurrentLayerSpec layer, bool resetAfterSet, string name, LocationInfo? location)
        {
            string? problem = null;
            if (layer.Cell != CellKind.Lstm && (layer.Peepholes || layer.CoupledGates))
            {
                problem = $"{(layer.Peepholes ? "Peepholes" : "CoupledGates")} on a {CellTraits.DisplayName(layer.Cell)} layer; peepholes and coupled gates are LSTM options";
            }
            else if (layer.Minimal && resetAfterSet)
            {
                problem = "Minimal and ResetAfter = true; the minimal GRU applies its gate before the recurrent product (reset before)";
            }

            if (problem is null)
            {
                return true;
            }

            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerOptions, location, name, problem));
            return false;
        }

        /// <summary>GoBackwards and Bidirectional exclude each other; a merge mode needs Bidirectional.</summary>
        private bool CheckDirection(RecurrentLayerSpec layer, bool mergeModeSet, string name, LocationInfo? location)
        {
            string? problem = null;
            if (layer.GoBackwards && layer.Bidirectional)
            {
                problem = "GoBackwards and Bidirectional (a bidirectional layer already runs one copy backwards); keep one";
            }
            else if (!System.Enum.IsDefined(typeof(MergeMode), layer.MergeMode))
            {
                problem = $"MergeMode = {((int)layer.MergeMode).ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a merge mode; use Concat, Sum, Multiply or Average";
            }
            else if (mergeModeSet && !layer.Bidirectional)
            {
                problem = "MergeMode without Bidirectional = true; the merge mode only applies to a bidirectional layer";
            }

            if (problem is null)
            {
                return true;
            }

            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerOptions, location, name, problem));
            return false;
        }

        /// <summary>Element-wise activations only: Softmax needs a whole row, which a gate does not have.</summary>
        private bool CheckCellActivation(Activation activation, string layer, LocationInfo? location)
        {
            if (System.Enum.IsDefined(typeof(Activation), activation) && activation != Activation.Softmax)
            {
                return true;
            }

            var name = System.Enum.IsDefined(typeof(Activation), activation) ? activation.ToString() : ((int)activation).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedActivation, location, name, layer, "Tanh, Relu, Sigmoid, HardSigmoid or Linear"));
            return false;
        }

        private void OrderError(LocationInfo? location, string attribute, string reason) =>
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerOrder, location, attribute, reason));

        private static int Int(System.Collections.Immutable.ImmutableArray<TypedConstant> args, int index) =>
            index < args.Length && args[index].Value is int value ? value : 0;
    }
}
