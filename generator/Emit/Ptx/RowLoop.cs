using System;

namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>The row loop of the persistent kernels: each thread takes sequences first, first + step, ... below the batch size.</summary>
    internal static class RowLoop
    {
        public static void ForEach(PtxKernelBuilder k, PtxRegister batch, PtxRegister firstRow, int step, Action<PtxRegister> body)
        {
            var b = k.Mov(PtxType.S32, firstRow);
            var loop = k.NewLabel("row");
            var done = k.NewLabel("rows_done");
            k.Label(loop);
            k.Branch(done, k.Compare(PtxCompare.Ge, PtxType.S32, b, batch));
            body(b);
            k.MovTo(b, PtxType.S32, k.Add(PtxType.S32, b, step));
            k.Branch(loop);
            k.Label(done);
        }
    }
}
