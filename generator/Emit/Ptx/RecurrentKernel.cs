using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>
    /// The persistent recurrent kernel of one unit: a single cooperative launch runs every time step. Block c owns
    /// units 16c..16c+15 (one packed block, whose W_hh slab is contiguous) and keeps that slab in shared memory for
    /// the whole sequence when it fits; each thread owns one unit of a set of sequences, so its c(t) and the rows of
    /// the tape it writes are its own. Between steps the grid meets at a barrier (two for a reset-before GRU, whose
    /// candidate needs every unit's r ⊙ h(t-1)), and h(t) is read through L2 (<c>ld.global.cg</c>) because other
    /// blocks wrote it during this launch.
    /// </summary>
    internal sealed class RecurrentKernel
    {
        /// <summary>The most shared memory a block uses without opting in: larger slabs stay in global memory (L2).</summary>
        public const int SharedLimitBytes = 48 * 1024;

        private const int Lanes = Packing.BlockWidth;
        private readonly LayerPlan _layer;
        private readonly LayerTape _tape;

        private readonly bool _fast;

        /// <summary>With recurrent dropout: the launch's "dropout" switch (a predicate) and its step count, set by <see cref="Build"/>.</summary>
        private PtxRegister? _dropout;
        private PtxRegister? _steps;

        public RecurrentKernel(LayerPlan layer, LayerTape tape, int maxBatch, bool fastMath)
        {
            _layer = layer;
            _tape = tape;
            _fast = fastMath;
            RowsPerPass = Math.Min(maxBatch, 8);
        }

        public string Name => KernelNames.Recurrent(_layer);

        /// <summary>Sequences handled at once by a block: its threads are 16 lanes × this.</summary>
        public int RowsPerPass { get; }

        public int Threads => Lanes * RowsPerPass;

        public int Blocks => _layer.Blocks;

        /// <summary>Whether the block's recurrent weights live in shared memory (else they stream from L2 every step).</summary>
        public bool WeightsInShared => _layer.RecurrentWeights.Sum(t => t.BlockStride) * 4 <= SharedLimitBytes;

        /// <summary>Parameters in launch order: p, ws, lengths, barrier, batch, steps (and dropout, 0 or 1, with recurrent dropout).</summary>
        public PtxKernelBuilder Build()
        {
            var spec = _layer.Spec;
            var k = new PtxKernelBuilder(Name) { MaxThreads = Threads };
            k.Comment($"{_layer.Name}: {CellTraits.DisplayName(spec)}, {spec.Units} units, {(_layer.Reverse ? "reversed in time (its input rows arrive reversed)" : "forward in time")}.");
            k.Comment($"W_hh is {(WeightsInShared ? "held in shared memory for every step" : "read from L2 every step: its slab exceeds 48 KiB per block")}.");
            foreach (var line in Equations())
            {
                k.Comment(line);
            }

            var p = k.Pointer("p");
            var ws = k.Pointer("ws");
            var lengths = k.Pointer("lengths");
            var counter = k.Pointer("barrier");
            var batch = k.Parameter("batch", PtxType.S32);
            var steps = k.Parameter("steps", PtxType.S32);
            _steps = steps;
            _dropout = _tape.RecurrentDropout is null ? null : k.Compare(PtxCompare.Ne, PtxType.S32, k.Parameter("dropout", PtxType.S32), 0);

            var (tid, block, lane, firstRow, unit) = PersistentThread.Create(k);
            var barrier = new GridBarrier(k, counter, tid);

            var weights = _layer.RecurrentWeights.Select((tensor, i) => LoadWeights(k, p, tid, block, lane, tensor, i)).ToArray();
            if (WeightsInShared)
            {
                k.BarrierSync();
            }

            var t = k.Mov(PtxType.S32, 0);
            var stepLoop = k.NewLabel("step");
            k.Label(stepLoop);
            var twoPhase = spec.Cell == CellKind.Gru && !spec.ResetAfter;
            ForEachRow(k, batch, firstRow, b => Phase1(k, p, ws, lengths, weights, t, b, batch, unit, lane, block));
            barrier.Emit();
            if (twoPhase)
            {
                ForEachRow(k, batch, firstRow, b => CandidatePhase(k, ws, lengths, weights[1], t, b, batch, unit));
                barrier.Emit();
            }

            k.MovTo(t, PtxType.S32, k.Add(PtxType.S32, t, 1));
            k.Branch(stepLoop, k.Compare(PtxCompare.Lt, PtxType.S32, t, steps));
            k.Return();
            return k;
        }

        private IEnumerable<string> Equations()
        {
            var spec = _layer.Spec;
            var (a, g) = (ActivationName(spec.Activation), ActivationName(spec.RecurrentActivation));
            switch (spec.Cell)
            {
                case CellKind.Lstm:
                    yield return spec.CoupledGates
                        ? $"f = {g}(xp_f + W_hf h(t-1){(spec.Peepholes ? " + p_f ⊙ c(t-1)" : string.Empty)}), g = {a}(xp_g + W_hg h(t-1)), c(t) = g + f ⊙ (c(t-1) - g)"
                        : $"i = {g}(xp_i + W_hi h(t-1){(spec.Peepholes ? " + p_i ⊙ c(t-1)" : string.Empty)}), f = {g}(xp_f + W_hf h(t-1){(spec.Peepholes ? " + p_f ⊙ c(t-1)" : string.Empty)}), g = {a}(xp_g + W_hg h(t-1)), c(t) = f ⊙ c(t-1) + i ⊙ g";
                    yield return $"o = {g}(xp_o + W_ho h(t-1){(spec.Peepholes ? " + p_o ⊙ c(t)" : string.Empty)}), h(t) = o ⊙ {a}(c(t))";
                    break;
                case CellKind.Gru when spec.ResetAfter:
                    yield return $"r = {g}(xp_r + W_hr h(t-1)), z = {g}(xp_z + W_hz h(t-1)), n = {a}(xp_n + r ⊙ (W_hn h(t-1) + b_hn))";
                    yield return "h(t) = (1 - z) ⊙ n + z ⊙ h(t-1)";
                    break;
                case CellKind.Gru when spec.Minimal:
                    yield return $"phase 1: f = {g}(xp_f + W_hf h(t-1)), a = f ⊙ h(t-1); grid barrier";
                    yield return $"phase 2: n = {a}(xp_n + W_hn a), h(t) = (1 - f) ⊙ h(t-1) + f ⊙ n";
                    break;
                case CellKind.Gru:
                    yield return $"phase 1: r = {g}(xp_r + W_hr h(t-1)), z = {g}(xp_z + W_hz h(t-1)), a = r ⊙ h(t-1); grid barrier";
                    yield return $"phase 2: n = {a}(xp_n + W_hn a), h(t) = (1 - z) ⊙ n + z ⊙ h(t-1)";
                    break;
                default:
                    yield return $"h(t) = {a}(xp + W_hh h(t-1))";
                    break;
            }

            if (_tape.RecurrentDropout is not null)
            {
                yield return "Recurrent dropout (training): the W_hh products read h(t-1) ⊙ mask (each thread also writes h(t) ⊙ mask for the next step); the carried state is not dropped.";
            }

            yield return "A sequence past its length holds its state: h(t) = h(t-1) (and c).";
            yield return "The gate tape keeps the activated gates (and a GRU its aux row), as the CPU Forward's: the tape Backward reads.";
        }

        private PtxRegister Activate(PtxKernelBuilder k, Activation activation, PtxRegister x) => PtxMath.Activate(k, activation, x, _fast);

        /// <summary>The activation's name in the kernels' equations: σ, tanh, relu, hard_sigmoid, linear.</summary>
        internal static string ActivationName(Activation activation) => activation switch
        {
            Activation.Sigmoid => "σ",
            Activation.HardSigmoid => "hard_sigmoid",
            Activation.Relu => "relu",
            Activation.Linear => "linear",
            _ => "tanh",
        };

        /// <summary>The weights one thread reads: its lane of the block's slab, in shared memory or global.</summary>
        private sealed record WeightSource(PtxRegister Address, bool Shared, PackedTensor Tensor);

        private WeightSource LoadWeights(PtxKernelBuilder k, PtxRegister p, PtxRegister tid, PtxRegister block, PtxRegister lane, PackedTensor tensor, int index)
        {
            var slab = k.Element(p, k.MulAdd(block, tensor.BlockStride, tensor.Offset));
            if (!WeightsInShared)
            {
                return new WeightSource(k.Element(slab, lane), false, tensor);
            }

            var shared = k.Shared($"{Name}_w{index}", tensor.BlockStride * 4);
            var i = k.Mov(PtxType.S32, tid);
            var loop = k.NewLabel("stage_weights");
            var done = k.NewLabel("staged");
            k.Label(loop);
            k.Branch(done, k.Compare(PtxCompare.Ge, PtxType.S32, i, tensor.BlockStride));
            var value = k.Load(PtxSpace.Global, PtxType.F32, k.Element(slab, i), cache: PtxCache.ReadOnly);
            k.Store(PtxSpace.Shared, PtxType.F32, k.SharedElement(shared, i), value);
            k.MovTo(i, PtxType.S32, k.Add(PtxType.S32, i, Threads));
            k.Branch(loop);
            k.Label(done);
            return new WeightSource(k.SharedElement(shared, lane), true, tensor);
        }

        /// <summary>Runs <paramref name="body"/> for rows b = first, first + RowsPerPass, ... below the batch size.</summary>
        private void ForEachRow(PtxKernelBuilder k, PtxRegister batch, PtxRegister firstRow, Action<PtxRegister> body) =>
            PtxLoop.For(k, batch, firstRow, RowsPerPass, body, "row");

        /// <summary>acc[g] += Σ_k W[k][g][lane] · source[k] over the tensor's columns.</summary>
        private void Product(PtxKernelBuilder k, WeightSource weights, PtxRegister source, PtxRegister[] acc)
        {
            var tensor = weights.Tensor;
            var unroll = tensor.Columns % 4 == 0 ? 4 : tensor.Columns % 2 == 0 ? 2 : 1;
            var w = k.Mov(weights.Shared ? PtxType.U32 : PtxType.U64, weights.Address);
            var h = k.Mov(PtxType.U64, source);
            var column = k.Mov(PtxType.S32, 0);
            var loop = k.NewLabel("product");
            k.Label(loop);
            for (var u = 0; u < unroll; u++)
            {
                var x = k.Load(PtxSpace.Global, PtxType.F32, h, offsetBytes: 4L * u, cache: PtxCache.L2Only);
                for (var g = 0; g < tensor.Gates; g++)
                {
                    var offset = 4L * (((u * tensor.Gates) + g) * Lanes);
                    var weight = weights.Shared
                        ? k.Load(PtxSpace.Shared, PtxType.F32, w, offset)
                        : k.Load(PtxSpace.Global, PtxType.F32, w, offset, PtxCache.ReadOnly);
                    k.FmaTo(acc[g], PtxType.F32, weight, x, acc[g]);
                }
            }

            var stride = unroll * tensor.Gates * Lanes * 4;
            if (weights.Shared)
            {
                k.MovTo(w, PtxType.U32, k.Add(PtxType.U32, w, stride));
            }
            else
            {
                k.MovTo(w, PtxType.U64, k.Add(PtxType.U64, w, stride));
            }

            k.MovTo(h, PtxType.U64, k.Add(PtxType.U64, h, unroll * 4));
            k.MovTo(column, PtxType.S32, k.Add(PtxType.S32, column, unroll));
            k.Branch(loop, k.Compare(PtxCompare.Lt, PtxType.S32, column, tensor.Columns));
        }

        /// <summary>Offsets of row (t, b) in the tapes: state rows of step t and t+1, and the gate row.</summary>
        private sealed record Rows(PtxRegister Previous, PtxRegister Next, PtxRegister GateRow, PtxRegister Row, PtxRegister Active, PtxRegister Step);

        private Rows RowsOf(PtxKernelBuilder k, PtxRegister lengths, PtxRegister t, PtxRegister b, PtxRegister batch)
        {
            var row = k.MulAdd(t, batch, b);
            var padded = _layer.PaddedUnits;
            var previous = k.Mul(PtxType.S32, row, padded);
            var next = k.MulAdd(batch, padded, previous);
            var gateRow = k.Mul(PtxType.S32, row, _layer.GateStride);
            var length = k.Load(PtxSpace.Global, PtxType.S32, k.Element(lengths, b), cache: PtxCache.ReadOnly);
            var active = k.Compare(PtxCompare.Lt, PtxType.S32, t, length);
            return new Rows(previous, next, gateRow, row, active, t);
        }

        private PtxRegister Gate(PtxKernelBuilder k, PtxRegister ws, Rows rows, PtxRegister unit, int gate) =>
            k.Load(PtxSpace.Global, PtxType.F32, k.Element(ws, k.Add(PtxType.S32, k.Add(PtxType.S32, rows.GateRow, unit), _tape.Gates + (gate * _layer.PaddedUnits))));

        /// <summary>
        /// Writes the activated gates over their projections in the gate tape, as the CPU Forward does: what
        /// Backward differentiates (it overwrites them in turn with the gates' gradients).
        /// </summary>
        private void StoreGates(PtxKernelBuilder k, PtxRegister ws, Rows rows, PtxRegister unit, params PtxRegister[] gates)
        {
            var at = At(k, ws, _tape.Gates, rows.GateRow, unit);
            for (var g = 0; g < gates.Length; g++)
            {
                k.Store(PtxSpace.Global, PtxType.F32, at, gates[g], offsetBytes: 4L * g * _layer.PaddedUnits);
            }
        }

        private PtxRegister At(PtxKernelBuilder k, PtxRegister ws, int offset, PtxRegister row, PtxRegister unit) =>
            k.Element(ws, k.Add(PtxType.S32, k.Add(PtxType.S32, row, unit), offset));

        private void Phase1(PtxKernelBuilder k, PtxRegister p, PtxRegister ws, PtxRegister lengths, WeightSource[] weights, PtxRegister t, PtxRegister b, PtxRegister batch, PtxRegister unit, PtxRegister lane, PtxRegister block)
        {
            var spec = _layer.Spec;
            var rows = RowsOf(k, lengths, t, b, batch);
            var first = weights[0].Tensor;
            var acc = new PtxRegister[first.Gates];
            var resetAfter = spec.Cell == CellKind.Gru && spec.ResetAfter;
            for (var g = 0; g < first.Gates; g++)
            {
                // Reset-after keeps W_hn h + b_hn apart from xp_n: r scales it as a whole.
                acc[g] = resetAfter && g == 2
                    ? (_layer.RecurrentBias is { } bias ? k.Load(PtxSpace.Global, PtxType.F32, k.Element(p, k.MulAdd(block, bias.Gates * Lanes, k.Add(PtxType.S32, lane, bias.Offset + (2 * Lanes)))), cache: PtxCache.ReadOnly) : k.Mov(PtxType.F32, 0f))
                    : Gate(k, ws, rows, unit, g);
            }

            PtxOperand productRows = _tape.RecurrentDropout is { } dropped
                ? k.Select(PtxType.S32, dropped.Values, _tape.Hidden, _dropout!) // h(t-1) ⊙ mask in training
                : _tape.Hidden;
            var hPrevRow = k.Element(ws, k.Add(PtxType.S32, rows.Previous, productRows));
            Product(k, weights[0], hPrevRow, acc);
            var hPrevAt = At(k, ws, _tape.Hidden, rows.Previous, unit);
            var hPrev = k.Load(PtxSpace.Global, PtxType.F32, hPrevAt);
            var gate = spec.RecurrentActivation;
            var act = spec.Activation;
            switch (spec.Cell)
            {
                case CellKind.Lstm:
                    Lstm(k, p, ws, rows, b, unit, lane, block, acc, hPrev);
                    break;
                case CellKind.Gru when resetAfter:
                {
                    var r = Activate(k, gate, acc[0]);
                    var z = Activate(k, gate, acc[1]);
                    var n = Activate(k, act, k.Fma(PtxType.F32, r, acc[2], Gate(k, ws, rows, unit, 2)));
                    StoreGates(k, ws, rows, unit, r, z, n);
                    k.Store(PtxSpace.Global, PtxType.F32, At(k, ws, _tape.Aux, k.Mul(PtxType.S32, rows.Row, _layer.PaddedUnits), unit), acc[2]); // W_hn h(t-1) + b_hn, for Backward
                    var h = k.Fma(PtxType.F32, z, k.Sub(PtxType.F32, hPrev, n), n);
                    StoreHidden(k, ws, rows, b, unit, k.Select(PtxType.F32, h, hPrev, rows.Active));
                    break;
                }

                case CellKind.Gru:
                {
                    // Phase 1 of 2: the gates, kept in the tape for phase 2, and r ⊙ h(t-1) (minimal: f ⊙ h(t-1)).
                    var r = Activate(k, gate, acc[0]);
                    k.Store(PtxSpace.Global, PtxType.F32, At(k, ws, _tape.Gates, rows.GateRow, unit), r);
                    if (!spec.Minimal)
                    {
                        k.Store(PtxSpace.Global, PtxType.F32, At(k, ws, _tape.Gates + _layer.PaddedUnits, rows.GateRow, unit), Activate(k, gate, acc[1]));
                    }

                    k.Store(PtxSpace.Global, PtxType.F32, At(k, ws, _tape.Aux, k.Mul(PtxType.S32, rows.Row, _layer.PaddedUnits), unit), k.Mul(PtxType.F32, r, Dropped(k, ws, b, unit, hPrev)));
                    break;
                }

                default:
                {
                    var h = Activate(k, act, acc[0]);
                    StoreGates(k, ws, rows, unit, h);
                    StoreHidden(k, ws, rows, b, unit, k.Select(PtxType.F32, h, hPrev, rows.Active));
                    break;
                }
            }
        }

        /// <summary>Phase 2 of a reset-before GRU: the candidate from every unit's r ⊙ h(t-1), then h(t).</summary>
        private void CandidatePhase(PtxKernelBuilder k, PtxRegister ws, PtxRegister lengths, WeightSource candidate, PtxRegister t, PtxRegister b, PtxRegister batch, PtxRegister unit)
        {
            var spec = _layer.Spec;
            var rows = RowsOf(k, lengths, t, b, batch);
            var last = _layer.GateCount - 1;
            var acc = new[] { Gate(k, ws, rows, unit, last) };
            var auxRow = k.Element(ws, k.Add(PtxType.S32, k.Mul(PtxType.S32, rows.Row, _layer.PaddedUnits), _tape.Aux));
            Product(k, candidate, auxRow, acc);
            var n = Activate(k, spec.Activation, acc[0]);
            k.Store(PtxSpace.Global, PtxType.F32, At(k, ws, _tape.Gates + (last * _layer.PaddedUnits), rows.GateRow, unit), n); // the tape keeps the activated gate
            var hPrev = k.Load(PtxSpace.Global, PtxType.F32, At(k, ws, _tape.Hidden, rows.Previous, unit));
            PtxRegister h;
            if (spec.Minimal)
            {
                var f = Gate(k, ws, rows, unit, 0);
                h = k.Fma(PtxType.F32, f, k.Sub(PtxType.F32, n, hPrev), hPrev); // (1 - f) ⊙ h(t-1) + f ⊙ n
            }
            else
            {
                var z = Gate(k, ws, rows, unit, 1);
                h = k.Fma(PtxType.F32, z, k.Sub(PtxType.F32, hPrev, n), n); // (1 - z) ⊙ n + z ⊙ h(t-1)
            }

            StoreHidden(k, ws, rows, b, unit, k.Select(PtxType.F32, h, hPrev, rows.Active));
        }

        /// <summary>value ⊙ mask[b][unit] when this launch drops h(t-1) in the W_hh products; value otherwise.</summary>
        private PtxRegister Dropped(PtxKernelBuilder k, PtxRegister ws, PtxRegister b, PtxRegister unit, PtxRegister value)
        {
            if (_tape.RecurrentDropout is not { } dropped)
            {
                return value;
            }

            var mask = k.Load(PtxSpace.Global, PtxType.F32, k.Element(ws, k.Add(PtxType.S32, k.MulAdd(b, dropped.Stride, unit), dropped.Mask)));
            return k.Select(PtxType.F32, k.Mul(PtxType.F32, value, mask), value, _dropout!);
        }

        /// <summary>
        /// Writes h(t) of (b, unit) into the state tape and, in training with recurrent dropout, h(t) ⊙ mask into
        /// slice t+1 of the dropped rows that the next step's products read (and Backward's dW_hh).
        /// </summary>
        private void StoreHidden(PtxKernelBuilder k, PtxRegister ws, Rows rows, PtxRegister b, PtxRegister unit, PtxRegister h)
        {
            k.Store(PtxSpace.Global, PtxType.F32, At(k, ws, _tape.Hidden, rows.Next, unit), h);
            if (_tape.RecurrentDropout is not { } dropped)
            {
                return;
            }

            var skip = k.NewLabel("no_dropped_copy");
            var last = k.Compare(PtxCompare.Ge, PtxType.S32, k.Add(PtxType.S32, rows.Step, 1), _steps!);
            k.Branch(skip, _dropout!, negate: true);
            k.Branch(skip, last); // the last step's h(t) ⊙ mask is never read
            k.Store(PtxSpace.Global, PtxType.F32, At(k, ws, dropped.Values, rows.Next, unit), Dropped(k, ws, b, unit, h));
            k.Label(skip);
        }

        private void Lstm(PtxKernelBuilder k, PtxRegister p, PtxRegister ws, Rows rows, PtxRegister b, PtxRegister unit, PtxRegister lane, PtxRegister block, PtxRegister[] acc, PtxRegister hPrev)
        {
            var spec = _layer.Spec;
            var symbols = CellTraits.GateSymbols(spec);
            var peepSymbols = CellTraits.PeepholeSymbols(spec);
            PtxRegister Pre(string symbol) => acc[Array.IndexOf(symbols, symbol)];
            var cPrevAt = At(k, ws, _tape.Cell, rows.Previous, unit);
            var cPrev = k.Load(PtxSpace.Global, PtxType.F32, cPrevAt);
            PtxRegister WithPeephole(string symbol, PtxRegister pre, PtxRegister c)
            {
                var index = Array.IndexOf(peepSymbols, symbol);
                if (index < 0 || _layer.Peepholes is not { } peep)
                {
                    return pre;
                }

                var weight = k.Load(PtxSpace.Global, PtxType.F32, k.Element(p, k.MulAdd(block, peep.Gates * Lanes, k.Add(PtxType.S32, lane, peep.Offset + (index * Lanes)))), cache: PtxCache.ReadOnly);
                return k.Fma(PtxType.F32, weight, c, pre);
            }

            var gate = spec.RecurrentActivation;
            var f = Activate(k, gate, WithPeephole("f", Pre("f"), cPrev));
            var g = Activate(k, spec.Activation, Pre("g"));
            PtxRegister c;
            PtxRegister? i = null;
            if (spec.CoupledGates)
            {
                c = k.Fma(PtxType.F32, f, k.Sub(PtxType.F32, cPrev, g), g); // f ⊙ c(t-1) + (1 - f) ⊙ g
            }
            else
            {
                i = Activate(k, gate, WithPeephole("i", Pre("i"), cPrev));
                c = k.Fma(PtxType.F32, f, cPrev, k.Mul(PtxType.F32, i, g));
            }

            var o = Activate(k, gate, WithPeephole("o", Pre("o"), c)); // the output gate sees c(t)
            StoreGates(k, ws, rows, unit, spec.CoupledGates ? new[] { f, g, o } : new[] { i!, f, g, o });
            var h = k.Mul(PtxType.F32, o, Activate(k, spec.Activation, c));
            k.Store(PtxSpace.Global, PtxType.F32, At(k, ws, _tape.Cell, rows.Next, unit), k.Select(PtxType.F32, c, cPrev, rows.Active));
            StoreHidden(k, ws, rows, b, unit, k.Select(PtxType.F32, h, hPrev, rows.Active));
        }
    }
}
