using System;
using System.Collections.Generic;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Describes one kernel over a packed tensor: for every unit block and every row, reduce
    /// <c>Σ_k W[block][k][gate][lane] · x[row][k]</c> for all gates at once, then run a fused epilogue on the
    /// accumulators. Projections, recurrent steps and the dense head are all this shape; what differs is where a
    /// row's x comes from, how accumulators start and what the epilogue does, which the cell emitters supply.
    /// </summary>
    internal sealed class PackedKernel
    {
        public PackedKernel(string name, string parameters, string arguments, int columns, int gates, int blocks)
        {
            Name = name;
            Parameters = parameters;
            Arguments = arguments;
            Columns = columns;
            Gates = gates;
            Blocks = blocks;
        }

        /// <summary>Method name; flavors append <c>_V256</c> and so on.</summary>
        public string Name { get; }

        /// <summary>Parameter list; must start with <c>ref float w</c> (the packed tensor) and end with <c>int rows</c>.</summary>
        public string Parameters { get; }

        /// <summary>The same parameters as arguments, for the dispatcher.</summary>
        public string Arguments { get; }

        /// <summary>Reduction length: input columns of the packed tensor.</summary>
        public int Columns { get; }

        /// <summary>Gates packed side by side in the tensor.</summary>
        public int Gates { get; }

        public int Blocks { get; }

        /// <summary>Whether rows address units of the block (<c>unit0</c>); projections address gates instead.</summary>
        public bool NeedsUnitOffset { get; init; } = true;

        /// <summary>Symbols naming each gate's accumulator (<c>i</c>, <c>f</c>, ...).</summary>
        public IReadOnlyList<string> GateSymbols { get; init; } = Array.Empty<string>();

        /// <summary>Doc lines: what the kernel computes, as equations.</summary>
        public IReadOnlyList<string> Documentation { get; init; } = Array.Empty<string>();

        /// <summary>
        /// Declarations once per block, after <c>block</c>, <c>unit0</c> and <c>wBlock</c> exist: names through
        /// <see cref="KernelRow.BlockName"/>, offsets through <see cref="KernelRow.BlockOffset"/> (a one-row kernel
        /// declares every block's at once).
        /// </summary>
        public Action<SourceWriter, KernelRow>? BlockSetup { get; init; }

        /// <summary>
        /// Declarations once per row of a tile; must declare <c>ref float x</c> (named through
        /// <see cref="KernelRow.Name"/>), the row's input vector.
        /// </summary>
        public Action<SourceWriter, KernelRow> RowSetup { get; init; } = (_, _) => { };

        /// <summary>
        /// The row's input vector as a <c>ref</c> expression that needs no block variable (the same vector RowSetup names
        /// <c>x</c>): the int8 kernel rounds it to 8 bits once per row, before the blocks.
        /// </summary>
        public Func<KernelRow, string>? InputRow { get; init; }

        /// <summary>Initial value of a row's gate <c>g</c> accumulator at a lane offset expression.</summary>
        public Func<VectorFlavor, KernelRow, int, string, string> Initial { get; init; } = (f, _, _, _) => f.Zero;

        /// <summary>
        /// An input projection whose reduction runs first, into this kernel's own accumulators, so no projection is
        /// written or read back (<c>Predict</c>'s step, <see cref="LayerKernels.RecurrentFromInput"/>). Its weights are the
        /// kernel's parameter <c>wIn</c>; its <see cref="BlockSetup"/>, <see cref="Initial"/> and <see cref="InputRow"/>
        /// supply the biases and the row's input. Its partial sums are closed the way the projection closes them before
        /// this kernel's columns start, so the results equal the projection followed by the step, bit for bit.
        /// </summary>
        public PackedKernel? FusedProjection { get; init; }

        /// <summary>
        /// A gate whose <see cref="FusedProjection"/> sum the step keeps apart from its own (the GRU candidate's
        /// W_in · x + b_in, which r multiplies only the W_hn half of): once the projection is closed, that sum moves to
        /// <see cref="KernelEmitter.ProjectionApartName"/> and the gate's accumulator restarts from <see cref="Initial"/>.
        /// </summary>
        public int? ProjectionApartGate { get; init; }

        /// <summary>Writes the statements that consume the accumulators of one chunk of lanes.</summary>
        public Action<KernelEpilogue> Epilogue { get; init; } = _ => { };
    }

    /// <summary>
    /// One row of a tile: the expression of its index and the suffix that keeps its variables apart from the tile's
    /// other rows (empty when rows run one at a time).
    /// </summary>
    internal sealed record KernelRow(string Row, string Suffix)
    {
        /// <summary>
        /// The unit block this row works on when the kernel keeps every block of one row in registers (its suffix
        /// is then the block's, <c>B1</c>); null inside the loop over blocks, where the variable <c>block</c> says.
        /// </summary>
        public int? FixedBlock { get; init; }

        /// <summary>The row <c>row</c> of a loop over rows, alone (no tile suffix), inside the loop over blocks.</summary>
        public static KernelRow Single { get; } = new("row", string.Empty);

        /// <summary>This row's variable for <paramref name="name"/>, e.g. <c>xpBlockR1</c>.</summary>
        public string Name(string name) => name + Suffix;

        /// <summary>The variable for <paramref name="name"/> that <see cref="PackedKernel.BlockSetup"/> declared for this row's block.</summary>
        public string BlockName(string name) => FixedBlock is null ? name : name + Suffix;

        /// <summary><c>block * <paramref name="stride"/></c>, or its value for a fixed block.</summary>
        public string BlockOffset(int stride) => FixedBlock is int b
            ? (b * stride).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : "block * " + stride.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>The block's first unit: <c>unit0</c>, or its value for a fixed block.</summary>
        public string Unit0 => FixedBlock is int b ? (b * Planning.Packing.BlockWidth).ToString(System.Globalization.CultureInfo.InvariantCulture) : "unit0";
    }

    /// <summary>What an epilogue sees: the writer, the flavor, the row, each gate's accumulator and the lane offsets.</summary>
    internal sealed class KernelEpilogue
    {
        public KernelEpilogue(SourceWriter writer, VectorFlavor flavor, KernelRow row, string[] accumulators, string laneOffset)
        {
            Writer = writer;
            Flavor = flavor;
            Row = row;
            Accumulators = accumulators;
            LaneOffset = laneOffset;
        }

        public KernelRow Row { get; }

        /// <summary>This row's variable for <paramref name="name"/>.</summary>
        public string Name(string name) => Row.Name(name);

        /// <summary>The block-level variable for <paramref name="name"/> (see <see cref="KernelRow.BlockName"/>).</summary>
        public string BlockName(string name) => Row.BlockName(name);

        public SourceWriter Writer { get; }

        public VectorFlavor Flavor { get; }

        /// <summary>Accumulator variable of each gate for this chunk.</summary>
        public string[] Accumulators { get; }

        /// <summary>Lane offset of the chunk within the block of 16 units (an expression).</summary>
        public string LaneOffset { get; }

        public string Vector => Flavor.Type;

        /// <summary>Offset of gate <paramref name="gate"/> at this chunk within a [gate][16] block.</summary>
        public string GateOffset(int gate) => gate == 0 ? LaneOffset : $"{gate * Planning.Packing.BlockWidth} + {LaneOffset}";
    }
}
