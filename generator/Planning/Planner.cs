using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Planning
{
    /// <summary>
    /// Lays out parameters and workspaces for a <see cref="ModelSpec"/>. Sizes are counted in 64 bits and never throw:
    /// the parser measures every plan with <see cref="Plan.Sizes"/> (RNNG0009) before one is emitted, so the 32-bit
    /// offsets of an emitted plan are exact; those of a plan too large to emit saturate and are never used.
    /// </summary>
    internal static class Planner
    {
        /// <param name="spec">The model.</param>
        /// <param name="predictSkipsGates">
        /// The units whose gate rows (and a GRU's aux rows) <c>Predict</c> never touches (its projection is fused into
        /// the step): those rows go last in the Forward workspace, so a model that only predicts allocates
        /// <see cref="ForwardWorkspace.PredictLength"/> floats. Null: none. The total is the same either way (every
        /// region is a whole number of cache lines), so <see cref="Plan.Sizes"/> does not depend on it.
        /// </param>
        public static Plan Create(ModelSpec spec, System.Func<LayerPlan, bool>? predictSkipsGates = null)
        {
            var cursor = new BufferCursor();
            EmbeddingPlan? embedding = null;
            long count = 0;
            if (spec.Input.IsEmbedding)
            {
                var table = (long)spec.Input.Vocabulary * spec.Input.EmbeddingDimension;
                embedding = new EmbeddingPlan(cursor.Take(table), spec.Input.Vocabulary, spec.Input.EmbeddingDimension);
                count += table;
            }

            var layers = new List<LayerPlan>();
            var groupUnits = new List<int[]>();
            var inputWidth = spec.Input.Width;
            var inputStride = spec.Input.Width;
            for (var g = 0; g < spec.Layers.Count; g++)
            {
                var layer = spec.Layers[g];
                var gates = CellTraits.GateCount(layer);
                var directions = layer.Bidirectional ? 2 : 1;
                var indices = new int[directions];
                for (var d = 0; d < directions; d++)
                {
                    var inputWeights = cursor.Packed(inputWidth, layer.Units, gates, 0);
                    // A reset-before GRU's candidate multiplies r ⊙ h (minimal: f ⊙ h), so its last gate gets its own tensor.
                    var recurrent = layer.Cell == CellKind.Gru && !layer.ResetAfter
                        ? new[] { cursor.Packed(layer.Units, layer.Units, gates - 1, 0), cursor.Packed(layer.Units, layer.Units, 1, gates - 1) }
                        : new[] { cursor.Packed(layer.Units, layer.Units, gates, 0) };
                    var inputBias = layer.UseBias ? cursor.Packed(1, layer.Units, gates, 0) : null;
                    var recurrentBias = layer.UseBias ? cursor.Packed(1, layer.Units, gates, 0) : null;
                    var peepholeGates = CellTraits.PeepholeSymbols(layer).Length;
                    var peepholes = peepholeGates > 0 ? cursor.Packed(1, layer.Units, peepholeGates, 0) : null;
                    count += (long)gates * layer.Units * (inputWidth + layer.Units) + (layer.UseBias ? 2L * gates * layer.Units : 0) + ((long)peepholeGates * layer.Units);
                    indices[d] = layers.Count;
                    layers.Add(new LayerPlan(layers.Count, layer, inputWidth, inputStride, inputWeights, recurrent.ToEquatableArray(), inputBias, recurrentBias)
                    {
                        Group = g,
                        Reverse = layer.GoBackwards || d == 1,
                        Name = d == 1 ? $"Layer{g}Reverse" : $"Layer{g}",
                        PyTorchSuffix = d == 1 ? "_reverse" : string.Empty,
                        Peepholes = peepholes,
                    });
                }

                groupUnits.Add(indices);
                inputWidth = OutputWidth(layer);
                inputStride = layer.Bidirectional ? Packing.PadUnits(inputWidth) : Packing.PadUnits(layer.Units);
            }

            HeadPlan? head = null;
            if (spec.Head is { } dense)
            {
                var weights = cursor.Packed(inputWidth, dense.Units, 1, 0);
                var bias = dense.UseBias ? cursor.Packed(1, dense.Units, 1, 0) : null;
                count += (long)dense.Units * inputWidth + (dense.UseBias ? dense.Units : 0);
                head = new HeadPlan(dense, inputWidth, inputStride, weights, bias);
            }

            var maxPadded = layers.Max(l => l.PaddedUnits);
            var maxGateStride = layers.Max(l => l.GateStride);
            var outputPadded = head?.PaddedUnits ?? 0;
            var (forward, groups) = CreateForward(spec, layers, groupUnits, outputPadded, predictSkipsGates ?? (_ => false));
            for (var i = 0; i < layers.Count; i++)
            {
                var unit = layers[i];
                var group = groups[unit.Group];
                var kind = InputKindOf(spec, unit);
                var input = kind == InputKind.Rows
                    ? new LayerInput(kind, unit.Reverse ? new SequenceRef(group.ReversedInput, unit.InputStride, false) : group.Input)
                    : new LayerInput(kind, null);
                layers[i] = unit with { Input = input };
            }

            var (stream, streamFloats) = CreateStream(layers, maxPadded, maxGateStride, outputPadded);
            var (backward, backwardFloats) = CreateBackward(spec, layers, groups, maxPadded, outputPadded);
            return new Plan(spec, embedding, layers.ToEquatableArray(), groups.ToEquatableArray(), head, count, cursor.Length, forward.Workspace, stream, backward)
            {
                MaxPaddedUnits = maxPadded,
                MaxGateStride = maxGateStride,
                Sizes = new BufferSizes(cursor.Floats, forward.Floats, backwardFloats, streamFloats),
            };
        }

        /// <summary>The first layer of an embedding model reads token ids (reversed for a reverse unit); the rest read rows.</summary>
        private static InputKind InputKindOf(ModelSpec spec, LayerPlan unit) =>
            !spec.Input.IsEmbedding || unit.Group > 0 ? InputKind.Rows
            : unit.Reverse ? InputKind.ReversedTokens : InputKind.Tokens;

        /// <summary>A layer's output width: its units, or twice that for a concatenating bidirectional layer.</summary>
        private static int OutputWidth(RecurrentLayerSpec layer) =>
            layer.Bidirectional && layer.MergeMode == MergeMode.Concat ? 2 * layer.Units : layer.Units;

        private static ((ForwardWorkspace Workspace, long Floats) Forward, List<LayerGroup> Groups) CreateForward(ModelSpec spec, List<LayerPlan> layers, List<int[]> groupUnits, int outputPadded, System.Func<LayerPlan, bool> predictSkipsGates)
        {
            long rows = (long)spec.MaxSequenceLength * spec.MaxBatchSize;
            long sequence = rows + spec.MaxBatchSize;
            var cursor = new BufferCursor();
            DropoutTape? Dropout(float rate, int stride, int width) =>
                rate > 0f ? new DropoutTape(cursor.Take((long)spec.MaxBatchSize * stride), cursor.Take(rows * stride), stride, width, rate) : null;
            int Gates(LayerPlan l) => cursor.Take(rows * l.GateStride);
            int Aux(LayerPlan l) => l.Spec.Cell == CellKind.Gru ? cursor.Take(rows * l.PaddedUnits) : -1;
            var skips = layers.Select(l => predictSkipsGates(l with { Input = new LayerInput(InputKindOf(spec, l), null) })).ToArray();
            var tapes = layers.Select((l, i) => new LayerTape(
                skips[i] ? -1 : Gates(l), // taken last, below
                cursor.Take(sequence * l.PaddedUnits),
                l.Spec.Cell == CellKind.Lstm ? cursor.Take(sequence * l.PaddedUnits) : -1,
                skips[i] ? -1 : Aux(l),
                Dropout(l.Spec.Dropout, l.InputStride, l.InputWidth),
                Dropout(l.Spec.RecurrentDropout, l.PaddedUnits, l.Spec.Units),
                cursor.Take((long)spec.MaxBatchSize * l.PaddedUnits),
                l.Spec.Cell == CellKind.Lstm ? cursor.Take((long)spec.MaxBatchSize * l.PaddedUnits) : -1)).ToList();
            var inputCopy = spec.Input.IsEmbedding ? -1 : cursor.Take(rows * spec.Input.Features);

            var groups = new List<LayerGroup>();
            SequenceRef? groupInput = spec.Input.IsEmbedding ? null : new SequenceRef(inputCopy, spec.Input.Features, false);
            for (var g = 0; g < groupUnits.Count; g++)
            {
                var units = groupUnits[g];
                var first = layers[units[0]];
                var reversedInput = groupInput is not null && units.Any(u => layers[u].Reverse) ? cursor.Take(rows * first.InputStride) : -1;
                var width = OutputWidth(first.Spec);
                var output = units.Length == 2
                    ? new SequenceRef(cursor.Take(rows * Packing.PadUnits(width)), Packing.PadUnits(width), false)
                    : new SequenceRef(tapes[units[0]].Hidden, first.PaddedUnits, true);
                groups.Add(new LayerGroup(g, first.Spec, units.ToEquatableArray(), groupInput, reversedInput, output, width));
                groupInput = output;
            }

            var head = cursor.Take(rows * outputPadded);
            var last = groups[groups.Count - 1];
            var headDropout = spec.Head is { } dense ? Dropout(dense.Dropout, last.Output.Stride, last.OutputWidth) : null;

            // Rows only Forward writes (the gate tape of units Predict runs fused, and a GRU's aux) go last: Predict
            // allocates the rest.
            var predictLength = cursor.Length;
            for (var i = 0; i < layers.Count; i++)
            {
                if (skips[i])
                {
                    tapes[i] = tapes[i] with { Gates = Gates(layers[i]), Aux = Aux(layers[i]) };
                }
            }

            return ((new ForwardWorkspace(tapes.ToEquatableArray(), inputCopy, head, headDropout, cursor.Length) { PredictLength = predictLength }, cursor.Floats), groups);
        }

        private static (BackwardWorkspace Workspace, long Floats) CreateBackward(ModelSpec spec, List<LayerPlan> layers, List<LayerGroup> groups, int maxPadded, int outputPadded)
        {
            long rows = (long)spec.MaxSequenceLength * spec.MaxBatchSize;
            long batch = spec.MaxBatchSize;
            var cursor = new BufferCursor();
            var hidden = layers.Select(l => cursor.Take(rows * l.PaddedUnits)).ToList();
            var outputs = groups.Select(g => g.Merges ? cursor.Take(rows * g.Output.Stride) : hidden[g.Units[0]]).ToList();

            // A layer above the input whose units cannot add W_ihᵀ · dG straight into the layer below's dL/doutput
            // (two units, a reversed one) gets scratch rows for it.
            var inputs = groups.Select(g => g.Index > 0 && (g.Merges || layers[g.Units[0]].Reverse) ? cursor.Take(rows * layers[g.Units[0]].InputStride) : -1).ToList();
            var recurrent = cursor.Take(batch * maxPadded);
            var cell = cursor.Take(batch * maxPadded);
            var resetHidden = cursor.Take(batch * maxPadded);
            var head = cursor.Take(rows * outputPadded);
            var embedding = spec.Input.IsEmbedding ? cursor.Take(rows * spec.Input.EmbeddingDimension) : -1;
            var dropped = layers.Any(l => l.Spec.RecurrentDropout > 0f) ? cursor.Take(batch * maxPadded) : -1;
            var heldHidden = cursor.Take(batch * maxPadded);
            var heldCell = cursor.Take(batch * maxPadded);
            var forget = layers.Any(l => l.Spec.Minimal) ? cursor.Take(batch * maxPadded) : -1;
            var finalHidden = layers.Select(l => cursor.Take(batch * l.PaddedUnits)).ToList();
            var finalCell = layers.Select(l => l.Spec.Cell == CellKind.Lstm ? cursor.Take(batch * l.PaddedUnits) : -1).ToList();
            var initialHidden = layers.Select(l => cursor.Take(batch * l.PaddedUnits)).ToList();
            var initialCell = layers.Select(l => l.Spec.Cell == CellKind.Lstm ? cursor.Take(batch * l.PaddedUnits) : -1).ToList();

            // The first layer likewise when it reads float inputs, for the caller's dL/dx (Backward's inputGradients
            // overload). Taken last so the other offsets do not depend on it.
            var first = groups[0];
            if (!spec.Input.IsEmbedding && (first.Merges || layers[first.Units[0]].Reverse))
            {
                inputs[0] = cursor.Take(rows * layers[first.Units[0]].InputStride);
            }

            return (new BackwardWorkspace(hidden.ToEquatableArray(), outputs.ToEquatableArray(), inputs.ToEquatableArray(), recurrent, cell, resetHidden, head, embedding, dropped, heldHidden, heldCell, forget, finalHidden.ToEquatableArray(), finalCell.ToEquatableArray(), initialHidden.ToEquatableArray(), initialCell.ToEquatableArray(), cursor.Length), cursor.Floats);
        }

        private static (StreamWorkspace Workspace, long Floats) CreateStream(List<LayerPlan> layers, int maxPadded, int maxGateStride, int outputPadded)
        {
            var cursor = new BufferCursor();
            var hidden = layers.Select(l => cursor.Take(l.PaddedUnits)).ToList();
            var cells = layers.Select(l => l.Spec.Cell == CellKind.Lstm ? cursor.Take(l.PaddedUnits) : -1).ToList();
            var stateLength = cursor.Length;
            var projection = cursor.Take(maxGateStride);
            var next = cursor.Take(maxPadded);
            var nextCell = cursor.Take(maxPadded);
            var scratch = cursor.Take(maxPadded);
            var head = cursor.Take(outputPadded);
            return (new StreamWorkspace(hidden.ToEquatableArray(), cells.ToEquatableArray(), stateLength, projection, next, nextCell, scratch, head, cursor.Length), cursor.Floats);
        }

        /// <summary>
        /// Hands out aligned, consecutive regions of one float buffer, counting in 64 bits. Offsets past
        /// <see cref="int.MaxValue"/> saturate rather than throw: such a plan fails RNNG0009 and is never emitted.
        /// </summary>
        private sealed class BufferCursor
        {
            private long _next;

            /// <summary>The buffer's exact length in floats.</summary>
            public long Floats => Packing.Align(_next);

            public int Length => Saturate(Floats);

            public int Take(long floats)
            {
                var offset = Packing.Align(_next);
                _next = offset + floats;
                return Saturate(offset);
            }

            public PackedTensor Packed(int columns, int units, int gates, int firstGate)
            {
                var layout = new PackedTensor(0, columns, units, gates, firstGate);
                return layout with { Offset = Take((long)layout.Blocks * layout.BlockStride) };
            }

            private static int Saturate(long value) => value > int.MaxValue ? int.MaxValue : (int)value;
        }
    }
}
