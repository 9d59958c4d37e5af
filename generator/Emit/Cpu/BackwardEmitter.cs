using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Writes <c>Backward</c>: backpropagation through time over the tape the last <c>Forward</c> left. Per layer, top
    /// down: the time loop runs the element-wise cell derivatives and W_hhᵀ products step by step; then every weight
    /// and bias gradient is one GEMM over all steps and sequences, and Wᵢₕᵀ · dG hands dL/dx to the layer below.
    /// </summary>
    internal static class BackwardEmitter
    {
        private const string Gradients = "global::RnnGen.Numerics.PackedGradients";
        private const string Shape = "global::RnnGen.Numerics.PackedShape";
        private const string Rows = "global::RnnGen.Numerics.GateRows";
        private const string Slice = "global::RnnGen.Numerics.GateSlice";

        public static void Emit(SourceWriter w, Plan plan)
        {
            w.Line(GeneratedCode.Attribute);
            w.Line("private global::RnnGen.AlignedBuffer? _backward;");
            w.Line();
            if (HasInputGradients(plan))
            {
                EmitOverloads(w, plan);
                w.Line();
            }

            EmitBackward(w, plan);
            w.Line();
            StateTransferEmitter.EmitInitialStateGradient(w, plan);
        }

        /// <summary>Whether the network reads float inputs, so <c>Backward</c> can also return dL/dx.</summary>
        private static bool HasInputGradients(Plan plan) => plan.Embedding is null;

        /// <summary>The name of the shared body when there are two public overloads.</summary>
        private const string Core = "BackwardThroughTime";

        private static string OutputShape(Plan plan) => plan.ReturnsSequences ? "[steps][batchSize][OutputSize]" : "[batchSize][OutputSize]";

        private static void EmitParameterDocs(SourceWriter w, Plan plan)
        {
            w.Line($"/// <param name=\"outputGradients\">dL/dz for every output row, {OutputShape(plan)}, where z is the head's pre-activation{(plan.Head is null ? " (here: the last layer's h, as there is no head)" : " (the losses in <c>RnnGen.Training</c> fuse the activation and give exactly this)")}.</param>");
            w.Line("/// <param name=\"gradients\">PackedParameterLength floats in the packed parameter layout; gradients are added (+=), so clear it between batches. Read single tensors with <see cref=\"ExportPyTorchGradient\"/>.</param>");
        }

        /// <summary>
        /// A float-input network has two public overloads, without and with dL/dx, over one private body: the old
        /// one passes <c>writeInputGradients: false</c>, so it pays one branch and no GEMM for the inputs.
        /// </summary>
        private static void EmitOverloads(SourceWriter w, Plan plan)
        {
            w.Summary("Backpropagation through time over the batch of the last <c>Forward</c>: adds dL/dθ for every parameter to <paramref name=\"gradients\"/>.");
            EmitParameterDocs(w, plan);
            w.Line("/// <remarks>Full BPTT over the steps of that <c>Forward</c> (for truncated BPTT, run shorter chunks). It consumes the tape: one <c>Backward</c> per <c>Forward</c>. dL/d(initial state) is kept for <see cref=\"InitialStateGradient\"/>. Allocates only on the first call. To also get dL/dx, use the overload with <c>inputGradients</c>.</remarks>");
            w.Line("/// <exception cref=\"global::System.InvalidOperationException\">No <c>Forward</c> ran since the last <c>Backward</c>, or the last call was <c>Predict</c>.</exception>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"public void Backward({ReadOnlySpan} outputGradients, {Span} gradients)"))
            {
                w.Line($"{Core}(outputGradients, gradients, default, false);");
            }

            w.Line();
            w.Summary("Backpropagation through time as <see cref=\"Backward(global::System.ReadOnlySpan{float}, global::System.Span{float})\"/>, and also dL/dx: the gradient of the loss with respect to the inputs of the last <c>Forward</c>, for a trainable module in front of this network.");
            EmitParameterDocs(w, plan);
            w.Line("/// <param name=\"inputGradients\">Receives dL/dx, time-major like the inputs: [steps][batchSize][InputSize] for the last <c>Forward</c>'s steps and batch. Written, not added to (unlike <paramref name=\"gradients\"/>, which accumulates over batches); steps past a sequence's length get exact zeros.</param>");
            w.Line("/// <remarks>dL/dx = W_ihᵀ · dG of the first layer (both directions summed when it is bidirectional; times its input dropout mask in training), one GEMM over every step and sequence after that layer's backward pass. Consumes the tape like the other overload; a call rejected for a wrong-sized span keeps it.</remarks>");
            w.Line("/// <exception cref=\"global::System.InvalidOperationException\">No <c>Forward</c> ran since the last <c>Backward</c>, or the last call was <c>Predict</c>.</exception>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length: the message names it and its expected shape.</exception>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"public void Backward({ReadOnlySpan} outputGradients, {Span} gradients, {Span} inputGradients)"))
            {
                w.Line($"{Core}(outputGradients, gradients, inputGradients, true);");
            }
        }

        private static void EmitBackward(SourceWriter w, Plan plan)
        {
            var bw = plan.Backward;
            var ws = plan.Forward;
            var last = plan.LastGroup;
            var inputGradients = HasInputGradients(plan);
            if (inputGradients)
            {
                w.Summary("The body of both <c>Backward</c> overloads: BPTT, and dL/dx into <paramref name=\"inputGradients\"/> when <paramref name=\"writeInputGradients\"/> is set.");
                EmitParameterDocs(w, plan);
                w.Line("/// <param name=\"inputGradients\">[steps][batchSize][InputSize], written when <paramref name=\"writeInputGradients\"/> is set; ignored otherwise.</param>");
                w.Line("/// <param name=\"writeInputGradients\">Whether the caller asked for dL/dx.</param>");
            }
            else
            {
                w.Summary("Backpropagation through time over the batch of the last <c>Forward</c>: adds dL/dθ for every parameter to <paramref name=\"gradients\"/>.");
                EmitParameterDocs(w, plan);
                w.Line("/// <remarks>Full BPTT over the steps of that <c>Forward</c> (for truncated BPTT, run shorter chunks). It consumes the tape: one <c>Backward</c> per <c>Forward</c>. dL/d(initial state) is kept for <see cref=\"InitialStateGradient\"/>. Allocates only on the first call.</remarks>");
                w.Line("/// <exception cref=\"global::System.InvalidOperationException\">No <c>Forward</c> ran since the last <c>Backward</c>, or the last call was <c>Predict</c>.</exception>");
            }

            w.Line(GeneratedCode.Attribute);
            w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
            using (w.Block(inputGradients
                ? $"private void {Core}({ReadOnlySpan} outputGradients, {Span} gradients, {Span} inputGradients, bool writeInputGradients)"
                : $"public void Backward({ReadOnlySpan} outputGradients, {Span} gradients)"))
            using (InstanceGuard.Enter(w, plan, "Backward"))
            {
                w.Line("if (_steps == 0 || !_keepTape)");
                w.Line("{");
                w.Line("    throw new global::System.InvalidOperationException(_steps == 0");
                w.Line("        ? \"Backward differentiates the last Forward and consumes its tape: run Forward on the batch first.\"");
                w.Line("        : \"Backward differentiates the last Forward, but the last call was Predict, which keeps no tape: run Forward on the batch to train.\");");
                w.Line("}");
                w.Line();
                w.Line("int steps = _steps;");
                w.Line("int batchSize = _batchSize;");
                w.Line("int rows = steps * batchSize;");
                w.Line("// Every check before the tape is touched, so a corrected retry still finds it.");
                w.Line(plan.ReturnsSequences
                    ? "global::RnnGen.Shapes.RequireShape(outputGradients.Length, \"outputGradients\", steps, batchSize, OutputSize);"
                    : "global::RnnGen.Shapes.RequireShape(outputGradients.Length, \"outputGradients\", batchSize, OutputSize);");
                w.Line("global::RnnGen.Shapes.RequireLength(gradients.Length, PackedParameterLength, \"gradients\", \"[PackedParameterLength]\");");
                if (inputGradients)
                {
                    w.Line("if (writeInputGradients)");
                    w.Line("{");
                    w.Line("    global::RnnGen.Shapes.RequireShape(inputGradients.Length, \"inputGradients\", steps, batchSize, InputSize);");
                    w.Line("}");
                }

                StateTransferEmitter.EmitBackwardCheck(w);
                w.Line("if (global::RnnGen.NonFiniteValues.CheckInputs)");
                w.Line("{");
                w.Line("    global::RnnGen.NonFiniteValues.RequireFiniteRows(outputGradients, batchSize, OutputSize, \"outputGradients\"); // checked mode only");
                w.Line("}");
                w.Line();
                w.Line("_steps = 0; // the gate tape is overwritten with gate gradients: one Backward per Forward");
                w.Line("ClearPadding(_parameters.Span); // as in Forward: padding must not turn a 0 into NaN");
                w.Line($"_backward ??= new global::RnnGen.AlignedBuffer({Int(bw.Length)});");
                w.Line($"{Span} ws = _workspace!.Span;");
                w.Line($"{Span} bw = _backward.Span;");
                w.Line($"{ReadOnlySpan} p = _parameters.Span;");
                w.Line("ref float wsRef = ref _workspace!.Reference;");
                w.Line("ref float bwRef = ref _backward.Reference;");
                w.Line(plan.ReturnsSequences ? "int outputRows = rows;" : "int outputRows = batchSize;");
                w.Line($"int firstOutputRow = {(plan.ReturnsSequences ? "0" : "rows - batchSize")};");
                if (plan.Forward.HasDropout)
                {
                    w.Line("bool dropout = _dropoutActive; // the masks that Forward used");
                }

                w.Line("global::System.ReadOnlySpan<int> lengths = _variableLengths ? global::System.MemoryExtensions.AsSpan(_lengths, 0, batchSize) : default;");

                var lastPadded = Int(last.Output.Stride);
                w.Line();
                w.Line("// dL/doutput of the last layer: from the head, or the caller's gradients when there is none.");
                w.Line($"{Span} dTop = bw.Slice({Int(bw.OutputGradients[last.Index])}, rows * {lastPadded});");
                w.Line("dTop.Clear();");
                if (plan.Head is { } head)
                {
                    var op = Int(head.PaddedUnits);
                    var shape = $"new {Shape}({Int(head.Weights.Blocks)}, {Int(head.InputWidth)}, 1)";
                    var rows = $"new {Rows}({op}, 1)";
                    var slice = $"new {Slice}(0, 0, 1)";
                    w.Line($"{Span} dz = bw.Slice({Int(bw.Head)}, outputRows * {op});");
                    w.Line("dz.Clear();");
                    using (w.Block("for (int r = 0; r < outputRows; r++)"))
                    {
                        w.Line($"outputGradients.Slice(r * OutputSize, OutputSize).CopyTo(dz.Slice(r * {op}, OutputSize));");
                    }

                    if (plan.ReturnsSequences)
                    {
                        using (w.Block("if (!lengths.IsEmpty)"))
                        {
                            w.Line($"global::RnnGen.Numerics.SequenceLengths.ClearPadding(dz, {op}, lengths, steps); // padded steps have no loss");
                        }
                    }

                    var headInputs = $"ws.Slice({last.Output.Start} + (firstOutputRow * {lastPadded}))";
                    w.Line(ws.HeadDropout is { } headDropout
                        ? $"{ReadOnlySpan} headInputs = dropout ? {DropoutEmitter.Values(headDropout, "outputRows")} : {headInputs};"
                        : $"{ReadOnlySpan} headInputs = {headInputs};");
                    w.Line($"// dW = Σ dz ⊗ h, db = Σ dz, dh = Wᵀ dz over all output rows.");
                    w.Line($"{Gradients}.AccumulateWeights(gradients.Slice({Int(head.Weights.Offset)}, {Int(head.Weights.Length)}), {shape}, dz, {rows}, {slice}, headInputs, {lastPadded}, outputRows);");
                    if (head.Bias is { } bias)
                    {
                        w.Line($"{Gradients}.AccumulateBias(gradients.Slice({Int(bias.Offset)}, {Int(bias.Length)}), new {Shape}({Int(bias.Blocks)}, 1, 1), dz, {rows}, {slice}, outputRows);");
                    }

                    w.Line($"{Gradients}.AccumulateTransposed(dTop.Slice(firstOutputRow * {lastPadded}), {lastPadded}, p.Slice({Int(head.Weights.Offset)}, {Int(head.Weights.Length)}), {shape}, dz, {rows}, {slice}, outputRows);");
                    if (ws.HeadDropout is { } dropped)
                    {
                        w.Line("if (dropout)");
                        w.Line("{");
                        w.Line($"    {DropoutEmitter.MaskGradient(dropped, $"dTop.Slice(firstOutputRow * {lastPadded})", "(outputRows / batchSize)")} // dL/dh = mask ⊙ Wᵀ dz");
                        w.Line("}");
                    }

                }
                else
                {
                    using (w.Block("for (int r = 0; r < outputRows; r++)"))
                    {
                        w.Line($"outputGradients.Slice(r * OutputSize, OutputSize).CopyTo(dTop.Slice((firstOutputRow + r) * {lastPadded}, OutputSize));");
                    }

                    if (plan.ReturnsSequences)
                    {
                        using (w.Block("if (!lengths.IsEmpty)"))
                        {
                            w.Line($"global::RnnGen.Numerics.SequenceLengths.ClearPadding(dTop, {lastPadded}, lengths, steps); // padded steps have no loss");
                        }
                    }
                }

                for (var index = plan.Groups.Count - 1; index >= 0; index--)
                {
                    EmitGroup(w, plan, plan.Groups[index]);
                }

                StateTransferEmitter.EmitBackwardRelease(w);
                w.Line("ClearPadding(gradients); // the gradient of what is no parameter is exactly 0");
            }
        }

        /// <summary>
        /// One declared layer, backwards: a merged layer first splits dL/doutput between its units; the layer below's
        /// dL/doutput is cleared for the units to add their W_ihᵀ · dG into; then each unit runs BPTT.
        /// </summary>
        private static void EmitGroup(SourceWriter w, Plan plan, LayerGroup group)
        {
            var bw = plan.Backward;
            if (group.Merges)
            {
                var forward = plan.Layers[group.Units[0]];
                var padded = Int(forward.PaddedUnits);
                w.Line();
                w.Line($"// {group.Name}: dL/doutput back through the merge {InferenceEmitter.MergeEquation(group.Spec.MergeMode)} to both directions' dL/dh.");
                foreach (var unit in group.Units)
                {
                    w.Line($"bw.Slice({Int(bw.HiddenGradients[unit])}, rows * {padded}).Clear();");
                }

                w.Line($"global::RnnGen.Numerics.SequenceOps.MergeBackward(bw.Slice({Int(bw.OutputGradients[group.Index])}), {Int(group.Output.Stride)}, ws.Slice({Int(plan.Forward.Layers[group.Units[0]].Hidden)} + (batchSize * {padded})), ws.Slice({Int(plan.Forward.Layers[group.Units[1]].Hidden)} + (batchSize * {padded})), bw.Slice({Int(bw.HiddenGradients[group.Units[0]])}), bw.Slice({Int(bw.HiddenGradients[group.Units[1]])}), {padded}, {Int(group.Spec.Units)}, global::RnnGen.MergeMode.{group.Spec.MergeMode}, batchSize, steps, finalOnly: {Bool(!group.Spec.ReturnSequences)}, lengths);");
            }

            if (group.Index == 0 && HasInputGradients(plan))
            {
                w.Line();
                w.Line("// dL/dx for the caller: written, so cleared here for the units of the first layer to add W_ihᵀ · dG into.");
                w.Line("if (writeInputGradients)");
                w.Line("{");
                w.Line("    inputGradients.Clear();");
                w.Line("}");
            }

            if (group.Index > 0)
            {
                var below = plan.Groups[group.Index - 1];
                w.Line();
                w.Line($"// dL/doutput of {below.Name}: the units of {group.Name} add W_ihᵀ · dG into it.");
                w.Line($"{Span} dBelow{group.Index} = bw.Slice({Int(bw.OutputGradients[below.Index])}, rows * {Int(below.Output.Stride)});");
                w.Line($"dBelow{group.Index}.Clear();");
            }

            foreach (var unit in group.Units)
            {
                EmitLayer(w, plan, plan.Layers[unit]);
            }
        }

        private static void EmitLayer(SourceWriter w, Plan plan, LayerPlan layer)
        {
            var bw = plan.Backward;
            var tape = plan.Forward.Layers[layer.Index];
            var hp = Int(layer.PaddedUnits);
            var gs = Int(layer.GateStride);
            var g = layer.GateCount;
            var dh = bw.HiddenGradients[layer.Index];
            var gateRows = $"new {Rows}({gs}, {Int(g)})";
            var hh = layer.RecurrentWeights;
            string ShapeOf(PackedTensor t) => $"new {Shape}({Int(t.Blocks)}, {Int(t.Columns)}, {Int(t.Gates)})";
            string P(PackedTensor t) => $"p.Slice({Int(t.Offset)}, {Int(t.Length)})";
            string G(PackedTensor t) => $"gradients.Slice({Int(t.Offset)}, {Int(t.Length)})";
            string SliceOf(int tensorGate, int rowGate, int count) => $"new {Slice}({Int(tensorGate)}, {Int(rowGate)}, {Int(count)})";

            w.Line();
            w.Line($"// ---- {layer.Name} ({CellTraits.DisplayName(layer.Spec.Cell)}), backward through time ----");
            w.Line($"{Span} dhRec{layer.Index} = bw.Slice({Int(bw.Recurrent)}, batchSize * {hp});");
            w.Line($"dhRec{layer.Index}.Clear();");
            if (tape.Cell >= 0)
            {
                w.Line($"bw.Slice({Int(bw.Cell)}, batchSize * {hp}).Clear();");
            }

            StateTransferEmitter.EmitFinalGradient(w, plan, layer);

            // With recurrent dropout the W_hhᵀ products give dL/d(h(t-1) ⊙ mask): they go to a scratch row that the
            // mask then joins to dL/dh(t-1). Without it they add straight into dL/dh(t-1).
            var recurrentDropout = tape.RecurrentDropout;
            var products = $"dhRec{layer.Index}";
            if (recurrentDropout is not null)
            {
                products = $"dhProducts{layer.Index}";
                w.Line($"{Span} {products} = dropout ? bw.Slice({Int(bw.Dropped)}, batchSize * {hp}) : dhRec{layer.Index};");
            }

            using (w.Block("for (int t = steps - 1; t >= 0; t--)"))
            {
                w.Line($"int stepRow = t * batchSize;");
                w.Line($"ref float dH = ref {Unsafe}.Add(ref bwRef, {Int(dh)} + (stepRow * {hp}));");
                w.Line($"ref float gates = ref {Unsafe}.Add(ref wsRef, {Int(tape.Gates)} + (stepRow * {gs}));");
                w.Line($"{Span} gateSpan = ws.Slice({Int(tape.Gates)} + (stepRow * {gs}), batchSize * {gs});");
                w.Line($"ref float hPrev = ref {Unsafe}.Add(ref wsRef, {Int(tape.Hidden)} + (stepRow * {hp}));");
                w.Line($"ref float dhRec = ref {Unsafe}.Add(ref bwRef, {Int(bw.Recurrent)});");
                using (w.Block("if (!lengths.IsEmpty)"))
                {
                    w.Line("// A sequence that has ended by step t passes dL/dh (and dL/dc) through this padded step unchanged.");
                    w.Line($"global::RnnGen.Numerics.SequenceLengths.CopyFinished(dhRec{layer.Index}, bw.Slice({Int(bw.HeldHidden)}, batchSize * {hp}), {hp}, lengths, t);");
                    if (tape.Cell >= 0)
                    {
                        w.Line($"global::RnnGen.Numerics.SequenceLengths.CopyFinished(bw.Slice({Int(bw.Cell)}, batchSize * {hp}), bw.Slice({Int(bw.HeldCell)}, batchSize * {hp}), {hp}, lengths, t);");
                    }
                }

                var resetTarget = "dhRec";
                var droppedHidden = "hPrev";
                if (recurrentDropout is not null)
                {
                    resetTarget = $"{Marshal}.GetReference({products})";
                    var resetBefore = layer.Spec.Cell == CellKind.Gru && !layer.Spec.ResetAfter;
                    if (resetBefore)
                    {
                        droppedHidden = "hDropped";
                        w.Line("ref float hDropped = ref hPrev;");
                    }

                    using (w.Block("if (dropout)"))
                    {
                        w.Line($"{products}.Clear();");
                        if (resetBefore)
                        {
                            w.Line($"hDropped = ref {Unsafe}.Add(ref wsRef, {Int(recurrentDropout.Values)} + (stepRow * {hp})); // h(t-1) ⊙ mask, which r multiplied");
                        }
                    }
                }

                var recurrentShape = ShapeOf(hh[0]);
                switch (layer.Spec.Cell)
                {
                    case CellKind.Lstm:
                        w.Line($"ref float cPrev = ref {Unsafe}.Add(ref wsRef, {Int(tape.Cell)} + (stepRow * {hp}));");
                        w.Line($"ref float c = ref {Unsafe}.Add(ref cPrev, batchSize * {hp});");
                        w.Line($"ref float dcRec = ref {Unsafe}.Add(ref bwRef, {Int(bw.Cell)});");
                        var peepholes = layer.Peepholes is { } peep ? $", ref {Marshal}.GetReference({P(peep)})" : string.Empty;
                        w.Line($"{layer.Name}BackwardCell(ref dH, ref gates, ref cPrev, ref c, ref dhRec, ref dcRec{peepholes}, batchSize);");
                        w.Line($"{Gradients}.AccumulateTransposed({products}, {hp}, {P(hh[0])}, {recurrentShape}, gateSpan, {gateRows}, {SliceOf(0, 0, g)}, batchSize);");
                        break;
                    case CellKind.Gru when layer.Spec.ResetAfter:
                        w.Line($"ref float aux = ref {Unsafe}.Add(ref wsRef, {Int(tape.Aux)} + (stepRow * {hp}));");
                        w.Line($"{layer.Name}BackwardCell(ref dH, ref gates, ref hPrev, ref aux, ref dhRec, batchSize);");
                        w.Line($"{Gradients}.AccumulateTransposed({products}, {hp}, {P(hh[0])}, {recurrentShape}, gateSpan, {gateRows}, {SliceOf(0, 0, 2)}, batchSize);");
                        w.Line($"{Gradients}.AccumulateTransposed({products}, {hp}, {P(hh[0])}, {recurrentShape}, ws.Slice({Int(tape.Aux)} + (stepRow * {hp}), batchSize * {hp}), new {Rows}({hp}, 1), {SliceOf(2, 0, 1)}, batchSize);");
                        break;
                    case CellKind.Gru:
                        w.Line($"{Span} dResetHidden = bw.Slice({Int(bw.ResetHidden)}, batchSize * {hp});");
                        var forget = layer.Spec.Minimal ? $", ref {Unsafe}.Add(ref bwRef, {Int(bw.Forget)})" : string.Empty;
                        w.Line($"{layer.Name}BackwardCandidate(ref dH, ref gates, ref hPrev, ref dhRec{forget}, batchSize);");
                        w.Line("dResetHidden.Clear();");
                        w.Line($"{Gradients}.AccumulateTransposed(dResetHidden, {hp}, {P(hh[1])}, {ShapeOf(hh[1])}, gateSpan, {gateRows}, {SliceOf(0, hh[1].FirstGate, 1)}, batchSize);");
                        w.Line($"{layer.Name}BackwardReset(ref gates, ref {droppedHidden}, ref {Marshal}.GetReference(dResetHidden), ref {resetTarget}{forget}, batchSize);");
                        w.Line($"{Gradients}.AccumulateTransposed({products}, {hp}, {P(hh[0])}, {recurrentShape}, gateSpan, {gateRows}, {SliceOf(0, 0, hh[0].Gates)}, batchSize);");
                        break;
                    default:
                        w.Line($"ref float h = ref {Unsafe}.Add(ref hPrev, batchSize * {hp});");
                        w.Line($"{layer.Name}BackwardCell(ref dH, ref gates, ref h, ref dhRec, batchSize);");
                        w.Line($"{Gradients}.AccumulateTransposed({products}, {hp}, {P(hh[0])}, {recurrentShape}, gateSpan, {gateRows}, {SliceOf(0, 0, g)}, batchSize);");
                        break;
                }

                if (recurrentDropout is not null)
                {
                    w.Line("if (dropout)");
                    w.Line("{");
                    w.Line($"    {DropoutEmitter.Masks}.MultiplyAdd({products}, {DropoutEmitter.Mask(recurrentDropout)}, dhRec{layer.Index}); // dL/dh(t-1) += mask ⊙ W_hhᵀ · dG");
                    w.Line("}");
                }

                using (w.Block("if (!lengths.IsEmpty)"))
                {
                    w.Line($"global::RnnGen.Numerics.SequenceLengths.CopyFinished(bw.Slice({Int(bw.HeldHidden)}, batchSize * {hp}), dhRec{layer.Index}, {hp}, lengths, t);");
                    if (tape.Cell >= 0)
                    {
                        w.Line($"global::RnnGen.Numerics.SequenceLengths.CopyFinished(bw.Slice({Int(bw.HeldCell)}, batchSize * {hp}), bw.Slice({Int(bw.Cell)}, batchSize * {hp}), {hp}, lengths, t);");
                    }

                    w.Line($"global::RnnGen.Numerics.SequenceLengths.ClearFinished(gateSpan, {gs}, lengths, t); // no gate gradient at a padded step");
                    if (tape.Aux >= 0 && layer.Spec.ResetAfter)
                    {
                        w.Line($"global::RnnGen.Numerics.SequenceLengths.ClearFinished(ws.Slice({Int(tape.Aux)} + (stepRow * {hp}), batchSize * {hp}), {hp}, lengths, t);");
                    }
                }
            }

            w.Line($"dhRec{layer.Index}.CopyTo(bw.Slice({Int(bw.InitialHidden[layer.Index])}, batchSize * {hp})); // dL/dh(-1)");
            if (tape.Cell >= 0)
            {
                w.Line($"bw.Slice({Int(bw.Cell)}, batchSize * {hp}).CopyTo(bw.Slice({Int(bw.InitialCell[layer.Index])}, batchSize * {hp})); // dL/dc(-1)");
            }

            // Weight and bias gradients: one GEMM each over every step and sequence.
            w.Line($"{ReadOnlySpan} dGates{layer.Index} = ws.Slice({Int(tape.Gates)}, rows * {gs});");
            w.Line(recurrentDropout is not null
                ? $"{ReadOnlySpan} previousHidden{layer.Index} = dropout ? {DropoutEmitter.Values(recurrentDropout, "rows")} : ws.Slice({Int(tape.Hidden)}, rows * {hp}); // what W_hh multiplied"
                : $"{ReadOnlySpan} previousHidden{layer.Index} = ws.Slice({Int(tape.Hidden)}, rows * {hp});");
            var inputDropout = tape.InputDropout;
            string inputs;
            string inputStride;
            var tokens = layer.Input.Kind == InputKind.ReversedTokens ? "_reversedTokens!" : "_tokens!";
            if (layer.Input.Rows is { } rowsInput)
            {
                inputs = $"ws.Slice({rowsInput.Start})";
                inputStride = Int(rowsInput.Stride);
            }
            else
            {
                var embedding = plan.Embedding!;
                var d = Int(embedding.Dimension);
                w.Line($"{Span} embeddingRows{layer.Index} = bw.Slice({Int(bw.Embedding)}, rows * {d});");
                using (w.Block(inputDropout is not null ? "for (int r = 0; !dropout && r < rows; r++)" : "for (int r = 0; r < rows; r++)"))
                {
                    w.Line($"p.Slice({Int(embedding.Offset)} + ({tokens}[r] * {d}), {d}).CopyTo(embeddingRows{layer.Index}.Slice(r * {d}, {d}));");
                }

                inputs = $"embeddingRows{layer.Index}";
                inputStride = d;
            }

            if (inputDropout is not null)
            {
                w.Line($"{ReadOnlySpan} layerInputs{layer.Index} = dropout ? {DropoutEmitter.Values(inputDropout, "rows")} : {inputs}; // what W_ih multiplied");
                inputs = $"layerInputs{layer.Index}";
            }

            w.Line($"// dW_ih = Σ dG ⊗ x, dW_hh = Σ dG ⊗ h(t-1), db = Σ dG, over all {Int(layer.GateCount)} gates and every row.");
            w.Line($"{Gradients}.AccumulateWeights({G(layer.InputWeights)}, {ShapeOf(layer.InputWeights)}, dGates{layer.Index}, {gateRows}, {SliceOf(0, 0, g)}, {inputs}, {inputStride}, rows);");
            var aux = tape.Aux >= 0 ? $"ws.Slice({Int(tape.Aux)}, rows * {hp})" : string.Empty;
            var auxRows = $"new {Rows}({hp}, 1)";
            if (layer.Spec.Cell == CellKind.Gru && layer.Spec.ResetAfter)
            {
                w.Line($"{Gradients}.AccumulateWeights({G(hh[0])}, {ShapeOf(hh[0])}, dGates{layer.Index}, {gateRows}, {SliceOf(0, 0, 2)}, previousHidden{layer.Index}, {hp}, rows);");
                w.Line($"{Gradients}.AccumulateWeights({G(hh[0])}, {ShapeOf(hh[0])}, {aux}, {auxRows}, {SliceOf(2, 0, 1)}, previousHidden{layer.Index}, {hp}, rows);");
            }
            else if (layer.Spec.Cell == CellKind.Gru)
            {
                w.Line($"{Gradients}.AccumulateWeights({G(hh[0])}, {ShapeOf(hh[0])}, dGates{layer.Index}, {gateRows}, {SliceOf(0, 0, hh[0].Gates)}, previousHidden{layer.Index}, {hp}, rows);");
                w.Line($"{Gradients}.AccumulateWeights({G(hh[1])}, {ShapeOf(hh[1])}, dGates{layer.Index}, {gateRows}, {SliceOf(0, hh[1].FirstGate, 1)}, {aux}, {hp}, rows); // input of W_hn: r ⊙ h(t-1)");
            }
            else
            {
                w.Line($"{Gradients}.AccumulateWeights({G(hh[0])}, {ShapeOf(hh[0])}, dGates{layer.Index}, {gateRows}, {SliceOf(0, 0, g)}, previousHidden{layer.Index}, {hp}, rows);");
            }

            if (layer.Peepholes is { } peepholeTensor)
            {
                var peep = CellTraits.PeepholeSymbols(layer.Spec);
                w.Line("// dp = Σ da ⊙ c over every row: c(t-1) for i and f, c(t) for o.");
                for (var k = 0; k < peep.Length; k++)
                {
                    var cellRows = peep[k] == "o" ? $"ws.Slice({Int(tape.Cell)} + (batchSize * {hp}), rows * {hp})" : $"ws.Slice({Int(tape.Cell)}, rows * {hp})";
                    w.Line($"{Gradients}.AccumulateDiagonal({G(peepholeTensor)}, {ShapeOf(peepholeTensor)}, {Int(k)}, dGates{layer.Index}, {gateRows}, {Int(CellTraits.Gate(layer.Spec, peep[k]))}, {cellRows}, {hp}, rows);");
                }
            }

            if (layer.InputBias is { } bih && layer.RecurrentBias is { } bhh)
            {
                w.Line($"{Gradients}.AccumulateBias({G(bih)}, {ShapeOf(bih)}, dGates{layer.Index}, {gateRows}, {SliceOf(0, 0, g)}, rows);");
                if (layer.Spec.Cell == CellKind.Gru && layer.Spec.ResetAfter)
                {
                    w.Line($"{Gradients}.AccumulateBias({G(bhh)}, {ShapeOf(bhh)}, dGates{layer.Index}, {gateRows}, {SliceOf(0, 0, 2)}, rows);");
                    w.Line($"{Gradients}.AccumulateBias({G(bhh)}, {ShapeOf(bhh)}, {aux}, {auxRows}, {SliceOf(2, 0, 1)}, rows);");
                }
                else
                {
                    w.Line($"{Gradients}.AccumulateBias({G(bhh)}, {ShapeOf(bhh)}, dGates{layer.Index}, {gateRows}, {SliceOf(0, 0, g)}, rows);");
                }
            }

            if (layer.Group > 0)
            {
                var below = plan.Groups[layer.Group - 1];
                var stride = Int(below.Output.Stride);
                var target = $"dBelow{layer.Group}";
                var scratch = bw.InputGradients[layer.Group];
                if (scratch >= 0)
                {
                    // Through scratch rows: masked alone, and returned to time order for a reversed unit.
                    target = $"dInput{layer.Index}";
                    w.Line($"{Span} {target} = bw.Slice({Int(scratch)}, rows * {stride});");
                    w.Line($"{target}.Clear();");
                }

                w.Line($"// dL/dx of {layer.Name}: W_ihᵀ · dG for every row.");
                w.Line($"{Gradients}.AccumulateTransposed({target}, {stride}, {P(layer.InputWeights)}, {ShapeOf(layer.InputWeights)}, dGates{layer.Index}, {gateRows}, {SliceOf(0, 0, g)}, rows);");
                EmitInputMask(w, inputDropout, target);
                if (scratch >= 0)
                {
                    w.Line(layer.Reverse
                        ? $"global::RnnGen.Numerics.SequenceOps.AddReversed({target}, dBelow{layer.Group}, batchSize * {stride}, steps, lengths); // back to time order"
                        : $"global::RnnGen.Numerics.SequenceOps.Add({target}, dBelow{layer.Group});");
                }
            }
            else if (HasInputGradients(plan))
            {
                EmitCallerInputGradients(w, plan, layer, $"{P(layer.InputWeights)}, {ShapeOf(layer.InputWeights)}, dGates{layer.Index}, {gateRows}, {SliceOf(0, 0, g)}, rows", inputDropout);
            }
            else if (plan.Embedding is { } embedding)
            {
                var d = Int(embedding.Dimension);
                w.Line("// dL/dE[token] += W_ihᵀ · dG for every row (rows with the same token add up).");
                w.Line($"embeddingRows{layer.Index}.Clear();");
                w.Line($"{Gradients}.AccumulateTransposed(embeddingRows{layer.Index}, {d}, {P(layer.InputWeights)}, {ShapeOf(layer.InputWeights)}, dGates{layer.Index}, {gateRows}, {SliceOf(0, 0, g)}, rows);");
                EmitInputMask(w, inputDropout, $"embeddingRows{layer.Index}");
                w.Line($"{Gradients}.ScatterAddRows(gradients.Slice({Int(embedding.Offset)}, {Int(embedding.Length)}), {d}, global::System.MemoryExtensions.AsSpan({tokens}, 0, rows), embeddingRows{layer.Index});");
            }
        }

        /// <summary>
        /// The first layer's dL/dx for the caller, only when asked: dX = W_ihᵀ · dG as one GEMM over every step and
        /// sequence (the same packed product that feeds the layers below a deeper layer), straight into the caller's
        /// rows (stride InputSize, the width of W_ih) for a lone forward unit; through scratch rows when the input is
        /// masked per unit, reversed, or shared by two units.
        /// </summary>
        private static void EmitCallerInputGradients(SourceWriter w, Plan plan, LayerPlan layer, string product, DropoutTape? inputDropout)
        {
            var scratch = plan.Backward.InputGradients[0];
            var target = scratch >= 0 ? $"dInput{layer.Index}" : "inputGradients";
            using (w.Block("if (writeInputGradients)"))
            {
                if (scratch >= 0)
                {
                    w.Line($"{Span} {target} = bw.Slice({Int(scratch)}, rows * InputSize);");
                    w.Line($"{target}.Clear();");
                }

                w.Line($"// dL/dx of {layer.Name}: dX[row] = W_ihᵀ · dG[row] for every step and sequence (exact zeros at padded steps, whose dG is 0).");
                w.Line($"{Gradients}.AccumulateTransposed({target}, InputSize, {product});");
                EmitInputMask(w, inputDropout, target);
                if (scratch >= 0)
                {
                    w.Line(layer.Reverse
                        ? $"global::RnnGen.Numerics.SequenceOps.AddReversed({target}, inputGradients, batchSize * InputSize, steps, lengths); // back to time order"
                        : $"global::RnnGen.Numerics.SequenceOps.Add({target}, inputGradients);");
                }
            }
        }

        /// <summary>dL/dx = mask ⊙ (W_ihᵀ · dG) when the layer's input was dropped.</summary>
        private static void EmitInputMask(SourceWriter w, DropoutTape? dropout, string gradient)
        {
            if (dropout is null)
            {
                return;
            }

            w.Line("if (dropout)");
            w.Line("{");
            w.Line($"    {DropoutEmitter.MaskGradient(dropout, gradient, "steps")}");
            w.Line("}");
        }
    }
}
