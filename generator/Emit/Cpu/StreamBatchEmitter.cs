using System.Linq;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Writes the nested <c>StreamBatch</c> (the states of many streams, row by row) and <c>Step(StreamBatch, ...)</c>,
    /// which advances all of them by one step with one pass over the weights: the same kernels as <c>Step</c>, given
    /// every stream's row at once, so each weight load serves every stream and the result is bit-identical to one
    /// <c>Step</c> per stream.
    /// </summary>
    internal static class StreamBatchEmitter
    {
        public static void Emit(SourceWriter w, Plan plan)
        {
            EmitCreate(w);
            EmitClass(w, plan);
        }

        private static void EmitCreate(SourceWriter w)
        {
            w.Summary("Creates an empty batch of streams of this model, advanced together by <c>StreamBatch.Step</c>; add streams with <c>Add</c>.");
            w.Line("/// <param name=\"capacity\">The most streams it holds, 1..1048576; its memory is allocated now, once.</param>");
            w.Line(GeneratedCode.Attribute);
            w.Line("public StreamBatch CreateStreamBatch(int capacity) => new(this, capacity);");
            w.Line();
        }

        /// <summary>Streams per thread below which a batch stays on the calling thread (a handoff costs a few µs).</summary>
        private const int MinRowsPerThread = 32;

        private static void EmitStep(SourceWriter w, Plan plan)
        {
            var embedding = plan.Spec.Input.IsEmbedding;
            var model = plan.Spec.Shell.Target.Name.TrimStart('@');
            w.Summary("Advances every stream by one step in one pass over the model's weights: the same results, bit for bit, as one <c>Step</c> per stream, at a fraction of the cost when there are many. Stream i is row i.");
            w.Line(embedding
                ? "/// <param name=\"tokens\">This step's token of each stream, [Count], each in [0, VocabularySize).</param>"
                : "/// <param name=\"inputs\">This step's input of each stream, [Count][InputSize].</param>");
            w.Line("/// <param name=\"outputs\">Receives each stream's output, [Count][OutputSize].</param>");
            w.Line($"/// <remarks>Allocates nothing and only reads the weights: different batches of one model may step on different threads at once. From {Int(2 * MinRowsPerThread)} streams on, the rows are split across up to <c>global::RnnGen.Threading.RowParallel.MaxThreads</c> threads (every core by default); each row is computed by the same code on any thread, so the results do not depend on the thread count.</remarks>");
            w.Line(GeneratedCode.Attribute);
            var inputParameter = embedding ? "global::System.ReadOnlySpan<int> tokens" : $"{ReadOnlySpan} inputs";
            var inputName = embedding ? "tokens" : "inputs";
            using (w.Block($"public void Step({inputParameter}, {Span} outputs)"))
            {
                w.Line($"global::RnnGen.ExclusiveUse.Enter(ref _inUse, \"StreamBatch.Step\", \"{model}\"); // the batch's rows are its state");
                using (w.Block("try"))
                {
                    w.Line("int rows = Count;");
                    if (embedding)
                    {
                        w.Line("global::RnnGen.Shapes.RequireLength(tokens.Length, rows, \"tokens\", \"[Count]\");");
                        w.Line("global::RnnGen.Shapes.CheckTokens(tokens, VocabularySize, \"tokens\");");
                    }
                    else
                    {
                        w.Line("global::RnnGen.Shapes.RequireShape(inputs.Length, \"inputs\", rows, InputSize);");
                        w.Line("if (global::RnnGen.NonFiniteValues.CheckInputs)");
                        w.Line("{");
                        w.Line("    global::RnnGen.NonFiniteValues.RequireFiniteRows(inputs, rows, InputSize, \"inputs\"); // checked mode only");
                        w.Line("}");
                        w.Line();
                    }

                    w.Line("global::RnnGen.Shapes.RequireShape(outputs.Length, \"outputs\", rows, OutputSize);");
                    w.Line($"if (rows >= {Int(2 * MinRowsPerThread)} && global::RnnGen.Threading.RowParallel.MaxThreads > 1)");
                    w.Line("{");
                    w.Line(embedding
                        ? "    tokens.CopyTo(_tokens); // the workers read the rows from here"
                        : "    inputs.CopyTo(Buffer.Span.Slice(Inputs, rows * InputSize)); // the workers read the rows from here");
                    w.Line($"    global::RnnGen.Threading.RowParallel.For(this, rows, {Int(MinRowsPerThread)});");
                    w.Line("    Buffer.Span.Slice(Outputs, rows * OutputSize).CopyTo(outputs);");
                    w.Line("}");
                    w.Line("else if (rows > 0)");
                    w.Line("{");
                    w.Line($"    StepRows(0, rows, ref {Marshal}.GetReference({inputName}), outputs);");
                    w.Line("}");
                }

                using (w.Block("finally"))
                {
                    w.Line("global::RnnGen.ExclusiveUse.Exit(ref _inUse);");
                }
            }

            w.Line();
            w.Line(GeneratedCode.Attribute);
            w.Line(embedding
                ? $"void global::RnnGen.Threading.IRowRange.Run(int start, int count) => StepRows(start, count, ref _tokens[start], Buffer.Span.Slice(Outputs + (start * OutputSize), count * OutputSize));"
                : $"void global::RnnGen.Threading.IRowRange.Run(int start, int count) => StepRows(start, count, {At("Buffer.Reference", "Inputs + (start * InputSize)")}, Buffer.Span.Slice(Outputs + (start * OutputSize), count * OutputSize));");
            w.Line();
            w.Line("/// <summary>Rows [start, start + rows) of the batch; <paramref name=\"input\"/> is row start's input, <paramref name=\"outputs\"/> its output rows.</summary>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"private void StepRows(int start, int rows, ref {(embedding ? "int" : "float")} input, {Span} outputs)"))
            {
                w.Line("ref float p = ref _model._parameters.Reference;");
                w.Line("ref float sb = ref Buffer.Reference;");
                w.Line($"{Span} batchSpan = Buffer.Span;");
                var stride = Int(plan.MaxPaddedUnits);
                var rows = new StepRows(
                    "sb",
                    "batchSpan",
                    "rows",
                    $"Projection + (start * {Int(plan.MaxGateStride)})",
                    $"NextHidden + (start * {stride})",
                    $"NextCell + (start * {stride})",
                    $"Scratch + (start * {stride})",
                    layer => $"Hidden[{Int(layer.Index)}] + (start * {Int(layer.PaddedUnits)})",
                    layer => $"Cell[{Int(layer.Index)}] + (start * {Int(layer.PaddedUnits)})",
                    embedding ? $"{At("p", plan.Embedding!.Offset)}, ref input" : "ref input",
                    "these streams'");
                var lastHidden = LayerStepEmitter.Emit(w, plan, rows, quantized: null);
                w.Line();
                w.Line("int outputRows = rows;");
                var last = plan.Layers[plan.Layers.Count - 1];
                var head = plan.Head is { } h ? $"Head + (start * {Int(h.PaddedUnits)})" : "Head";
                if (plan.Head is not null)
                {
                    w.Line($"int head = {head};");
                }

                InferenceEmitter.EmitOutput(w, plan, $"ref hPrev{Int(last.Index)}", At("sb", "head"), "head", "batchSpan", lastHidden, Int(last.PaddedUnits), "outputs");
            }
        }

        private static void EmitClass(SourceWriter w, Plan plan)
        {
            var layers = plan.Layers;
            w.Line("/// <summary>");
            w.Line("/// The states of up to <see cref=\"Capacity\"/> independent streams of one model, advanced together by <see cref=\"Step\"/>.");
            w.Line("/// Stream i is row i of every input and output; <see cref=\"Add\"/> appends a stream, <see cref=\"RemoveAt\"/> moves the last");
            w.Line("/// stream into the freed row (so rows stay dense), <see cref=\"Reset\"/> zeroes one. Nothing allocates after construction.");
            w.Line("/// </summary>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block("public sealed class StreamBatch : global::RnnGen.Threading.IRowRange"))
            {
                w.Line($"private readonly {plan.Spec.Shell.Target.Name}{plan.Spec.Shell.Target.TypeParameters} _model;");
                w.Line("internal readonly global::RnnGen.AlignedBuffer Buffer;");
                w.Line("internal readonly int[] Hidden;");
                w.Line("internal readonly int[] Cell;");
                w.Line("internal readonly int Projection;");
                w.Line("internal readonly int NextHidden;");
                w.Line("internal readonly int NextCell;");
                w.Line("internal readonly int Scratch;");
                w.Line("internal readonly int Head;");
                w.Line(plan.Spec.Input.IsEmbedding ? "private readonly int[] _tokens;" : "private readonly int Inputs;");
                w.Line("private readonly int Outputs;");
                w.Line("private int _inUse;");
                w.Line();
                w.Line($"internal StreamBatch({plan.Spec.Shell.Target.Name}{plan.Spec.Shell.Target.TypeParameters} model, int capacity)");
                using (w.Block(string.Empty))
                {
                    w.Line("_model = model;");
                    w.Line("global::System.ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);");
                    w.Line("global::System.ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 1048576);");
                    w.Line("Capacity = capacity;");
                    w.Line($"Hidden = new int[{Int(layers.Count)}];");
                    w.Line($"Cell = new int[{Int(layers.Count)}];");
                    w.Line("long next = 0;");
                    foreach (var layer in layers)
                    {
                        w.Line($"Hidden[{Int(layer.Index)}] = Take(ref next, capacity, {Int(layer.PaddedUnits)});");
                        w.Line(layer.Spec.Cell == CellKind.Lstm
                            ? $"Cell[{Int(layer.Index)}] = Take(ref next, capacity, {Int(layer.PaddedUnits)});"
                            : $"Cell[{Int(layer.Index)}] = -1;");
                    }

                    w.Line($"Projection = Take(ref next, capacity, {Int(plan.MaxGateStride)});");
                    w.Line($"NextHidden = Take(ref next, capacity, {Int(plan.MaxPaddedUnits)});");
                    w.Line(layers.Any(l => l.Spec.Cell == CellKind.Lstm) ? $"NextCell = Take(ref next, capacity, {Int(plan.MaxPaddedUnits)});" : "NextCell = -1;");
                    w.Line(layers.Any(l => l.Spec.Cell == CellKind.Gru) ? $"Scratch = Take(ref next, capacity, {Int(plan.MaxPaddedUnits)});" : "Scratch = -1;");
                    w.Line(plan.Head is { } head ? $"Head = Take(ref next, capacity, {Int(head.PaddedUnits)});" : "Head = -1;");
                    w.Line(plan.Spec.Input.IsEmbedding ? "_tokens = new int[capacity];" : "Inputs = Take(ref next, capacity, InputSize);");
                    w.Line("Outputs = Take(ref next, capacity, OutputSize);");
                    w.Line("if (next > int.MaxValue)");
                    w.Line("{");
                    w.Line("    throw new global::System.ArgumentOutOfRangeException(\"capacity\", capacity, \"The batch would exceed 2^31 floats.\");");
                    w.Line("}");
                    w.Line();
                    w.Line("Buffer = new global::RnnGen.AlignedBuffer((int)next);");
                }

                w.Line();
                EmitStep(w, plan);
                w.Line();
                w.Summary("The most streams the batch holds.");
                w.Line("public int Capacity { get; }");
                w.Line();
                w.Summary("Streams in the batch: rows 0..Count-1 of Step's inputs and outputs.");
                w.Line("public int Count { get; private set; }");
                w.Line();
                w.Summary("Adds a stream with a zero state as row <see cref=\"Count\"/> and returns its row.");
                w.Line("/// <exception cref=\"global::System.InvalidOperationException\">The batch is full.</exception>");
                using (w.Block("public int Add()"))
                {
                    w.Line("if (Count == Capacity)");
                    w.Line("{");
                    w.Line("    throw new global::System.InvalidOperationException($\"The batch is full: it holds {Capacity} streams.\");");
                    w.Line("}");
                    w.Line();
                    w.Line("Count++;");
                    w.Line("Reset(Count - 1);");
                    w.Line("return Count - 1;");
                }

                w.Line();
                w.Summary("Removes the stream in row <paramref name=\"index\"/>: the last stream moves into that row (so rows stay dense), and the count drops by one.");
                w.Line("/// <param name=\"index\">A row, 0..Count-1.</param>");
                using (w.Block("public void RemoveAt(int index)"))
                {
                    w.Line("CheckRow(index);");
                    w.Line("int last = Count - 1;");
                    using (w.Block("if (index != last)"))
                    {
                        EmitForEachStateRow(w, layers, (row, width) => $"Buffer.Span.Slice({row("last")}, {width}).CopyTo(Buffer.Span.Slice({row("index")}, {width}));");
                    }

                    w.Line("Count--;");
                }

                w.Line();
                w.Summary("Sets every layer's state of one stream back to zero, as at the start of a new sequence.");
                w.Line("/// <param name=\"index\">A row, 0..Count-1.</param>");
                using (w.Block("public void Reset(int index)"))
                {
                    w.Line("CheckRow(index);");
                    EmitForEachStateRow(w, layers, (row, width) => $"Buffer.Span.Slice({row("index")}, {width}).Clear();");
                }

                w.Line();
                w.Summary("Removes every stream.");
                w.Line("public void Clear() => Count = 0;");
                w.Line();
                w.Summary("The hidden state h of one stream's layer after the last step, [units].");
                w.Line("/// <param name=\"index\">A row, 0..Count-1.</param>");
                w.Line("/// <param name=\"layer\">Recurrent layer index, 0..LayerCount-1.</param>");
                using (w.Block("public global::System.ReadOnlySpan<float> HiddenOf(int index, int layer)"))
                {
                    w.Line("CheckRow(index);");
                    w.Line("(int units, int padded) = Shape(layer);");
                    w.Line("return Buffer.Span.Slice(Hidden[layer] + (index * padded), units);");
                }

                w.Line();
                w.Summary("The cell state c of one stream's LSTM layer after the last step, [units].");
                w.Line("/// <param name=\"index\">A row, 0..Count-1.</param>");
                w.Line("/// <param name=\"layer\">Index of an LSTM layer.</param>");
                using (w.Block("public global::System.ReadOnlySpan<float> CellOf(int index, int layer)"))
                {
                    w.Line("CheckRow(index);");
                    w.Line("(int units, int padded) = Shape(layer);");
                    w.Line("if (Cell[layer] < 0)");
                    w.Line("{");
                    w.Line("    throw new global::System.ArgumentException($\"Layer {layer} has no cell state.\", \"layer\");");
                    w.Line("}");
                    w.Line();
                    w.Line("return Buffer.Span.Slice(Cell[layer] + (index * padded), units);");
                }

                w.Line();
                w.Summary("Sets one stream's state of a layer (a decoder from an encoder's final state, or a saved stream).");
                w.Line("/// <param name=\"index\">A row, 0..Count-1.</param>");
                w.Line("/// <param name=\"layer\">Recurrent layer index, 0..LayerCount-1.</param>");
                w.Line("/// <param name=\"hidden\">h, [units].</param>");
                w.Line("/// <param name=\"cell\">c, [units], for an LSTM layer (required there); empty otherwise.</param>");
                using (w.Block($"public void Set(int index, int layer, {ReadOnlySpan} hidden, {ReadOnlySpan} cell = default)"))
                {
                    w.Line("CheckRow(index);");
                    w.Line("(int units, int padded) = Shape(layer);");
                    w.Line("global::RnnGen.Shapes.RequireLength(hidden.Length, units, \"hidden\", \"[units]\");");
                    using (w.Block("if (Cell[layer] >= 0)"))
                    {
                        w.Line("global::RnnGen.Shapes.RequireLength(cell.Length, units, \"cell\", \"[units]\");");
                        w.Line("cell.CopyTo(Buffer.Span.Slice(Cell[layer] + (index * padded), units));");
                    }

                    using (w.Block("else if (!cell.IsEmpty)"))
                    {
                        w.Line("throw new global::System.ArgumentException(\"Only LSTM layers have a cell state; pass no cell span.\", \"cell\");");
                    }

                    w.Line();
                    w.Line("hidden.CopyTo(Buffer.Span.Slice(Hidden[layer] + (index * padded), units));");
                }

                w.Line();
                using (w.Block("private static (int Units, int Padded) Shape(int layer) => layer switch", "};"))
                {
                    foreach (var layer in layers)
                    {
                        w.Line($"{Int(layer.Index)} => ({Int(layer.Spec.Units)}, {Int(layer.PaddedUnits)}),");
                    }

                    w.Line($"_ => throw new global::System.ArgumentOutOfRangeException(\"layer\", layer, \"The network has layers 0..{Int(layers.Count - 1)}.\"),");
                }

                w.Line();
                using (w.Block("private void CheckRow(int index)"))
                {
                    w.Line("if ((uint)index >= (uint)Count)");
                    w.Line("{");
                    w.Line("    throw new global::System.ArgumentOutOfRangeException(\"index\", index, $\"The batch has streams 0..{Count - 1}.\");");
                    w.Line("}");
                }

                w.Line();
                w.Line("/// <summary>Reserves rows × width floats, each region 64-byte aligned; returns its offset.</summary>");
                using (w.Block("private static int Take(ref long next, int rows, int width)"))
                {
                    w.Line("long offset = next;");
                    w.Line("next = (next + ((long)rows * width) + 15) / 16 * 16;");
                    w.Line("return (int)global::System.Math.Min(offset, int.MaxValue);");
                }
            }
        }

        /// <summary>One statement per state row region (each layer's h, and c for an LSTM) of a stream.</summary>
        private static void EmitForEachStateRow(SourceWriter w, EquatableArray<LayerPlan> layers, System.Func<System.Func<string, string>, string, string> statement)
        {
            foreach (var layer in layers)
            {
                var k = Int(layer.Index);
                var padded = Int(layer.PaddedUnits);
                w.Line(statement(row => $"Hidden[{k}] + ({row} * {padded})", padded));
                if (layer.Spec.Cell == CellKind.Lstm)
                {
                    w.Line(statement(row => $"Cell[{k}] + ({row} * {padded})", padded));
                }
            }
        }
    }
}
