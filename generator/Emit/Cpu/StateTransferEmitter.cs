using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Writes state in and out of <c>Forward</c> (Keras <c>initial_state</c> / <c>return_state</c>, PyTorch h0 / h_n):
    /// <c>SetInitialState</c> stages a layer's h(-1) (and c(-1)) for the next call, <c>CopyFinalState</c> reads the
    /// last call's final state. Both use the caller's dense [batchSize][units] layout.
    /// </summary>
    internal static class StateTransferEmitter
    {
        private const string Rows = "global::RnnGen.Numerics.PaddedRows";

        public static void EmitFields(SourceWriter w)
        {
            w.Line(GeneratedCode.Attribute);
            w.Line("private readonly bool[] _initialStateStaged = new bool[StateCount];");
            w.Line(GeneratedCode.Attribute);
            w.Line("private int _stagedBatchSize;");
            w.Line(GeneratedCode.Attribute);
            w.Line("private readonly bool[] _finalGradientStaged = new bool[StateCount];");
            w.Line(GeneratedCode.Attribute);
            w.Line("private int _finalGradientBatchSize;");
        }

        /// <summary>In <c>Forward</c>, before any work: a staged state must match the call.</summary>
        public static void EmitForwardCheck(SourceWriter w)
        {
            using (w.Block("if (_stagedBatchSize != 0)"))
            {
                w.Line("if (continueState)");
                w.Line("{");
                w.Line("    throw new global::System.InvalidOperationException(\"SetInitialState staged a starting state and continueState asks for the previous final state; use one or the other.\");");
                w.Line("}");
                w.Line();
                w.Line("if (_stagedBatchSize != batchSize)");
                w.Line("{");
                w.Line("    throw new global::System.ArgumentException($\"SetInitialState staged states for {_stagedBatchSize} sequences, but this Forward has batchSize = {batchSize}.\", \"batchSize\");");
                w.Line("}");
            }

            w.Line();
        }

        /// <summary>In <c>Forward</c>, after the layers: staged states apply to one call only.</summary>
        public static void EmitForwardRelease(SourceWriter w)
        {
            w.Line("global::System.Array.Clear(_initialStateStaged);");
            w.Line("_stagedBatchSize = 0;");
        }

        /// <summary>Slice 0 of a state sequence: the previous final state, a staged state, or zero.</summary>
        public static void EmitInitialSlice(SourceWriter w, LayerPlan layer, int sequence, int staged, string symbol)
        {
            var padded = Int(layer.PaddedUnits);
            var slice0 = $"workspace.Slice({Int(sequence)}, batchSize * {padded})";
            using (w.Block("if (continueState)"))
            {
                w.Line($"workspace.Slice({Int(sequence)} + (previousSteps * batchSize * {padded}), batchSize * {padded}).CopyTo({slice0}); // {symbol}(-1) = last {symbol}");
            }

            using (w.Block($"else if (_initialStateStaged[{Int(layer.Index)}])"))
            {
                w.Line($"workspace.Slice({Int(staged)}, batchSize * {padded}).CopyTo({slice0}); // {symbol}(-1) from SetInitialState");
            }

            using (w.Block("else"))
            {
                w.Line($"{slice0}.Clear(); // {symbol}(-1) = 0");
            }

            w.Line();
        }

        public static void EmitMethods(SourceWriter w, Plan plan)
        {
            EmitSetInitialState(w, plan);
            w.Line();
            EmitCopyFinalState(w, plan);
            w.Line();
            if (plan.CanStream)
            {
                EmitCarryStateFrom(w, plan);
            }
            else
            {
                EmitNoCarryStateFrom(w, plan);
            }

            w.Line();
            EmitSetFinalStateGradient(w, plan);
        }

        /// <summary>
        /// <c>CarryStateFrom(step)</c>: every layer's state after <c>step</c> steps of the last <c>Forward</c> becomes
        /// the next call's starting state. Overlapping TBPTT(k1, k2) windows start mid-way through the previous one.
        /// </summary>
        private static void EmitCarryStateFrom(SourceWriter w, Plan plan)
        {
            w.Summary("Stages every layer's state after <paramref name=\"step\"/> steps of the last <c>Forward</c> as the state the next <c>Forward</c> starts from (same batch size). <c>CarryStateFrom(steps of the last call)</c> is <c>continueState: true</c>; a smaller step resumes part-way, which is how overlapping truncated-BPTT windows (<see cref=\"global::RnnGen.Training.TruncatedBptt\"/>, k2 &gt; k1) move on.");
            w.Line("/// <param name=\"step\">Steps of the last <c>Forward</c>, 0..its step count (0: the state it started from).</param>");
            w.Line("/// <remarks>Applies to the next <c>Forward</c> only, which must not also pass <c>continueState</c>. With variable lengths a sequence shorter than <paramref name=\"step\"/> carries its final state. Allocates nothing.</remarks>");
            w.Line("/// <exception cref=\"global::System.InvalidOperationException\">No <c>Forward</c> has run yet.</exception>");
            w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"step\"/> is outside 0..steps of the last call.</exception>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block("public void CarryStateFrom(int step)"))
            using (InstanceGuard.Enter(w, plan, "CarryStateFrom"))
            {
                w.Line("if (_lastSteps == 0)");
                w.Line("{");
                w.Line("    throw new global::System.InvalidOperationException(\"No Forward has run yet, so there is no state to carry.\");");
                w.Line("}");
                w.Line();
                w.Line("if ((uint)step > (uint)_lastSteps)");
                w.Line("{");
                w.Line("    throw new global::System.ArgumentOutOfRangeException(\"step\", step, $\"The last Forward ran {_lastSteps} steps, so step must be in [0, {_lastSteps}].\");");
                w.Line("}");
                w.Line();
                w.Line($"{Span} workspace = _workspace!.Span;");
                foreach (var layer in plan.Layers)
                {
                    var tape = plan.Forward.Layers[layer.Index];
                    var block = $"_batchSize * {Int(layer.PaddedUnits)}";
                    w.Line($"workspace.Slice({Int(tape.Hidden)} + (step * {block}), {block}).CopyTo(workspace.Slice({Int(tape.InitialHidden)}, {block})); // {layer.Name}: h(step - 1), the state after step steps");
                    if (layer.Spec.Cell == CellKind.Lstm)
                    {
                        w.Line($"workspace.Slice({Int(tape.Cell)} + (step * {block}), {block}).CopyTo(workspace.Slice({Int(tape.InitialCell)}, {block})); // {layer.Name}: c(step - 1)");
                    }
                }

                w.Line();
                w.Line("global::System.Array.Fill(_initialStateStaged, true);");
                w.Line("_stagedBatchSize = _batchSize;");
            }
        }

        /// <summary>A reversed unit's state after a step is not a state at that time, so there is nothing to resume.</summary>
        private static void EmitNoCarryStateFrom(SourceWriter w, Plan plan)
        {
            var reason = $"{plan.Spec.Shell.Target.Name.TrimStart('@')} has a layer that runs backwards in time (GoBackwards or Bidirectional): its state part-way through a call is not a state at that time, so CarryStateFrom cannot resume it: use Forward over whole sequences.";
            w.Summary("Not available: this network has a layer that runs backwards in time (see the compile error).");
            w.Line("/// <param name=\"step\">Unused.</param>");
            w.Line(GeneratedCode.Attribute);
            w.Line($"[global::System.Obsolete(\"{reason}\", true, DiagnosticId = \"{Diagnostics.DiagnosticDescriptors.NoStreamingId}\")]");
            w.Line($"public void CarryStateFrom(int step) => throw new global::System.NotSupportedException(\"{reason}\");");
        }

        /// <summary>In <c>Backward</c>, before a unit's time loop: dL/dh and dL/dc flowing back start from a staged final-state gradient.</summary>
        public static void EmitFinalGradient(SourceWriter w, Plan plan, LayerPlan layer)
        {
            var bw = plan.Backward;
            var padded = Int(layer.PaddedUnits);
            using (w.Block($"if (_finalGradientStaged[{Int(layer.Index)}])"))
            {
                w.Line($"bw.Slice({Int(bw.FinalHidden[layer.Index])}, batchSize * {padded}).CopyTo(dhRec{layer.Index}); // dL/d(final h) from SetFinalStateGradient");
                if (bw.FinalCell[layer.Index] >= 0)
                {
                    w.Line($"bw.Slice({Int(bw.FinalCell[layer.Index])}, batchSize * {padded}).CopyTo(bw.Slice({Int(bw.Cell)}, batchSize * {padded})); // dL/d(final c)");
                }
            }
        }

        /// <summary>In <c>Backward</c>, before any work: a staged gradient must match the batch; it applies once.</summary>
        public static void EmitBackwardCheck(SourceWriter w)
        {
            w.Line("if (_finalGradientBatchSize != 0 && _finalGradientBatchSize != batchSize)");
            w.Line("{");
            w.Line("    throw new global::System.InvalidOperationException($\"SetFinalStateGradient staged gradients for {_finalGradientBatchSize} sequences, but the last Forward had {batchSize}.\");");
            w.Line("}");
            w.Line();
        }

        /// <summary>In <c>Backward</c>, at the end: staged final-state gradients are consumed.</summary>
        public static void EmitBackwardRelease(SourceWriter w)
        {
            w.Line();
            w.Line("global::System.Array.Clear(_finalGradientStaged);");
            w.Line("_finalGradientBatchSize = 0;");
        }

        private static void EmitSetFinalStateGradient(SourceWriter w, Plan plan)
        {
            var bw = plan.Backward;
            w.Summary("Adds a loss term on a layer's final state to the next <c>Backward</c>: dL/d(final h), and dL/d(final c) for an LSTM layer, per sequence. What an encoder needs when its final state feeds a decoder (pass the decoder's <c>InitialStateGradient</c>).");
            w.Line("/// <param name=\"layer\">State index, 0..StateCount-1 (the layer index; a bidirectional layer has two: forward, then reverse).</param>");
            w.Line("/// <param name=\"hidden\">dL/d(final h), [batchSize][units] with the last <c>Forward</c>'s batch size.</param>");
            w.Line("/// <param name=\"cell\">dL/d(final c), [batchSize][units], for an LSTM layer (empty: zero); empty otherwise.</param>");
            w.Line("/// <remarks>Applies to the next <c>Backward</c> only. With variable lengths the final state of a sequence is the one at its last valid step, and that is where the gradient enters.</remarks>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong shape.</exception>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"public void SetFinalStateGradient(int layer, {ReadOnlySpan} hidden, {ReadOnlySpan} cell = default)"))
            using (InstanceGuard.Enter(w, plan, "SetFinalStateGradient"))
            {
                EmitLayerSwitch(w, plan, layer => (bw.FinalHidden[layer.Index], bw.FinalCell[layer.Index]));
                EmitFinalGradientChecks(w);
                w.Line($"_backward ??= new global::RnnGen.AlignedBuffer({Int(bw.Length)});");
                w.Line($"{Span} bw = _backward.Span;");
                w.Line($"{Rows}.Pad(hidden, units, batch, bw.Slice(hiddenOffset), padded);");
                using (w.Block("if (cellOffset >= 0)"))
                {
                    w.Line("if (cell.IsEmpty)");
                    w.Line("{");
                    w.Line("    bw.Slice(cellOffset, batch * padded).Clear();");
                    w.Line("}");
                    w.Line("else");
                    w.Line("{");
                    w.Line($"    {Rows}.Pad(cell, units, batch, bw.Slice(cellOffset), padded);");
                    w.Line("}");
                }

                w.Line();
                w.Line("_finalGradientStaged[layer] = true;");
                w.Line("_finalGradientBatchSize = batch;");
            }
        }

        /// <summary>
        /// After a layer switch in <c>SetFinalStateGradient</c> (CPU and GPU): <c>batch</c> from hidden's length, the
        /// same batch as any other staged gradient, and a cell span only for an LSTM layer, with hidden's shape.
        /// </summary>
        internal static void EmitFinalGradientChecks(SourceWriter w)
        {
            w.Line("int batch = global::RnnGen.Shapes.Rows(hidden.Length, units, MaxBatchSize, \"hidden\");");
            w.Line("if (_finalGradientBatchSize != 0 && _finalGradientBatchSize != batch)");
            w.Line("{");
            w.Line("    throw new global::System.ArgumentException($\"hidden holds {batch} sequences, but another staged final-state gradient holds {_finalGradientBatchSize}.\", \"hidden\");");
            w.Line("}");
            w.Line();
            EmitOptionalCellCheck(w, "batch", string.Empty);
        }

        private static void EmitSetInitialState(SourceWriter w, Plan plan)
        {
            w.Summary("Sets the state one layer starts from in the next <c>Forward</c> (instead of zero): h(-1), and c(-1) for an LSTM layer, per sequence.");
            w.Line("/// <param name=\"layer\">State index, 0..StateCount-1: the layer index, counting a bidirectional layer's forward and reverse directions as two (PyTorch's h_0 order). States left unset start from zero.</param>");
            w.Line("/// <param name=\"hidden\">h(-1), [batchSize][units]; the next <c>Forward</c> must use this batch size.</param>");
            w.Line("/// <param name=\"cell\">c(-1), [batchSize][units], for an LSTM layer (required there); empty otherwise.</param>");
            w.Line("/// <remarks>Applies to the next <c>Forward</c> only, which must not also pass <c>continueState</c>. Seq2seq: set a decoder's state from an encoder's <c>CopyFinalState</c>. <c>InitialStateGradient</c> gives dL/d(this state) after <c>Backward</c>.</remarks>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong shape, or the batch size differs from another layer's staged state.</exception>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"public void SetInitialState(int layer, {ReadOnlySpan} hidden, {ReadOnlySpan} cell = default)"))
            using (InstanceGuard.Enter(w, plan, "SetInitialState"))
            {
                EmitLayerSwitch(w, plan, layer => (plan.Forward.Layers[layer.Index].InitialHidden, plan.Forward.Layers[layer.Index].InitialCell));
                w.Line("int batch = global::RnnGen.Shapes.Rows(hidden.Length, units, MaxBatchSize, \"hidden\");");
                w.Line("if (_stagedBatchSize != 0 && _stagedBatchSize != batch)");
                w.Line("{");
                w.Line("    throw new global::System.ArgumentException($\"hidden holds {batch} sequences, but another layer's staged state holds {_stagedBatchSize}; every layer must start the same batch.\", \"hidden\");");
                w.Line("}");
                w.Line();
                EmitCellCheck(w, "cell", "batch");
                w.Line($"{Span} workspace = {InferenceEmitter.EnsureWorkspaceCall(plan, "keepTape: false")}.Span; // staged in the workspace: the first Forward's state may come from here");
                w.Line($"{Rows}.Pad(hidden, units, batch, workspace.Slice(hiddenOffset), padded);");
                w.Line("if (cellOffset >= 0)");
                w.Line("{");
                w.Line($"    {Rows}.Pad(cell, units, batch, workspace.Slice(cellOffset), padded);");
                w.Line("}");
                w.Line();
                w.Line("_initialStateStaged[layer] = true;");
                w.Line("_stagedBatchSize = batch;");
            }
        }

        private static void EmitCopyFinalState(SourceWriter w, Plan plan)
        {
            w.Summary("Copies one layer's final state after the last <c>Forward</c>: h at its last step (and c for an LSTM layer), per sequence (Keras <c>return_state</c>, PyTorch h_n / c_n).");
            w.Line("/// <param name=\"layer\">State index, 0..StateCount-1 (the layer index; a bidirectional layer has two: forward, then reverse).</param>");
            w.Line("/// <param name=\"hidden\">Receives h, [batchSize][units] with that call's batch size.</param>");
            w.Line("/// <param name=\"cell\">Receives c, [batchSize][units], for an LSTM layer; leave empty otherwise (or to skip it).</param>");
            w.Line("/// <exception cref=\"global::System.InvalidOperationException\">No <c>Forward</c> has run yet.</exception>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"public void CopyFinalState(int layer, {Span} hidden, {Span} cell = default)"))
            using (InstanceGuard.Enter(w, plan, "CopyFinalState"))
            {
                w.Line("if (_lastSteps == 0)");
                w.Line("{");
                w.Line("    throw new global::System.InvalidOperationException(\"No Forward has run yet, so there is no final state.\");");
                w.Line("}");
                w.Line();
                EmitLayerSwitch(w, plan, layer => (plan.Forward.Layers[layer.Index].Hidden, plan.Forward.Layers[layer.Index].Cell));
                w.Line("int last = _lastSteps * _batchSize * padded; // slice 'steps' of the state sequence");
                EmitCopyOut(w, "_workspace!.Span", "last");
            }
        }

        /// <summary>Declares units, padded, hiddenOffset and cellOffset (-1 without a cell) for <c>layer</c>.</summary>
        internal static void EmitLayerSwitch(SourceWriter w, Plan plan, System.Func<LayerPlan, (int Hidden, int Cell)> offsets)
        {
            w.Line("int units;");
            w.Line("int padded;");
            w.Line("int hiddenOffset;");
            w.Line("int cellOffset;");
            using (w.Block("switch (layer)"))
            {
                foreach (var layer in plan.Layers)
                {
                    var (hidden, cell) = offsets(layer);
                    w.Line($"case {Int(layer.Index)}:");
                    w.Line($"    (units, padded, hiddenOffset, cellOffset) = ({Int(layer.Spec.Units)}, {Int(layer.PaddedUnits)}, {Int(hidden)}, {Int(layer.Spec.Cell == CellKind.Lstm ? cell : -1)});");
                    w.Line("    break;");
                }

                w.Line("default:");
                w.Line($"    throw new global::System.ArgumentOutOfRangeException(\"layer\", layer, \"The network has states 0..{Int(plan.Layers.Count - 1)}.\");");
            }

            w.Line();
        }

        /// <summary>Writes <c>InitialStateGradient</c>: dL/d(initial state) that the last <c>Backward</c> left.</summary>
        public static void EmitInitialStateGradient(SourceWriter w, Plan plan)
        {
            var bw = plan.Backward;
            w.Summary("Copies dL/dh(-1) (and, for an LSTM layer, dL/dc(-1)) of a layer from the last <c>Backward</c>: the gradient with respect to the initial state, [batchSize][units].");
            w.Line("/// <param name=\"layer\">State index, 0..StateCount-1 (the layer index; a bidirectional layer has two: forward, then reverse).</param>");
            w.Line("/// <param name=\"hidden\">Receives [batchSize][units].</param>");
            w.Line("/// <param name=\"cell\">Receives [batchSize][units] for an LSTM layer; leave empty otherwise.</param>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"public void InitialStateGradient(int layer, {Span} hidden, {Span} cell = default)"))
            using (InstanceGuard.Enter(w, plan, "InitialStateGradient"))
            {
                w.Line("if (_backward is null)");
                w.Line("{");
                w.Line("    throw new global::System.InvalidOperationException(\"No Backward has run yet.\");");
                w.Line("}");
                w.Line();
                EmitLayerSwitch(w, plan, layer => (bw.InitialHidden[layer.Index], bw.InitialCell[layer.Index]));
                EmitCopyOut(w, "_backward.Span", "0");
            }
        }

        /// <summary>Checks the caller's [batchSize][units] spans and copies h (and c, when asked) rows out of a padded buffer.</summary>
        private static void EmitCopyOut(SourceWriter w, string buffer, string rowOffset)
        {
            EmitCopyOutChecks(w);
            w.Line($"{ReadOnlySpan} source = {buffer};");
            w.Line($"{Rows}.Unpad(source.Slice(hiddenOffset + {rowOffset}), padded, units, _batchSize, hidden);");
            w.Line("if (cellOffset >= 0 && !cell.IsEmpty)");
            w.Line("{");
            w.Line($"    {Rows}.Unpad(source.Slice(cellOffset + {rowOffset}), padded, units, _batchSize, cell);");
            w.Line("}");
        }

        /// <summary>
        /// After a layer switch, before a state or its gradient is copied out (CPU and GPU): hidden is
        /// [_batchSize][units], and a cell span, only for an LSTM layer, has the same shape.
        /// </summary>
        internal static void EmitCopyOutChecks(SourceWriter w)
        {
            w.Line("global::RnnGen.Shapes.RequireShape(hidden.Length, \"hidden\", _batchSize, units);");
            EmitOptionalCellCheck(w, "_batchSize", " // checked before hidden is written");
        }

        /// <summary>A cell span is optional: refused for a layer without a cell, else [<paramref name="batch"/>][units] when given.</summary>
        private static void EmitOptionalCellCheck(SourceWriter w, string batch, string comment)
        {
            w.Line("if (cellOffset < 0 && !cell.IsEmpty)");
            w.Line("{");
            w.Line("    throw new global::System.ArgumentException(\"Only LSTM layers have a cell state; pass no cell span.\", \"cell\");");
            w.Line("}");
            w.Line();
            w.Line("if (cellOffset >= 0 && !cell.IsEmpty)");
            w.Line("{");
            w.Line($"    global::RnnGen.Shapes.RequireShape(cell.Length, \"cell\", {batch}, units);{comment}");
            w.Line("}");
            w.Line();
        }

        /// <summary>An LSTM layer needs c with h's shape; other layers take none.</summary>
        private static void EmitCellCheck(SourceWriter w, string cell, string batch)
        {
            using (w.Block("if (cellOffset >= 0)"))
            {
                w.Line($"global::RnnGen.Shapes.RequireShape({cell}.Length, \"{cell}\", {batch}, units);");
            }

            using (w.Block($"else if (!{cell}.IsEmpty)"))
            {
                w.Line($"throw new global::System.ArgumentException(\"Only LSTM layers have a cell state; pass no cell span.\", \"{cell}\");");
            }

            w.Line();
        }
    }
}
