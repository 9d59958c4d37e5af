using System;

namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>Counted loops in PTX, and where a persistent kernel's thread sits (its unit and its first sequence).</summary>
    internal static class PtxLoop
    {
        /// <summary>
        /// for (i = first; i &lt; count; i += step) body(i), the test at the top (so a count of 0 runs nothing);
        /// <paramref name="label"/> names the loop's labels.
        /// </summary>
        public static void For(PtxKernelBuilder k, PtxRegister count, PtxOperand first, int step, Action<PtxRegister> body, string label = "loop")
        {
            var i = k.Mov(PtxType.S32, first);
            var loop = k.NewLabel(label);
            var done = k.NewLabel(label + "_done");
            k.Label(loop);
            k.Branch(done, k.Compare(PtxCompare.Ge, PtxType.S32, i, count));
            body(i);
            k.MovTo(i, PtxType.S32, k.Add(PtxType.S32, i, step));
            k.Branch(loop);
            k.Label(done);
        }
    }

    /// <summary>
    /// A thread of a persistent kernel: block c owns units 16c..16c+15, lane l is unit 16c + l, and the thread starts
    /// at sequence tid / 16 (then every RowsPerPass-th).
    /// </summary>
    internal sealed record PersistentThread(PtxRegister Tid, PtxRegister Block, PtxRegister Lane, PtxRegister FirstRow, PtxRegister Unit)
    {
        public static PersistentThread Create(PtxKernelBuilder k)
        {
            var tid = k.Special(PtxSpecial.ThreadIndex);
            var block = k.Special(PtxSpecial.BlockIndex);
            var lane = k.And(PtxType.B32, tid, Planning.Packing.BlockWidth - 1);
            return new PersistentThread(tid, block, lane, k.ShiftRight(tid, 4), k.MulAdd(block, Planning.Packing.BlockWidth, lane));
        }
    }
}
