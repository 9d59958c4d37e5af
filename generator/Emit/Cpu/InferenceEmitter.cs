using System.Linq;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Writes <c>Forward</c> (whole sequences, a batch at a time, from a zero state) and <c>Step</c> (one step of one
    /// stream, with an explicit <c>State</c>). Both run the same kernels; they differ only in where rows live.
    /// </summary>
    internal static class InferenceEmitter
    {
        // Compiled straight to optimised code, so the first calls are as fast as the millionth: no tier-0 driver
        // calling the kernels through non-inlined dispatchers while the JIT waits to tier up.
        internal const string FullOptimization = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

        public static void Emit(SourceWriter w, Plan plan)
        {
            // The workspace (which is also the training tape) is created by the first call that needs it, so a model
            // used only through Step costs its weights and its states.
            w.Line(GeneratedCode.Attribute);
            w.Line("private global::RnnGen.AlignedBuffer? _workspace;");
            if (plan.Spec.Input.IsEmbedding)
            {
                w.Line(GeneratedCode.Attribute);
                w.Line("private int[]? _tokens;");
            }

            if (plan.NeedsReversedTokens)
            {
                w.Line(GeneratedCode.Attribute);
                w.Line("private int[]? _reversedTokens;");
            }

            w.Line(GeneratedCode.Attribute);
            w.Line("private int _inUse;");

            w.Line(GeneratedCode.Attribute);
            w.Line("private int _steps;");
            w.Line(GeneratedCode.Attribute);
            w.Line("private int _lastSteps;");
            w.Line(GeneratedCode.Attribute);
            w.Line("private int _batchSize;");
            w.Line(GeneratedCode.Attribute);
            w.Line("private readonly int[] _lengths = new int[MaxBatchSize];");
            w.Line(GeneratedCode.Attribute);
            w.Line("private bool _variableLengths;");
            w.Line(GeneratedCode.Attribute);
            w.Line("private bool _keepTape; // whether the last call was Forward (false: Predict, which keeps nothing for Backward)");
            StateTransferEmitter.EmitFields(w);
            w.Line();
            EmitEnsureWorkspace(w, plan);
            w.Line();
            DropoutEmitter.EmitMembers(w, plan);
            EmitForward(w, plan);
            w.Line();
            StateTransferEmitter.EmitMethods(w, plan);
            w.Line();
            RowParallelEmitter.Emit(w, plan);
            BlockParallelEmitter.Emit(w, plan);
            if (plan.CanStream)
            {
                EmitStep(w, plan);
            }
            else
            {
                EmitNoStep(w, plan);
            }
        }

        /// <summary>
        /// <c>EnsureWorkspace()</c>: the Forward workspace and tape, created on first use; its size is the
        /// worst case (MaxSequenceLength x MaxBatchSize), fixed at generation time, so later calls allocate nothing.
        /// Where Predict skips some gate rows (<see cref="ForwardWorkspace.PredictLength"/>) it takes whether the call
        /// keeps the tape: Predict then allocates only the prefix it uses, and the first Forward after it grows the
        /// buffer once, keeping what it holds (the last call's state).
        /// </summary>
        private static void EmitEnsureWorkspace(SourceWriter w, Plan plan)
        {
            var grows = Grows(plan);
            w.Line(GeneratedCode.Attribute);
            using (w.Block(grows ? "private global::RnnGen.AlignedBuffer EnsureWorkspace(bool keepTape)" : "private global::RnnGen.AlignedBuffer EnsureWorkspace()"))
            {
                if (grows)
                {
                    w.Line($"// Predict never touches the fused layers' gate rows, the last {Int(plan.Forward.Length - plan.Forward.PredictLength)} floats.");
                    w.Line($"int floats = keepTape ? {Int(plan.Forward.Length)} : {Int(plan.Forward.PredictLength)};");
                }

                using (w.Block("if (_workspace is null)"))
                {
                    if (plan.Spec.Input.IsEmbedding)
                    {
                        w.Line("_tokens = new int[MaxSequenceLength * MaxBatchSize];");
                    }

                    if (plan.NeedsReversedTokens)
                    {
                        w.Line("_reversedTokens = new int[MaxSequenceLength * MaxBatchSize];");
                    }

                    w.Line($"_workspace = new global::RnnGen.AlignedBuffer({(grows ? "floats" : Int(plan.Forward.Length))}); // last: the others exist whenever it does");
                }

                if (grows)
                {
                    using (w.Block("else if (_workspace.Length < floats)"))
                    {
                        w.Line("global::RnnGen.AlignedBuffer grown = new(floats);");
                        w.Line("_workspace.Span.CopyTo(grown.Span); // the state a continueState call or CopyFinalState reads");
                        w.Line("_workspace = grown;");
                    }
                }

                w.Line();
                w.Line("return _workspace;");
            }
        }

        /// <summary>Whether Predict's workspace is smaller than Forward's, so the buffer may grow once.</summary>
        private static bool Grows(Plan plan) => plan.Forward.PredictLength < plan.Forward.Length;

        /// <summary>The call that gets the workspace, for a call that keeps the tape when <paramref name="keepTape"/> says so.</summary>
        public static string EnsureWorkspaceCall(Plan plan, string keepTape) =>
            Grows(plan) ? $"EnsureWorkspace({keepTape})" : "EnsureWorkspace()";

        /// <summary>The parameter docs Forward and Predict share: inputs (or tokens), lengths, outputs and batchSize.</summary>
        private static void EmitSequenceParameters(SourceWriter w, Plan plan, bool lengths)
        {
            var embedding = plan.Spec.Input.IsEmbedding;
            var outputShape = plan.ReturnsSequences ? "[steps][batchSize][OutputSize]" : "[batchSize][OutputSize]";
            if (!lengths)
            {
                w.Line(embedding
                    ? "/// <param name=\"tokens\">Token ids, time-major: [steps][batchSize], each in [0, VocabularySize); 1 &lt;= steps &lt;= MaxSequenceLength.</param>"
                    : "/// <param name=\"inputs\">Time-major [steps][batchSize][InputSize]; 1 &lt;= steps &lt;= MaxSequenceLength (inferred from the length).</param>");
                w.Line($"/// <param name=\"outputs\">Receives {outputShape}{(plan.Head is null ? string.Empty : ", after the head's activation")}.</param>");
            }
            else
            {
                w.Line(embedding
                    ? "/// <param name=\"tokens\">Token ids, time-major: [steps][batchSize], padded with any valid id; 1 &lt;= steps &lt;= MaxSequenceLength.</param>"
                    : "/// <param name=\"inputs\">Time-major [steps][batchSize][InputSize], padded (with anything) after each sequence's length.</param>");
                w.Line("/// <param name=\"lengths\">Valid steps per sequence, [batchSize], each in [1, steps]; empty: every sequence is full length.</param>");
                w.Line($"/// <param name=\"outputs\">Receives {outputShape}: zero at padded steps{(plan.ReturnsSequences ? string.Empty : "; the output of each sequence's last valid step")}.</param>");
            }

            w.Line("/// <param name=\"batchSize\">Sequences in the batch, 1..MaxBatchSize.</param>");
        }

        /// <summary>The public lengths overload of <c>Forward</c> or <c>Predict</c>: the instance guard around <c>RunSequences</c>.</summary>
        private static void EmitSequenceEntry(SourceWriter w, Plan plan, string member, string inputParameter, string inputName, bool keepTape)
        {
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"public void {member}({inputParameter}, global::System.ReadOnlySpan<int> lengths, {Span} outputs, int batchSize, bool continueState = false)"))
            using (InstanceGuard.Enter(w, plan, member))
            {
                w.Line($"RunSequences({inputName}, lengths, outputs, batchSize, continueState, keepTape: {Bool(keepTape)});");
            }
        }

        /// <summary>The <c>ArgumentException</c> doc of a whole-sequence call.</summary>
        private static void EmitShapeException(SourceWriter w, Plan plan, bool lengths) =>
            w.Line(lengths
                ? "/// <exception cref=\"global::System.ArgumentException\">A span's length does not match its shape, or a length is out of range.</exception>"
                : plan.Spec.Input.IsEmbedding
                    ? "/// <exception cref=\"global::System.ArgumentException\">A span's length does not match its shape, or a token is out of range.</exception>"
                    : "/// <exception cref=\"global::System.ArgumentException\">A span's length does not match its shape.</exception>");

        private static void EmitForward(SourceWriter w, Plan plan)
        {
            var embedding = plan.Spec.Input.IsEmbedding;
            var ws = plan.Forward;
            w.Summary("Runs the network over a batch of sequences, starting from a zero state (or from <c>SetInitialState</c>'s, or the previous call's final state).");
            EmitSequenceParameters(w, plan, lengths: false);
            w.Line("/// <param name=\"continueState\">Start from the final state of the previous <c>Forward</c> (same batch size) instead of zero: stateful runs over consecutive chunks (Keras stateful), and truncated BPTT when each chunk is followed by <c>Backward</c>. Read the final state with <c>CopyFinalState</c>.</param>");
            w.Line("/// <remarks>Allocates nothing after the first call. Uses this instance's workspace: a call that overlaps another <c>Forward</c>, <c>Backward</c> or state call on the same instance (another thread) throws <see cref=\"global::System.InvalidOperationException\"/>. Keeps the tape <c>Backward</c> reads; for inference only, <c>Predict</c> gives the same bits without it.</remarks>");
            EmitShapeException(w, plan, lengths: false);
            w.Line(GeneratedCode.Attribute);
            var inputParameter = embedding ? "global::System.ReadOnlySpan<int> tokens" : $"{ReadOnlySpan} inputs";
            var inputName = embedding ? "tokens" : "inputs";
            w.Line($"public void Forward({inputParameter}, {Span} outputs, int batchSize = 1, bool continueState = false) => Forward({inputName}, default, outputs, batchSize, continueState);");
            w.Line();
            w.Summary("Runs a batch of sequences of different lengths (PyTorch packed-sequence semantics): sequence b has <paramref name=\"lengths\"/>[b] valid steps, padded up to the batch's step count.");
            EmitSequenceParameters(w, plan, lengths: true);
            w.Line("/// <param name=\"continueState\">Start from the previous <c>Forward</c>'s final state, as in the other overload.</param>");
            w.Line("/// <remarks>After its length a sequence's state is held: its final state (<c>CopyFinalState</c>, <c>continueState</c>) is the one at its last valid step, and a reversed or bidirectional layer reverses each sequence within its own length. <c>Backward</c> ignores the output gradients of padded steps and sends no gradient through them.</remarks>");
            EmitShapeException(w, plan, lengths: true);
            EmitSequenceEntry(w, plan, "Forward", inputParameter, inputName, keepTape: true);

            w.Line();
            EmitPredict(w, plan, inputParameter, inputName);
            w.Line();
            w.Summary("The body of <c>Forward</c> and <c>Predict</c>, inside their guard: <paramref name=\"keepTape\"/> is false for <c>Predict</c>, which keeps nothing for <c>Backward</c> and may fuse a unit's input projection into its steps.");
            w.Line(GeneratedCode.Attribute);
            w.Line(FullOptimization);
            using (w.Block($"private void RunSequences({inputParameter}, global::System.ReadOnlySpan<int> lengths, {Span} outputs, int batchSize, bool continueState, bool keepTape)"))
            {
                w.Line($"int steps = global::RnnGen.Shapes.Steps({inputName}.Length, batchSize, {(embedding ? "1" : "InputSize")}, MaxBatchSize, MaxSequenceLength, \"{inputName}\", \"batchSize\");");
                if (embedding)
                {
                    w.Line("global::RnnGen.Shapes.CheckTokens(tokens, VocabularySize, \"tokens\");");
                }

                using (w.Block("if (!lengths.IsEmpty)"))
                {
                    w.Line("global::RnnGen.Numerics.SequenceLengths.Check(lengths, batchSize, steps, \"lengths\");");
                }

                w.Line(plan.ReturnsSequences
                    ? "global::RnnGen.Shapes.RequireShape(outputs.Length, \"outputs\", steps, batchSize, OutputSize);"
                    : "global::RnnGen.Shapes.RequireShape(outputs.Length, \"outputs\", batchSize, OutputSize);");
                if (!embedding)
                {
                    w.Line("if (global::RnnGen.NonFiniteValues.CheckInputs)");
                    w.Line("{");
                    w.Line("    global::RnnGen.NonFiniteValues.RequireFiniteRows(inputs, batchSize, InputSize, \"inputs\"); // checked mode only");
                    w.Line("}");
                }

                w.Line("ref float p = ref _parameters.Reference;");
                w.Line($"global::RnnGen.AlignedBuffer workspaceBuffer = {EnsureWorkspaceCall(plan, "keepTape")};");
                w.Line("ref float ws = ref workspaceBuffer.Reference;");
                w.Line($"{Span} workspace = workspaceBuffer.Span;");
                w.Line("int rows = steps * batchSize;");
                w.Line("if (continueState && (_lastSteps == 0 || _batchSize != batchSize))");
                w.Line("{");
                w.Line("    throw new global::System.InvalidOperationException(\"continueState needs a previous Forward with the same batch size.\");");
                w.Line("}");
                w.Line();
                StateTransferEmitter.EmitForwardCheck(w);
                w.Line("ClearPadding(_parameters.Span); // whatever was written there must not reach a result");
                w.Line("int previousSteps = _lastSteps;");
                w.Line("_steps = steps;");
                w.Line("_lastSteps = steps;");
                w.Line("_batchSize = batchSize;");
                w.Line("_variableLengths = !lengths.IsEmpty;");
                w.Line("_keepTape = keepTape; // read by the time loops (on every thread) and by Backward");
                w.Line("lengths.CopyTo(_lengths); // kept for Backward");
                w.Line(embedding
                    ? "tokens.CopyTo(_tokens!); // kept for Backward"
                    : $"inputs.CopyTo(workspace.Slice({Int(ws.InputOffset)})); // kept for Backward");
                DropoutEmitter.EmitSampling(w, plan);

                if (plan.NeedsReversedTokens)
                {
                    w.Line("global::RnnGen.Numerics.SequenceOps.Reverse(tokens, _reversedTokens!, batchSize, steps, lengths); // for the reversed units");
                }

                foreach (var group in plan.Groups)
                {
                    EmitGroup(w, plan, group);
                }

                w.Line();
                StateTransferEmitter.EmitForwardRelease(w);
                var output = plan.LastGroup.Output;
                var stride = Int(output.Stride);
                var source = plan.ReturnsSequences ? output.Start : $"{output.Start} + ((steps - 1) * batchSize * {stride})";
                w.Line();
                w.Line(plan.ReturnsSequences ? "int outputRows = rows;" : "int outputRows = batchSize; // last step only");
                var headInput = At("ws", source);
                if (ws.HeadDropout is { } headDropout)
                {
                    headInput = "ref headInput";
                    w.Line($"ref float headInput = {At("ws", source)};");
                    using (w.Block("if (dropout)"))
                    {
                        w.Line(DropoutEmitter.Apply(headDropout, $"workspace.Slice({source}, outputRows * {stride})", "(outputRows / batchSize)"));
                        w.Line($"headInput = {At("ws", headDropout.Values)};");
                    }
                }

                EmitOutput(w, plan, headInput, At("ws", plan.Forward.HeadOffset), Int(plan.Forward.HeadOffset), "workspace", source, stride, "outputs");
                if (plan.ReturnsSequences)
                {
                    using (w.Block("if (!lengths.IsEmpty)"))
                    {
                        w.Line("global::RnnGen.Numerics.SequenceLengths.ClearPadding(outputs, OutputSize, lengths, steps); // padded steps output zero");
                    }
                }
            }
        }

        /// <summary>
        /// <c>Predict</c>: <c>Forward</c> for inference only. Same outputs and final state bit for bit, no dropout, and
        /// nothing kept for <c>Backward</c>, so a unit whose steps can read x(t) directly
        /// (<see cref="LayerKernels.FusesProjection"/>) skips the projection pass and the gate tape.
        /// </summary>
        private static void EmitPredict(SourceWriter w, Plan plan, string inputParameter, string inputName)
        {
            var fused = plan.Layers.Where(layer => LayerKernels.FusesProjection(layer)).Select(layer => layer.Name).ToList();
            var speed = fused.Count == 0
                ? "This model has no unit whose input projection Predict fuses into its steps, so it runs Forward's kernels."
                : $"It fuses the input projection into the steps of {string.Join(", ", fused)}: each step reads x(t) itself instead of a projection written to memory and read back, and stores no gates.";
            w.Summary("Runs the network for inference only: the same outputs and final state as <c>Forward</c>, bit for bit, without keeping what <c>Backward</c> needs. Dropout is off whatever <c>Training</c> says.");
            EmitSequenceParameters(w, plan, lengths: false);
            w.Line("/// <param name=\"continueState\">Start from the final state of the previous <c>Forward</c> or <c>Predict</c> (same batch size) instead of zero. <c>CopyFinalState</c> and <c>CarryStateFrom</c> work after it as after <c>Forward</c>.</param>");
            w.Line($"/// <remarks>{speed} A <c>Backward</c> after it throws <see cref=\"global::System.InvalidOperationException\"/>: train with <c>Forward</c>. Allocates nothing after the first call; one call at a time per instance, as <c>Forward</c>.</remarks>");
            w.Line("/// <example><code>");
            var model = plan.Spec.Shell.Target.Name.TrimStart('@');
            w.Line($"/// var outputs = new float[{(plan.ReturnsSequences ? "steps * " : string.Empty)}batchSize * {model}.OutputSize];");
            w.Line($"/// model.Predict({inputName}, outputs, batchSize); // serving: what Forward computes, faster where a unit fuses");
            w.Line("/// </code></example>");
            EmitShapeException(w, plan, lengths: false);
            w.Line(GeneratedCode.Attribute);
            w.Line($"public void Predict({inputParameter}, {Span} outputs, int batchSize = 1, bool continueState = false) => Predict({inputName}, default, outputs, batchSize, continueState);");
            w.Line();
            w.Summary("Runs a batch of sequences of different lengths for inference only: <c>Forward</c>'s results for the same lengths (PyTorch packed-sequence semantics), bit for bit, keeping nothing for <c>Backward</c>.");
            EmitSequenceParameters(w, plan, lengths: true);
            w.Line("/// <param name=\"continueState\">Start from the previous call's final state, as in the other overload.</param>");
            EmitShapeException(w, plan, lengths: true);
            EmitSequenceEntry(w, plan, "Predict", inputParameter, inputName, keepTape: false);
        }

        /// <summary>One declared layer: a reversed copy of its input if a unit needs one, each unit, then the merge.</summary>
        private static void EmitGroup(SourceWriter w, Plan plan, LayerGroup group)
        {
            if (group.ReversedInput >= 0 && group.Input is { } input)
            {
                var block = $"batchSize * {Int(input.Stride)}";
                w.Line();
                w.Line($"// {group.Name} runs (partly) backwards in time: its input rows reversed, step t = step steps-1-t.");
                w.Line($"global::RnnGen.Numerics.SequenceOps.Reverse(workspace.Slice({input.Start}, rows * {Int(input.Stride)}), workspace.Slice({Int(group.ReversedInput)}, rows * {Int(input.Stride)}), {block}, steps, lengths);");
            }

            foreach (var unit in group.Units)
            {
                EmitUnit(w, plan, plan.Layers[unit]);
            }

            if (group.Merges)
            {
                var forward = plan.Forward.Layers[group.Units[0]];
                var reverse = plan.Forward.Layers[group.Units[1]];
                var padded = Int(plan.Layers[group.Units[0]].PaddedUnits);
                var mode = group.Spec.MergeMode;
                w.Line();
                w.Line($"// {group.Name} output: {MergeEquation(mode)} at every step t, the backward direction's h taken from its step steps-1-t{(group.Spec.ReturnSequences ? string.Empty : " (last step only: both final states)")}.");
                w.Line($"global::RnnGen.Numerics.SequenceOps.Merge(workspace.Slice({Int(forward.Hidden)} + (batchSize * {padded})), workspace.Slice({Int(reverse.Hidden)} + (batchSize * {padded})), {padded}, workspace.Slice({Int(group.Output.Offset)}), {Int(group.Output.Stride)}, {Int(group.Spec.Units)}, global::RnnGen.MergeMode.{mode}, batchSize, steps, finalOnly: {Bool(!group.Spec.ReturnSequences)}, lengths);");
            }
        }

        /// <summary>The merge of a bidirectional layer as an equation.</summary>
        public static string MergeEquation(MergeMode mode) => mode switch
        {
            MergeMode.Sum => "h_fwd + h_bwd",
            MergeMode.Multiply => "h_fwd ⊙ h_bwd",
            MergeMode.Average => "(h_fwd + h_bwd) / 2",
            _ => "[h_fwd, h_bwd]",
        };

        /// <summary>One unit: its input projections, its initial state, then its time loop.</summary>
        private static void EmitUnit(SourceWriter w, Plan plan, LayerPlan layer)
        {
            var ws = plan.Forward;
            var tape = ws.Layers[layer.Index];
            var padded = Int(layer.PaddedUnits);
            w.Line();
            w.Line($"// {DocumentationEmitter.LayerSummary(layer)}");
            w.Line("// Input projections of every step and sequence in one pass (biases folded in).");
            var input = layer.Input.Kind switch
            {
                InputKind.Tokens => $"{At("p", plan.Embedding!.Offset)}, ref {Marshal}.GetReference(tokens)",
                InputKind.ReversedTokens => $"{At("p", plan.Embedding!.Offset)}, ref {Marshal}.GetArrayDataReference(_reversedTokens!)",
                _ => At("ws", layer.Input.Rows!.Start),
            };
            var projection = $"{LayerKernels.ProjectionName(layer)}({ProjectionParameters(layer)}{input}, {At("ws", tape.Gates)}, rows);";
            if (tape.InputDropout is { } inputDropout)
            {
                EmitDroppedProjection(w, plan, layer, inputDropout, projection);
                w.Line();
            }
            else
            {
                var run = BlockParallelEmitter.ProjectsBlocks(layer, tape)
                    ? $"RunProjectionBlocks({Int(layer.Index)}, rows); // unit blocks split across cores as in the time loop"
                    : $"RunProjection({Int(layer.Index)}, rows); // rows split across cores";
                if (LayerKernels.FusesProjection(layer))
                {
                    using (w.Block("if (keepTape) // Predict's steps read x(t) themselves"))
                    {
                        w.Line(run);
                    }
                }
                else
                {
                    w.Line(run);
                }
            }

            StateTransferEmitter.EmitInitialSlice(w, layer, tape.Hidden, tape.InitialHidden, "h");
            if (tape.Cell >= 0)
            {
                StateTransferEmitter.EmitInitialSlice(w, layer, tape.Cell, tape.InitialCell, "c");
            }

            if (BlockParallelEmitter.SplitsBlocks(layer, tape))
            {
                w.Line($"RunBlocks({Int(layer.Index)}, batchSize); // the time loop; each step's unit blocks split across cores");
            }
            else if (tape.RecurrentDropout is null)
            {
                w.Line($"RunRows({Int(layer.Index)}, batchSize); // the time loop; rows (independent sequences) split across cores");
            }
            else
            {
                EmitTimeLoop(w, layer, tape, "0", "batchSize"); // recurrent dropout's masks are drawn per call: one thread
            }
        }

        /// <summary>
        /// The time loop of one unit over rows [start, start + count) of the batch: each row is its own sequence for
        /// every step, so row ranges can run on different threads with the same arithmetic per row.
        /// </summary>
        internal static void EmitTimeLoop(SourceWriter w, LayerPlan layer, LayerTape tape, string start, string count)
        {
            using (w.Block(layer.Reverse ? "for (int t = 0; t < steps; t++) // t counts processing steps: input time steps-1-t" : "for (int t = 0; t < steps; t++)"))
            {
                var productInput = EmitStepPointers(w, layer, tape, start);
                EmitRecurrentCalls(w, layer, "xpStep", productInput, "hPrev", "hNext", "cPrev", "cNext", "aux", count, fusedInput: FusedInput(w, layer, tape, start));
                EmitHoldFinished(w, layer, tape, start, count);
            }
        }

        /// <summary>
        /// For a unit whose Predict steps fuse the projection: declares <c>xStep</c>, step t's input rows from
        /// <paramref name="start"/>, and returns it with the <c>xpStep</c> declaration that only the tape branch makes
        /// (Predict may have no gate rows to point at: <see cref="ForwardWorkspace.PredictLength"/>); null (and nothing
        /// written) for any other unit.
        /// </summary>
        internal static FusedStep? FusedInput(SourceWriter w, LayerPlan layer, LayerTape tape, string start)
        {
            if (!LayerKernels.FusesProjection(layer))
            {
                return null;
            }

            w.Line($"ref float xStep = {At("ws", $"{layer.Input.Rows!.Start} + {StepRows(start, layer.InputStride)}")}; // Predict's steps read their input rows");
            return new FusedStep("xStep", tape.Aux >= 0
                ? new[] { XpStepDeclaration(layer, tape, start), AuxDeclaration(layer, tape, start) }
                : new[] { XpStepDeclaration(layer, tape, start) });
        }

        /// <summary>Step t's input rows (<paramref name="Input"/>) and the tape branch's declarations.</summary>
        internal sealed record FusedStep(string Input, string[] TapeDeclarations);

        private static string XpStepDeclaration(LayerPlan layer, LayerTape tape, string start) =>
            $"ref float xpStep = {At("ws", $"{Int(tape.Gates)} + {StepRows(start, layer.GateStride)}")};";

        private static string AuxDeclaration(LayerPlan layer, LayerTape tape, string start) =>
            $"ref float aux = {At("ws", $"{Int(tape.Aux)} + {StepRows(start, layer.PaddedUnits)}")};";

        /// <summary>
        /// Step t's refs (<c>xpStep</c>, <c>hPrev</c>, <c>hNext</c>, and <c>cPrev</c>/<c>cNext</c>/<c>aux</c> where the cell
        /// has them) for rows from <paramref name="start"/> ("0": the whole batch); returns what the W_hh products read.
        /// </summary>
        internal static string EmitStepPointers(SourceWriter w, LayerPlan layer, LayerTape tape, string start)
        {
            var padded = Int(layer.PaddedUnits);
            if (start != "0")
            {
                w.Line($"int row = (t * batchSize) + {start};");
            }

            var fused = LayerKernels.FusesProjection(layer); // a fused unit declares its tape refs in its tape branch
            if (!fused)
            {
                w.Line(XpStepDeclaration(layer, tape, start));
            }

            w.Line($"ref float hPrev = {At("ws", $"{Int(tape.Hidden)} + {StepRows(start, layer.PaddedUnits)}")};");
            w.Line($"ref float hNext = {At("hPrev", $"batchSize * {padded}")};");
            if (tape.Cell >= 0)
            {
                w.Line($"ref float cPrev = {At("ws", $"{Int(tape.Cell)} + {StepRows(start, layer.PaddedUnits)}")};");
                w.Line($"ref float cNext = {At("cPrev", $"batchSize * {padded}")};");
            }

            if (tape.Aux >= 0 && !fused)
            {
                w.Line(AuxDeclaration(layer, tape, start));
            }

            if (tape.RecurrentDropout is not { } recurrentDropout)
            {
                return "hPrev";
            }

            w.Line("ref float hDropped = ref hPrev;");
            using (w.Block("if (dropout)"))
            {
                w.Line("// The W_hh products read h(t-1) ⊙ mask; the state itself is not dropped.");
                w.Line(DropoutEmitter.Apply(recurrentDropout, $"workspace.Slice({Int(tape.Hidden)} + (t * batchSize * {padded}), batchSize * {padded})", "1", $"(t * batchSize * {padded})"));
                w.Line($"hDropped = {At("ws", $"{Int(recurrentDropout.Values)} + (t * batchSize * {padded})")};");
            }

            return "hDropped";
        }

        /// <summary>
        /// The offset of step t's first row (of step t + 1 with <paramref name="next"/>) in a tape of
        /// <paramref name="width"/> floats per row: the whole batch when <paramref name="start"/> is "0", else the
        /// range's rows through <c>row</c>.
        /// </summary>
        private static string StepRows(string start, int width, bool next = false) => start == "0"
            ? $"({(next ? "(t + 1)" : "t")} * batchSize * {Int(width)})"
            : $"({(next ? "(row + batchSize)" : "row")} * {Int(width)})";

        /// <summary>
        /// After step t: rows from <paramref name="start"/> whose sequence has ended keep their state; with
        /// <paramref name="columns"/> (<c>"first, count"</c>), only those columns of each row (a thread's unit blocks).
        /// </summary>
        internal static void EmitHoldFinished(SourceWriter w, LayerPlan layer, LayerTape tape, string start, string count, string? columns = null)
        {
            var padded = Int(layer.PaddedUnits);
            var columnRange = columns is null ? string.Empty : ", " + columns;
            using (w.Block("if (!lengths.IsEmpty)"))
            {
                w.Line("// Sequences that have ended hold their state.");
                foreach (var offset in tape.Cell >= 0 ? new[] { tape.Hidden, tape.Cell } : new[] { tape.Hidden })
                {
                    w.Line($"global::RnnGen.Numerics.SequenceLengths.HoldFinished(workspace.Slice({Int(offset)} + {StepRows(start, layer.PaddedUnits)}, {count} * {padded}), workspace.Slice({Int(offset)} + {StepRows(start, layer.PaddedUnits, next: true)}, {count} * {padded}), {padded}, lengths, t{columnRange});");
                }
            }
        }

        private static void EmitStep(SourceWriter w, Plan plan)
        {
            var embedding = plan.Spec.Input.IsEmbedding;
            var s = plan.Stream;
            var rows = StepRowsOf(plan);
            w.Summary("Advances one stream by one step: reads and updates <paramref name=\"state\"/>, writes this step's output.");
            w.Line("/// <param name=\"state\">The stream's state (from <see cref=\"CreateState\"/>); one per independent stream.</param>");
            w.Line(embedding
                ? "/// <param name=\"token\">This step's token id, in [0, VocabularySize).</param>"
                : "/// <param name=\"input\">This step's input, [InputSize].</param>");
            w.Line("/// <param name=\"output\">Receives this step's output, [OutputSize].</param>");
            w.Line("/// <remarks>Allocates nothing and only reads the weights, so different states may step on different threads at once.</remarks>");
            w.Line(GeneratedCode.Attribute);
            w.Line(FullOptimization);
            var inputParameter = embedding ? "int token" : $"{ReadOnlySpan} input";
            using (w.Block($"public void Step(State state, {inputParameter}, {Span} output)"))
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(state);");
                w.Line(embedding
                    ? "global::RnnGen.Shapes.CheckToken(token, VocabularySize, \"token\");"
                    : "global::RnnGen.Shapes.RequireLength(input.Length, InputSize, \"input\", \"[InputSize]\");");
                w.Line("global::RnnGen.Shapes.RequireLength(output.Length, OutputSize, \"output\", \"[OutputSize]\");");
                if (!embedding)
                {
                    w.Line("if (global::RnnGen.NonFiniteValues.CheckInputs)");
                    w.Line("{");
                    w.Line("    global::RnnGen.NonFiniteValues.RequireFiniteRows(input, 1, InputSize, \"input\"); // checked mode only");
                    w.Line("}");
                }

                w.Line("ref float p = ref _parameters.Reference;");
                QuantizedWeightsEmitter.EmitStepPrologue(w, plan);
                w.Line("ref float s = ref state.Buffer.Reference;");
                w.Line($"{Span} stateSpan = state.Buffer.Span;");
                var quantized = QuantizedWeights.For(plan);
                LayerStepEmitter.Emit(w, plan, rows, quantized, layer => StepBlocksEmitter.Fork(plan, layer));
                w.Line();
                w.Line("const int outputRows = 1;");
                var lastUnit = plan.Layers[plan.Layers.Count - 1];
                var lastHidden = s.HiddenOffsets[lastUnit.Index];
                EmitOutput(w, plan, At("s", lastHidden), At("s", s.HeadOffset), Int(s.HeadOffset), "stateSpan", Int(lastHidden), Int(lastUnit.PaddedUnits), "output");
            }

            StepBlocksEmitter.EmitMembers(w, plan, rows);
        }

        /// <summary>One stream's rows in its <c>State</c> buffer <c>s</c>, as <c>Step</c> reads them.</summary>
        private static StepRows StepRowsOf(Plan plan)
        {
            var s = plan.Stream;
            return new StepRows(
                "s",
                "stateSpan",
                "1",
                Int(s.ProjectionOffset),
                Int(s.NextHiddenOffset),
                Int(s.NextCellOffset),
                Int(s.ScratchOffset),
                layer => Int(s.HiddenOffsets[layer.Index]),
                layer => Int(s.CellOffsets[layer.Index]),
                plan.Spec.Input.IsEmbedding ? $"{At("p", plan.Embedding!.Offset)}, ref token" : $"ref {Marshal}.GetReference(input)",
                "the stream's");
        }

        /// <summary>
        /// A network with a reversed or bidirectional layer needs the whole sequence before its first output, so it
        /// cannot stream: <c>Step</c> and <c>CreateState</c> exist only to turn a call into a clear compile error.
        /// </summary>
        private static void EmitNoStep(SourceWriter w, Plan plan)
        {
            var reason = $"{plan.Spec.Shell.Target.Name.TrimStart('@')} has a layer that runs backwards in time (GoBackwards or Bidirectional), so each output needs the whole sequence: use Forward; Step cannot stream it.";
            var obsolete = $"[global::System.Obsolete(\"{reason}\", true, DiagnosticId = \"{Diagnostics.DiagnosticDescriptors.NoStreamingId}\")]";
            w.Summary("Not available: this network cannot advance one step at a time (see the compile error).");
            w.Line("/// <param name=\"state\">Unused.</param>");
            w.Line(plan.Spec.Input.IsEmbedding ? "/// <param name=\"token\">Unused.</param>" : "/// <param name=\"input\">Unused.</param>");
            w.Line("/// <param name=\"output\">Unused.</param>");
            w.Line(GeneratedCode.Attribute);
            w.Line(obsolete);
            var inputParameter = plan.Spec.Input.IsEmbedding ? "int token" : $"{ReadOnlySpan} input";
            w.Line($"public void Step(object state, {inputParameter}, {Span} output) => throw new global::System.NotSupportedException(\"{reason}\");");
            w.Line();
            w.Summary("Not available: this network cannot advance one step at a time (see the compile error).");
            w.Line("/// <returns>Never returns.</returns>");
            w.Line(GeneratedCode.Attribute);
            w.Line(obsolete);
            w.Line($"public object CreateState() => throw new global::System.NotSupportedException(\"{reason}\");");
        }

        /// <summary>The packed W_ih and bias arguments of a layer's projection kernel.</summary>
        internal static string ProjectionParameters(LayerPlan layer, QuantizedWeights? quantized = null)
        {
            var text = (quantized is null ? At("p", layer.InputWeights.Offset) : quantized.Arguments(layer.InputWeights)) + ", ";
            if (layer.InputBias is { } bih && layer.RecurrentBias is { } bhh)
            {
                text += At("p", bih.Offset) + ", " + At("p", bhh.Offset) + ", ";
            }

            return text;
        }

        /// <summary>
        /// A layer's projection with input dropout: in training it reads masked copies of its input rows (gathered
        /// from the embedding table for token input), otherwise the rows themselves.
        /// </summary>
        private static void EmitDroppedProjection(SourceWriter w, Plan plan, LayerPlan layer, DropoutTape dropout, string projection)
        {
            var gates = At("ws", plan.Forward.Layers[layer.Index].Gates);
            using (w.Block("if (dropout)"))
            {
                w.Line("// x(t) ⊙ mask for every step, kept for Backward.");
                if (plan.Embedding is { } table && layer.Input.Kind != InputKind.Rows)
                {
                    var tokens = layer.Input.Kind == InputKind.Tokens ? "tokens" : "global::System.MemoryExtensions.AsSpan(_reversedTokens!, 0, rows)";
                    w.Line($"{DropoutEmitter.Masks}.ApplyGathered(_parameters.Span.Slice({Int(table.Offset)}, {Int(table.Length)}), {tokens}, {Int(table.Dimension)}, workspace.Slice({Int(dropout.Mask)}, batchSize * {Int(dropout.Stride)}), workspace.Slice({Int(dropout.Values)}, rows * {Int(dropout.Stride)}), batchSize);");
                    w.Line($"{LayerKernels.RowsProjectionName(layer)}({ProjectionParameters(layer)}{At("ws", dropout.Values)}, {gates}, rows);");
                }
                else
                {
                    w.Line(DropoutEmitter.Apply(dropout, $"workspace.Slice({layer.Input.Rows!.Start}, rows * {Int(dropout.Stride)})", "steps"));
                    w.Line($"{LayerKernels.ProjectionName(layer)}({ProjectionParameters(layer)}{At("ws", dropout.Values)}, {gates}, rows);");
                }
            }

            using (w.Block("else"))
            {
                w.Line(projection);
            }
        }

        /// <param name="productInput">The h(t-1) rows the W_hh products read (masked in training with recurrent dropout).</param>
        /// <param name="hPrev">h(t-1) itself, for the GRU's z ⊙ h(t-1) term.</param>
        /// <param name="quantized">The reduced-precision copy Step reads, or null for the fp32 parameters.</param>
        /// <param name="fusedInput">
        /// Step t's input rows where the unit fuses its projection (<see cref="FusedInput"/>): then the call branches on
        /// the instance's <c>_keepTape</c>, Predict running <see cref="LayerKernels.RecurrentFromInput"/>.
        /// </param>
        internal static void EmitRecurrentCalls(SourceWriter w, LayerPlan layer, string xp, string productInput, string hPrev, string hNext, string cPrev, string cNext, string aux, string rows, QuantizedWeights? quantized = null, string? blocks = null, FusedStep? fusedInput = null)
        {
            if (blocks is not null)
            {
                rows += ", " + blocks; // the unit blocks [first, end) of this call
            }

            if (fusedInput is not null)
            {
                var peep = layer.Peepholes is { } p ? At("p", p.Offset) + ", " : string.Empty;
                var state = layer.Spec.Cell == CellKind.Lstm ? $"ref {hNext}, ref {cPrev}, ref {cNext}" : $"ref {hNext}"; // a fused GRU keeps no aux: it is tape
                using (w.Block("if (!_keepTape)"))
                {
                    w.Line($"{LayerKernels.RecurrentFromInputName(layer)}({At("p", layer.RecurrentWeights[0].Offset)}, {peep}{ProjectionParameters(layer)}ref {fusedInput.Input}, ref {productInput}, {state}, {rows}); // Predict: projection fused, no tape");
                }

                using (w.Block("else"))
                {
                    foreach (var declaration in fusedInput.TapeDeclarations)
                    {
                        w.Line(declaration);
                    }

                    EmitRecurrentCalls(w, layer, xp, productInput, hPrev, hNext, cPrev, cNext, aux, rows, quantized);
                }

                return;
            }

            var weights = layer.RecurrentWeights;
            var name = layer.Name;
            var suffix = quantized?.Suffix ?? string.Empty;
            string W(int i) => quantized is null ? At("p", weights[i].Offset) : quantized.Arguments(weights[i]);
            switch (layer.Spec.Cell)
            {
                case CellKind.Lstm:
                    var peepholes = layer.Peepholes is { } peep ? At("p", peep.Offset) + ", " : string.Empty;
                    w.Line($"{name}Recurrent{suffix}({W(0)}, {peepholes}ref {xp}, ref {productInput}, ref {hNext}, ref {cPrev}, ref {cNext}, {rows});");
                    break;
                case CellKind.Gru when layer.Spec.ResetAfter:
                    var bias = layer.RecurrentBias is { } b ? At("p", b.Offset) + ", " : string.Empty;
                    var carry = LayerKernels.SeparateCarry(layer) ? $"ref {hPrev}, " : string.Empty;
                    w.Line($"{name}Recurrent{suffix}({W(0)}, {bias}ref {xp}, ref {productInput}, {carry}ref {hNext}, ref {aux}, {rows});");
                    break;
                case CellKind.Gru:
                    w.Line($"{name}Gates{suffix}({W(0)}, ref {xp}, ref {productInput}, ref {aux}, {rows});");
                    w.Line($"{name}Candidate{suffix}({W(1)}, ref {xp}, ref {hPrev}, ref {aux}, ref {hNext}, {rows});");
                    break;
                default:
                    w.Line($"{name}Recurrent{suffix}({W(0)}, ref {xp}, ref {productInput}, ref {hNext}, {rows});");
                    break;
            }
        }

        /// <summary>Runs the head (or copies the last layer's h) from <paramref name="source"/> rows into the caller's outputs.</summary>
        /// <param name="headRef">A ref to the head's rows; <paramref name="headOffset"/> is their offset in <paramref name="bufferSpan"/>.</param>
        internal static void EmitOutput(SourceWriter w, Plan plan, string source, string headRef, string headOffset, string bufferSpan, string sourceOffset, string sourceStride, string outputs)
        {
            if (plan.Head is { } head)
            {
                var bias = head.Bias is { } b ? At("p", b.Offset) + ", " : string.Empty;
                w.Line($"// Dense head over {(plan.ReturnsSequences ? "every output row" : "the last step")}, then {head.Spec.Activation.ToString().ToLowerInvariant()} per row.");
                w.Line($"HeadProjection({At("p", head.Weights.Offset)}, {bias}{source}, {headRef}, outputRows);");
                using (w.Block("for (int r = 0; r < outputRows; r++)"))
                {
                    w.Line($"global::RnnGen.Numerics.RowActivations.Apply({bufferSpan}.Slice({headOffset} + (r * {Int(head.PaddedUnits)}), OutputSize), {outputs}.Slice(r * OutputSize, OutputSize), global::RnnGen.Activation.{head.Spec.Activation});");
                }
            }
            else if (sourceStride == Int(plan.OutputSize))
            {
                // Rows without padding lie back to back: one block copy (a Forward of 100 × 32 LSTM-128 rows spent
                // 0.1 ms, 6 % of its time on two cores, copying them row by row on one).
                w.Line($"// No head: the output is the last layer's output rows, back to back.");
                w.Line($"{bufferSpan}.Slice({sourceOffset}, outputRows * OutputSize).CopyTo({outputs});");
            }
            else
            {
                w.Line($"// No head: the output is the last layer's output rows.");
                using (w.Block("for (int r = 0; r < outputRows; r++)"))
                {
                    w.Line($"{bufferSpan}.Slice({sourceOffset} + (r * {sourceStride}), OutputSize).CopyTo({outputs}.Slice(r * OutputSize, OutputSize));");
                }
            }
        }
    }
}
