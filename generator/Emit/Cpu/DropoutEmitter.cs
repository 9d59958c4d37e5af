using System.Collections.Generic;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Writes the training-only dropout of a network that declares any: the <c>Training</c> switch, the seeded mask
    /// stream, reading masks back, and the statements <see cref="InferenceEmitter"/> and
    /// <see cref="BackwardEmitter"/> place around their kernels. Masks are [batch][stride], one row per sequence.
    /// </summary>
    internal static class DropoutEmitter
    {
        public const string Masks = "global::RnnGen.Numerics.DropoutMasks";

        /// <summary>The dropout stream's state a new instance starts from, so runs are reproducible without a call.</summary>
        private const string DefaultSeed = "0x9E3779B97F4A7C15UL";

        public static void EmitMembers(SourceWriter w, Plan plan)
        {
            if (!plan.Forward.HasDropout)
            {
                return;
            }

            w.Line(GeneratedCode.Attribute);
            w.Line($"private ulong _dropoutState = {DefaultSeed};");
            w.Line(GeneratedCode.Attribute);
            w.Line("private bool _dropoutActive;");
            w.Line();
            w.Summary("When true, <c>Forward</c> applies the dropout the attributes declare, with fresh masks on every call (one per sequence, the same at every step), and <c>Backward</c> differentiates through them. False (the default) for inference; <c>Step</c> never drops.");
            w.Line(GeneratedCode.Attribute);
            w.Line("public bool Training { get; set; }");
            w.Line();
            w.Summary("Restarts the stream the dropout masks are drawn from: the same seed gives the same masks in the same order of <c>Forward</c> calls.");
            w.Line("/// <param name=\"seed\">Any value (0 is mapped to a fixed non-zero seed).</param>");
            w.Line(GeneratedCode.Attribute);
            w.Line($"public void SeedDropout(ulong seed) => _dropoutState = seed == 0 ? {DefaultSeed} : seed;");
            w.Line();
            EmitCopyMask(w, plan);
        }

        /// <summary>Inside <c>Forward</c>: decides whether this call drops, and samples every mask when it does.</summary>
        public static void EmitSampling(SourceWriter w, Plan plan)
        {
            if (!plan.Forward.HasDropout)
            {
                return;
            }

            w.Line("bool dropout = Training && keepTape; // Predict never drops");
            w.Line("_dropoutActive = dropout;");
            using (w.Block("if (dropout)"))
            {
                w.Line("// One mask per sequence for every dropout site, fresh for this call; kept units are scaled by 1 / (1 - rate).");
                foreach (var (_, _, tape) in Sites(plan))
                {
                    w.Line($"{Masks}.Sample(workspace.Slice({Int(tape.Mask)}, batchSize * {Int(tape.Stride)}), {Float(tape.Rate)}, ref _dropoutState);");
                }
            }
        }

        /// <summary>values[t][b] = source[t][b] ⊙ mask[b] over <paramref name="steps"/> steps of the Forward workspace.</summary>
        public static string Apply(DropoutTape tape, string source, string steps, string valuesOffset = "0") =>
            $"{Masks}.Apply({source}, workspace.Slice({Int(tape.Mask)}, batchSize * {Int(tape.Stride)}), workspace.Slice({Int(tape.Values)} + {valuesOffset}, {steps} * batchSize * {Int(tape.Stride)}), {Int(tape.Stride)}, batchSize, {steps});";

        /// <summary>In <c>Backward</c>: gradient rows ⊙ mask in place, over <paramref name="steps"/> steps.</summary>
        public static string MaskGradient(DropoutTape tape, string gradient, string steps) =>
            $"{Masks}.Apply({gradient}, ws.Slice({Int(tape.Mask)}, batchSize * {Int(tape.Stride)}), {gradient}, {Int(tape.Stride)}, batchSize, {steps});";

        /// <summary>In <c>Backward</c>: the span of masked rows a site's weight gradient reads.</summary>
        public static string Values(DropoutTape tape, string rows) => $"ws.Slice({Int(tape.Values)}, {rows} * {Int(tape.Stride)})";

        /// <summary>In <c>Backward</c>: a site's mask, [batchSize][stride].</summary>
        public static string Mask(DropoutTape tape) => $"ws.Slice({Int(tape.Mask)}, batchSize * {Int(tape.Stride)})";

        private static void EmitCopyMask(SourceWriter w, Plan plan)
        {
            w.Summary("Copies a dropout mask of the last <c>Forward</c> run with <c>Training</c> set: [batchSize][width], each value 0 or 1 / (1 - rate).");
            w.Line("/// <param name=\"site\">Which mask: a layer's input, its recurrent state, or the head's input.</param>");
            w.Line("/// <param name=\"layer\">Recurrent layer index for <see cref=\"global::RnnGen.DropoutSite.LayerInput\"/> and <see cref=\"global::RnnGen.DropoutSite.Recurrent\"/>; 0 for the head.</param>");
            w.Line("/// <param name=\"destination\">Receives [batchSize][width]: the layer's input width, its units, or the last layer's units.</param>");
            w.Line("/// <exception cref=\"global::System.InvalidOperationException\">The last <c>Forward</c> did not run in training.</exception>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">That site has no dropout, or <paramref name=\"destination\"/> has the wrong length.</exception>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"public void CopyDropoutMask(global::RnnGen.DropoutSite site, int layer, {Span} destination)"))
            {
                w.Line("if (!_dropoutActive)");
                w.Line("{");
                w.Line("    throw new global::System.InvalidOperationException(\"The last Forward did not run with Training = true, so it sampled no dropout masks.\");");
                w.Line("}");
                w.Line();
                w.Line($"{ReadOnlySpan} workspace = _workspace!.Span;");
                foreach (var (site, layer, tape) in Sites(plan))
                {
                    using (w.Block($"if (site == global::RnnGen.DropoutSite.{site} && layer == {Int(layer)})"))
                    {
                        w.Line($"{Masks}.CopyUnpadded(workspace.Slice({Int(tape.Mask)}, _batchSize * {Int(tape.Stride)}), {Int(tape.Stride)}, {Int(tape.Width)}, _batchSize, destination);");
                        w.Line("return;");
                    }
                }

                w.Line();
                w.Line("throw new global::System.ArgumentException($\"This network has no {site} dropout at layer {layer}.\", \"site\");");
            }
        }

        /// <summary>Every dropout site in the order masks are sampled: per layer its input then its recurrence, then the head.</summary>
        internal static IEnumerable<(string Site, int Layer, DropoutTape Tape)> Sites(Plan plan)
        {
            foreach (var layer in plan.Layers)
            {
                var tape = plan.Forward.Layers[layer.Index];
                if (tape.InputDropout is { } input)
                {
                    yield return ("LayerInput", layer.Index, input);
                }

                if (tape.RecurrentDropout is { } recurrent)
                {
                    yield return ("Recurrent", layer.Index, recurrent);
                }
            }

            if (plan.Forward.HeadDropout is { } head)
            {
                yield return ("HeadInput", 0, head);
            }
        }
    }
}
