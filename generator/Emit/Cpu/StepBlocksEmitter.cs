using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Splits a wide layer's <c>Step</c> across cores the way its <c>Forward</c> steps are split: each thread runs the
    /// recurrent kernel over its own unit blocks, so each core keeps its part of W_hh in its own L2 instead of one
    /// core streaming the whole of it from L3 every step. The job that carries a call to the worker threads lives in
    /// the <c>State</c>, not in the model, because different states may step on different threads at once; a block
    /// is computed by the same code on any thread, so <c>Step</c> stays bit-identical to <c>Forward</c>. The fork is
    /// brief (<c>RowParallel.For(..., brief: true)</c>): a step spaced from the last (a game's frame) does not pay for
    /// waking a sleeping worker, which costs more than the split saves; steps that come back to back use the workers.
    /// </summary>
    internal static class StepBlocksEmitter
    {
        /// <summary>The layers whose step is split: those whose Forward steps split by blocks, when Step reads the fp32 weights.</summary>
        public static IReadOnlyList<LayerPlan> Units(Plan plan) =>
            plan.CanStream && QuantizedWeights.For(plan) is null
                ? plan.Layers.Where(l => BlockParallelEmitter.SplitsBlocks(l, plan.Forward.Layers[l.Index])).ToList()
                : new List<LayerPlan>();

        /// <summary>The statement that runs <paramref name="layer"/>'s step across threads, or null when it stays on one.</summary>
        public static string? Fork(Plan plan, LayerPlan layer) =>
            Units(plan).Contains(layer) ? $"RunStepBlocks(state, {Int(layer.Index)}); // each thread its own unit blocks" : null;

        /// <summary>The <c>State</c> field that holds the stream's job (only when some layer splits).</summary>
        public static void EmitStateField(SourceWriter w, Plan plan)
        {
            if (Units(plan).Count == 0)
            {
                return;
            }

            w.Line();
            w.Line("/// <summary>Carries this stream's step of a wide layer to the worker threads (one per state: states may step on different threads at once).</summary>");
            w.Line("internal readonly StepJob Blocks;");
            w.Line();
            w.Summary("Creates a zeroed state for one stream.");
            w.Line("public State() => Blocks = new StepJob(this);");
        }

        /// <summary><c>RunStepBlocks</c>, <c>StepBlocks</c> and the <c>StepJob</c> class, reading the state at <paramref name="rows"/>.</summary>
        public static void EmitMembers(SourceWriter w, Plan plan, StepRows rows)
        {
            var units = Units(plan);
            if (units.Count == 0)
            {
                return;
            }

            var model = plan.Spec.Shell.Target.Name + plan.Spec.Shell.Target.TypeParameters;
            w.Line();
            w.Summary("Runs one wide unit's recurrent kernels for <paramref name=\"state\"/>'s stream, its unit blocks split across up to <c>RowParallel.MaxThreads</c> threads.");
            w.Line(GeneratedCode.Attribute);
            using (w.Block("private void RunStepBlocks(State state, int unit)"))
            {
                w.Line("StepJob job = state.Blocks;");
                w.Line("job.Model = this;");
                w.Line("job.Unit = unit;");
                BlockParallelEmitter.EmitForkOverBlocks(w, units, brief: true);
                w.Line("job.Model = null; // the state does not keep the model alive");
            }

            w.Line();
            w.Summary("Step's recurrent kernels of one unit for one stream, unit blocks [first, first + count) only.");
            w.Line(GeneratedCode.Attribute);
            w.Line(InferenceEmitter.FullOptimization);
            using (w.Block("private void StepBlocks(State state, int unit, int first, int count)"))
            {
                w.Line("ref float p = ref _parameters.Reference;");
                w.Line("ref float s = ref state.Buffer.Reference;");
                LayerStepEmitter.EmitRecurrentBlocks(w, plan, rows, units, "first, first + count");
            }

            w.Line();
            w.Line("/// <summary>One stream's step of a wide unit, handed to the worker threads: the model and the unit are set before each fork.</summary>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block("internal sealed class StepJob : global::RnnGen.Threading.IRowRange"))
            {
                w.Line("private readonly State _state;");
                w.Line();
                w.Line("internal StepJob(State state) => _state = state;");
                w.Line();
                w.Line($"internal {model}? Model;");
                w.Line();
                w.Line("internal int Unit;");
                w.Line();
                w.Line("public void Run(int start, int count) => Model!.StepBlocks(_state, Unit, start, count);");
            }
        }
    }
}
