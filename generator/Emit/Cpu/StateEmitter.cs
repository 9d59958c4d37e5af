using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>Writes the nested <c>State</c> class: one stream's h (and c) per layer, plus its step scratch.</summary>
    internal static class StateEmitter
    {
        /// <summary>State.Set: loads one layer's h (and c) into the stream, e.g. a decoder's state from an encoder.</summary>
        private static void EmitSet(SourceWriter w, Plan plan)
        {
            var s = plan.Stream;
            w.Summary("Sets a layer's state of this stream: to continue from a known state, such as a decoder from an encoder's <c>CopyFinalState</c>.");
            w.Line("/// <param name=\"layer\">Recurrent layer index, 0..LayerCount-1.</param>");
            w.Line("/// <param name=\"hidden\">h, [units].</param>");
            w.Line("/// <param name=\"cell\">c, [units], for an LSTM layer (required there); empty otherwise.</param>");
            using (w.Block($"public void Set(int layer, {ReadOnlySpan} hidden, {ReadOnlySpan} cell = default)"))
            {
                w.Line("int units;");
                w.Line("int hiddenOffset;");
                w.Line("int cellOffset;");
                using (w.Block("switch (layer)"))
                {
                    foreach (var layer in plan.Layers)
                    {
                        w.Line($"case {Int(layer.Index)}:");
                        w.Line($"    (units, hiddenOffset, cellOffset) = ({Int(layer.Spec.Units)}, {Int(s.HiddenOffsets[layer.Index])}, {Int(s.CellOffsets[layer.Index])});");
                        w.Line("    break;");
                    }

                    w.Line("default:");
                    w.Line($"    throw new global::System.ArgumentOutOfRangeException(\"layer\", layer, \"The network has layers 0..{Int(plan.Layers.Count - 1)}.\");");
                }

                w.Line();
                w.Line("global::RnnGen.Shapes.RequireLength(hidden.Length, units, \"hidden\", \"[units]\");");
                using (w.Block("if (cellOffset >= 0)"))
                {
                    w.Line("global::RnnGen.Shapes.RequireLength(cell.Length, units, \"cell\", \"[units]\");");
                    w.Line("cell.CopyTo(Buffer.Span.Slice(cellOffset, units));");
                }

                using (w.Block("else if (!cell.IsEmpty)"))
                {
                    w.Line("throw new global::System.ArgumentException(\"Only LSTM layers have a cell state; pass no cell span.\", \"cell\");");
                }

                w.Line();
                w.Line("hidden.CopyTo(Buffer.Span.Slice(hiddenOffset, units));");
            }
        }

        public static void Emit(SourceWriter w, Plan plan)
        {
            var s = plan.Stream;
            w.Summary("Creates a zeroed state for one independent stream (a player, a sensor, a conversation).");
            w.Line(GeneratedCode.Attribute);
            w.Line("public State CreateState() => new();");
            w.Line();
            w.Summary("The recurrent state of one stream for <c>Step</c>: every layer's hidden state (and LSTM cell state), plus scratch so that stepping allocates nothing.");
            w.Line("/// <remarks>One network's weights can serve any number of states; each state belongs to one stream at a time.</remarks>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block("public sealed class State"))
            {
                w.Line($"internal readonly global::RnnGen.AlignedBuffer Buffer = new({Int(s.Length)});");
                StepBlocksEmitter.EmitStateField(w, plan);
                w.Line();
                w.Summary("Sets every layer's state back to zero, as at the start of a new sequence.");
                w.Line($"public void Reset() => Buffer.Span.Slice(0, {Int(s.StateLength)}).Clear();");
                w.Line();
                w.Summary("The hidden state h of a layer after the last step, [units].");
                w.Line("/// <param name=\"layer\">Recurrent layer index, 0..LayerCount-1.</param>");
                using (w.Block("public global::System.ReadOnlySpan<float> Hidden(int layer) => layer switch", "};"))
                {
                    foreach (var layer in plan.Layers)
                    {
                        w.Line($"{Int(layer.Index)} => Buffer.Span.Slice({Int(s.HiddenOffsets[layer.Index])}, {Int(layer.Spec.Units)}),");
                    }

                    w.Line($"_ => throw new global::System.ArgumentOutOfRangeException(\"layer\", layer, \"The network has layers 0..{Int(plan.Layers.Count - 1)}.\"),");
                }
                w.Line();
                w.Summary("The cell state c of an LSTM layer after the last step, [units].");
                w.Line("/// <param name=\"layer\">Index of an LSTM layer.</param>");
                using (w.Block("public global::System.ReadOnlySpan<float> Cell(int layer) => layer switch", "};"))
                {
                    foreach (var layer in plan.Layers)
                    {
                        w.Line(layer.Spec.Cell == CellKind.Lstm
                            ? $"{Int(layer.Index)} => Buffer.Span.Slice({Int(s.CellOffsets[layer.Index])}, {Int(layer.Spec.Units)}),"
                            : $"{Int(layer.Index)} => throw new global::System.ArgumentException(\"Layer {Int(layer.Index)} is a {CellTraits.DisplayName(layer.Spec.Cell)} layer and has no cell state.\", \"layer\"),");
                    }

                    w.Line($"_ => throw new global::System.ArgumentOutOfRangeException(\"layer\", layer, \"The network has layers 0..{Int(plan.Layers.Count - 1)}.\"),");
                }

                w.Line();
                EmitSet(w, plan);
            }
        }
    }
}
