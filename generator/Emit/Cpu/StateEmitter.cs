using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>Writes the nested <c>State</c> class: one stream's h (and c) per layer, plus its step scratch.</summary>
    internal static class StateEmitter
    {
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

                    w.Line($"_ => throw new global::System.ArgumentOutOfRangeException(nameof(layer), layer, \"The network has layers 0..{Int(plan.Layers.Count - 1)}.\"),");
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
                            : $"{Int(layer.Index)} => throw new global::System.ArgumentException(\"Layer {Int(layer.Index)} is a {CellTraits.DisplayName(layer.Spec.Cell)} layer and has no cell state.\", nameof(layer)),");
                    }

                    w.Line($"_ => throw new global::System.ArgumentOutOfRangeException(nameof(layer), layer, \"The network has layers 0..{Int(plan.Layers.Count - 1)}.\"),");
                }
            }
        }
    }
}
