using System;

namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>
    /// The deterministic reductions of the training kernels. Pass one: every block of 256 threads sums its threads'
    /// values in shared memory along a fixed tree (thread t adds slot t + s for s = 128, 64, …, 1, a barrier between
    /// levels) and writes one partial sum per block. Pass two (<see cref="BuildFinish"/>): one block sums the partials,
    /// thread t taking partials t, t + 256, … in order, then the same tree. The order of every addition is fixed by the
    /// sizes alone, so a sum is bit-identical from run to run and GPU to GPU, unlike float atomics.
    /// </summary>
    internal static class BlockSum
    {
        public const int Threads = 256;

        public const string Finish = "rnngen_sum_partials";

        /// <summary>
        /// Σ over the block of each thread's <paramref name="value"/> in the fixed tree order; every thread of the block
        /// must reach it (it synchronises). Returns the block's sum in every thread.
        /// </summary>
        public static PtxRegister Reduce(PtxKernelBuilder k, PtxRegister value, PtxRegister thread)
        {
            var shared = k.Shared("block_sum", Threads * 4);
            var slot = k.SharedElement(shared, thread);
            k.Store(PtxSpace.Shared, PtxType.F32, slot, value);
            k.BarrierSync();
            for (var s = Threads / 2; s >= 1; s /= 2)
            {
                var skip = k.NewLabel("tree_skip");
                k.Branch(skip, k.Compare(PtxCompare.Ge, PtxType.U32, thread, s));
                var sum = k.Add(PtxType.F32, k.Load(PtxSpace.Shared, PtxType.F32, slot), k.Load(PtxSpace.Shared, PtxType.F32, slot, s * 4));
                k.Store(PtxSpace.Shared, PtxType.F32, slot, sum);
                k.Label(skip);
                k.BarrierSync();
            }

            return k.Load(PtxSpace.Shared, PtxType.F32, shared);
        }

        /// <summary>
        /// The skeleton of a pass-one kernel: element i = blockIdx · 256 + threadIdx; <paramref name="body"/> runs for
        /// i &lt; count and returns the element's value; threads past the end contribute 0 but still meet the barriers.
        /// Thread 0 writes the block's sum to partials[blockIdx].
        /// </summary>
        public static void PerElement(PtxKernelBuilder k, PtxRegister partials, PtxRegister count, Func<PtxRegister, PtxRegister> body)
        {
            var thread = k.Special(PtxSpecial.ThreadIndex);
            var block = k.Special(PtxSpecial.BlockIndex);
            var i = k.MulAdd(block, Threads, thread);
            var value = k.Mov(PtxType.F32, 0f);
            var outside = k.NewLabel("outside");
            k.Branch(outside, k.Compare(PtxCompare.Ge, PtxType.S32, i, count));
            k.MovTo(value, PtxType.F32, body(i));
            k.Label(outside);
            var total = Reduce(k, value, thread);
            var done = k.NewLabel("done");
            k.Branch(done, k.Compare(PtxCompare.Ne, PtxType.U32, thread, 0));
            k.Store(PtxSpace.Global, PtxType.F32, k.Element(partials, block), total);
            k.Label(done);
            k.Return();
        }

        /// <summary>
        /// result[0] = √S when root ≠ 0, else S / divisor, for S the sum of partials[0..count) in the fixed order.
        /// One block of 256 threads. Parameters: partials, count, result, divisor, root.
        /// </summary>
        public static PtxKernelBuilder BuildFinish()
        {
            var k = new PtxKernelBuilder(Finish) { MaxThreads = Threads };
            k.Comment("Pass two of a deterministic sum, one block: S = Σ partials in a fixed order; result = √S (a norm) or S / divisor (a mean).");
            var partials = k.Pointer("partials");
            var count = k.Parameter("count", PtxType.S32);
            var result = k.Pointer("result");
            var divisor = k.Parameter("divisor", PtxType.F32);
            var root = k.Compare(PtxCompare.Ne, PtxType.S32, k.Parameter("root", PtxType.S32), 0);
            var thread = k.Special(PtxSpecial.ThreadIndex);
            var sum = k.Mov(PtxType.F32, 0f);
            var j = k.Mov(PtxType.S32, thread);
            var loop = k.NewLabel("partials");
            var looped = k.NewLabel("partials_done");
            k.Label(loop);
            k.Branch(looped, k.Compare(PtxCompare.Ge, PtxType.S32, j, count));
            k.MovTo(sum, PtxType.F32, k.Add(PtxType.F32, sum, k.Load(PtxSpace.Global, PtxType.F32, k.Element(partials, j))));
            k.MovTo(j, PtxType.S32, k.Add(PtxType.S32, j, Threads));
            k.Branch(loop);
            k.Label(looped);
            var total = Reduce(k, sum, thread);
            var done = k.NewLabel("done");
            k.Branch(done, k.Compare(PtxCompare.Ne, PtxType.U32, thread, 0));
            var value = k.Select(PtxType.F32, k.SqrtExact(total), k.DivideExact(total, divisor), root);
            k.Store(PtxSpace.Global, PtxType.F32, result, value);
            k.Label(done);
            k.Return();
            return k;
        }
    }
}
