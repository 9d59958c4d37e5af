using RnnGen.Generator.Emit.Ptx;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Gpu
{
    /// <summary>
    /// Writes <c>CudaModel.Forward</c> (the CPU Forward's checks, then one launch per projection, recurrent loop,
    /// reversal, merge and the head) and the many-stream <c>Step</c>, which is a one-step Forward that continues the
    /// streams' states left on the device.
    /// </summary>
    internal static class CudaForwardEmitter
    {
        private const string Gpu = CudaModelEmitter.Gpu;

        public static void Emit(SourceWriter w, Plan plan)
        {
            var embedding = plan.Spec.Input.IsEmbedding;
            var inputParameter = embedding ? "global::System.ReadOnlySpan<int> tokens" : $"{ReadOnlySpan} inputs";
            var inputName = embedding ? "tokens" : "inputs";
            var outputShape = plan.ReturnsSequences ? "[steps][batchSize][OutputSize]" : "[batchSize][OutputSize]";
            w.Summary("Runs the network over a batch of sequences on the GPU: the same shapes and results as the CPU model's <c>Forward</c>.");
            w.Line(embedding
                ? "/// <param name=\"tokens\">Token ids, time-major: [steps][batchSize], each in [0, VocabularySize).</param>"
                : "/// <param name=\"inputs\">Time-major [steps][batchSize][InputSize]; 1 &lt;= steps &lt;= MaxSequenceLength.</param>");
            w.Line($"/// <param name=\"outputs\">Receives {outputShape}.</param>");
            w.Line("/// <param name=\"batchSize\">Sequences in the batch, 1..MaxBatchSize.</param>");
            w.Line("/// <param name=\"continueState\">Start from the previous call's final state (same batch size) instead of zero.</param>");
            w.Line($"public void Forward({inputParameter}, {Span} outputs, int batchSize = 1, bool continueState = false) => Forward({inputName}, default, outputs, batchSize, continueState);");
            w.Line();
            w.Summary("Runs a batch of sequences of different lengths on the GPU (PyTorch packed-sequence semantics, as the CPU model).");
            w.Line(embedding
                ? "/// <param name=\"tokens\">Token ids, time-major: [steps][batchSize], padded with any valid id.</param>"
                : "/// <param name=\"inputs\">Time-major [steps][batchSize][InputSize], padded (with anything) after each sequence's length.</param>");
            w.Line("/// <param name=\"lengths\">Valid steps per sequence, [batchSize], each in [1, steps]; empty: every sequence is full length.</param>");
            w.Line($"/// <param name=\"outputs\">Receives {outputShape}: zero at padded steps{(plan.ReturnsSequences ? string.Empty : "; the output of each sequence's last valid step")}.</param>");
            w.Line("/// <param name=\"batchSize\">Sequences in the batch, 1..MaxBatchSize.</param>");
            w.Line("/// <param name=\"continueState\">Start from the previous call's final state (same batch size) instead of zero.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span's length does not match its shape, or a length or token is out of range.</exception>");
            using (w.Block($"public void Forward({inputParameter}, global::System.ReadOnlySpan<int> lengths, {Span} outputs, int batchSize, bool continueState = false)"))
            {
                if (plan.CanStream)
                {
                    w.Line("_streaming = false; // a Forward replaces the streams' states");
                }

                w.Line($"Run({inputName}, lengths, outputs, batchSize, continueState, \"Forward\");");
            }

            w.Line();
            if (plan.CanStream)
            {
                EmitStep(w, plan, inputParameter, inputName);
            }

            EmitRun(w, plan, inputParameter, inputName);
        }

        private static void EmitStep(SourceWriter w, Plan plan, string inputParameter, string inputName)
        {
            var embedding = plan.Spec.Input.IsEmbedding;
            w.Summary("Advances <paramref name=\"streams\"/> independent streams by one step in one pass (thousands of agents or sensors at once); their states stay on the device between calls.");
            w.Line(embedding
                ? "/// <param name=\"tokens\">This step's token of each stream, [streams].</param>"
                : "/// <param name=\"inputs\">This step's input of each stream, [streams][InputSize].</param>");
            w.Line("/// <param name=\"outputs\">Receives each stream's output, [streams][OutputSize].</param>");
            w.Line("/// <param name=\"streams\">Streams, 1..MaxBatchSize. The first call (and the first after <see cref=\"ResetStreams\"/> or a <c>Forward</c>) starts every stream from zero; later calls must pass the same count.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length, or the stream count changed without <see cref=\"ResetStreams\"/>.</exception>");
            using (w.Block($"public void Step({inputParameter}, {Span} outputs, int streams)"))
            {
                w.Line("if (_streaming && streams != _batchSize)");
                w.Line("{");
                w.Line("    throw new global::System.ArgumentException($\"The running streams number {_batchSize}; call ResetStreams() before stepping {streams}.\", \"streams\");");
                w.Line("}");
                w.Line();
                w.Line("bool continueState = _streaming;");
                w.Line($"Run({inputName}, default, outputs, streams, continueState, \"Step\");");
                w.Line("_streaming = true;");
            }

            w.Line();
            w.Summary("Forgets the streams' states: the next <see cref=\"Step\"/> starts every stream from zero.");
            w.Line("public void ResetStreams() => _streaming = false;");
            w.Line();
        }

        private static void EmitRun(SourceWriter w, Plan plan, string inputParameter, string inputName)
        {
            var embedding = plan.Spec.Input.IsEmbedding;
            var model = plan.Spec.Shell.Target.Name.TrimStart('@');
            using (w.Block($"private void Run({inputParameter}, global::System.ReadOnlySpan<int> lengths, {Span} outputs, int batchSize, bool continueState, string member)"))
            {
                w.Line($"global::RnnGen.ExclusiveUse.Enter(ref _inUse, member, \"{model}.CudaModel\"); // one call at a time per instance");
                using (w.Block("try"))
                {
                    w.Line("ThrowIfDisposed();");
                    w.Line($"int steps = global::RnnGen.Shapes.Steps({inputName}.Length, batchSize, {(embedding ? "1" : "InputSize")}, MaxBatchSize, MaxSequenceLength, \"{inputName}\", member == \"Step\" ? \"streams\" : \"batchSize\");");
                    if (embedding)
                    {
                        w.Line("global::RnnGen.Shapes.CheckTokens(tokens, VocabularySize, \"tokens\");");
                    }

                    w.Line("if (!lengths.IsEmpty)");
                    w.Line("{");
                    w.Line("    global::RnnGen.Numerics.SequenceLengths.Check(lengths, batchSize, steps, \"lengths\");");
                    w.Line("}");
                    w.Line();
                    w.Line(plan.ReturnsSequences
                        ? "global::RnnGen.Shapes.RequireShape(outputs.Length, \"outputs\", steps, batchSize, OutputSize);"
                        : "global::RnnGen.Shapes.RequireShape(outputs.Length, \"outputs\", batchSize, OutputSize);");
                    w.Line("if (continueState && (_lastSteps == 0 || _batchSize != batchSize))");
                    w.Line("{");
                    w.Line("    throw new global::System.InvalidOperationException(\"continueState needs a previous Forward with the same batch size.\");");
                    w.Line("}");
                    w.Line();
                    w.Line("if (_stagedBatchSize != 0 && (continueState || _stagedBatchSize != batchSize))");
                    w.Line("{");
                    w.Line("    throw new global::System.ArgumentException($\"SetInitialState staged states for {_stagedBatchSize} sequences without continueState; this call has batch size {batchSize}{(continueState ? \" and continueState\" : string.Empty)}.\", \"batchSize\");");
                    w.Line("}");
                    w.Line();
                    w.Line("int previousSteps = _lastSteps;");
                    w.Line("int rows = steps * batchSize;");
                    using (w.Block("for (int b = 0; b < batchSize; b++)"))
                    {
                        w.Line("_hostLengths[b] = lengths.IsEmpty ? steps : lengths[b];");
                    }

                    w.Line("_device.Upload<int>(_lengths, 0, global::System.MemoryExtensions.AsSpan(_hostLengths, 0, batchSize));");
                    if (embedding)
                    {
                        w.Line("_device.Upload<int>(_tokens, 0, tokens);");
                        if (plan.NeedsReversedTokens)
                        {
                            w.Line("global::RnnGen.Numerics.SequenceOps.Reverse(tokens, _hostReversedTokens, batchSize, steps, lengths); // for the reversed units");
                            w.Line("_device.Upload<int>(_reversedTokens, 0, global::System.MemoryExtensions.AsSpan(_hostReversedTokens, 0, rows));");
                        }
                    }
                    else
                    {
                        w.Line($"_device.Upload<float>(_workspace, {Int(plan.Forward.InputOffset)}, inputs);");
                    }

                    CudaDropoutEmitter.EmitSampling(w, plan);

                    foreach (var group in plan.Groups)
                    {
                        EmitGroup(w, plan, group);
                    }

                    EmitOutput(w, plan);
                    CudaBackwardEmitter.EmitTapeMark(w, plan);
                    w.Line("_lastSteps = steps;");
                    w.Line("_batchSize = batchSize;");
                    w.Line("global::System.Array.Clear(_staged);");
                    w.Line("_stagedBatchSize = 0;");
                }

                using (w.Block("finally"))
                {
                    w.Line("global::RnnGen.ExclusiveUse.Exit(ref _inUse);");
                }
            }

            w.Line();
        }

        private static void EmitGroup(SourceWriter w, Plan plan, LayerGroup group)
        {
            w.Line();
            w.Line($"// {group.Name}");
            if (group.ReversedInput >= 0 && group.Input is { } input)
            {
                w.Line($"Launch({CudaModelEmitter.Field(SequenceKernels.Reverse)}, BlocksFor(rows * {Int(input.Stride)}), {Int(SequenceKernels.Threads)}, false, stackalloc {Gpu}.KernelArgument[] {{ Ws, {Gpu}.KernelArgument.Pointer(_lengths), I({input.Start}), I({Int(group.ReversedInput)}), I({Int(input.Stride)}), I(batchSize), I(steps) }});");
            }

            foreach (var unit in group.Units)
            {
                EmitUnit(w, plan, plan.Layers[unit]);
            }

            if (group.Merges)
            {
                var forward = plan.Forward.Layers[group.Units[0]];
                var reverse = plan.Forward.Layers[group.Units[1]];
                var padded = plan.Layers[group.Units[0]].PaddedUnits;
                var finalOnly = !group.Spec.ReturnSequences;
                var mode = group.Spec.MergeMode switch
                {
                    MergeMode.Concat => 0,
                    MergeMode.Sum => 1,
                    MergeMode.Multiply => 2,
                    _ => 3,
                };
                var count = $"{(finalOnly ? "batchSize" : "rows")} * {Int(group.Spec.Units)}";
                w.Line($"Launch({CudaModelEmitter.Field(SequenceKernels.Merge)}, BlocksFor({count}), {Int(SequenceKernels.Threads)}, false, stackalloc {Gpu}.KernelArgument[] {{ Ws, {Gpu}.KernelArgument.Pointer(_lengths), I({Int(forward.Hidden)} + (batchSize * {Int(padded)})), I({Int(reverse.Hidden)} + (batchSize * {Int(padded)})), I({Int(padded)}), I({Int(group.Output.Offset)}), I({Int(group.Output.Stride)}), I({Int(group.Spec.Units)}), I({Int(mode)}), I(batchSize), I(steps), I({(finalOnly ? 1 : 0)}) }}); // {group.Spec.MergeMode}");
            }
        }

        private static void EmitUnit(SourceWriter w, Plan plan, LayerPlan layer)
        {
            var tape = plan.Forward.Layers[layer.Index];
            var tokenBuffer = layer.Input.Kind == InputKind.ReversedTokens ? "_reversedTokens" : "_tokens";
            var tokens = layer.Input.Kind == InputKind.Rows ? string.Empty : $"{Gpu}.KernelArgument.Pointer({tokenBuffer}), ";
            var inputOffset = layer.Input.Rows is { } rowsRef ? rowsRef.Start : "0";
            var projection = $"Launch({CudaModelEmitter.Field(KernelNames.Projection(layer))}, ((rows + 15) / 16) * {Int(layer.Blocks)}, 256, false, stackalloc {Gpu}.KernelArgument[] {{ P, Ws, {tokens}I(rows), I({inputOffset}) }});";
            if (tape.InputDropout is not { } dropout)
            {
                w.Line(projection);
            }
            else if (layer.Input.Rows is { } input)
            {
                w.Line($"// Input dropout in training: the projection reads x ⊙ mask, kept in the tape for Backward's dW_ih.");
                CudaDropoutEmitter.EmitApply(w, dropout, "Ws", input.Start, "Ws", Int(dropout.Values), $"rows * {Int(dropout.Stride)}", "x ⊙ mask");
                w.Line($"Launch({CudaModelEmitter.Field(KernelNames.Projection(layer))}, ((rows + 15) / 16) * {Int(layer.Blocks)}, 256, false, stackalloc {Gpu}.KernelArgument[] {{ P, Ws, I(rows), I(dropout ? {Int(dropout.Values)} : {input.Start}) }});");
            }
            else
            {
                var embedding = plan.Embedding!;
                using (w.Block("if (dropout)"))
                {
                    w.Line("// Input dropout in training: the embedding rows gathered, masked and kept in the tape, then projected.");
                    w.Line($"Launch({CudaModelEmitter.Field(GradientKernels.EmbeddingRows)}, BlocksFor(rows * {Int(embedding.Dimension)}), {Int(GradientKernels.Threads)}, false, stackalloc {Gpu}.KernelArgument[] {{ P, {Gpu}.KernelArgument.Pointer({tokenBuffer}), Ws, I({Int(embedding.Offset)}), I({Int(dropout.Values)}), I({Int(embedding.Dimension)}), I(rows) }});");
                    w.Line(CudaDropoutEmitter.Apply(dropout, "Ws", Int(dropout.Values), "Ws", Int(dropout.Values), $"rows * {Int(dropout.Stride)}"));
                    w.Line($"Launch({CudaModelEmitter.Field(KernelNames.DroppedProjection(layer))}, ((rows + 15) / 16) * {Int(layer.Blocks)}, 256, false, stackalloc {Gpu}.KernelArgument[] {{ P, Ws, I(rows), I({Int(dropout.Values)}) }});");
                }

                using (w.Block("else"))
                {
                    w.Line(projection);
                }
            }

            EmitInitialSlice(w, layer, tape.Hidden, tape.InitialHidden);
            if (tape.Cell >= 0)
            {
                EmitInitialSlice(w, layer, tape.Cell, tape.InitialCell);
            }

            var kernel = PtxEmitter.Recurrent(plan, layer);
            var dropoutArgument = string.Empty;
            if (tape.RecurrentDropout is { } recurrent)
            {
                var slice = $"batchSize * {Int(layer.PaddedUnits)}";
                CudaDropoutEmitter.EmitApply(w, recurrent, "Ws", Int(tape.Hidden), "Ws", Int(recurrent.Values), slice, "h(-1) ⊙ mask for step 0's products; the kernel writes the later steps'");
                dropoutArgument = ", I(dropout ? 1 : 0)";
            }

            w.Line("_device.Clear(_barrier, 0, 4);");
            w.Line($"Launch({CudaModelEmitter.Field(kernel.Name)}, {Int(kernel.Blocks)}, {Int(kernel.Threads)}, true, stackalloc {Gpu}.KernelArgument[] {{ P, Ws, {Gpu}.KernelArgument.Pointer(_lengths), {Gpu}.KernelArgument.Pointer(_barrier), I(batchSize), I(steps){dropoutArgument} }}); // every step, one launch");
        }

        /// <summary>Slice 0 of a state sequence: the previous final state, a staged state, or zero (as the CPU Forward).</summary>
        private static void EmitInitialSlice(SourceWriter w, LayerPlan layer, int sequence, int staged)
        {
            var padded = Int(layer.PaddedUnits);
            var copy = CudaModelEmitter.Field(SequenceKernels.Copy);
            var args = $"{Gpu}.KernelArgument";
            w.Line("if (continueState)");
            w.Line("{");
            w.Line($"    Launch({copy}, BlocksFor(batchSize * {padded}), {Int(SequenceKernels.Threads)}, false, stackalloc {args}[] {{ Ws, I({Int(sequence)} + (previousSteps * batchSize * {padded})), I({Int(sequence)}), I(batchSize * {padded}) }});");
            w.Line("}");
            w.Line($"else if (_staged[{Int(layer.Index)}])");
            w.Line("{");
            w.Line($"    Launch({copy}, BlocksFor(batchSize * {padded}), {Int(SequenceKernels.Threads)}, false, stackalloc {args}[] {{ Ws, I({Int(staged)}), I({Int(sequence)}), I(batchSize * {padded}) }});");
            w.Line("}");
            w.Line("else");
            w.Line("{");
            w.Line($"    _device.Clear(_workspace, 4L * {Int(sequence)}, 4L * batchSize * {padded});");
            w.Line("}");
        }

        private static void EmitOutput(SourceWriter w, Plan plan)
        {
            var output = plan.LastGroup.Output;
            var stride = Int(output.Stride);
            w.Line();
            w.Line(plan.ReturnsSequences ? "int outputRows = rows;" : "int outputRows = batchSize; // last step only");
            w.Line(plan.ReturnsSequences
                ? $"int source = {output.Start};"
                : $"int source = {output.Start} + ((steps - 1) * batchSize * {stride});");
            var gatherSource = "source";
            var gatherStride = stride;
            if (plan.Head is { } head)
            {
                var headOffset = Int(plan.Forward.HeadOffset);
                if (plan.Forward.HeadDropout is { } dropout)
                {
                    using (w.Block("if (dropout)"))
                    {
                        w.Line("// Head dropout in training: the head reads its input ⊙ mask, kept in the tape for Backward's dW.");
                        w.Line(CudaDropoutEmitter.Apply(dropout, "Ws", "source", "Ws", Int(dropout.Values), $"outputRows * {Int(dropout.Stride)}"));
                        w.Line($"source = {Int(dropout.Values)};");
                    }
                }

                w.Line($"Launch({CudaModelEmitter.Field(KernelNames.Head)}, ((outputRows + 15) / 16) * {Int(head.Weights.Blocks)}, 256, false, stackalloc {Gpu}.KernelArgument[] {{ P, Ws, I(outputRows), I(source) }});");
                if (head.Spec.Activation == Activation.Softmax)
                {
                    w.Line($"Launch({CudaModelEmitter.Field(SequenceKernels.Softmax)}, BlocksFor(outputRows), {Int(SequenceKernels.Threads)}, false, stackalloc {Gpu}.KernelArgument[] {{ Ws, I({headOffset}), I({Int(head.PaddedUnits)}), I(OutputSize), I(outputRows) }});");
                }

                gatherSource = headOffset;
                gatherStride = Int(head.PaddedUnits);
            }

            w.Line($"Launch({CudaModelEmitter.Field(SequenceKernels.Gather)}, BlocksFor(outputRows * OutputSize), {Int(SequenceKernels.Threads)}, false, stackalloc {Gpu}.KernelArgument[] {{ Ws, {Gpu}.KernelArgument.Pointer(_lengths), {Gpu}.KernelArgument.Pointer(_outputs), I({gatherSource}), I({gatherStride}), I(OutputSize), I(outputRows), I(batchSize), I({(plan.ReturnsSequences ? 1 : 0)}) }});");
            w.Line("_device.Download<float>(_outputs, 0, outputs.Slice(0, outputRows * OutputSize));");
        }
    }
}
