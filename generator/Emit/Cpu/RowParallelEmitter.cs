using System.Linq;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Writes the members that run a unit's time loop over row ranges of the batch: <c>RunRows</c> splits the batch
    /// across cores (<c>RnnGen.Threading.RowParallel</c>) and <c>UnitRows</c> is the loop over one range. A row is one
    /// sequence for every step, so ranges share nothing and each row gets the same arithmetic on any thread: the
    /// results do not depend on the thread count. Units with recurrent dropout keep their loop in <c>Forward</c>.
    /// </summary>
    internal static class RowParallelEmitter
    {
        /// <summary>Rows per thread below which the loop stays on one thread (the kernels work in tiles of up to four rows).</summary>
        private const int MinRows = 4;

        public static bool Applies(Plan plan) => plan.Layers.Any(l => plan.Forward.Layers[l.Index].RecurrentDropout is null);

        public static void Emit(SourceWriter w, Plan plan)
        {
            if (!Applies(plan))
            {
                return;
            }

            var model = plan.Spec.Shell.Target.Name + plan.Spec.Shell.Target.TypeParameters;
            w.Line(GeneratedCode.Attribute);
            w.Line("private RowJob? _rowJob;");
            w.Line();
            w.Summary($"Runs a unit's time loop over the batch, split by rows across up to <c>RowParallel.MaxThreads</c> threads from {Int(2 * MinRows)} rows on.");
            w.Line(GeneratedCode.Attribute);
            using (w.Block("private void RunRows(int unit, int batchSize)"))
            {
                using (w.Block($"if (batchSize >= {Int(2 * MinRows)} && global::RnnGen.Threading.RowParallel.MaxThreads > 1)"))
                {
                    w.Line("RowJob job = _rowJob ??= new RowJob(this);");
                    w.Line("job.Unit = unit;");
                    w.Line($"global::RnnGen.Threading.RowParallel.For(job, batchSize, {Int(MinRows)});");
                }

                using (w.Block("else"))
                {
                    w.Line("UnitRows(unit, 0, batchSize);");
                }
            }

            w.Line();
            w.Summary("One unit's time loop over rows [start, start + count) of the last Forward's batch.");
            w.Line(GeneratedCode.Attribute);
            w.Line(InferenceEmitter.FullOptimization);
            using (w.Block("private void UnitRows(int unit, int start, int count)"))
            {
                w.Line("ref float p = ref _parameters.Reference;");
                w.Line("global::RnnGen.AlignedBuffer workspaceBuffer = _workspace!;");
                w.Line("ref float ws = ref workspaceBuffer.Reference;");
                w.Line($"{Span} workspace = workspaceBuffer.Span;");
                w.Line("int steps = _steps;");
                w.Line("int batchSize = _batchSize;");
                w.Line("global::System.ReadOnlySpan<int> lengths = _variableLengths ? global::System.MemoryExtensions.AsSpan(_lengths, start, count) : default;");
                using (w.Block("switch (unit)"))
                {
                    foreach (var layer in plan.Layers.Where(l => plan.Forward.Layers[l.Index].RecurrentDropout is null))
                    {
                        w.Line($"case {Int(layer.Index)}: // {layer.Name}");
                        using (w.Block(string.Empty))
                        {
                            InferenceEmitter.EmitTimeLoop(w, layer, plan.Forward.Layers[layer.Index], "start", "count");
                            w.Line("break;");
                        }
                    }
                }
            }

            w.Line();
            w.Line("/// <summary>The row ranges of one unit's loop, handed to the worker threads.</summary>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block("private sealed class RowJob : global::RnnGen.Threading.IRowRange"))
            {
                w.Line($"private readonly {model} _model;");
                w.Line();
                w.Line($"internal RowJob({model} model) => _model = model;");
                w.Line();
                w.Line("internal int Unit;");
                w.Line();
                w.Line("public void Run(int start, int count) => _model.UnitRows(Unit, start, count);");
            }

            w.Line();
        }
    }
}
