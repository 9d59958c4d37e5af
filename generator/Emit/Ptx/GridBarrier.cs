namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>
    /// A barrier across every block of a cooperative launch. The counter is a zeroed word passed as a parameter; it
    /// only grows, so barrier n waits for n × blocks arrivals and nothing needs resetting between steps.
    /// bar.sync gathers the block (its writes happen-before thread 0's release), thread 0 adds one with release
    /// semantics and spins with acquire loads until every block has arrived, and a second bar.sync hands that
    /// ordering to the rest of the block. Co-residency (so the spin cannot deadlock) is what the cooperative launch
    /// guarantees.
    /// </summary>
    internal sealed class GridBarrier
    {
        private readonly PtxKernelBuilder _k;
        private readonly PtxRegister _counter;
        private readonly PtxRegister _isLeader;
        private readonly PtxRegister _blocks;
        private readonly PtxRegister _target;

        public GridBarrier(PtxKernelBuilder k, PtxRegister counterAddress, PtxRegister threadIndex)
        {
            _k = k;
            _counter = counterAddress;
            _isLeader = k.Compare(PtxCompare.Eq, PtxType.U32, threadIndex, 0);
            _blocks = k.Special(PtxSpecial.GridSize);
            _target = k.Mov(PtxType.U32, 0);
        }

        public void Emit()
        {
            var k = _k;
            var done = k.NewLabel("barrier_done");
            var spin = k.NewLabel("barrier_spin");
            k.BarrierSync();
            var next = k.Add(PtxType.U32, _target, _blocks);
            k.MovTo(_target, PtxType.U32, next);
            k.Branch(done, _isLeader, negate: true);
            k.ReleaseAdd(_counter, 1);
            k.Label(spin);
            var arrived = k.AcquireLoad(_counter);
            var waiting = k.Compare(PtxCompare.Lt, PtxType.U32, arrived, _target);
            k.Branch(spin, waiting);
            k.Label(done);
            k.BarrierSync();
        }
    }
}
