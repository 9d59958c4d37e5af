using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Gpu
{
    /// <summary>
    /// Writes <c>CudaModel.SetInitialState</c> and <c>CopyFinalState</c>: the CPU model's state transfer, with the
    /// padded rows staged on the host and copied to or from the device workspace.
    /// </summary>
    internal static class CudaStateEmitter
    {
        public static void Emit(SourceWriter w, Plan plan)
        {
            var model = plan.Spec.Shell.Target.Name.TrimStart('@');
            w.Summary("Sets the state one layer starts from in the next <c>Forward</c> (instead of zero), as the CPU model's <c>SetInitialState</c>.");
            w.Line("/// <param name=\"layer\">State index, 0..StateCount-1 (a bidirectional layer has two: forward, then reverse).</param>");
            w.Line("/// <param name=\"hidden\">h(-1), [batchSize][units].</param>");
            w.Line("/// <param name=\"cell\">c(-1), [batchSize][units], for an LSTM layer (required there); empty otherwise.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong shape, or the batch size differs from another staged state.</exception>");
            using (w.Block($"public void SetInitialState(int layer, {ReadOnlySpan} hidden, {ReadOnlySpan} cell = default)"))
            {
                w.Line($"global::RnnGen.ExclusiveUse.Enter(ref _inUse, \"SetInitialState\", \"{model}.CudaModel\");");
                using (w.Block("try"))
                {
                    w.Line("ThrowIfDisposed();");
                    Cpu.StateTransferEmitter.EmitLayerSwitch(w, plan, l => (plan.Forward.Layers[l.Index].InitialHidden, plan.Forward.Layers[l.Index].InitialCell));
                    w.Line("int batch = global::RnnGen.Shapes.Rows(hidden.Length, units, MaxBatchSize, \"hidden\");");
                    w.Line("if (_stagedBatchSize != 0 && _stagedBatchSize != batch)");
                    w.Line("{");
                    w.Line("    throw new global::System.ArgumentException($\"hidden holds {batch} sequences, but another layer's staged state holds {_stagedBatchSize}; every layer must start the same batch.\", \"hidden\");");
                    w.Line("}");
                    w.Line();
                    w.Line("if (cellOffset >= 0)");
                    w.Line("{");
                    w.Line("    global::RnnGen.Shapes.RequireShape(cell.Length, \"cell\", batch, units);");
                    w.Line("}");
                    w.Line("else if (!cell.IsEmpty)");
                    w.Line("{");
                    w.Line("    throw new global::System.ArgumentException(\"Only LSTM layers have a cell state; pass no cell span.\", \"cell\");");
                    w.Line("}");
                    w.Line();
                    w.Line($"global::System.Span<float> rows = global::System.MemoryExtensions.AsSpan(_stateStaging, 0, batch * padded);");
                    w.Line("global::RnnGen.Numerics.PaddedRows.Pad(hidden, units, batch, rows, padded);");
                    w.Line("_device.Upload<float>(_workspace, hiddenOffset, rows);");
                    w.Line("if (cellOffset >= 0)");
                    w.Line("{");
                    w.Line("    global::RnnGen.Numerics.PaddedRows.Pad(cell, units, batch, rows, padded);");
                    w.Line("    _device.Upload<float>(_workspace, cellOffset, rows);");
                    w.Line("}");
                    w.Line();
                    w.Line("_staged[layer] = true;");
                    w.Line("_stagedBatchSize = batch;");
                }

                Finally(w);
            }

            w.Line();
            w.Summary("Copies one layer's final state after the last <c>Forward</c> or <c>Step</c>: h at its last step (and c for an LSTM layer).");
            w.Line("/// <param name=\"layer\">State index, 0..StateCount-1.</param>");
            w.Line("/// <param name=\"hidden\">Receives h, [batchSize][units] with that call's batch size.</param>");
            w.Line("/// <param name=\"cell\">Receives c for an LSTM layer; leave empty otherwise (or to skip it).</param>");
            w.Line("/// <exception cref=\"global::System.InvalidOperationException\">Nothing has run yet.</exception>");
            using (w.Block($"public void CopyFinalState(int layer, {Span} hidden, {Span} cell = default)"))
            {
                w.Line($"global::RnnGen.ExclusiveUse.Enter(ref _inUse, \"CopyFinalState\", \"{model}.CudaModel\");");
                using (w.Block("try"))
                {
                    w.Line("ThrowIfDisposed();");
                    w.Line("if (_lastSteps == 0)");
                    w.Line("{");
                    w.Line("    throw new global::System.InvalidOperationException(\"No Forward has run yet, so there is no final state.\");");
                    w.Line("}");
                    w.Line();
                    Cpu.StateTransferEmitter.EmitLayerSwitch(w, plan, l => (plan.Forward.Layers[l.Index].Hidden, plan.Forward.Layers[l.Index].Cell));
                    EmitDownload(w, "_workspace", "(_lastSteps * _batchSize * padded)"); // slice 'steps' of the state sequence
                }

                Finally(w);
            }

            w.Line();
        }

        /// <summary>
        /// After a layer switch: checks the caller's [batchSize][units] spans, then copies h (and c, when asked) from
        /// padded rows of <paramref name="buffer"/> at hiddenOffset (cellOffset) + <paramref name="rowOffset"/>.
        /// </summary>
        public static void EmitDownload(SourceWriter w, string buffer, string rowOffset)
        {
            Cpu.StateTransferEmitter.EmitCopyOutChecks(w);
            w.Line("global::System.Span<float> rows = global::System.MemoryExtensions.AsSpan(_stateStaging, 0, _batchSize * padded);");
            w.Line($"_device.Download<float>({buffer}, hiddenOffset + {rowOffset}, rows);");
            w.Line("global::RnnGen.Numerics.PaddedRows.Unpad(rows, padded, units, _batchSize, hidden);");
            w.Line("if (!cell.IsEmpty)");
            w.Line("{");
            w.Line($"    _device.Download<float>({buffer}, cellOffset + {rowOffset}, rows);");
            w.Line("    global::RnnGen.Numerics.PaddedRows.Unpad(rows, padded, units, _batchSize, cell);");
            w.Line("}");
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
