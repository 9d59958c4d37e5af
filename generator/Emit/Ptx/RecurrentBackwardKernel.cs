using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>
    /// Backpropagation through time of one unit as one cooperative launch, the mirror of <see cref="RecurrentKernel"/>:
    /// block c owns units 16c..16c+15 and each thread one unit of a set of sequences, from the last step to the first.
    /// Per step, first the element-wise cell derivatives (from dL/dh(t) = dH(t) from above + dL/dh(t) from step t+1,
    /// and the activated gates on the tape) write the gate gradients dG(t) over the gates, and the part of
    /// dL/dh(t-1) that bypasses W_hh (and dL/dc(t-1)) into the thread's own slot; the grid meets at a barrier; then
    /// thread k adds column k of W_hhᵀ · dG(t), reading every unit's dG(t) through L2 (<c>ld.global.cg</c>). A
    /// reset-before or minimal GRU needs one more barrier: its r (f) gradient needs d(r ⊙ h) = W_hnᵀ · da_n first.
    /// dL/dh and dL/dc between steps live in the Backward workspace (its Recurrent and Cell rows), each element read
    /// and written by one thread only. A sequence past its length passes dL/dh and dL/dc through unchanged and has
    /// no gate gradient, as on the CPU. The weight gradients are GEMMs after this launch (<see cref="GradientKernels"/>).
    /// </summary>
    internal sealed class RecurrentBackwardKernel
    {
        private const int Lanes = Packing.BlockWidth;
        private readonly LayerPlan _layer;
        private readonly LayerTape _tape;
        private readonly BackwardWorkspace _bw;
        private readonly bool _fast;

        /// <summary>With recurrent dropout: the launch's "dropout" switch (a predicate), set by <see cref="Build"/>.</summary>
        private PtxRegister? _dropout;

        public RecurrentBackwardKernel(LayerPlan layer, LayerTape tape, BackwardWorkspace backward, int maxBatch, bool fastMath)
        {
            _layer = layer;
            _tape = tape;
            _bw = backward;
            _fast = fastMath;
            RowsPerPass = Math.Min(maxBatch, 8);
        }

        public string Name => KernelNames.RecurrentBackward(_layer);

        /// <summary>Sequences handled at once by a block: its threads are 16 lanes × this.</summary>
        public int RowsPerPass { get; }

        public int Threads => Lanes * RowsPerPass;

        public int Blocks => _layer.Blocks;

        private RecurrentLayerSpec Spec => _layer.Spec;

        private int Padded => _layer.PaddedUnits;

        /// <summary>Reset-before and minimal GRUs: a second phase for the gate that scales h(t-1) in the candidate.</summary>
        private bool TwoPhase => Spec.Cell == CellKind.Gru && !Spec.ResetAfter;

        /// <summary>Parameters in launch order: p, ws, bw, lengths, barrier, batch, steps (and dropout, 0 or 1, with recurrent dropout).</summary>
        public PtxKernelBuilder Build()
        {
            var k = new PtxKernelBuilder(Name) { MaxThreads = Threads };
            k.Comment($"{_layer.Name}: {CellTraits.DisplayName(Spec)}, {Spec.Units} units, backward through time from the last step to the first.");
            foreach (var line in Equations())
            {
                k.Comment(line);
            }

            var p = k.Pointer("p");
            var ws = k.Pointer("ws");
            var bw = k.Pointer("bw");
            var lengths = k.Pointer("lengths");
            var counter = k.Pointer("barrier");
            var batch = k.Parameter("batch", PtxType.S32);
            var steps = k.Parameter("steps", PtxType.S32);
            _dropout = _tape.RecurrentDropout is null ? null : k.Compare(PtxCompare.Ne, PtxType.S32, k.Parameter("dropout", PtxType.S32), 0);

            var (tid, block, lane, firstRow, unit) = PersistentThread.Create(k);
            var isColumn = k.Compare(PtxCompare.Lt, PtxType.S32, unit, Spec.Units); // a real unit: a column of W_hh
            var barrier = new GridBarrier(k, counter, tid);
            var c = new Context(p, ws, bw, lengths, batch, unit, lane, block, isColumn);

            var t = k.Sub(PtxType.S32, steps, 1);
            var stepLoop = k.NewLabel("step_back");
            k.Label(stepLoop);
            PtxLoop.For(k, batch, firstRow, RowsPerPass, b => CellPhase(k, c, RowsOf(k, c, t, b)), "row");
            barrier.Emit();
            if (TwoPhase)
            {
                PtxLoop.For(k, batch, firstRow, RowsPerPass, b => ResetPhase(k, c, RowsOf(k, c, t, b)), "row");
                barrier.Emit();
            }

            PtxLoop.For(k, batch, firstRow, RowsPerPass, b => ProductPhase(k, c, RowsOf(k, c, t, b)), "row");
            k.MovTo(t, PtxType.S32, k.Sub(PtxType.S32, t, 1));
            k.Branch(stepLoop, k.Compare(PtxCompare.Ge, PtxType.S32, t, 0));
            k.Return();
            return k;
        }

        private IEnumerable<string> Equations()
        {
            var (a, g) = (RecurrentKernel.ActivationName(Spec.Activation), RecurrentKernel.ActivationName(Spec.RecurrentActivation));
            yield return "dh = dH(t) + dL/dh(t) from step t+1; derivatives from the activated gates: σ' = y(1-y), tanh' = 1-y², relu' = [y > 0].";
            switch (Spec.Cell)
            {
                case CellKind.Lstm:
                    var peep = Spec.Peepholes;
                    yield return $"da_o = dh ⊙ {a}(c) ⊙ {g}'(o), dc = dh ⊙ o ⊙ {a}'(c){(peep ? " + da_o ⊙ p_o" : string.Empty)} + dL/dc(t) from step t+1;";
                    yield return Spec.CoupledGates
                        ? $"da_f = dc ⊙ (c(t-1) - g) ⊙ {g}'(f), da_g = dc ⊙ (1 - f) ⊙ {a}'(g); dc(t-1) = dc ⊙ f{(peep ? " + da_f ⊙ p_f" : string.Empty)};"
                        : $"da_i = dc ⊙ g ⊙ {g}'(i), da_f = dc ⊙ c(t-1) ⊙ {g}'(f), da_g = dc ⊙ i ⊙ {a}'(g); dc(t-1) = dc ⊙ f{(peep ? " + da_i ⊙ p_i + da_f ⊙ p_f" : string.Empty)};";
                    yield return "grid barrier; dh(t-1) = W_hhᵀ · da.";
                    break;
                case CellKind.Gru when Spec.ResetAfter:
                    yield return $"da_n = dh ⊙ (1 - z) ⊙ {a}'(n), da_z = dh ⊙ (h(t-1) - n) ⊙ {g}'(z), da_r = da_n ⊙ (W_hn h(t-1) + b_hn) ⊙ {g}'(r); aux = da_n ⊙ r;";
                    yield return "grid barrier; dh(t-1) = dh ⊙ z + W_hrᵀ da_r + W_hzᵀ da_z + W_hnᵀ aux.";
                    break;
                case CellKind.Gru when Spec.Minimal:
                    yield return $"da_n = dh ⊙ f ⊙ {a}'(n), df = dh ⊙ (n - h(t-1)) (kept), dh(t-1) = dh ⊙ (1 - f); grid barrier;";
                    yield return $"d(f ⊙ h) = W_hnᵀ da_n, da_f = (df + d(f ⊙ h) ⊙ h(t-1)) ⊙ {g}'(f), dh(t-1) += d(f ⊙ h) ⊙ f; grid barrier; dh(t-1) += W_hfᵀ da_f.";
                    break;
                case CellKind.Gru:
                    yield return $"da_n = dh ⊙ (1 - z) ⊙ {a}'(n), da_z = dh ⊙ (h(t-1) - n) ⊙ {g}'(z), dh(t-1) = dh ⊙ z; grid barrier;";
                    yield return $"d(r ⊙ h) = W_hnᵀ da_n, da_r = d(r ⊙ h) ⊙ h(t-1) ⊙ {g}'(r), dh(t-1) += d(r ⊙ h) ⊙ r; grid barrier; dh(t-1) += W_hrᵀ da_r + W_hzᵀ da_z.";
                    break;
                default:
                    yield return $"da = dh ⊙ {a}'(h(t)); grid barrier; dh(t-1) = W_hhᵀ · da.";
                    break;
            }

            if (_tape.RecurrentDropout is not null)
            {
                yield return "Recurrent dropout (training): what W_hh (and r or f) multiplied was h(t-1) ⊙ mask, so its share of dL/dh(t-1) is masked: dh(t-1) += mask ⊙ (W_hhᵀ · dG).";
            }

            yield return "A sequence past its length: no gate gradient, dL/dh(t-1) = dL/dh(t) from step t+1 (and dc).";
        }

        /// <summary>The registers every phase reads.</summary>
        private sealed record Context(PtxRegister P, PtxRegister Ws, PtxRegister Bw, PtxRegister Lengths, PtxRegister Batch, PtxRegister Unit, PtxRegister Lane, PtxRegister Block, PtxRegister IsColumn);

        /// <summary>
        /// Row (t, b): the start of its gate row and of its aux row (unit 0), this thread's gate slot, its h(t-1) and
        /// h(t) slots in the state tape, its slot in the per-sequence scratch rows (dL/dh, dL/dc between steps), and
        /// whether step t is inside the sequence.
        /// </summary>
        private sealed record Rows(PtxRegister GateRow, PtxRegister GateAt, PtxRegister AuxRow, PtxRegister Previous, PtxRegister Next, PtxRegister Sequence, PtxRegister Active, PtxRegister B);

        private Rows RowsOf(PtxKernelBuilder k, Context c, PtxRegister t, PtxRegister b)
        {
            var row = k.MulAdd(t, c.Batch, b);
            var rowStart = k.Mul(PtxType.S32, row, Padded);
            var previous = k.Add(PtxType.S32, rowStart, c.Unit);
            var next = k.MulAdd(c.Batch, Padded, previous);
            var gateRow = k.Element(c.Ws, k.MulAdd(row, _layer.GateStride, _tape.Gates));
            var gateAt = k.Add(PtxType.U64, gateRow, k.MulWide(PtxType.S32, c.Unit, 4));
            var auxRow = _tape.Aux >= 0 ? k.Element(c.Ws, k.Add(PtxType.S32, rowStart, _tape.Aux)) : gateRow;
            var sequence = k.MulAdd(b, Padded, c.Unit);
            var length = k.Load(PtxSpace.Global, PtxType.S32, k.Element(c.Lengths, b), cache: PtxCache.ReadOnly);
            var active = k.Compare(PtxCompare.Lt, PtxType.S32, t, length);
            return new Rows(gateRow, gateAt, auxRow, previous, next, sequence, active, b);
        }

        private static PtxRegister Load(PtxKernelBuilder k, PtxRegister buffer, int offset, PtxRegister index) =>
            k.Load(PtxSpace.Global, PtxType.F32, k.Element(buffer, k.Add(PtxType.S32, index, offset)));

        private static void Store(PtxKernelBuilder k, PtxRegister buffer, int offset, PtxRegister index, PtxRegister value) =>
            k.Store(PtxSpace.Global, PtxType.F32, k.Element(buffer, k.Add(PtxType.S32, index, offset)), value);

        private PtxRegister LoadGate(PtxKernelBuilder k, Rows rows, int gate) =>
            k.Load(PtxSpace.Global, PtxType.F32, rows.GateAt, offsetBytes: 4L * gate * Padded);

        /// <summary>Writes a gate gradient over the gate: zero at a padded step.</summary>
        private void StoreGate(PtxKernelBuilder k, Rows rows, int gate, PtxRegister value) =>
            k.Store(PtxSpace.Global, PtxType.F32, rows.GateAt, k.Select(PtxType.F32, value, 0f, rows.Active), offsetBytes: 4L * gate * Padded);

        /// <summary>act'(x) from y = act(x).</summary>
        private static PtxRegister Derivative(PtxKernelBuilder k, Activation activation, PtxRegister y)
        {
            switch (activation)
            {
                case Activation.Linear:
                    return k.Mov(PtxType.F32, 1f);
                case Activation.Relu:
                    return k.Select(PtxType.F32, 1f, 0f, k.Compare(PtxCompare.Gt, PtxType.F32, y, 0f));
                case Activation.Sigmoid:
                    return k.Fma(PtxType.F32, k.Neg(PtxType.F32, y), y, y); // y - y² = y(1 - y)
                case Activation.HardSigmoid:
                {
                    var inside = k.Select(PtxType.F32, 1f / 6f, 0f, k.Compare(PtxCompare.Gt, PtxType.F32, y, 0f));
                    return k.Select(PtxType.F32, inside, 0f, k.Compare(PtxCompare.Lt, PtxType.F32, y, 1f));
                }

                default:
                    return k.Fma(PtxType.F32, k.Neg(PtxType.F32, y), y, 1f); // 1 - y²
            }
        }

        private static PtxRegister OneMinus(PtxKernelBuilder k, PtxRegister y) => k.Fma(PtxType.F32, y, -1f, 1f);

        private static PtxRegister Mul(PtxKernelBuilder k, PtxRegister a, PtxRegister b) => k.Mul(PtxType.F32, a, b);

        /// <summary>The element-wise derivatives of step t for one (unit, sequence).</summary>
        private void CellPhase(PtxKernelBuilder k, Context c, Rows rows)
        {
            var dhNext = Load(k, c.Bw, _bw.Recurrent, rows.Sequence); // dL/dh(t) through step t+1
            var dh = k.Add(PtxType.F32, Load(k, c.Bw, _bw.HiddenGradients[_layer.Index], rows.Previous), dhNext);
            var rec = Spec.RecurrentActivation;
            var act = Spec.Activation;
            PtxRegister local; // the part of dL/dh(t-1) that bypasses W_hh
            switch (Spec.Cell)
            {
                case CellKind.Lstm:
                    Lstm(k, c, rows, dh);
                    local = k.Mov(PtxType.F32, 0f);
                    break;
                case CellKind.Gru when Spec.ResetAfter:
                {
                    var r = LoadGate(k, rows, 0);
                    var z = LoadGate(k, rows, 1);
                    var n = LoadGate(k, rows, 2);
                    var hPrev = Load(k, c.Ws, _tape.Hidden, rows.Previous);
                    var dan = Mul(k, Mul(k, dh, OneMinus(k, z)), Derivative(k, act, n));
                    var auxAt = k.Add(PtxType.U64, rows.AuxRow, k.MulWide(PtxType.S32, c.Unit, 4));
                    var aux = k.Load(PtxSpace.Global, PtxType.F32, auxAt); // W_hn h(t-1) + b_hn
                    StoreGate(k, rows, 0, Mul(k, Mul(k, dan, aux), Derivative(k, rec, r)));
                    StoreGate(k, rows, 1, Mul(k, Mul(k, dh, k.Sub(PtxType.F32, hPrev, n)), Derivative(k, rec, z)));
                    StoreGate(k, rows, 2, dan);
                    k.Store(PtxSpace.Global, PtxType.F32, auxAt, k.Select(PtxType.F32, Mul(k, dan, r), 0f, rows.Active)); // what W_hn multiplied sees: da_n ⊙ r
                    local = Mul(k, dh, z);
                    break;
                }

                case CellKind.Gru when Spec.Minimal:
                {
                    var f = LoadGate(k, rows, 0);
                    var n = LoadGate(k, rows, 1);
                    var hPrev = Load(k, c.Ws, _tape.Hidden, rows.Previous);
                    Store(k, c.Bw, _bw.Forget, rows.Sequence, k.Select(PtxType.F32, Mul(k, dh, k.Sub(PtxType.F32, n, hPrev)), 0f, rows.Active));
                    StoreGate(k, rows, 1, Mul(k, Mul(k, dh, f), Derivative(k, act, n)));
                    local = Mul(k, dh, OneMinus(k, f));
                    break;
                }

                case CellKind.Gru:
                {
                    var z = LoadGate(k, rows, 1);
                    var n = LoadGate(k, rows, 2);
                    var hPrev = Load(k, c.Ws, _tape.Hidden, rows.Previous);
                    StoreGate(k, rows, 1, Mul(k, Mul(k, dh, k.Sub(PtxType.F32, hPrev, n)), Derivative(k, rec, z)));
                    StoreGate(k, rows, 2, Mul(k, Mul(k, dh, OneMinus(k, z)), Derivative(k, act, n)));
                    local = Mul(k, dh, z);
                    break;
                }

                default:
                {
                    var h = Load(k, c.Ws, _tape.Hidden, rows.Next);
                    StoreGate(k, rows, 0, Mul(k, dh, Derivative(k, act, h)));
                    local = k.Mov(PtxType.F32, 0f);
                    break;
                }
            }

            // A padded step hands dL/dh(t) from step t+1 on unchanged.
            Store(k, c.Bw, _bw.Recurrent, rows.Sequence, k.Select(PtxType.F32, local, dhNext, rows.Active));
        }

        private void Lstm(PtxKernelBuilder k, Context c, Rows rows, PtxRegister dh)
        {
            var symbols = CellTraits.GateSymbols(Spec);
            var peep = CellTraits.PeepholeSymbols(Spec);
            int Slot(string symbol) => Array.IndexOf(symbols, symbol);
            PtxRegister? Peephole(string symbol)
            {
                var index = Array.IndexOf(peep, symbol);
                if (index < 0 || _layer.Peepholes is not { } tensor)
                {
                    return null;
                }

                return k.Load(PtxSpace.Global, PtxType.F32, k.Element(c.P, k.MulAdd(c.Block, tensor.Gates * Lanes, k.Add(PtxType.S32, c.Lane, tensor.Offset + (index * Lanes)))), cache: PtxCache.ReadOnly);
            }

            PtxRegister WithPeephole(string symbol, PtxRegister gradient, PtxRegister sum) =>
                Peephole(symbol) is { } weight ? k.Fma(PtxType.F32, gradient, weight, sum) : sum;

            var (act, rec) = (Spec.Activation, Spec.RecurrentActivation);
            var f = LoadGate(k, rows, Slot("f"));
            var g = LoadGate(k, rows, Slot("g"));
            var o = LoadGate(k, rows, Slot("o"));
            var cPrev = Load(k, c.Ws, _tape.Cell, rows.Previous);
            var cell = Load(k, c.Ws, _tape.Cell, rows.Next);
            var dcNext = Load(k, c.Bw, _bw.Cell, rows.Sequence);
            var actC = PtxMath.Activate(k, act, cell, _fast);
            var dao = Mul(k, Mul(k, dh, actC), Derivative(k, rec, o));
            var dc = WithPeephole("o", dao, k.Fma(PtxType.F32, Mul(k, dh, o), Derivative(k, act, actC), dcNext));
            PtxRegister dcPrev;
            if (Spec.CoupledGates)
            {
                var daf = Mul(k, Mul(k, dc, k.Sub(PtxType.F32, cPrev, g)), Derivative(k, rec, f));
                StoreGate(k, rows, Slot("g"), Mul(k, Mul(k, dc, OneMinus(k, f)), Derivative(k, act, g)));
                StoreGate(k, rows, Slot("f"), daf);
                dcPrev = WithPeephole("f", daf, Mul(k, dc, f));
            }
            else
            {
                var i = LoadGate(k, rows, Slot("i"));
                var dai = Mul(k, Mul(k, dc, g), Derivative(k, rec, i));
                var daf = Mul(k, Mul(k, dc, cPrev), Derivative(k, rec, f));
                StoreGate(k, rows, Slot("g"), Mul(k, Mul(k, dc, i), Derivative(k, act, g)));
                StoreGate(k, rows, Slot("i"), dai);
                StoreGate(k, rows, Slot("f"), daf);
                dcPrev = WithPeephole("i", dai, WithPeephole("f", daf, Mul(k, dc, f)));
            }

            StoreGate(k, rows, Slot("o"), dao);
            Store(k, c.Bw, _bw.Cell, rows.Sequence, k.Select(PtxType.F32, dcPrev, dcNext, rows.Active));
        }

        /// <summary>
        /// Reset-before (minimal) GRU, between two barriers: d(r ⊙ h) = W_hnᵀ · da_n, then the reset (forget) gate's
        /// gradient and its share of dL/dh(t-1).
        /// </summary>
        private void ResetPhase(PtxKernelBuilder k, Context c, Rows rows)
        {
            var candidate = _layer.RecurrentWeights[1];
            var dGated = k.Mov(PtxType.F32, 0f);
            var skip = k.NewLabel("not_a_column");
            k.Branch(skip, c.IsColumn, negate: true);
            TransposedColumn(k, c, candidate, g => (rows.GateRow, Padded * (candidate.FirstGate + g)), dGated);
            k.Label(skip);
            var gate = LoadGate(k, rows, 0); // r (minimal: f)
            var mask = Mask(k, c, rows);
            var hPrev = Load(k, c.Ws, _tape.Hidden, rows.Previous);
            var gated = mask is null ? hPrev : Mul(k, hPrev, mask); // what r multiplied: h(t-1) ⊙ mask with recurrent dropout
            var rec = Spec.RecurrentActivation;
            var sum = Spec.Minimal ? k.Fma(PtxType.F32, dGated, gated, Load(k, c.Bw, _bw.Forget, rows.Sequence)) : Mul(k, dGated, gated);
            StoreGate(k, rows, 0, Mul(k, sum, Derivative(k, rec, gate)));
            var recurrent = Load(k, c.Bw, _bw.Recurrent, rows.Sequence);
            var toHidden = mask is null ? gate : Mul(k, gate, mask);
            Store(k, c.Bw, _bw.Recurrent, rows.Sequence, k.Fma(PtxType.F32, dGated, toHidden, recurrent)); // 0 at a padded step: da_n is 0 there
        }

        /// <summary>
        /// With recurrent dropout, mask[b][unit] in training and 1 otherwise (the launch's switch picks); null for a
        /// layer without it.
        /// </summary>
        private PtxRegister? Mask(PtxKernelBuilder k, Context c, Rows rows)
        {
            if (_tape.RecurrentDropout is not { } dropped)
            {
                return null;
            }

            var mask = k.Load(PtxSpace.Global, PtxType.F32, k.Element(c.Ws, k.Add(PtxType.S32, k.MulAdd(rows.B, dropped.Stride, c.Unit), dropped.Mask)));
            return k.Select(PtxType.F32, mask, 1f, _dropout!);
        }

        /// <summary>dL/dh(t-1) += column k of W_hhᵀ · dG(t) (for a reset-after GRU the candidate's column takes da_n ⊙ r).</summary>
        private void ProductPhase(PtxKernelBuilder k, Context c, Rows rows)
        {
            var skip = k.NewLabel("not_a_column");
            k.Branch(skip, c.IsColumn, negate: true);
            var weights = _layer.RecurrentWeights[0];
            var mask = Mask(k, c, rows);
            var recurrent = Load(k, c.Bw, _bw.Recurrent, rows.Sequence);
            var sum = mask is null ? recurrent : k.Mov(PtxType.F32, 0f); // masked as a whole with recurrent dropout
            var resetAfter = Spec.Cell == CellKind.Gru && Spec.ResetAfter;
            TransposedColumn(k, c, weights, g => resetAfter && g == 2 ? (rows.AuxRow, 0) : (rows.GateRow, Padded * (weights.FirstGate + g)), sum);
            Store(k, c.Bw, _bw.Recurrent, rows.Sequence, mask is null ? sum : k.Fma(PtxType.F32, sum, mask, recurrent));
            k.Label(skip);
        }

        /// <summary>
        /// sum += Σ_g Σ_u W[u][g][k] · dy_g[u] for this thread's column k over every block of the tensor: 16 lanes of
        /// each gate at a time, the weights from the read-only path, dy from L2 (other blocks wrote it this launch).
        /// <paramref name="source"/> gives each gate's row (lane 0 of unit 0) and the floats from it to the gate.
        /// </summary>
        private void TransposedColumn(PtxKernelBuilder k, Context c, PackedTensor tensor, Func<int, (PtxRegister Row, int Offset)> source, PtxRegister sum)
        {
            var sources = Enumerable.Range(0, tensor.Gates).Select(source).ToArray();
            var bases = sources.Select(s => s.Row).Distinct().ToArray();
            var dy = bases.Select(b => k.Mov(PtxType.U64, b)).ToArray(); // advanced by one block of units per pass
            var w = k.Element(c.P, k.MulAdd(c.Unit, tensor.Gates * Lanes, tensor.Offset)); // column k of block 0
            var block = k.Mov(PtxType.S32, 0);
            var loop = k.NewLabel("wt_block");
            k.Label(loop);
            for (var g = 0; g < tensor.Gates; g++)
            {
                var from = dy[Array.IndexOf(bases, sources[g].Row)];
                for (var lane = 0; lane < Lanes; lane++)
                {
                    var weight = k.Load(PtxSpace.Global, PtxType.F32, w, offsetBytes: 4L * ((g * Lanes) + lane), cache: PtxCache.ReadOnly);
                    var gradient = k.Load(PtxSpace.Global, PtxType.F32, from, offsetBytes: 4L * (sources[g].Offset + lane), cache: PtxCache.L2Only);
                    k.FmaTo(sum, PtxType.F32, weight, gradient, sum);
                }
            }

            k.MovTo(w, PtxType.U64, k.Add(PtxType.U64, w, tensor.BlockStride * 4));
            foreach (var pointer in dy)
            {
                k.MovTo(pointer, PtxType.U64, k.Add(PtxType.U64, pointer, Lanes * 4));
            }

            k.MovTo(block, PtxType.S32, k.Add(PtxType.S32, block, 1));
            k.Branch(loop, k.Compare(PtxCompare.Lt, PtxType.S32, block, tensor.Blocks));
        }
    }
}
