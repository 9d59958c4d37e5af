using System;
using System.ComponentModel;

namespace RnnGen.Numerics
{
    /// <summary>
    /// Zeroes the floats of the packed parameter layout that belong to no parameter: the lanes of a tensor's last
    /// unit block beyond its unit count (<c>[block][column][gate][lane]</c>, 16 lanes a block) and the alignment gaps
    /// between tensors. The kernels compute padded lanes and the backward GEMMs multiply them by zero, so a NaN or
    /// infinity left there would turn 0 into NaN and reach every gradient; the generated code clears them before use.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class PackedPadding
    {
        private const int BlockWidth = 16;

        /// <summary>Clears the padded lanes of one packed tensor.</summary>
        /// <param name="tensor">The tensor's floats, <c>blocks x columns x gates x 16</c>.</param>
        /// <param name="columns">Input columns (1 for a bias or a per-unit vector).</param>
        /// <param name="gates">Gates side by side in each column.</param>
        /// <param name="units">Real units; lanes from <c>units % 16</c> to 16 of the last block are padding.</param>
        public static void ClearLanes(Span<float> tensor, int columns, int gates, int units)
        {
            var used = units % BlockWidth;
            if (used == 0)
            {
                return;
            }

            var blockLength = columns * gates * BlockWidth;
            var lastBlock = tensor.Slice((units / BlockWidth) * blockLength, blockLength);
            for (var group = 0; group < columns * gates; group++)
            {
                lastBlock.Slice((group * BlockWidth) + used, BlockWidth - used).Clear();
            }
        }
    }
}
