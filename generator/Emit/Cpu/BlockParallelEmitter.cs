using System.Linq;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Writes <c>RunBlocks</c>, the time loop of a wide unit on several cores: each step's unit blocks are split
    /// across the threads instead of the batch's rows, in one <c>RowParallel.ForSteps</c> call for the whole loop (each
    /// thread keeps its blocks from step to step and waits only for the others to finish the step: one cache-line trip
    /// between cores a step, where a fork-join per step took three). Split by rows, every core streams the whole W_hh
    /// each step, and a W_hh past half of a core's L2 (LSTM 256: 1 MB) then comes from the shared L3 on
    /// both cores at once; split by blocks, each core reads its own half, which stays in its L2. Every block of every
    /// row gets the same arithmetic as in the one-thread loop, so the results do not depend on the thread count.
    /// The unit's input projection is split the same way (<c>RunProjectionBlocks</c>), so each core writes the
    /// projections, and later the gates, of the blocks it steps: split by rows, half of every step's projections came
    /// from the other core's cache, and the gates written over them went back.
    /// </summary>
    internal static class BlockParallelEmitter
    {
        /// <summary>W_hh bytes from which a unit's steps are split by blocks: half of a current x64 core's 1 MiB L2.</summary>
        private const int MinRecurrentWeightBytes = 512 * 1024;

        /// <summary>Blocks per thread below which a step stays on one thread.</summary>
        private const int MinBlocksPerThread = 2;

        /// <summary>Rows (steps × sequences) below which a projection stays on the caller, as in the row split.</summary>
        private const int MinProjectionRows = 32;

        /// <summary>
        /// Whether <paramref name="layer"/>'s time loop splits by blocks: a wide W_hh, one recurrent kernel per step
        /// (GRU with reset_after = false needs every unit's r ⊙ h between its two), and no recurrent dropout (whose
        /// masks keep the loop in <c>Forward</c>).
        /// </summary>
        public static bool SplitsBlocks(LayerPlan layer, LayerTape tape) =>
            tape.RecurrentDropout is null
            && (layer.Spec.Cell != CellKind.Gru || layer.Spec.ResetAfter)
            && layer.RecurrentWeights.Sum(weights => weights.Length) * sizeof(float) >= MinRecurrentWeightBytes;

        public static void Emit(SourceWriter w, Plan plan)
        {
            var units = plan.Layers.Where(l => SplitsBlocks(l, plan.Forward.Layers[l.Index])).ToList();
            if (units.Count == 0)
            {
                return;
            }

            var model = plan.Spec.Shell.Target.Name + plan.Spec.Shell.Target.TypeParameters;
            w.Line(GeneratedCode.Attribute);
            w.Line("private BlockJob? _blockJob;");
            w.Line();
            var projected = units.Where(l => ProjectsBlocks(l, plan.Forward.Layers[l.Index])).ToList();
            if (projected.Count > 0)
            {
                EmitRunProjectionBlocks(w, plan, projected);
            }

            EmitRunBlocks(w, units);
            EmitUnitBlocks(w, plan, units);
            RowParallelEmitter.EmitJob(
                w,
                projected.Count > 0 ? "The block ranges of one unit's projection and of its steps, handed to the worker threads." : "The block ranges of one unit's steps, handed to the worker threads.",
                "BlockJob",
                model,
                new[] { "int Unit" },
                () =>
                {
                    if (projected.Count > 0)
                    {
                        w.Line("public void Run(int start, int count) => _model.ProjectionBlocks(Unit, start, count);");
                        w.Line();
                    }

                    w.Line("public void Run(int step, int start, int count) => _model.UnitBlocks(Unit, step, start, count);");
                },
                projected.Count > 0 ? $"{RowParallelEmitter.RowRange}, {RowParallelEmitter.StepRange}" : RowParallelEmitter.StepRange);
        }

        /// <summary>
        /// <c>switch (unit)</c> handing <c>job</c> the unit's blocks, at least <see cref="MinBlocksPerThread"/> per thread;
        /// <paramref name="brief"/> for a call of microseconds (a stream's step), which does not wake sleeping workers.
        /// </summary>
        internal static void EmitForkOverBlocks(SourceWriter w, System.Collections.Generic.IEnumerable<LayerPlan> units, bool brief) =>
            RowParallelEmitter.EmitUnitSwitch(w, units, layer =>
                w.Line($"global::RnnGen.Threading.RowParallel.For(job, {Int(layer.RecurrentWeights[0].Blocks)}, {Int(MinBlocksPerThread)}{(brief ? ", brief: true); // sleeping workers are woken only for steps that come back to back" : ");")}"));

        /// <summary>Whether <paramref name="layer"/>'s projection splits by blocks too: when its steps do and it runs outside <c>Forward</c> (no input dropout).</summary>
        public static bool ProjectsBlocks(LayerPlan layer, LayerTape tape) => SplitsBlocks(layer, tape) && tape.InputDropout is null;

        private static void EmitRunProjectionBlocks(SourceWriter w, Plan plan, System.Collections.Generic.List<LayerPlan> projected)
        {
            w.Summary($"Runs a wide unit's input projection over all rows, its unit blocks split across up to <c>RowParallel.MaxThreads</c> threads as its steps are (from {Int(MinProjectionRows)} rows on); else on the caller.");
            w.Line(GeneratedCode.Attribute);
            using (w.Block("private void RunProjectionBlocks(int unit, int rows)"))
            {
                using (w.Block($"if (rows < {Int(MinProjectionRows)} || global::RnnGen.Threading.RowParallel.MaxThreads == 1)"))
                {
                    w.Line("ProjectionRows(unit, 0, rows);");
                    w.Line("return;");
                }

                w.Line("BlockJob job = _blockJob ??= new BlockJob(this);");
                w.Line("job.Unit = unit;");
                EmitForkOverBlocks(w, projected, brief: false);
            }

            w.Line();
            using (RowParallelEmitter.BeginRangeMethod(w, "One unit's input projection over every row of the last Forward, unit blocks [first, first + count) only.", "private void ProjectionBlocks(int unit, int first, int count)"))
            {
                w.Line("int rows = _steps * batchSize;");
                RowParallelEmitter.EmitUnitSwitch(w, projected, layer =>
                    w.Line(RowParallelEmitter.ProjectionCall(plan, layer, "0", "rows", "first, first + count") + ";"));
            }

            w.Line();
        }

        private static void EmitRunBlocks(SourceWriter w, System.Collections.Generic.List<LayerPlan> units)
        {
            w.Summary("Runs a wide unit's time loop, each step's unit blocks split across up to <c>RowParallel.MaxThreads</c> threads (one call for every step: each thread keeps its blocks and waits only for the others' step); on one thread, the row loop.");
            w.Line(GeneratedCode.Attribute);
            using (w.Block("private void RunBlocks(int unit, int batchSize)"))
            {
                using (w.Block("if (global::RnnGen.Threading.RowParallel.MaxThreads == 1)"))
                {
                    w.Line("UnitRows(unit, 0, batchSize);");
                    w.Line("return;");
                }

                w.Line("BlockJob job = _blockJob ??= new BlockJob(this);");
                w.Line("job.Unit = unit;");
                RowParallelEmitter.EmitUnitSwitch(w, units, layer =>
                    w.Line($"global::RnnGen.Threading.RowParallel.ForSteps(job, _steps, {Int(layer.RecurrentWeights[0].Blocks)}, {Int(MinBlocksPerThread)});"));
            }

            w.Line();
        }

        private static void EmitUnitBlocks(SourceWriter w, Plan plan, System.Collections.Generic.List<LayerPlan> units)
        {
            using (RowParallelEmitter.BeginRangeMethod(w, "Step t of one unit for every row of the last Forward's batch, unit blocks [first, first + count) only (and, of sequences that have ended, only those blocks' state is held).", "private void UnitBlocks(int unit, int t, int first, int count)"))
            {
                RowParallelEmitter.EmitUnitSwitch(w, units, layer =>
                {
                    var tape = plan.Forward.Layers[layer.Index];
                    var productInput = InferenceEmitter.EmitStepPointers(w, layer, tape, "0");
                    InferenceEmitter.EmitRecurrentCalls(w, layer, "xpStep", productInput, "hPrev", "hNext", "cPrev", "cNext", "aux", "batchSize", blocks: "first, first + count", fusedInput: InferenceEmitter.FusedInput(w, layer, tape, "0"));
                    w.Line($"{Span} workspace = _workspace!.Span;");
                    w.Line("global::System.ReadOnlySpan<int> lengths = _variableLengths ? global::System.MemoryExtensions.AsSpan(_lengths, 0, batchSize) : default;");
                    InferenceEmitter.EmitHoldFinished(w, layer, tape, "0", "batchSize", $"first * {Int(Packing.BlockWidth)}, count * {Int(Packing.BlockWidth)}");
                });
            }

            w.Line();
        }
    }
}
