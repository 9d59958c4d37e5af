using System.Linq;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Planning
{
    /// <summary>
    /// What will run: every tensor's place in the parameter buffer, the workspaces, and each layer's sizes.
    /// The CPU emitter (and later the PTX emitter) reads only this.
    /// </summary>
    /// <param name="Layers">
    /// The recurrent units, each one direction of one layer with its own weights, kernels and tape: a layer is one
    /// unit, or two (forward, then reverse) when it is bidirectional.
    /// </param>
    /// <param name="Groups">The layers as declared: their units, where their output sequence lives.</param>
    internal sealed record Plan(
        ModelSpec Spec,
        EmbeddingPlan? Embedding,
        EquatableArray<LayerPlan> Layers,
        EquatableArray<LayerGroup> Groups,
        HeadPlan? Head,
        long ParameterCount,
        int BufferLength,
        ForwardWorkspace Forward,
        StreamWorkspace Stream,
        BackwardWorkspace Backward)
    {
        public LayerGroup LastGroup => Groups[Groups.Count - 1];

        /// <summary>Width of one output row: the head's units, or the last layer's output width.</summary>
        public int OutputSize => Head?.Spec.Units ?? LastGroup.OutputWidth;

        public bool ReturnsSequences => LastGroup.Spec.ReturnSequences;

        /// <summary>Whether every unit runs forward in time, so the network can also advance one step at a time.</summary>
        public bool CanStream => Layers.All(l => !l.Reverse);

        /// <summary>Whether token ids must also be kept reversed in time (a reversed unit reads the embedding).</summary>
        public bool NeedsReversedTokens => Embedding is not null && Layers.Any(l => l.Input.Kind == InputKind.ReversedTokens);

        /// <summary>Widest padded state over all layers.</summary>
        public int MaxPaddedUnits { get; init; }

        /// <summary>Widest gate row (gates × padded units) over all layers.</summary>
        public int MaxGateStride { get; init; }

        /// <summary>Every buffer's exact length in floats, in 64 bits: what RNNG0009 checks.</summary>
        public BufferSizes Sizes { get; init; } = new(0, 0, 0, 0);
    }

    /// <summary>
    /// The floats of each buffer a model allocates: the parameters, the Forward workspace (also the training tape),
    /// the Backward workspace and one Step state.
    /// </summary>
    internal sealed record BufferSizes(long Parameters, long Forward, long Backward, long Stream);

    /// <summary>The embedding table: row-major [vocabulary][dimension].</summary>
    internal sealed record EmbeddingPlan(int Offset, int Vocabulary, int Dimension)
    {
        public int Length => Vocabulary * Dimension;
    }

    /// <summary>One recurrent layer as it will run.</summary>
    /// <param name="InputWidth">Columns of W_ih: the width of the vector this layer reads each step.</param>
    /// <param name="InputStride">Distance between consecutive input rows in the buffer this layer reads.</param>
    /// <param name="RecurrentWeights">W_hh, one packed tensor per gate group (two for GRU with reset_after = false).</param>
    internal sealed record LayerPlan(
        int Index,
        RecurrentLayerSpec Spec,
        int InputWidth,
        int InputStride,
        PackedTensor InputWeights,
        EquatableArray<PackedTensor> RecurrentWeights,
        PackedTensor? InputBias,
        PackedTensor? RecurrentBias)
    {
        public int GateCount => CellTraits.GateCount(Spec);

        public int PaddedUnits => Packing.PadUnits(Spec.Units);

        public int Blocks => Packing.Blocks(Spec.Units);

        /// <summary>Floats in one row of input projections: all gates of all (padded) units.</summary>
        public int GateStride => GateCount * PaddedUnits;

        /// <summary>Layer{k} for a layer's (forward or only) unit; Layer{k}Reverse for a bidirectional layer's reverse unit.</summary>
        public string Name { get; init; } = $"Layer{Index}";

        /// <summary>The declared layer this unit belongs to.</summary>
        public int Group { get; init; }

        /// <summary>Whether the unit runs over reversed time (GoBackwards, or a bidirectional layer's reverse copy).</summary>
        public bool Reverse { get; init; }

        /// <summary>The suffix of its PyTorch tensor names: <c>_reverse</c> for a bidirectional layer's reverse unit.</summary>
        public string PyTorchSuffix { get; init; } = string.Empty;

        /// <summary>LSTM peephole weights, one vector per peephole gate (i, f, o; CIFG f, o) packed like a bias; null without.</summary>
        public PackedTensor? Peepholes { get; init; }

        /// <summary>Where the unit's projection reads its input rows.</summary>
        public LayerInput Input { get; init; } = new(InputKind.Rows, null);
    }

    /// <summary>
    /// Rows of a time-major sequence in the Forward workspace: row r at <paramref name="Offset"/> + r × stride, after
    /// the first batch of rows when the buffer is a state tape whose slice 0 is the initial state.
    /// </summary>
    internal sealed record SequenceRef(int Offset, int Stride, bool AfterInitialSlice)
    {
        /// <summary>The offset of row 0 as a C# expression (it depends on the call's batch size for a state tape).</summary>
        public string Start => AfterInitialSlice
            ? $"{Offset.ToString(System.Globalization.CultureInfo.InvariantCulture)} + (batchSize * {Stride.ToString(System.Globalization.CultureInfo.InvariantCulture)})"
            : Offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    internal enum InputKind
    {
        /// <summary>Float rows in the workspace (<see cref="LayerInput.Rows"/>).</summary>
        Rows,

        /// <summary>Token ids as given, looked up in the embedding table.</summary>
        Tokens,

        /// <summary>Token ids reversed in time, looked up in the embedding table.</summary>
        ReversedTokens,
    }

    /// <summary>What a unit's projection reads: workspace rows, or token ids (in time order or reversed).</summary>
    internal sealed record LayerInput(InputKind Kind, SequenceRef? Rows);

    /// <summary>
    /// One declared recurrent layer: its units (one, or forward and reverse), the rows it reads (null for token input)
    /// and a reversed copy of them for a reverse unit, and where its output sequence lives: a unit's h tape, or a
    /// merged buffer for a bidirectional layer (concat: [forward units | backward units]).
    /// </summary>
    internal sealed record LayerGroup(
        int Index,
        RecurrentLayerSpec Spec,
        EquatableArray<int> Units,
        SequenceRef? Input,
        int ReversedInput,
        SequenceRef Output,
        int OutputWidth)
    {
        public bool Merges => Units.Count == 2;

        /// <summary>Unit count the constants and API report.</summary>
        public string Name => $"Layer{Index}";
    }

    /// <summary>The dense head: y = W h + b, W packed like a one-gate layer.</summary>
    internal sealed record HeadPlan(DenseSpec Spec, int InputWidth, int InputStride, PackedTensor Weights, PackedTensor? Bias)
    {
        public int PaddedUnits => Packing.PadUnits(Spec.Units);
    }

    /// <summary>
    /// The workspace of <c>Forward</c>, which is also the tape <c>Backward</c> reads: per layer its gate rows and its
    /// state sequences; a copy of the float input; the head's rows.
    /// </summary>
    /// <param name="InputOffset">A copy of the float inputs, [steps][batch][InputSize]; -1 for token input.</param>
    /// <param name="HeadDropout">The head's input dropout; null when the head has none.</param>
    internal sealed record ForwardWorkspace(
        EquatableArray<LayerTape> Layers,
        int InputOffset,
        int HeadOffset,
        DropoutTape? HeadDropout,
        int Length)
    {
        /// <summary>
        /// The floats <c>Predict</c> uses: every region but the gate rows (and a GRU's aux rows) of units it runs with
        /// the projection fused (placed last); <see cref="Length"/> when there are none.
        /// </summary>
        public int PredictLength { get; init; } = Length;

        /// <summary>Whether any site of the network drops units in training.</summary>
        public bool HasDropout => HeadDropout is not null || Layers.Any(l => l.InputDropout is not null || l.RecurrentDropout is not null);
    }

    /// <summary>
    /// Scratch for <c>Backward</c>, allocated on its first call: every unit's dL/dh rows, a merged layer's dL/doutput
    /// rows and a reversed or merged layer's input-gradient rows, dL/dh and dL/dc flowing back one step, d(r ⊙ h)
    /// for GRU reset-before, the head's gradient rows, embedding rows, and each unit's initial-state gradients.
    /// </summary>
    /// <param name="HiddenGradients">Per unit, [steps·batch][padded units] in the unit's processing order.</param>
    /// <param name="OutputGradients">Per layer, its dL/doutput rows: a unit's <paramref name="HiddenGradients"/>, or its own buffer when it merges.</param>
    /// <param name="InputGradients">Per layer, scratch for a unit's dL/dx before it is masked, reversed or added (for the first layer: into the caller's inputGradients); -1 when not needed.</param>
    /// <param name="HeldHidden">[batch][padded units]: dL/dh(t) of sequences that have ended, passed through a padded step unchanged.</param>
    /// <param name="HeldCell">[batch][padded units]: dL/dc(t) likewise.</param>
    /// <param name="Forget">[batch][padded units]: a minimal GRU's dL/df through its state update, between its two backward kernels.</param>
    /// <param name="FinalHidden">Per unit, [batch][padded units]: dL/d(final h) staged by <c>SetFinalStateGradient</c>.</param>
    /// <param name="FinalCell">Per LSTM unit, dL/d(final c) likewise; -1 otherwise.</param>
    /// <param name="Dropped">[batch][padded units]: W_hhᵀ · dG of one step before the recurrent dropout mask joins it to dL/dh(t-1).</param>
    internal sealed record BackwardWorkspace(
        EquatableArray<int> HiddenGradients,
        EquatableArray<int> OutputGradients,
        EquatableArray<int> InputGradients,
        int Recurrent,
        int Cell,
        int ResetHidden,
        int Head,
        int Embedding,
        int Dropped,
        int HeldHidden,
        int HeldCell,
        int Forget,
        EquatableArray<int> FinalHidden,
        EquatableArray<int> FinalCell,
        EquatableArray<int> InitialHidden,
        EquatableArray<int> InitialCell,
        int Length);

    /// <summary>Where one layer's forward values live; offsets into the Forward workspace (-1 when absent).</summary>
    /// <param name="Gates">[steps·batch][gates·padded units]: input projections, overwritten by the activated gates.</param>
    /// <param name="Hidden">[(steps+1)·batch][padded units]: slice 0 is h(-1) = 0, slice t+1 is h(t).</param>
    /// <param name="Cell">LSTM: [(steps+1)·batch][padded units], c like h.</param>
    /// <param name="Aux">GRU: [steps·batch][padded units]: W_hn h + b_hn (reset after) or r ⊙ h(t-1) (reset before).</param>
    /// <param name="InputDropout">Dropout of the layer's input rows; null when the layer has none.</param>
    /// <param name="RecurrentDropout">Dropout of h(t-1) in the W_hh products; null when the layer has none.</param>
    /// <param name="InitialHidden">[batch][padded units]: h(-1) staged by <c>SetInitialState</c> for the next Forward.</param>
    /// <param name="InitialCell">LSTM: c(-1) staged like h; -1 otherwise.</param>
    internal sealed record LayerTape(int Gates, int Hidden, int Cell, int Aux, DropoutTape? InputDropout, DropoutTape? RecurrentDropout, int InitialHidden, int InitialCell);

    /// <summary>
    /// One dropout site in the Forward workspace: the mask of the last training Forward, [batch][stride] (one row per
    /// sequence), and the masked rows the next kernel reads, [steps·batch][stride], kept for Backward.
    /// </summary>
    internal sealed record DropoutTape(int Mask, int Values, int Stride, int Width, float Rate);

    /// <summary>
    /// The per-stream state of <c>Step</c>: each layer's h (and c) that persist between steps, then scratch for one
    /// step (projection row, next h and c, the GRU auxiliary row, head row).
    /// </summary>
    internal sealed record StreamWorkspace(
        EquatableArray<int> HiddenOffsets,
        EquatableArray<int> CellOffsets,
        int StateLength,
        int ProjectionOffset,
        int NextHiddenOffset,
        int NextCellOffset,
        int ScratchOffset,
        int HeadOffset,
        int Length);
}
