using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Builds the kernels of each layer: the input projection of all rows (a GEMM with the biases folded in), the
    /// recurrent step with the cell's gates and state update fused into its epilogue, and the dense head.
    /// </summary>
    internal static class LayerKernels
    {
        private const string UnsafeApi = "global::System.Runtime.CompilerServices.Unsafe";
        private const int Block = Packing.BlockWidth;

        /// <summary>
        /// The projection kernels of a layer: the one Forward and Step run, plus, for an embedding layer with input
        /// dropout, a twin that reads already gathered (and masked) rows.
        /// </summary>
        public static IReadOnlyList<PackedKernel> Projections(Plan plan, LayerPlan layer)
        {
            var embedding = layer.Input.Kind != InputKind.Rows;
            var kernels = new List<PackedKernel> { Projection(layer, ProjectionName(layer), embedding, plan.Embedding?.Dimension ?? 0) };
            if (embedding && layer.Spec.Dropout > 0f)
            {
                kernels.Add(Projection(layer, RowsProjectionName(layer), false, 0));
            }

            return kernels;
        }

        /// <summary>xp[row] = W_ih · x[row] + b_ih (+ b_hh where it folds), for every gate.</summary>
        private static PackedKernel Projection(LayerPlan layer, string name, bool embedding, int embeddingDimension)
        {
            var bias = layer.Spec.UseBias;
            var parameters = "ref float w, " + (bias ? "ref float biasIh, ref float biasHh, " : string.Empty)
                + (embedding ? "ref float table, ref int tokens, " : "ref float input, ") + "ref float xp, int rows";
            var arguments = "ref w, " + (bias ? "ref biasIh, ref biasHh, " : string.Empty)
                + (embedding ? "ref table, ref tokens, " : "ref input, ") + "ref xp, rows";
            var gates = layer.GateCount;
            var symbols = CellTraits.GateSymbols(layer.Spec);
            var doc = new List<string>
            {
                $"{layer.Name} input projection for {(embedding ? "token rows (embedding lookup fused)" : "all rows at once")}: one GEMM over {layer.InputWidth} input column(s).",
            };
            for (var g = 0; g < gates; g++)
            {
                var folded = bias && CellTraits.FoldsRecurrentBias(layer.Spec, g);
                doc.Add($"  xp_{symbols[g]} = W_i{symbols[g]} · x" + (bias ? $" + b_i{symbols[g]}" : string.Empty) + (folded ? $" + b_h{symbols[g]}" : string.Empty));
            }

            return new PackedKernel(name, parameters, arguments, layer.InputWidth, gates, layer.Blocks)
            {
                NeedsUnitOffset = false,
                GateSymbols = symbols,
                Documentation = doc,
                BlockSetup = bias
                    ? (w, r) =>
                    {
                        w.Line($"ref float {r.BlockName("bIh")} = ref {UnsafeApi}.Add(ref biasIh, {r.BlockOffset(gates * Block)});");
                        w.Line($"ref float {r.BlockName("bHh")} = ref {UnsafeApi}.Add(ref biasHh, {r.BlockOffset(gates * Block)});");
                    }
                    : null,
                InputRow = r => embedding
                    ? $"ref {UnsafeApi}.Add(ref table, {UnsafeApi}.Add(ref tokens, {r.Row}) * {embeddingDimension})"
                    : $"ref {UnsafeApi}.Add(ref input, ({r.Row}) * {layer.InputStride})",
                RowSetup = (w, r) =>
                {
                    w.Line(embedding
                        ? $"ref float {r.Name("x")} = ref {UnsafeApi}.Add(ref table, {UnsafeApi}.Add(ref tokens, {r.Row}) * {embeddingDimension});"
                        : $"ref float {r.Name("x")} = ref {UnsafeApi}.Add(ref input, ({r.Row}) * {layer.InputStride});");
                    w.Line($"ref float {r.Name("xpBlock")} = ref {UnsafeApi}.Add(ref xp, (({r.Row}) * {layer.GateStride}) + ({r.BlockOffset(gates * Block)}));");
                },
                Initial = (f, r, g, lane) =>
                {
                    if (!bias)
                    {
                        return f.Zero;
                    }

                    var offset = Offset(g, lane);
                    return CellTraits.FoldsRecurrentBias(layer.Spec, g)
                        ? f.Add(f.Load(r.BlockName("bIh"), offset), f.Load(r.BlockName("bHh"), offset))
                        : f.Load(r.BlockName("bIh"), offset);
                },
                Epilogue = e =>
                {
                    for (var g = 0; g < gates; g++)
                    {
                        e.Writer.Line(e.Flavor.Store(e.Accumulators[g], e.Name("xpBlock"), e.GateOffset(g)));
                    }
                },
            };
        }

        public static string ProjectionName(LayerPlan layer) => layer.Name + "Projection";

        /// <summary>The embedding layer's projection of gathered rows (used when its input is dropped).</summary>
        public static string RowsProjectionName(LayerPlan layer) => layer.Name + "ProjectionRows";

        /// <summary>The kernels of one time step, in the order they run.</summary>
        public static IReadOnlyList<PackedKernel> Recurrent(LayerPlan layer) => layer.Spec.Cell switch
        {
            CellKind.Lstm => new[] { Lstm(layer, GateSource.Tape) },
            CellKind.Gru when layer.Spec.ResetAfter => new[] { GruResetAfter(layer, GateSource.Tape) },
            CellKind.Gru => new[] { GruGates(layer), GruCandidate(layer) },
            _ => new[] { SimpleRnn(layer, GateSource.Tape) },
        };

        /// <summary>y[row] = W · h[row] + b over the last layer's outputs, before the activation.</summary>
        public static PackedKernel Head(HeadPlan head)
        {
            var bias = head.Bias is not null;
            return new PackedKernel(
                "HeadProjection",
                "ref float w, " + (bias ? "ref float bias, " : string.Empty) + "ref float input, ref float y, int rows",
                "ref w, " + (bias ? "ref bias, " : string.Empty) + "ref input, ref y, rows",
                head.InputWidth,
                1,
                head.Weights.Blocks)
            {
                GateSymbols = new[] { "y" },
                Documentation = new[] { $"Dense head: y = W · h{(bias ? " + b" : string.Empty)} over {head.InputWidth} input column(s); the activation runs per row afterwards." },
                BlockSetup = bias ? (w, r) => w.Line($"ref float {r.BlockName("bBlock")} = ref {UnsafeApi}.Add(ref bias, {r.BlockOffset(Block)});") : null,
                InputRow = r => $"ref {UnsafeApi}.Add(ref input, ({r.Row}) * {head.InputStride})",
                RowSetup = (w, r) =>
                {
                    w.Line($"ref float {r.Name("x")} = ref {UnsafeApi}.Add(ref input, ({r.Row}) * {head.InputStride});");
                    w.Line($"ref float {r.Name("yBlock")} = ref {UnsafeApi}.Add(ref y, (({r.Row}) * {head.PaddedUnits}) + {r.Unit0});");
                },
                Initial = (f, r, _, lane) => bias ? f.Load(r.BlockName("bBlock"), lane) : f.Zero,
                Epilogue = e => e.Writer.Line(e.Flavor.Store(e.Accumulators[0], e.Name("yBlock"), e.LaneOffset)),
            };
        }

        /// <summary>
        /// The most bytes of one block's W_ih a fused step reads per row tile: it shares L1 with W_hh's first chunk
        /// (and the two must fit L1 together: a GRU 256 reading 32 inputs, a 48 KiB slab beside 6 KiB, measured 3 % slower
        /// fused on one thread and 6–10 % on two), so a wide input (a stacked layer's 256) would push that chunk out. Measured with 64 KiB (LSTM 256
        /// reading 256 inputs, batch 32): Predict 35 % slower than Forward on one thread and 30 % on two. It also keeps
        /// the projection in one column chunk, which the fused kernel needs to give Forward's bits.
        /// </summary>
        private const int MaxFusedInputBytes = 16 * 1024;

        /// <summary>The name of <see cref="RecurrentFromInput"/>'s kernel.</summary>
        public static string RecurrentFromInputName(LayerPlan layer) => layer.Name + "RecurrentFromInput";

        /// <summary>
        /// Whether <c>Predict</c> runs this unit's steps with the input projection fused in
        /// (<see cref="RecurrentFromInput"/>): an LSTM, SimpleRNN or reset-after GRU reading float rows, without dropout,
        /// whose block of W_ih (at most 16 KiB) fits beside W_hh's first chunk in L1, and whose one-row step does not
        /// already keep every block in registers (a 32-unit layer, where the projection round trip costs nothing); a GRU
        /// also needs W_hh in one chunk, since its candidate's projection sum waits in a register for the epilogue.
        /// </summary>
        public static bool FusesProjection(LayerPlan layer)
        {
            if (!(layer.Spec.Cell is CellKind.Lstm or CellKind.SimpleRnn || (layer.Spec.Cell == CellKind.Gru && layer.Spec.ResetAfter))
                || layer.Input.Kind != InputKind.Rows
                || layer.Spec.Dropout > 0f
                || layer.Spec.RecurrentDropout > 0f)
            {
                return false;
            }

            var inputBytes = layer.InputWidth * layer.GateCount * Block * sizeof(float); // one block of W_ih
            var step = Recurrent(layer)[0];
            return inputBytes <= MaxFusedInputBytes
                && inputBytes + KernelEmitter.FirstChunkBytes(step) <= KernelEmitter.L1Bytes
                && !KernelEmitter.TilesBlocks(step)
                && (layer.Spec.Cell != CellKind.Gru || KernelEmitter.ColumnChunks(step) == 1); // the candidate's x part waits in a register until the epilogue
        }

        /// <summary>
        /// The step <c>Predict</c> runs where <see cref="FusesProjection"/> holds: each gate starts from its biases, adds
        /// W_ih · x(t) and then W_hh · h(t-1) in the same registers, and no activated gate is stored, since nothing is
        /// kept for <c>Backward</c>. Forward's projection pass writes 4 KiB per row per LSTM-256 layer and each step
        /// reads it back; this reads only x(t).
        /// </summary>
        public static PackedKernel RecurrentFromInput(LayerPlan layer)
        {
            var projection = Projection(layer, ProjectionName(layer), false, 0);
            var source = GateSource.FusedInput(layer.Spec.UseBias);
            var step = layer.Spec.Cell switch
            {
                CellKind.Lstm => Lstm(layer, source),
                CellKind.Gru => GruResetAfter(layer, source),
                _ => SimpleRnn(layer, source),
            };
            var documentation = new List<string>
            {
                $"{layer.Name} step for Predict, the input projection fused in: gates = W_ih · x(t) + biases + W_hh · h(t-1), in registers,",
                "  the projection's sums closed as its own kernel closes them (the same bits as Forward); no gate is kept for Backward.",
            };
            documentation.AddRange(layer.Spec.Cell == CellKind.SimpleRnn
                ? new[] { $"  h(t) = {ActivationCode.Symbol(layer.Spec.Activation)}(gates)" }
                : step.Documentation.Skip(1).Where(line => !line.Contains("tape")));
            if (layer.Spec.Cell == CellKind.Gru)
            {
                documentation.Insert(2, $"  r, z = {ActivationCode.Symbol(layer.Spec.RecurrentActivation)}(gates_r, gates_z);");
                documentation.Add("  The candidate's W_in · x(t) + b_in (xp_n) stays in its own register, apart from W_hn · h(t-1) + b_hn.");
            }
            return new PackedKernel(
                RecurrentFromInputName(layer),
                step.Parameters,
                step.Arguments,
                step.Columns,
                step.Gates,
                step.Blocks)
            {
                GateSymbols = step.GateSymbols,
                Documentation = documentation,
                BlockSetup = step.BlockSetup,
                RowSetup = step.RowSetup,
                InputRow = step.InputRow,
                Epilogue = step.Epilogue,
                FusedProjection = projection, // the first chunk starts from its biases
                Initial = step.Initial, // the GRU candidate's W_hn sum restarts from b_hn after the projection
                ProjectionApartGate = layer.Spec.Cell == CellKind.Gru ? 2 : null,
            };
        }

        private static PackedKernel Lstm(LayerPlan layer, GateSource source)
        {
            var spec = layer.Spec;
            var act = spec.Activation;
            var gate = spec.RecurrentActivation;
            var (sa, sg) = (ActivationCode.Symbol(act), ActivationCode.Symbol(gate));
            var peep = CellTraits.PeepholeSymbols(spec);
            var peepholes = peep.Length > 0;
            var coupled = spec.CoupledGates;
            int Slot(string symbol) => CellTraits.Gate(spec, symbol);
            var equations = coupled
                ? $"  f = {sg}(.{(peepholes ? " + p_f ⊙ c(t-1)" : string.Empty)}), g = {sa}(.), o = {sg}(.{(peepholes ? " + p_o ⊙ c(t)" : string.Empty)});  c(t) = f ⊙ c(t-1) + (1 - f) ⊙ g;  h(t) = o ⊙ {sa}(c(t))"
                : $"  i = {sg}(.{(peepholes ? " + p_i ⊙ c(t-1)" : string.Empty)}), f = {sg}(.{(peepholes ? " + p_f ⊙ c(t-1)" : string.Empty)}), g = {sa}(.), o = {sg}(.{(peepholes ? " + p_o ⊙ c(t)" : string.Empty)});  c(t) = f ⊙ c(t-1) + i ⊙ g;  h(t) = o ⊙ {sa}(c(t))";
            return (Step(
                layer,
                layer.Name + "Recurrent",
                "ref float w, " + (peepholes ? "ref float peepholes, " : string.Empty) + source.Parameters + "ref float hPrev, ref float hNext, ref float cPrev, ref float cNext, int rows",
                "ref w, " + (peepholes ? "ref peepholes, " : string.Empty) + source.Arguments + "ref hPrev, ref hNext, ref cPrev, ref cNext, rows",
                0,
                layer.GateCount) with
            {
                Tape = source.IsTape,
                Documentation = new[]
                {
                    $"{layer.Name} {CellTraits.DisplayName(spec)} step: gates = xp + W_hh · h(t-1), then fused in registers:",
                    equations,
                    "  The activated gates replace xp, the tape Backward reads.",
                },
                BlockExtra = peepholes ? (w, r) => w.Line($"ref float {r.BlockName("peep")} = ref {UnsafeApi}.Add(ref peepholes, {r.BlockOffset(peep.Length * Block)});") : null,
                RowExtra = (w, r) =>
                {
                    w.Line($"ref float {r.Name("cPrevUnits")} = ref {UnsafeApi}.Add(ref cPrev, (({r.Row}) * {layer.PaddedUnits}) + {r.Unit0});");
                    w.Line($"ref float {r.Name("cUnits")} = ref {UnsafeApi}.Add(ref cNext, (({r.Row}) * {layer.PaddedUnits}) + {r.Unit0});");
                },
                Epilogue = e =>
                {
                    var a = e.Accumulators;
                    var v = e.Flavor;
                    string A(string x) => ActivationCode.Apply(act, x, v);
                    string G(string x) => ActivationCode.Apply(gate, x, v);
                    string Gate(string symbol) => a[Slot(symbol)];
                    string Peephole(string symbol) => e.Flavor.Load(e.BlockName("peep"), Offset(System.Array.IndexOf(peep, symbol), e.LaneOffset));
                    var cOld = e.Flavor.Load(e.Name("cPrevUnits"), e.LaneOffset);
                    void StoreGate(string symbol)
                    {
                        if (source.IsTape)
                        {
                            e.Writer.Line(e.Flavor.Store(symbol, e.Name("xpBlock"), e.GateOffset(Slot(symbol))));
                        }
                    }

                    if (!peepholes && !coupled)
                    {
                        e.Writer.Line($"{e.Vector} i = {G(a[0])};");
                        e.Writer.Line($"{e.Vector} f = {G(a[1])};");
                        e.Writer.Line($"{e.Vector} g = {A(a[2])};");
                        e.Writer.Line($"{e.Vector} o = {G(a[3])};");
                        if (source.IsTape)
                        {
                            StoreGates(e, "i", "f", "g", "o");
                        }

                        e.Writer.Line("// c(t) = f ⊙ c(t-1) + i ⊙ g");
                        e.Writer.Line($"{e.Vector} cNew = {v.MultiplyAdd("f", cOld, v.Multiply("i", "g"))};");
                    }
                    else
                    {
                        if (peepholes)
                        {
                            e.Writer.Line($"{e.Vector} cOld = {cOld};");
                            cOld = "cOld";
                        }

                        string PreActivation(string symbol) => peepholes && System.Array.IndexOf(peep, symbol) >= 0 && symbol != "o"
                            ? v.MultiplyAdd(Peephole(symbol), "cOld", Gate(symbol))
                            : Gate(symbol);
                        if (!coupled)
                        {
                            e.Writer.Line($"{e.Vector} i = {G(PreActivation("i"))};");
                            StoreGate("i");
                        }

                        e.Writer.Line($"{e.Vector} f = {G(PreActivation("f"))};");
                        e.Writer.Line($"{e.Vector} g = {A(Gate("g"))};");
                        StoreGate("f");
                        StoreGate("g");
                        if (coupled)
                        {
                            e.Writer.Line("// c(t) = f ⊙ c(t-1) + (1 - f) ⊙ g = g + f ⊙ (c(t-1) - g)");
                            e.Writer.Line($"{e.Vector} cNew = {v.MultiplyAdd("f", v.Subtract(cOld, "g"), "g")};");
                        }
                        else
                        {
                            e.Writer.Line("// c(t) = f ⊙ c(t-1) + i ⊙ g");
                            e.Writer.Line($"{e.Vector} cNew = {v.MultiplyAdd("f", cOld, v.Multiply("i", "g"))};");
                        }

                        e.Writer.Line(peepholes
                            ? $"{e.Vector} o = {G(v.MultiplyAdd(Peephole("o"), "cNew", Gate("o")))}; // the output gate sees c(t)"
                            : $"{e.Vector} o = {G(Gate("o"))};");
                        StoreGate("o");
                    }

                    e.Writer.Line(e.Flavor.Store("cNew", e.Name("cUnits"), e.LaneOffset));
                    e.Writer.Line($"// h(t) = o ⊙ {sa}(c(t))");
                    e.Writer.Line(e.Flavor.Store(v.Multiply("o", A("cNew")), e.Name("hUnits"), e.LaneOffset));
                },
            }).Build();
        }

        private static PackedKernel SimpleRnn(LayerPlan layer, GateSource source)
        {
            var activation = layer.Spec.Activation;
            return (Step(layer, layer.Name + "Recurrent", "ref float w, " + source.Parameters + "ref float hPrev, ref float hNext, int rows", "ref w, " + source.Arguments + "ref hPrev, ref hNext, rows", 0, 1) with
            {
                Tape = source.IsTape,
                Documentation = new[] { $"{layer.Name} SimpleRNN step: h(t) = {ActivationCode.Symbol(activation)}(xp + W_hh · h(t-1))" },
                Epilogue = e => e.Writer.Line(e.Flavor.Store(ActivationCode.Apply(activation, e.Accumulators[0], e.Flavor), e.Name("hUnits"), e.LaneOffset)),
            }).Build();
        }

        /// <remarks>
        /// Fused (<see cref="RecurrentFromInput"/>): the projection's parameters bring biasHh (and its block's bHh), and
        /// the step keeps no tape, so there is no aux row; the candidate reads xp_n from the register the kernel kept it in.
        /// </remarks>
        private static PackedKernel GruResetAfter(LayerPlan layer, GateSource source)
        {
            var bias = layer.Spec.UseBias;
            var tape = source.IsTape;
            var stepBias = bias && tape;
            var carry = SeparateCarry(layer);
            var (act, gate) = (layer.Spec.Activation, layer.Spec.RecurrentActivation);
            var (sa, sg) = (ActivationCode.Symbol(act), ActivationCode.Symbol(gate));
            return (Step(
                layer,
                layer.Name + "Recurrent",
                "ref float w, " + (stepBias ? "ref float biasHh, " : string.Empty) + source.Parameters + "ref float hPrev, " + (carry ? "ref float hCarry, " : string.Empty) + "ref float hNext, " + (tape ? "ref float aux, " : string.Empty) + "int rows",
                "ref w, " + (stepBias ? "ref biasHh, " : string.Empty) + source.Arguments + "ref hPrev, " + (carry ? "ref hCarry, " : string.Empty) + "ref hNext, " + (tape ? "ref aux, " : string.Empty) + "rows",
                0,
                3) with
            {
                Tape = tape,
                CarrySource = carry ? "hCarry" : null,
                Documentation = new[]
                {
                    $"{layer.Name} GRU step (reset_after = true, PyTorch/cuDNN): r, z = {sg}(xp + W_h· h(t-1)),",
                    $"  n = {sa}(xp_n + r ⊙ (W_hn h(t-1) + b_hn));  h(t) = (1 - z) ⊙ n + z ⊙ h(t-1)",
                    "  The activated gates replace xp and W_hn h(t-1) + b_hn goes to aux: the tape Backward reads.",
                    carry ? "  With recurrent dropout in training, the products read hPrev = h(t-1) ⊙ mask and the z term reads hCarry = h(t-1)." : null,
                }.Where(line => line is not null).Select(line => line!).ToArray(),
                RowExtra = tape ? (w, r) => w.Line($"ref float {r.Name("auxUnits")} = ref {UnsafeApi}.Add(ref aux, (({r.Row}) * {layer.PaddedUnits}) + {r.Unit0});") : null,
                BlockExtra = stepBias ? (w, r) => w.Line($"ref float {r.BlockName("bHh")} = ref {UnsafeApi}.Add(ref biasHh, {r.BlockOffset(3 * Block)});") : null,
                NewGateInitial = (f, r, lane) => bias ? f.Load(r.BlockName("bHh"), Offset(2, lane)) : f.Zero,
                Epilogue = e =>
                {
                    var a = e.Accumulators;
                    var v = e.Flavor;
                    e.Writer.Line($"{e.Vector} r = {ActivationCode.Apply(gate, a[0], v)};");
                    e.Writer.Line($"{e.Vector} z = {ActivationCode.Apply(gate, a[1], v)};");
                    e.Writer.Line($"// n = {sa}(xp_n + r ⊙ (W_hn h(t-1) + b_hn))");
                    var xpn = tape ? v.Load(e.Name("xpBlock"), e.GateOffset(2)) : e.Name(KernelEmitter.ProjectionApartName);
                    e.Writer.Line($"{e.Vector} n = {ActivationCode.Apply(act, v.MultiplyAdd("r", a[2], xpn), v)};");
                    if (tape)
                    {
                        StoreGates(e, "r", "z", "n");
                        e.Writer.Line(e.Flavor.Store(a[2], e.Name("auxUnits"), e.LaneOffset));
                    }

                    e.Writer.Line("// h(t) = (1 - z) ⊙ n + z ⊙ h(t-1) = n + z ⊙ (h(t-1) - n)");
                    e.Writer.Line(v.Store(v.MultiplyAdd("z", v.Subtract(v.Load(e.Name("hPrevUnits"), e.LaneOffset), "n"), "n"), e.Name("hUnits"), e.LaneOffset));
                },
            }).Build();
        }

        private static PackedKernel GruGates(LayerPlan layer)
        {
            var minimal = layer.Spec.Minimal;
            var gate = layer.Spec.RecurrentActivation;
            return (Step(layer, layer.Name + "Gates", "ref float w, ref float xp, ref float hPrev, ref float resetHidden, int rows", "ref w, ref xp, ref hPrev, ref resetHidden, rows", 0, layer.GateCount - 1) with
            {
                Documentation = minimal
                    ? new[]
                    {
                        $"{layer.Name} minimal GRU step, pass 1 of 2 (Zhou et al. 2016): f = {ActivationCode.Symbol(gate)}(xp_f + W_hf h(t-1));",
                        "  keeps f in place of its pre-activation and writes f ⊙ h(t-1) for the candidate pass.",
                    }
                    : new[]
                    {
                        $"{layer.Name} GRU step, pass 1 of 2 (reset_after = false, Cho et al.): r, z = {ActivationCode.Symbol(gate)}(xp + W_h· h(t-1));",
                        "  keeps r and z in place of their pre-activations and writes r ⊙ h(t-1) for the candidate pass.",
                    },
                WritesHidden = false,
                RowExtra = (w, r) => w.Line($"ref float {r.Name("rhUnits")} = ref {UnsafeApi}.Add(ref resetHidden, (({r.Row}) * {layer.PaddedUnits}) + {r.Unit0});"),
                Epilogue = e =>
                {
                    var a = e.Accumulators;
                    e.Writer.Line($"{e.Vector} r = {ActivationCode.Apply(gate, a[0], e.Flavor)};{(minimal ? " // the forget gate f" : string.Empty)}");
                    e.Writer.Line(e.Flavor.Store("r", e.Name("xpBlock"), e.GateOffset(0)));
                    if (!minimal)
                    {
                        e.Writer.Line(e.Flavor.Store(ActivationCode.Apply(gate, a[1], e.Flavor), e.Name("xpBlock"), e.GateOffset(1)));
                    }

                    e.Writer.Line(e.Flavor.Store(e.Flavor.Multiply("r", e.Flavor.Load(e.Name("hPrevUnits"), e.LaneOffset)), e.Name("rhUnits"), e.LaneOffset));
                },
            }).Build();
        }

        private static PackedKernel GruCandidate(LayerPlan layer)
        {
            var minimal = layer.Spec.Minimal;
            var candidate = layer.GateCount - 1;
            return (Step(layer, layer.Name + "Candidate", "ref float w, ref float xp, ref float hPrev, ref float resetHidden, ref float hNext, int rows", "ref w, ref xp, ref hPrev, ref resetHidden, ref hNext, rows", candidate, 1) with
            {
                Documentation = minimal
                    ? new[]
                    {
                        $"{layer.Name} minimal GRU step, pass 2 of 2: n = {ActivationCode.Symbol(layer.Spec.Activation)}(xp_n + W_hn (f ⊙ h(t-1))), with b_in + b_hn folded into xp_n;",
                        "  h(t) = (1 - f) ⊙ h(t-1) + f ⊙ n",
                    }
                    : new[]
                    {
                        $"{layer.Name} GRU step, pass 2 of 2: n = {ActivationCode.Symbol(layer.Spec.Activation)}(xp_n + W_hn (r ⊙ h(t-1))), with b_in + b_hn folded into xp_n;",
                        "  h(t) = (1 - z) ⊙ n + z ⊙ h(t-1)",
                    },
                InputIsResetHidden = true,
                Epilogue = e =>
                {
                    var v = e.Flavor;
                    e.Writer.Line($"{e.Vector} n = {ActivationCode.Apply(layer.Spec.Activation, e.Accumulators[0], v)};");
                    e.Writer.Line(e.Flavor.Store("n", e.Name("xpBlock"), e.GateOffset(candidate)));
                    var hPrev = e.Flavor.Load(e.Name("hPrevUnits"), e.LaneOffset);
                    if (minimal)
                    {
                        e.Writer.Line($"{e.Vector} f = {e.Flavor.Load(e.Name("xpBlock"), e.GateOffset(0))};");
                        e.Writer.Line($"{e.Vector} hOld = {hPrev};");
                        e.Writer.Line(v.Store(v.MultiplyAdd("f", v.Subtract("n", "hOld"), "hOld"), e.Name("hUnits"), e.LaneOffset));
                    }
                    else
                    {
                        e.Writer.Line($"{e.Vector} z = {e.Flavor.Load(e.Name("xpBlock"), e.GateOffset(1))};");
                        e.Writer.Line(v.Store(v.MultiplyAdd("z", v.Subtract(hPrev, "n"), "n"), e.Name("hUnits"), e.LaneOffset));
                    }
                },
            }).Build();
        }

        /// <summary>
        /// Whether the GRU (reset after) step takes h(t-1) twice: dropped for the W_hh products, whole for z ⊙ h(t-1).
        /// </summary>
        public static bool SeparateCarry(LayerPlan layer) =>
            layer.Spec.Cell == CellKind.Gru && layer.Spec.ResetAfter && layer.Spec.RecurrentDropout > 0f;

        /// <summary>Writes the activated gates over their pre-activations in xp: the tape Backward reads.</summary>
        private static void StoreGates(KernelEpilogue e, params string[] gates)
        {
            for (var g = 0; g < gates.Length; g++)
            {
                e.Writer.Line(e.Flavor.Store(gates[g], e.Name("xpBlock"), e.GateOffset(g)));
            }
        }

        /// <summary>
        /// Where a step's gates start: from the projection rows in xp, which the step then overwrites with the activated
        /// gates (the tape), or from the input row and W_ih themselves (<see cref="RecurrentFromInput"/>).
        /// </summary>
        /// <param name="Parameters">The kernel's parameters for that source, each followed by ", ".</param>
        /// <param name="Arguments">The matching arguments.</param>
        private sealed record GateSource(string Parameters, string Arguments, bool IsTape)
        {
            public static GateSource Tape { get; } = new("ref float xp, ", "ref xp, ", true);

            public static GateSource FusedInput(bool bias) => bias
                ? new("ref float wIn, ref float biasIh, ref float biasHh, ref float input, ", "ref wIn, ref biasIh, ref biasHh, ref input, ", false)
                : new("ref float wIn, ref float input, ", "ref wIn, ref input, ", false);
        }

        private static StepKernel Step(LayerPlan layer, string name, string parameters, string arguments, int firstGate, int gates) =>
            new(layer, name, parameters, arguments, firstGate, gates);

        private static string Offset(int gate, string lane) =>
            gate == 0 ? lane : $"{(gate * Block).ToString(CultureInfo.InvariantCulture)} + {lane}";

        /// <summary>
        /// A recurrent-step kernel: reads h(t-1) (or r ⊙ h(t-1)) as x, starts each gate from its input projection
        /// and writes h(t) from the epilogue. <see cref="Build"/> turns it into a <see cref="PackedKernel"/>.
        /// </summary>
        private sealed record StepKernel(LayerPlan Layer, string Name, string Parameters, string Arguments, int FirstGate, int Gates)
        {
            public System.Collections.Generic.IReadOnlyList<string> Documentation { get; init; } = System.Array.Empty<string>();

            public System.Action<SourceWriter, KernelRow>? BlockExtra { get; init; }

            public System.Action<SourceWriter, KernelRow>? RowExtra { get; init; }

            /// <summary>Initial accumulator of the GRU candidate gate when it is not folded into xp.</summary>
            public System.Func<VectorFlavor, KernelRow, string, string>? NewGateInitial { get; init; }

            public bool WritesHidden { get; init; } = true;

            /// <summary>Whether the step reads its projection from xp and keeps its gates there for Backward; false for <see cref="RecurrentFromInput"/>.</summary>
            public bool Tape { get; init; } = true;

            public bool InputIsResetHidden { get; init; }

            /// <summary>The parameter the GRU z ⊙ h(t-1) term reads when it is not the products' input.</summary>
            public string? CarrySource { get; init; }

            public System.Action<KernelEpilogue> Epilogue { get; init; } = _ => { };

            public PackedKernel Build()
            {
                var layer = Layer;
                var padded = layer.PaddedUnits;
                var symbols = CellTraits.GateSymbols(layer.Spec);
                var groupSymbols = new string[Gates];
                System.Array.Copy(symbols, FirstGate, groupSymbols, 0, Gates);
                return new PackedKernel(Name, Parameters, Arguments, layer.Spec.Units, Gates, layer.Blocks)
                {
                    GateSymbols = groupSymbols,
                    Documentation = Documentation,
                    BlockSetup = BlockExtra,
                    InputRow = r => $"ref {UnsafeApi}.Add(ref {(InputIsResetHidden ? "resetHidden" : "hPrev")}, ({r.Row}) * {padded})",
                    RowSetup = (w, r) =>
                    {
                        var source = InputIsResetHidden ? "resetHidden" : "hPrev";
                        w.Line($"ref float {r.Name("x")} = ref {UnsafeApi}.Add(ref {source}, ({r.Row}) * {padded});");
                        if (Tape)
                        {
                            w.Line($"ref float {r.Name("xpBlock")} = ref {UnsafeApi}.Add(ref xp, (({r.Row}) * {layer.GateStride}) + ({r.BlockOffset(layer.GateCount * Block)}));");
                        }

                        if (layer.Spec.Cell == CellKind.Gru)
                        {
                            var carry = InputIsResetHidden ? "hPrev" : CarrySource;
                            w.Line(carry is not null
                                ? $"ref float {r.Name("hPrevUnits")} = ref {UnsafeApi}.Add(ref {carry}, (({r.Row}) * {padded}) + {r.Unit0});"
                                : $"ref float {r.Name("hPrevUnits")} = ref {UnsafeApi}.Add(ref {r.Name("x")}, {r.Unit0});");
                        }

                        if (WritesHidden)
                        {
                            w.Line($"ref float {r.Name("hUnits")} = ref {UnsafeApi}.Add(ref hNext, (({r.Row}) * {padded}) + {r.Unit0});");
                        }

                        RowExtra?.Invoke(w, r);
                    },
                    Initial = (f, r, g, lane) =>
                    {
                        var gate = FirstGate + g;
                        if (NewGateInitial is not null && gate == 2)
                        {
                            return NewGateInitial(f, r, lane);
                        }

                        return f.Load(r.Name("xpBlock"), Offset(gate, lane));
                    },
                    Epilogue = Epilogue,
                };
            }
        }
    }
}
