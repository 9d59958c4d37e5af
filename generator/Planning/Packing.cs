namespace RnnGen.Generator.Planning
{
    /// <summary>
    /// The packed weight layout shared by every kernel. Units are grouped in blocks of <see cref="BlockWidth"/>;
    /// within a block, for each input column, the weights of all gates lie side by side:
    /// <c>[block][column][gate][lane]</c>. One pass over a block streams its weights once and leaves every gate's
    /// pre-activation for 16 units in registers, so the gate non-linearities and the cell update fuse into it.
    /// 16 lanes is one Vector512, two Vector256 or four Vector128, so the layout is independent of the machine.
    /// </summary>
    internal static class Packing
    {
        public const int BlockWidth = 16;

        /// <summary>Every tensor starts on a 64-byte boundary.</summary>
        public const int AlignmentFloats = 16;

        public static int Blocks(int units) => (units + BlockWidth - 1) / BlockWidth;

        public static int PadUnits(int units) => Blocks(units) * BlockWidth;

        public static long Align(long offset) => (offset + AlignmentFloats - 1) / AlignmentFloats * AlignmentFloats;
    }

    /// <summary>
    /// One packed matrix (or bias, with one column) inside the parameter buffer: <paramref name="Gates"/> gates of
    /// <paramref name="Units"/> units each, reading <paramref name="Columns"/> inputs, starting at <paramref name="FirstGate"/>
    /// of the cell's gate order.
    /// </summary>
    internal sealed record PackedTensor(int Offset, int Columns, int Units, int Gates, int FirstGate)
    {
        public int Blocks => Packing.Blocks(Units);

        /// <summary>Floats between consecutive unit blocks.</summary>
        public int BlockStride => Columns * Gates * Packing.BlockWidth;

        public int Length => Blocks * BlockStride;
    }
}
