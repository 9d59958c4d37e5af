using System.Linq;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Writes <c>RunBlocks</c>, the time loop of a wide unit on several cores: each step's unit blocks are split
    /// across the threads (one fork-join per step) instead of the batch's rows. Split by rows, every core streams the
    /// whole W_hh each step, and a W_hh past half of a core's L2 (LSTM 256: 1 MB) then comes from the shared L3 on
    /// both cores at once; split by blocks, each core reads its own half, which stays in its L2. Every block of every
    /// row gets the same arithmetic as in the one-thread loop, so the results do not depend on the thread count.
    /// </summary>
    internal static class BlockParallelEmitter
    {
        /// <summary>W_hh bytes from which a unit's steps are split by blocks: half of a current x64 core's 1 MiB L2.</summary>
        private const int MinRecurrentWeightBytes = 512 * 1024;

        /// <summary>Blocks per thread below which a step stays on one thread.</summary>
        private const int MinBlocksPerThread = 2;

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
            EmitRunBlocks(w, plan, units);
            EmitUnitBlocks(w, plan, units);
            RowParallelEmitter.EmitJob(w, "The block ranges of one step of one unit, handed to the worker threads.", "BlockJob", model, new[] { "int Unit", "int Step" }, () =>
                w.Line("public void Run(int start, int count) => _model.UnitBlocks(Unit, Step, start, count);"));
        }

        private static void EmitRunBlocks(SourceWriter w, Plan plan, System.Collections.Generic.List<LayerPlan> units)
        {
            w.Summary("Runs a wide unit's time loop, each step's unit blocks split across up to <c>RowParallel.MaxThreads</c> threads; on one thread, the row loop.");
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
                w.Line($"{Span} workspace = _workspace!.Span;");
                w.Line("global::System.ReadOnlySpan<int> lengths = _variableLengths ? global::System.MemoryExtensions.AsSpan(_lengths, 0, batchSize) : default;");
                w.Line("int steps = _steps;");
                RowParallelEmitter.EmitUnitSwitch(w, units, layer =>
                {
                    using (w.Block("for (int t = 0; t < steps; t++)"))
                    {
                        w.Line("job.Step = t;");
                        w.Line($"global::RnnGen.Threading.RowParallel.For(job, {Int(layer.RecurrentWeights[0].Blocks)}, {Int(MinBlocksPerThread)});");
                        InferenceEmitter.EmitHoldFinished(w, layer, plan.Forward.Layers[layer.Index], "0", "batchSize");
                    }
                });
            }

            w.Line();
        }

        private static void EmitUnitBlocks(SourceWriter w, Plan plan, System.Collections.Generic.List<LayerPlan> units)
        {
            w.Summary("Step t of one unit for every row of the last Forward's batch, unit blocks [first, first + count) only.");
            w.Line(GeneratedCode.Attribute);
            w.Line(InferenceEmitter.FullOptimization);
            using (w.Block("private void UnitBlocks(int unit, int t, int first, int count)"))
            {
                w.Line("ref float p = ref _parameters.Reference;");
                w.Line("ref float ws = ref _workspace!.Reference;");
                w.Line("int batchSize = _batchSize;");
                RowParallelEmitter.EmitUnitSwitch(w, units, layer =>
                {
                    var productInput = InferenceEmitter.EmitStepPointers(w, layer, plan.Forward.Layers[layer.Index], "0");
                    InferenceEmitter.EmitRecurrentCalls(w, layer, "xpStep", productInput, "hPrev", "hNext", "cPrev", "cNext", "aux", "batchSize", blocks: "first, first + count");
                });
            }

            w.Line();
        }
    }
}
