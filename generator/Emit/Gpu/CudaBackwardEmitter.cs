using System.Linq;
using RnnGen.Generator.Emit.Ptx;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Gpu
{
    /// <summary>
    /// Writes <c>CudaModel.Backward</c>: BPTT on the device over the tape the last GPU <c>Forward</c> left (the CPU's
    /// Forward-workspace layout), with the CPU's Backward-workspace layout for its scratch, so both paths can be
    /// compared buffer by buffer. The order is the CPU Backward's: the head, then per layer from the top one
    /// persistent backward kernel over every step and the weight-gradient GEMMs over every step and sequence, and
    /// Wᵢₕᵀ · dG for the layer below (or the caller's dL/dx, or the embedding rows). Gradients accumulate in
    /// <c>GradientBuffer</c> on the device, in the packed parameter layout.
    /// </summary>
    internal static class CudaBackwardEmitter
    {
        private const string Gpu = CudaModelEmitter.Gpu;
        private const string Args = Gpu + ".KernelArgument";

        public static void EmitFields(SourceWriter w, Plan plan)
        {
            w.Line($"private readonly {Gpu}.DeviceBuffer _gradients;");
            w.Line($"private readonly {Gpu}.DeviceBuffer _backwardWorkspace;");
            w.Line($"private readonly {Gpu}.DeviceBuffer _outputGradients;");
            if (plan.Embedding is null)
            {
                w.Line($"private readonly {Gpu}.DeviceBuffer _inputGradients;");
            }

            w.Line("private bool _tapeReady;");
            CudaStateGradientEmitter.EmitFields(w);
        }

        /// <summary>Constructor lines: the backward kernels' residency checks and the buffers.</summary>
        public static void EmitAllocation(SourceWriter w, Plan plan)
        {
            foreach (var layer in plan.Layers)
            {
                var kernel = PtxEmitter.RecurrentBackward(plan, layer);
                w.Line($"RequireCoResident({CudaModelEmitter.Field(kernel.Name)}, {Int(kernel.Blocks)}, {Int(kernel.Threads)});");
            }

            w.Line("_gradients = device.Allocate(4L * PackedParameterLength);");
            w.Line("device.Clear(_gradients, 0, 4L * PackedParameterLength);");
            w.Line($"_backwardWorkspace = device.Allocate(4L * {Int(plan.Backward.Length)});");
            w.Line("_outputGradients = device.Allocate(4L * MaxSequenceLength * MaxBatchSize * OutputSize);");
            if (plan.Embedding is null)
            {
                w.Line("_inputGradients = device.Allocate(4L * MaxSequenceLength * MaxBatchSize * InputSize);");
            }
        }

        public static void EmitDispose(SourceWriter w, Plan plan)
        {
            w.Line("_gradients.Dispose();");
            w.Line("_backwardWorkspace.Dispose();");
            w.Line("_outputGradients.Dispose();");
            if (plan.Embedding is null)
            {
                w.Line("_inputGradients.Dispose();");
            }
        }

        /// <summary>The line <c>Run</c> ends with: a Forward leaves a tape for one Backward, a Step does not.</summary>
        public static void EmitTapeMark(SourceWriter w, Plan plan)
        {
            w.Line("_tapeReady = member == \"Forward\"; // the tape one Backward differentiates");
            w.Line("_training?.ForgetLoss(); // Backward() needs a loss of this batch");
        }

        public static void Emit(SourceWriter w, Plan plan)
        {
            var floatInput = plan.Embedding is null;
            var outputShape = plan.ReturnsSequences ? "[steps][batchSize][OutputSize]" : "[batchSize][OutputSize]";
            var outputDoc = $"/// <param name=\"outputGradients\">dL/dz for every output row, {outputShape} of the last <c>Forward</c>, where z is {(plan.Head is null ? "the last layer's h (there is no head)" : "the head's pre-activation (the losses in <c>RnnGen.Training</c> fuse the activation and give exactly this)")}.</param>";
            w.Summary("The gradients <see cref=\"Backward(global::System.ReadOnlySpan{float})\"/> accumulates, on the device: PackedParameterLength floats laid out like <c>PackedParameters</c> (padding lanes hold 0), for an optimiser kernel to read. Zeroed at creation and by <see cref=\"ClearGradients\"/>.");
            w.Line($"public {Gpu}.DeviceBuffer GradientBuffer => _gradients;");
            w.Line();
            if (plan.Embedding is not null)
            {
                w.Summary("Whether Backward sums the embedding gradient with one thread per table element in step order, so it is the same bits on every run, instead of float atomics per step (faster for a large vocabulary: O(steps · batch · dimension) rather than O(vocabulary · dimension · steps · batch); their order, and so the last bits, vary between runs). False by default.");
                w.Line("public bool DeterministicEmbeddingGradients { get; set; }");
                w.Line();
            }

            w.Summary("Zeroes <see cref=\"GradientBuffer\"/> (before the first Backward of a batch).");
            using (w.Block("public void ClearGradients()"))
            {
                w.Line("ThrowIfDisposed();");
                w.Line("_device.Clear(_gradients, 0, 4L * PackedParameterLength);");
            }

            w.Line();
            w.Summary("Backpropagation through time on the GPU over the batch of the last <c>Forward</c>, as the CPU model's <c>Backward</c>: adds dL/dθ for every parameter to <paramref name=\"gradients\"/>.");
            w.Line(outputDoc);
            w.Line("/// <param name=\"gradients\">PackedParameterLength floats in the packed layout; gradients are added (+=), as on the CPU. It is uploaded, the sums run on the device, and it comes back (<see cref=\"GradientBuffer\"/> then holds the same values).</param>");
            w.Line("/// <remarks>One <c>Backward</c> per <c>Forward</c>: it consumes the tape (a <c>Step</c> leaves none). It starts from the final-state gradients <see cref=\"SetFinalStateGradient\"/> staged, and leaves dL/d(initial state) for <see cref=\"InitialStateGradient\"/>.</remarks>");
            w.Line("/// <exception cref=\"global::System.InvalidOperationException\">No <c>Forward</c> ran since the last <c>Backward</c>.</exception>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length: the message names it and its expected shape.</exception>");
            w.Line($"public void Backward({ReadOnlySpan} outputGradients, {Span} gradients) => BackwardThroughTime(outputGradients, gradients, default, false, true, true);");
            w.Line();
            if (floatInput)
            {
                w.Summary("Backpropagation through time as <see cref=\"Backward(global::System.ReadOnlySpan{float}, global::System.Span{float})\"/>, and also dL/dx for the inputs of the last <c>Forward</c>.");
                w.Line(outputDoc);
                w.Line("/// <param name=\"gradients\">PackedParameterLength floats in the packed layout; gradients are added (+=).</param>");
                w.Line("/// <param name=\"inputGradients\">Receives dL/dx, [steps][batchSize][InputSize]: written, not added to; steps past a sequence's length get exact zeros.</param>");
                w.Line("/// <exception cref=\"global::System.InvalidOperationException\">No <c>Forward</c> ran since the last <c>Backward</c>.</exception>");
                w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length: the message names it and its expected shape.</exception>");
                w.Line($"public void Backward({ReadOnlySpan} outputGradients, {Span} gradients, {Span} inputGradients) => BackwardThroughTime(outputGradients, gradients, inputGradients, true, true, true);");
                w.Line();
            }

            w.Summary("Backpropagation through time on the GPU that leaves the gradients there: adds dL/dθ to <see cref=\"GradientBuffer\"/> without copying them back (the training step's Backward, before an optimiser kernel).");
            w.Line(outputDoc);
            w.Line("/// <exception cref=\"global::System.InvalidOperationException\">No <c>Forward</c> ran since the last <c>Backward</c>.</exception>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\"><paramref name=\"outputGradients\"/> has the wrong length.</exception>");
            w.Line($"public void Backward({ReadOnlySpan} outputGradients) => BackwardThroughTime(outputGradients, default, default, false, false, true);");
            w.Line();
            w.Summary("Backpropagation through time on the GPU with dL/dz already on the device: reads what the last <c>Training.ComputeLoss</c> wrote to <c>Training.OutputGradients</c> (the same buffer) and adds dL/dθ to <see cref=\"GradientBuffer\"/> (which is <c>Training.Gradients</c>), so a training step never copies a gradient to the host.");
            w.Line("/// <exception cref=\"global::System.InvalidOperationException\">No <c>Forward</c> ran since the last <c>Backward</c>, or the last <c>Training.ComputeLoss</c> did not cover this Forward's output rows.</exception>");
            w.Line("public void Backward() => BackwardThroughTime(default, default, default, false, false, false);");
            w.Line();
            EmitBody(w, plan);
            CudaStateGradientEmitter.Emit(w, plan);
        }

        private static void EmitBody(SourceWriter w, Plan plan)
        {
            var model = plan.Spec.Shell.Target.Name.TrimStart('@');
            var bw = plan.Backward;
            var last = plan.LastGroup;
            var lastPadded = Int(last.Output.Stride);
            using (w.Block($"private void BackwardThroughTime({ReadOnlySpan} outputGradients, {Span} gradients, {Span} inputGradients, bool writeInputGradients, bool download, bool upload)"))
            {
                w.Line($"global::RnnGen.ExclusiveUse.Enter(ref _inUse, \"Backward\", \"{model}.CudaModel\"); // one call at a time per instance");
                using (w.Block("try"))
                {
                    w.Line("ThrowIfDisposed();");
                    w.Line("if (!_tapeReady)");
                    w.Line("{");
                    w.Line("    throw new global::System.InvalidOperationException(\"Backward differentiates the last Forward and consumes its tape: run Forward on the batch first.\");");
                    w.Line("}");
                    w.Line();
                    w.Line("int steps = _lastSteps;");
                    w.Line("int batchSize = _batchSize;");
                    w.Line("int rows = steps * batchSize;");
                    if (plan.Forward.HasDropout)
                    {
                        w.Line("bool dropout = _dropoutActive; // the masks that Forward used");
                    }

                    w.Line("// Every check before the tape is touched, so a corrected retry still finds it.");
                    w.Line("if (upload)");
                    w.Line("{");
                    w.Line(plan.ReturnsSequences
                        ? "    global::RnnGen.Shapes.RequireShape(outputGradients.Length, \"outputGradients\", steps, batchSize, OutputSize);"
                        : "    global::RnnGen.Shapes.RequireShape(outputGradients.Length, \"outputGradients\", batchSize, OutputSize);");
                    w.Line("}");
                    w.Line($"else if (_training is null || _training.LossRows != {(plan.ReturnsSequences ? "rows" : "batchSize")})");
                    w.Line("{");
                    w.Line($"    throw new global::System.InvalidOperationException(\"Backward() reads dL/dz from Training.OutputGradients: run Training.ComputeLoss over the last Forward's \" + {(plan.ReturnsSequences ? "rows" : "batchSize")} + \" output rows first.\");");
                    w.Line("}");
                    w.Line();
                    w.Line("if (download)");
                    w.Line("{");
                    w.Line("    global::RnnGen.Shapes.RequireLength(gradients.Length, PackedParameterLength, \"gradients\", \"[PackedParameterLength]\");");
                    w.Line("}");
                    w.Line();
                    if (plan.Embedding is null)
                    {
                        w.Line("if (writeInputGradients)");
                        w.Line("{");
                        w.Line("    global::RnnGen.Shapes.RequireShape(inputGradients.Length, \"inputGradients\", steps, batchSize, InputSize);");
                        w.Line("}");
                        w.Line();
                    }

                    CudaStateGradientEmitter.EmitCheck(w);
                    w.Line("_tapeReady = false; // the gate tape is overwritten with gate gradients: one Backward per Forward");
                    w.Line("if (download)");
                    w.Line("{");
                    w.Line("    gradients.CopyTo(_staging); // added to, as on the CPU");
                    w.Line("    ClearPadding(_staging); // so GradientBuffer's padding lanes hold 0, as the result's do");
                    w.Line("    _device.Upload<float>(_gradients, 0, _staging);");
                    w.Line("}");
                    w.Line();
                    w.Line(plan.ReturnsSequences ? "int outputRows = rows;" : "int outputRows = batchSize; // last step only");
                    w.Line($"int firstOutputRow = {(plan.ReturnsSequences ? "0" : "rows - batchSize")};");
                    w.Line("if (upload)");
                    w.Line("{");
                    w.Line("    _device.Upload<float>(_outputGradients, 0, outputGradients);");
                    w.Line("}");
                    w.Line();
                    w.Line($"int dTop = {Int(bw.OutputGradients[last.Index])};");
                    w.Line($"_device.Clear(_backwardWorkspace, 4L * dTop, 4L * rows * {lastPadded});");
                    if (plan.Head is { } head)
                    {
                        EmitHead(w, plan, head);
                    }
                    else
                    {
                        w.Line("// dL/dh of the last layer: the caller's gradients in its padded rows (padded steps have no loss).");
                        w.Line($"Launch({Field(GradientKernels.ScatterRows)}, BlocksFor(outputRows * OutputSize), {Int(GradientKernels.Threads)}, false, stackalloc {Args}[] {{ Bw, {Args}.Pointer(_lengths), {Args}.Pointer(_outputGradients), I(dTop + (firstOutputRow * {lastPadded})), I({lastPadded}), I(OutputSize), I(outputRows), I(batchSize), I({(plan.ReturnsSequences ? 1 : 0)}) }});");
                    }

                    for (var index = plan.Groups.Count - 1; index >= 0; index--)
                    {
                        EmitGroup(w, plan, plan.Groups[index]);
                    }

                    w.Line();
                    w.Line("if (download)");
                    w.Line("{");
                    w.Line("    _device.Download<float>(_gradients, 0, gradients);");
                    w.Line("    ClearPadding(gradients); // the gradient of what is no parameter is exactly 0");
                    w.Line("}");
                    if (plan.Embedding is null)
                    {
                        w.Line();
                        w.Line("if (writeInputGradients)");
                        w.Line("{");
                        w.Line("    _device.Download<float>(_inputGradients, 0, inputGradients.Slice(0, rows * InputSize));");
                        w.Line("}");
                    }

                    CudaStateGradientEmitter.EmitRelease(w);
                }

                using (w.Block("finally"))
                {
                    w.Line("global::RnnGen.ExclusiveUse.Exit(ref _inUse);");
                }
            }

            w.Line();
            w.Line($"private {Args} Bw => {Args}.Pointer(_backwardWorkspace);");
            w.Line();
            w.Line($"private {Args} G => {Args}.Pointer(_gradients);");
            w.Line();
        }

        private static string Field(string entry) => CudaModelEmitter.Field(entry);

        private static void EmitHead(SourceWriter w, Plan plan, HeadPlan head)
        {
            var bw = plan.Backward;
            var last = plan.LastGroup;
            var lastPadded = Int(last.Output.Stride);
            var op = Int(head.PaddedUnits);
            w.Line();
            w.Line("// The head: dz in padded rows, dW = Σ dz ⊗ h, db = Σ dz, dL/dh = Wᵀ dz over every output row.");
            w.Line($"_device.Clear(_backwardWorkspace, 4L * {Int(bw.Head)}, 4L * outputRows * {op});");
            w.Line($"Launch({Field(GradientKernels.ScatterRows)}, BlocksFor(outputRows * OutputSize), {Int(GradientKernels.Threads)}, false, stackalloc {Args}[] {{ Bw, {Args}.Pointer(_lengths), {Args}.Pointer(_outputGradients), I({Int(bw.Head)}), I({op}), I(OutputSize), I(outputRows), I(batchSize), I({(plan.ReturnsSequences ? 1 : 0)}) }});");
            var source = $"{last.Output.Start} + (firstOutputRow * {lastPadded})";
            var dropout = plan.Forward.HeadDropout;
            if (dropout is not null)
            {
                source = $"dropout ? {Int(dropout.Values)} : {source}"; // what the head multiplied: its input ⊙ mask in training
            }

            EmitWeightGradient(w, head.Weights, 0, 1, "Bw", Int(bw.Head), op, op, "Ws", source, lastPadded, WeightInput.Columns, "outputRows", "dW of the head");
            if (head.Bias is { } bias)
            {
                EmitWeightGradient(w, bias, 0, 1, "Bw", Int(bw.Head), op, op, "Bw", "0", "0", WeightInput.Ones, "outputRows", "db of the head");
            }

            EmitTransposed(w, head.Weights, 0, 1, head.Spec.Units, "Bw", Int(bw.Head), op, op, "Bw", $"dTop + (firstOutputRow * {lastPadded})", lastPadded, "outputRows");
            if (dropout is not null)
            {
                var rows = $"dTop + (firstOutputRow * {lastPadded})";
                CudaDropoutEmitter.EmitApply(w, dropout, "Bw", rows, "Bw", rows, $"outputRows * {Int(dropout.Stride)}", "dL/dh = mask ⊙ Wᵀ dz");
            }
        }

        private static void EmitGroup(SourceWriter w, Plan plan, LayerGroup group)
        {
            var bw = plan.Backward;
            w.Line();
            if (group.Merges)
            {
                var forward = plan.Layers[group.Units[0]];
                var padded = Int(forward.PaddedUnits);
                var mode = group.Spec.MergeMode switch
                {
                    MergeMode.Concat => 0,
                    MergeMode.Sum => 1,
                    MergeMode.Multiply => 2,
                    _ => 3,
                };
                var finalOnly = !group.Spec.ReturnSequences;
                w.Line($"// {group.Name}: dL/doutput back through the merge ({group.Spec.MergeMode}) to both directions' dL/dh.");
                foreach (var unit in group.Units)
                {
                    w.Line($"_device.Clear(_backwardWorkspace, 4L * {Int(bw.HiddenGradients[unit])}, 4L * rows * {padded});");
                }

                var hidden = group.Units.Select(u => $"{Int(plan.Forward.Layers[u].Hidden)} + (batchSize * {padded})").ToArray();
                w.Line($"Launch({Field(SequenceBackwardKernels.MergeBackward)}, BlocksFor({(finalOnly ? "batchSize" : "rows")} * {Int(group.Spec.Units)}), {Int(GradientKernels.Threads)}, false, stackalloc {Args}[] {{ Ws, Bw, {Args}.Pointer(_lengths), I({Int(bw.OutputGradients[group.Index])}), I({Int(group.Output.Stride)}), I({hidden[0]}), I({hidden[1]}), I({padded}), I({Int(bw.HiddenGradients[group.Units[0]])}), I({Int(bw.HiddenGradients[group.Units[1]])}), I({Int(group.Spec.Units)}), I({Int(mode)}), I(batchSize), I(steps), I({(finalOnly ? 1 : 0)}) }});");
            }

            if (group.Index > 0)
            {
                var below = plan.Groups[group.Index - 1];
                w.Line($"// dL/doutput of {below.Name}: the units of {group.Name} add W_ihᵀ · dG into it.");
                w.Line($"_device.Clear(_backwardWorkspace, 4L * {Int(bw.OutputGradients[below.Index])}, 4L * rows * {Int(below.Output.Stride)});");
            }
            else if (plan.Embedding is null)
            {
                w.Line("if (writeInputGradients)");
                w.Line("{");
                w.Line("    _device.Clear(_inputGradients, 0, 4L * rows * InputSize);");
                w.Line("}");
                w.Line();
            }

            foreach (var unit in group.Units)
            {
                EmitUnit(w, plan, plan.Layers[unit]);
            }
        }

        private static void EmitUnit(SourceWriter w, Plan plan, LayerPlan layer)
        {
            var bw = plan.Backward;
            var tape = plan.Forward.Layers[layer.Index];
            var hp = Int(layer.PaddedUnits);
            var gs = Int(layer.GateStride);
            var g = layer.GateCount;
            var hh = layer.RecurrentWeights;
            var kernel = PtxEmitter.RecurrentBackward(plan, layer);
            w.Line($"// ---- {layer.Name} ({CellTraits.DisplayName(layer.Spec)}), backward through time ----");
            CudaStateGradientEmitter.EmitStart(w, plan, layer);
            w.Line("_device.Clear(_barrier, 0, 4);");
            var recurrentDropout = tape.RecurrentDropout;
            var dropoutArgument = recurrentDropout is null ? string.Empty : ", I(dropout ? 1 : 0)";
            w.Line($"Launch({Field(kernel.Name)}, {Int(kernel.Blocks)}, {Int(kernel.Threads)}, true, stackalloc {Args}[] {{ P, Ws, Bw, {Args}.Pointer(_lengths), {Args}.Pointer(_barrier), I(batchSize), I(steps){dropoutArgument} }}); // every step, one launch");
            CudaStateGradientEmitter.EmitEnd(w, plan, layer);

            // Weight and bias gradients: one GEMM each over every step and sequence.
            w.Line($"// dW_ih = Σ dG ⊗ x, dW_hh = Σ dG ⊗ h(t-1), db = Σ dG over all {Int(g)} gates and every row.");
            var gates = Int(tape.Gates);
            string inputBuffer;
            string inputOffset;
            string inputStride;
            var tokens = layer.Input.Kind == InputKind.ReversedTokens ? "_reversedTokens" : "_tokens";
            var inputDropout = tape.InputDropout;
            if (layer.Input.Rows is { } rowsInput)
            {
                inputBuffer = "Ws";
                inputOffset = inputDropout is null ? rowsInput.Start : $"dropout ? {Int(inputDropout.Values)} : {rowsInput.Start}"; // x ⊙ mask in training
                inputStride = Int(rowsInput.Stride);
            }
            else
            {
                var embedding = plan.Embedding!;
                var d = Int(embedding.Dimension);
                var gather = $"Launch({Field(GradientKernels.EmbeddingRows)}, BlocksFor(rows * {d}), {Int(GradientKernels.Threads)}, false, stackalloc {Args}[] {{ P, {Args}.Pointer({tokens}), Bw, I({Int(embedding.Offset)}), I({Int(bw.Embedding)}), I({d}), I(rows) }}); // x: the embedding rows";
                inputStride = d;
                if (inputDropout is null)
                {
                    w.Line(gather);
                    inputBuffer = "Bw";
                    inputOffset = Int(bw.Embedding);
                }
                else
                {
                    w.Line("if (!dropout) // in training Forward kept the masked rows: x ⊙ mask");
                    w.Line("{");
                    w.Line("    " + gather);
                    w.Line("}");
                    w.Line();
                    inputBuffer = "dropout ? Ws : Bw";
                    inputOffset = $"dropout ? {Int(inputDropout.Values)} : {Int(bw.Embedding)}";
                }
            }

            EmitWeightGradient(w, layer.InputWeights, 0, g, "Ws", gates, gs, hp, inputBuffer, inputOffset, inputStride, WeightInput.Columns, "rows", "dW_ih");
            var hidden = recurrentDropout is null ? Int(tape.Hidden) : $"dropout ? {Int(recurrentDropout.Values)} : {Int(tape.Hidden)}"; // what W_hh multiplied
            if (layer.Spec.Cell == CellKind.Gru && layer.Spec.ResetAfter)
            {
                EmitWeightGradient(w, hh[0], 0, 2, "Ws", gates, gs, hp, "Ws", hidden, hp, WeightInput.Columns, "rows", "dW_hr, dW_hz");
                EmitWeightGradient(w, hh[0], 2, 1, "Ws", Int(tape.Aux), hp, hp, "Ws", hidden, hp, WeightInput.Columns, "rows", "dW_hn, from da_n ⊙ r");
            }
            else if (layer.Spec.Cell == CellKind.Gru)
            {
                EmitWeightGradient(w, hh[0], 0, hh[0].Gates, "Ws", gates, gs, hp, "Ws", hidden, hp, WeightInput.Columns, "rows", layer.Spec.Minimal ? "dW_hf" : "dW_hr, dW_hz");
                EmitWeightGradient(w, hh[1], 0, 1, "Ws", $"{gates} + {Int(hh[1].FirstGate * layer.PaddedUnits)}", gs, hp, "Ws", Int(tape.Aux), hp, WeightInput.Columns, "rows", "dW_hn, whose input is r ⊙ h(t-1)");
            }
            else
            {
                EmitWeightGradient(w, hh[0], 0, g, "Ws", gates, gs, hp, "Ws", hidden, hp, WeightInput.Columns, "rows", "dW_hh");
            }

            if (layer.Peepholes is { } peepholes)
            {
                var peep = CellTraits.PeepholeSymbols(layer.Spec);
                w.Line("// dp = Σ da ⊙ c over every row: c(t-1) for i and f, c(t) for o.");
                for (var k = 0; k < peep.Length; k++)
                {
                    var cell = peep[k] == "o" ? $"{Int(tape.Cell)} + (batchSize * {hp})" : Int(tape.Cell);
                    var gate = Int(CellTraits.Gate(layer.Spec, peep[k]) * layer.PaddedUnits);
                    EmitWeightGradient(w, peepholes, k, 1, "Ws", $"{gates} + {gate}", gs, hp, "Ws", cell, hp, WeightInput.Diagonal, "rows", $"dp_{peep[k]}");
                }
            }

            if (layer.InputBias is { } bih)
            {
                EmitWeightGradient(w, bih, 0, g, "Ws", gates, gs, hp, "Ws", "0", "0", WeightInput.Ones, "rows", "db_ih");
            }

            if (layer.RecurrentBias is { } bhh)
            {
                if (layer.Spec.Cell == CellKind.Gru && layer.Spec.ResetAfter)
                {
                    EmitWeightGradient(w, bhh, 0, 2, "Ws", gates, gs, hp, "Ws", "0", "0", WeightInput.Ones, "rows", "db_hr, db_hz");
                    EmitWeightGradient(w, bhh, 2, 1, "Ws", Int(tape.Aux), hp, hp, "Ws", "0", "0", WeightInput.Ones, "rows", "db_hn, from da_n ⊙ r");
                }
                else
                {
                    EmitWeightGradient(w, bhh, 0, g, "Ws", gates, gs, hp, "Ws", "0", "0", WeightInput.Ones, "rows", "db_hh");
                }
            }

            if (layer.Group > 0)
            {
                var below = plan.Groups[layer.Group - 1];
                var stride = Int(below.Output.Stride);
                w.Line($"// dL/dx of {layer.Name}: W_ihᵀ · dG for every row, into the dL/doutput of {below.Name}{(bw.InputGradients[layer.Group] >= 0 ? " through scratch rows" : string.Empty)}.");
                EmitInputGradients(w, plan, layer, gates, "Bw", Int(bw.OutputGradients[below.Index]), stride);
            }
            else if (plan.Embedding is { } embedding)
            {
                var d = Int(embedding.Dimension);
                w.Line("// dL/dE[token] += W_ihᵀ · dG for every row: atomics per row element, or one thread per table element in step order.");
                w.Line($"_device.Clear(_backwardWorkspace, 4L * {Int(bw.Embedding)}, 4L * rows * {d});");
                EmitTransposed(w, layer.InputWeights, 0, g, layer.Spec.Units, "Ws", gates, gs, hp, "Bw", Int(bw.Embedding), d, "rows");
                if (inputDropout is not null)
                {
                    CudaDropoutEmitter.EmitApply(w, inputDropout, "Bw", Int(bw.Embedding), "Bw", Int(bw.Embedding), $"rows * {Int(inputDropout.Stride)}", "dL/dx = mask ⊙ W_ihᵀ dG");
                }

                w.Line($"Launch(DeterministicEmbeddingGradients ? {Field(GradientKernels.EmbeddingGradient)} : {Field(GradientKernels.EmbeddingScatterAdd)}, BlocksFor(DeterministicEmbeddingGradients ? {Int(embedding.Length)} : rows * {d}), {Int(GradientKernels.Threads)}, false, stackalloc {Args}[] {{ G, {Args}.Pointer({tokens}), Bw, I({Int(embedding.Offset)}), I({Int(bw.Embedding)}), I({d}), I({Int(embedding.Vocabulary)}), I(rows) }});");
            }
            else
            {
                using (w.Block("if (writeInputGradients)"))
                {
                    w.Line($"// dL/dx of {layer.Name}: dX[row] = W_ihᵀ · dG[row] (exact zeros at padded steps, whose dG is 0).");
                    EmitInputGradients(w, plan, layer, gates, $"{Args}.Pointer(_inputGradients)", "0", "InputSize");
                }
            }
        }

        /// <summary>
        /// dst += W_ihᵀ · dG for every row: straight into the destination rows for a lone forward unit; through the
        /// group's scratch rows, then added (back in time order for a reversed unit), when two units share them.
        /// </summary>
        private static void EmitInputGradients(SourceWriter w, Plan plan, LayerPlan layer, string gates, string dst, string dstOffset, string stride)
        {
            var scratch = plan.Backward.InputGradients[layer.Group];
            var g = layer.GateCount;
            var (gs, hp) = (Int(layer.GateStride), Int(layer.PaddedUnits));
            var dropout = plan.Forward.Layers[layer.Index].InputDropout;
            if (scratch < 0)
            {
                // A lone unit: its rows are the only ones added there, so the mask applies to them in place.
                EmitTransposed(w, layer.InputWeights, 0, g, layer.Spec.Units, "Ws", gates, gs, hp, dst, dstOffset, stride, "rows");
                if (dropout is not null)
                {
                    CudaDropoutEmitter.EmitApply(w, dropout, dst, dstOffset, dst, dstOffset, $"rows * {stride}", "dL/dx = mask ⊙ W_ihᵀ dG");
                }

                return;
            }

            w.Line($"_device.Clear(_backwardWorkspace, 4L * {Int(scratch)}, 4L * rows * {stride});");
            EmitTransposed(w, layer.InputWeights, 0, g, layer.Spec.Units, "Ws", gates, gs, hp, "Bw", Int(scratch), stride, "rows");
            if (dropout is not null)
            {
                CudaDropoutEmitter.EmitApply(w, dropout, "Bw", Int(scratch), "Bw", Int(scratch), $"rows * {stride}", "dL/dx = mask ⊙ W_ihᵀ dG, this unit's mask");
            }

            w.Line($"Launch({Field(SequenceBackwardKernels.AddRows)}, BlocksFor(rows * {stride}), {Int(GradientKernels.Threads)}, false, stackalloc {Args}[] {{ Bw, {dst}, {Args}.Pointer(_lengths), I({Int(scratch)}), I({dstOffset}), I({stride}), I(batchSize), I(steps), I({(layer.Reverse ? 1 : 0)}) }});{(layer.Reverse ? " // back to time order" : string.Empty)}");
        }

        private enum WeightInput
        {
            Columns,
            Ones,
            Diagonal,
        }

        /// <summary>One launch of the weight-gradient GEMM for gates first..first+count of a packed tensor, commented with <paramref name="what"/>.</summary>
        private static void EmitWeightGradient(SourceWriter w, PackedTensor tensor, int first, int count, string y, string yOffset, string yStride, string yGateStride, string x, string xOffset, string xStride, WeightInput input, string rows, string what)
        {
            var total = tensor.Blocks * tensor.Columns * count * Packing.BlockWidth;
            w.Line($"Launch({Field(GradientKernels.WeightGradient)}, BlocksFor({Int(total)}), {Int(GradientKernels.Threads)}, false, stackalloc {Args}[] {{ G, {y}, {x}, I({Int(tensor.Offset)}), I({Int(tensor.Columns)}), I({Int(tensor.Gates)}), I({Int(first)}), I({Int(count)}), I({yOffset}), I({yStride}), I({yGateStride}), I({xOffset}), I({xStride}), I({(input == WeightInput.Ones ? 1 : 0)}), I({(input == WeightInput.Diagonal ? 1 : 0)}), I({rows}), I({Int(total)}) }}); // {what}");
        }

        /// <summary>One launch of dst += Wᵀ · dy over gates first..first+count of a packed tensor.</summary>
        private static void EmitTransposed(SourceWriter w, PackedTensor tensor, int first, int count, int units, string y, string yOffset, string yStride, string yGateStride, string dst, string dstOffset, string dstStride, string rows)
        {
            w.Line($"Launch({Field(GradientKernels.TransposedProduct)}, BlocksFor({rows} * {Int(tensor.Columns)}), {Int(GradientKernels.Threads)}, false, stackalloc {Args}[] {{ P, {y}, {dst}, I({Int(tensor.Offset)}), I({Int(tensor.Columns)}), I({Int(tensor.Gates)}), I({Int(first)}), I({Int(count)}), I({Int(units)}), I({yOffset}), I({yStride}), I({yGateStride}), I({dstOffset}), I({dstStride}), I({rows}) }});");
        }
    }
}
