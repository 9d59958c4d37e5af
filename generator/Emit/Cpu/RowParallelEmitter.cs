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

        /// <summary>The runtime interface of a job split by rows.</summary>
        internal const string RowRange = "global::RnnGen.Threading.IRowRange";

        /// <summary>The runtime interface of a job split by rows in lockstep steps (<c>RowParallel.ForSteps</c>).</summary>
        internal const string StepRange = "global::RnnGen.Threading.IStepRange";

        /// <summary>Rows per thread below which a projection stays on one thread.</summary>
        private const int MinProjectionRows = 16;

        public static void Emit(SourceWriter w, Plan plan)
        {
            var loops = plan.Layers.Where(l => plan.Forward.Layers[l.Index].RecurrentDropout is null).ToList();
            var projections = plan.Layers.Where(l => plan.Forward.Layers[l.Index].InputDropout is null).ToList();
            if (loops.Count == 0 && projections.Count == 0)
            {
                return;
            }

            var both = loops.Count > 0 && projections.Count > 0;
            var model = plan.Spec.Shell.Target.Name + plan.Spec.Shell.Target.TypeParameters;
            w.Line(GeneratedCode.Attribute);
            w.Line("private RowJob? _rowJob;");
            w.Line();
            if (projections.Count > 0)
            {
                EmitProjection(w, plan, projections, both);
            }

            if (loops.Count > 0)
            {
                EmitLoops(w, plan, loops, both);
            }

            EmitJob(w, "The row ranges of one unit's projection or loop, handed to the worker threads.", "RowJob", model, both ? new[] { "int Unit", "bool Projection" } : new[] { "int Unit" }, () =>
                EmitRun(w, projections.Count > 0 ? "_model.ProjectionRows(Unit, start, count)" : null, loops.Count > 0 ? "_model.UnitRows(Unit, start, count)" : null));
        }

        /// <summary>
        /// A job's <c>Run(int start, int count)</c>: the one call given, or, with both, <paramref name="projection"/>
        /// when the job's <c>Projection</c> field is set and <paramref name="loop"/> otherwise.
        /// </summary>
        private static void EmitRun(SourceWriter w, string? projection, string? loop)
        {
            if (projection is null || loop is null)
            {
                w.Line($"public void Run(int start, int count) => {projection ?? loop};");
                return;
            }

            using (w.Block("public void Run(int start, int count)"))
            {
                w.Line("if (Projection)");
                w.Line("{");
                w.Line($"    {projection};");
                w.Line("}");
                w.Line("else");
                w.Line("{");
                w.Line($"    {loop};");
                w.Line("}");
            }
        }

        /// <summary>
        /// A job class handed to <c>RowParallel</c>: it holds the model and <paramref name="fields"/> (set before each
        /// fork), and <paramref name="run"/> writes its <c>Run</c> methods: <c>Run(int start, int count)</c> of
        /// <see cref="RowRange"/>, and that of any other of <paramref name="interfaces"/>.
        /// </summary>
        internal static void EmitJob(SourceWriter w, string summary, string name, string model, string[] fields, System.Action run, string interfaces = RowRange)
        {
            w.Line($"/// <summary>{summary}</summary>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"private sealed class {name} : {interfaces}"))
            {
                w.Line($"private readonly {model} _model;");
                w.Line();
                w.Line($"internal {name}({model} model) => _model = model;");
                w.Line();
                foreach (var field in fields)
                {
                    w.Line($"internal {field};");
                    w.Line();
                }

                run();
            }

            w.Line();
        }

        private static void EmitLoops(SourceWriter w, Plan plan, System.Collections.Generic.List<LayerPlan> loops, bool both)
        {
            EmitFork(w, $"Runs a unit's time loop over the batch, split by rows across up to <c>RowParallel.MaxThreads</c> threads from {Int(2 * MinRows)} rows on.", "RunRows", "batchSize", MinRows, both ? "false" : null, "UnitRows");
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
                EmitUnitSwitch(w, loops, layer => InferenceEmitter.EmitTimeLoop(w, layer, plan.Forward.Layers[layer.Index], "start", "count"));
            }

            w.Line();
        }

        /// <summary><c>switch (unit)</c> with one braced case per unit: <paramref name="body"/>, then <c>break</c>.</summary>
        internal static void EmitUnitSwitch(SourceWriter w, System.Collections.Generic.IEnumerable<LayerPlan> units, System.Action<LayerPlan> body)
        {
            using (w.Block("switch (unit)"))
            {
                foreach (var layer in units)
                {
                    w.Line($"case {Int(layer.Index)}: // {layer.Name}");
                    using (w.Block(string.Empty))
                    {
                        body(layer);
                        w.Line("break;");
                    }
                }
            }
        }

        /// <summary>
        /// <c>RunProjection</c> and <c>ProjectionRows</c>: a unit's input projection GEMM over row ranges of all
        /// steps × sequences (units whose input is dropped in training keep their projection in <c>Forward</c>).
        /// </summary>
        private static void EmitProjection(SourceWriter w, Plan plan, System.Collections.Generic.List<LayerPlan> units, bool both)
        {
            EmitFork(w, $"Runs a unit's input projection over all rows, split across up to <c>RowParallel.MaxThreads</c> threads from {Int(2 * MinProjectionRows)} rows on.", "RunProjection", "rows", MinProjectionRows, both ? "true" : null, "ProjectionRows");
            w.Line();
            using (BeginRangeMethod(w, "One unit's input projection over rows [start, start + count) of the last Forward's steps × sequences.", "private void ProjectionRows(int unit, int start, int count)"))
            {
                using (w.Block("switch (unit)"))
                {
                    foreach (var layer in units)
                    {
                        w.Line($"case {Int(layer.Index)}: // {layer.Name}");
                        w.Line($"    {ProjectionCall(plan, layer, "start", "count")};");
                        w.Line("    break;");
                    }
                }
            }

            w.Line();
        }

        /// <summary>
        /// Opens a method that computes one range of a unit's work: its documentation, full optimisation, and the
        /// locals every such body reads (<c>p</c>, <c>ws</c>, <c>batchSize</c>). The caller writes the rest and closes it.
        /// </summary>
        internal static SourceWriter.Scope BeginRangeMethod(SourceWriter w, string summary, string signature)
        {
            w.Summary(summary);
            w.Line(GeneratedCode.Attribute);
            w.Line(InferenceEmitter.FullOptimization);
            var scope = w.Block(signature);
            w.Line("ref float p = ref _parameters.Reference;");
            w.Line("ref float ws = ref _workspace!.Reference;");
            w.Line("int batchSize = _batchSize;");
            return scope;
        }

        /// <summary>
        /// The call of <paramref name="layer"/>'s projection kernel over rows [<paramref name="start"/>,
        /// <paramref name="start"/> + <paramref name="count"/>) of the last Forward's steps × sequences; with
        /// <paramref name="blocks"/> (<c>"first, end"</c>), only those unit blocks' columns.
        /// </summary>
        internal static string ProjectionCall(Plan plan, LayerPlan layer, string start, string count, string? blocks = null)
        {
            var tape = plan.Forward.Layers[layer.Index];
            var input = layer.Input.Kind switch
            {
                InputKind.Tokens => $"{At("p", plan.Embedding!.Offset)}, ref _tokens![{start}]",
                InputKind.ReversedTokens => $"{At("p", plan.Embedding!.Offset)}, ref _reversedTokens![{start}]",
                _ => RowAt(layer.Input.Rows!.Start, layer.Input.Rows.Stride),
            };
            return $"{LayerKernels.ProjectionName(layer)}({InferenceEmitter.ProjectionParameters(layer)}{input}, {RowAt(Int(tape.Gates), layer.GateStride)}, {count}{(blocks is null ? string.Empty : ", " + blocks)})";

            string RowAt(string offset, int stride) => At("ws", start == "0" ? offset : $"{offset} + ({start} * {Int(stride)})");
        }

        /// <summary>
        /// <c>{name}(unit, {count})</c>: hands the rows to <c>RowParallel</c> from twice <paramref name="minRows"/> on,
        /// else runs <paramref name="rowsMethod"/> over them all on the caller.
        /// </summary>
        /// <param name="projection">The value for <c>RowJob.Projection</c>, or null when the job has one kind only.</param>
        private static void EmitFork(SourceWriter w, string summary, string name, string count, int minRows, string? projection, string rowsMethod)
        {
            w.Summary(summary);
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"private void {name}(int unit, int {count})"))
            {
                using (w.Block($"if ({count} >= {Int(2 * minRows)} && global::RnnGen.Threading.RowParallel.MaxThreads > 1)"))
                {
                    w.Line("RowJob job = _rowJob ??= new RowJob(this);");
                    w.Line("job.Unit = unit;");
                    if (projection is not null)
                    {
                        w.Line($"job.Projection = {projection};");
                    }

                    w.Line($"global::RnnGen.Threading.RowParallel.For(job, {count}, {Int(minRows)});");
                }

                using (w.Block("else"))
                {
                    w.Line($"{rowsMethod}(unit, 0, {count});");
                }
            }
        }
    }
}
