using RnnGen.Generator.Emit.Cpu;
using RnnGen.Generator.Emit.Ptx;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Gpu
{
    /// <summary>
    /// Writes the state gradients of <c>CudaModel</c>, the CPU model's contract: <c>SetFinalStateGradient</c> stages
    /// dL/d(final state) for the next <c>Backward</c> (uploaded into the Backward workspace's FinalHidden / FinalCell
    /// rows, where that layer's backward pass starts from), and <c>InitialStateGradient</c> reads dL/d(initial state),
    /// which each layer's pass leaves in the InitialHidden / InitialCell rows. Together they train an encoder through
    /// the decoder its final state initialises, on the device.
    /// </summary>
    internal static class CudaStateGradientEmitter
    {
        private const string Gpu = CudaModelEmitter.Gpu;
        private const string Args = Gpu + ".KernelArgument";

        public static void EmitFields(SourceWriter w)
        {
            w.Line("private readonly bool[] _finalGradientStaged = new bool[StateCount];");
            w.Line("private int _finalGradientBatchSize;");
            w.Line("private bool _backwardRan;");
        }

        public static void Emit(SourceWriter w, Plan plan)
        {
            var model = plan.Spec.Shell.Target.Name.TrimStart('@');
            var bw = plan.Backward;
            w.Summary("Adds a loss term on a layer's final state to the next <c>Backward</c>, as the CPU model's <c>SetFinalStateGradient</c>: dL/d(final h), and dL/d(final c) for an LSTM layer, per sequence (an encoder trained through the decoder its final state initialises).");
            w.Line("/// <param name=\"layer\">State index, 0..StateCount-1 (a bidirectional layer has two: forward, then reverse).</param>");
            w.Line("/// <param name=\"hidden\">dL/d(final h), [batchSize][units] with the last <c>Forward</c>'s batch size.</param>");
            w.Line("/// <param name=\"cell\">dL/d(final c), [batchSize][units], for an LSTM layer (empty: zero); empty otherwise.</param>");
            w.Line("/// <remarks>Applies to the next <c>Backward</c> only. With variable lengths the gradient enters at each sequence's last valid step.</remarks>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong shape, or the batch differs from another staged gradient's.</exception>");
            using (w.Block($"public void SetFinalStateGradient(int layer, {ReadOnlySpan} hidden, {ReadOnlySpan} cell = default)"))
            {
                w.Line($"global::RnnGen.ExclusiveUse.Enter(ref _inUse, \"SetFinalStateGradient\", \"{model}.CudaModel\");");
                using (w.Block("try"))
                {
                    w.Line("ThrowIfDisposed();");
                    StateTransferEmitter.EmitLayerSwitch(w, plan, l => (bw.FinalHidden[l.Index], bw.FinalCell[l.Index]));
                    StateTransferEmitter.EmitFinalGradientChecks(w);
                    w.Line("global::System.Span<float> rows = global::System.MemoryExtensions.AsSpan(_stateStaging, 0, batch * padded);");
                    w.Line("global::RnnGen.Numerics.PaddedRows.Pad(hidden, units, batch, rows, padded);");
                    w.Line("_device.Upload<float>(_backwardWorkspace, hiddenOffset, rows);");
                    using (w.Block("if (cellOffset >= 0)"))
                    {
                        w.Line("if (cell.IsEmpty)");
                        w.Line("{");
                        w.Line("    _device.Clear(_backwardWorkspace, 4L * cellOffset, 4L * batch * padded);");
                        w.Line("}");
                        w.Line("else");
                        w.Line("{");
                        w.Line("    global::RnnGen.Numerics.PaddedRows.Pad(cell, units, batch, rows, padded);");
                        w.Line("    _device.Upload<float>(_backwardWorkspace, cellOffset, rows);");
                        w.Line("}");
                    }

                    w.Line();
                    w.Line("_finalGradientStaged[layer] = true;");
                    w.Line("_finalGradientBatchSize = batch;");
                }

                Finally(w);
            }

            w.Line();
            w.Summary("Copies dL/dh(-1) (and, for an LSTM layer, dL/dc(-1)) of a layer from the last <c>Backward</c>, as the CPU model's <c>InitialStateGradient</c>: the gradient with respect to the initial state, [batchSize][units].");
            w.Line("/// <param name=\"layer\">State index, 0..StateCount-1 (a bidirectional layer has two: forward, then reverse).</param>");
            w.Line("/// <param name=\"hidden\">Receives [batchSize][units].</param>");
            w.Line("/// <param name=\"cell\">Receives [batchSize][units] for an LSTM layer; leave empty otherwise.</param>");
            w.Line("/// <exception cref=\"global::System.InvalidOperationException\">No <c>Backward</c> has run yet.</exception>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong shape.</exception>");
            using (w.Block($"public void InitialStateGradient(int layer, {Span} hidden, {Span} cell = default)"))
            {
                w.Line($"global::RnnGen.ExclusiveUse.Enter(ref _inUse, \"InitialStateGradient\", \"{model}.CudaModel\");");
                using (w.Block("try"))
                {
                    w.Line("ThrowIfDisposed();");
                    w.Line("if (!_backwardRan)");
                    w.Line("{");
                    w.Line("    throw new global::System.InvalidOperationException(\"No Backward has run yet.\");");
                    w.Line("}");
                    w.Line();
                    StateTransferEmitter.EmitLayerSwitch(w, plan, l => (bw.InitialHidden[l.Index], bw.InitialCell[l.Index]));
                    CudaStateEmitter.EmitDownload(w, "_backwardWorkspace", "0");
                }

                Finally(w);
            }

            w.Line();
        }

        /// <summary>In <c>Backward</c>, with the other checks: a staged gradient must match the batch.</summary>
        public static void EmitCheck(SourceWriter w) => StateTransferEmitter.EmitBackwardCheck(w);

        /// <summary>
        /// Where a layer's pass starts: dL/dh(steps) (and dL/dc(steps)) is the staged final-state gradient, or zero.
        /// </summary>
        public static void EmitStart(SourceWriter w, Plan plan, LayerPlan layer)
        {
            var bw = plan.Backward;
            var hp = Int(layer.PaddedUnits);
            var copy = CudaModelEmitter.Field(SequenceKernels.Copy);
            var cell = bw.FinalCell[layer.Index] >= 0;
            w.Line($"if (_finalGradientStaged[{Int(layer.Index)}]) // dL/d(final state) from SetFinalStateGradient");
            w.Line("{");
            w.Line($"    Launch({copy}, BlocksFor(batchSize * {hp}), {Int(SequenceKernels.Threads)}, false, stackalloc {Args}[] {{ Bw, I({Int(bw.FinalHidden[layer.Index])}), I({Int(bw.Recurrent)}), I(batchSize * {hp}) }});");
            if (cell)
            {
                w.Line($"    Launch({copy}, BlocksFor(batchSize * {hp}), {Int(SequenceKernels.Threads)}, false, stackalloc {Args}[] {{ Bw, I({Int(bw.FinalCell[layer.Index])}), I({Int(bw.Cell)}), I(batchSize * {hp}) }});");
            }

            w.Line("}");
            w.Line("else");
            w.Line("{");
            w.Line($"    _device.Clear(_backwardWorkspace, 4L * {Int(bw.Recurrent)}, 4L * batchSize * {hp}); // dL/dh(steps) = 0");
            if (cell)
            {
                w.Line($"    _device.Clear(_backwardWorkspace, 4L * {Int(bw.Cell)}, 4L * batchSize * {hp}); // dL/dc(steps) = 0");
            }

            w.Line("}");
            w.Line();
        }

        /// <summary>After a layer's pass: what flowed back past step 0 is dL/d(initial state).</summary>
        public static void EmitEnd(SourceWriter w, Plan plan, LayerPlan layer)
        {
            var bw = plan.Backward;
            var hp = Int(layer.PaddedUnits);
            var copy = CudaModelEmitter.Field(SequenceKernels.Copy);
            w.Line($"Launch({copy}, BlocksFor(batchSize * {hp}), {Int(SequenceKernels.Threads)}, false, stackalloc {Args}[] {{ Bw, I({Int(bw.Recurrent)}), I({Int(bw.InitialHidden[layer.Index])}), I(batchSize * {hp}) }}); // dL/dh(-1)");
            if (bw.InitialCell[layer.Index] >= 0)
            {
                w.Line($"Launch({copy}, BlocksFor(batchSize * {hp}), {Int(SequenceKernels.Threads)}, false, stackalloc {Args}[] {{ Bw, I({Int(bw.Cell)}), I({Int(bw.InitialCell[layer.Index])}), I(batchSize * {hp}) }}); // dL/dc(-1)");
            }
        }

        /// <summary>At the end of a successful <c>Backward</c>: staged gradients are consumed, the initial-state gradients readable.</summary>
        public static void EmitRelease(SourceWriter w)
        {
            StateTransferEmitter.EmitBackwardRelease(w);
            w.Line("_backwardRan = true;");
        }

        private static void Finally(SourceWriter w)
        {
            using (w.Block("finally"))
            {
                w.Line("global::RnnGen.ExclusiveUse.Exit(ref _inUse);");
            }
        }
    }
}
