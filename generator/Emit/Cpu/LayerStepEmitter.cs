using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Where one step's rows live: a single stream's <c>State</c> buffer (<c>Step</c>) or a run of a <c>StreamBatch</c>'s
    /// rows (<c>StepRows</c>). Offsets are C# expressions into <see cref="Buffer"/>, in floats.
    /// </summary>
    /// <param name="Buffer">The <c>ref float</c> the state lives in.</param>
    /// <param name="BufferSpan">The same buffer as a span, for the state copies.</param>
    /// <param name="Rows">How many rows step: <c>1</c> or a variable.</param>
    /// <param name="Projection">Offset of the rows' input projections.</param>
    /// <param name="NextHidden">Offset of the rows' new h.</param>
    /// <param name="NextCell">Offset of the rows' new c (LSTM layers).</param>
    /// <param name="Scratch">Offset of the GRU kernels' scratch.</param>
    /// <param name="Hidden">Offset of a layer's h.</param>
    /// <param name="Cell">Offset of an LSTM layer's c.</param>
    /// <param name="FirstInput">The first layer's input argument(s).</param>
    /// <param name="Streams">Whose state, for the comments: "the stream's" or "these streams'".</param>
    internal sealed record StepRows(
        string Buffer,
        string BufferSpan,
        string Rows,
        string Projection,
        string NextHidden,
        string NextCell,
        string Scratch,
        Func<LayerPlan, string> Hidden,
        Func<LayerPlan, string> Cell,
        string FirstInput,
        string Streams);

    /// <summary>
    /// One step of every layer for the rows of <see cref="StepRows"/>: each layer's projection and recurrent kernels,
    /// then its new h (and c) copied over the old. The body <c>Step</c> and <c>StreamBatch</c> share, so that a stream
    /// batch stays bit-identical to one <c>Step</c> per stream by construction.
    /// </summary>
    internal static class LayerStepEmitter
    {
        /// <summary>Writes the layers' step; returns the offset expression of the last layer's h (the output's source).</summary>
        /// <param name="blockFork">
        /// For each layer, the statement that runs its recurrent kernels across threads when <c>RowParallel.MaxThreads</c>
        /// is above 1 (the kernels run inline otherwise), or null to run them inline always.
        /// </param>
        public static string Emit(SourceWriter w, Plan plan, StepRows rows, QuantizedWeights? quantized, System.Func<LayerPlan, string?>? blockFork = null)
        {
            EmitScratchRefs(w, plan, rows);
            var lastHidden = string.Empty;
            foreach (var layer in plan.Layers)
            {
                var k = Int(layer.Index);
                var lstm = layer.Spec.Cell == CellKind.Lstm;
                var length = rows.Rows == "1" ? Int(layer.PaddedUnits) : $"{rows.Rows} * {Int(layer.PaddedUnits)}";
                w.Line();
                w.Line($"// {layer.Name}: one step from {rows.Streams} h{(lstm ? " and c" : string.Empty)}.");
                var input = layer.Index == 0 ? rows.FirstInput : $"ref hPrev{Int(layer.Index - 1)}";
                w.Line(quantized is null
                    ? $"{LayerKernels.ProjectionName(layer)}({InferenceEmitter.ProjectionParameters(layer)}{input}, ref xp, {rows.Rows});"
                    : $"{LayerKernels.ProjectionName(layer)}{quantized.Suffix}({InferenceEmitter.ProjectionParameters(layer, quantized)}{input}, ref xp, {rows.Rows});");
                var (hidden, cell) = EmitLayerRefs(w, rows, layer);
                if (blockFork?.Invoke(layer) is { } fork)
                {
                    using (w.Block("if (global::RnnGen.Threading.RowParallel.MaxThreads > 1)"))
                    {
                        w.Line(fork);
                    }

                    using (w.Block("else"))
                    {
                        EmitRecurrent(w, layer, rows, quantized, blocks: null);
                    }
                }
                else
                {
                    EmitRecurrent(w, layer, rows, quantized, blocks: null);
                }

                w.Line($"{rows.BufferSpan}.Slice({rows.NextHidden}, {length}).CopyTo({rows.BufferSpan}.Slice({hidden}, {length}));");
                if (lstm)
                {
                    w.Line($"{rows.BufferSpan}.Slice({rows.NextCell}, {length}).CopyTo({rows.BufferSpan}.Slice({cell}, {length}));");
                }

                lastHidden = hidden;
            }

            return lastHidden;
        }

        /// <summary>
        /// The body of a method that runs the recurrent kernels of <paramref name="units"/> (a switch on <c>unit</c>)
        /// over unit blocks <paramref name="blocks"/> only; <c>p</c> and the buffer are declared by the caller.
        /// </summary>
        public static void EmitRecurrentBlocks(SourceWriter w, Plan plan, StepRows rows, IEnumerable<LayerPlan> units, string blocks)
        {
            EmitScratchRefs(w, plan, rows);
            RowParallelEmitter.EmitUnitSwitch(w, units, layer =>
            {
                EmitLayerRefs(w, rows, layer);
                EmitRecurrent(w, layer, rows, quantized: null, blocks);
            });
        }

        /// <summary>The step's scratch: the projections, the new h and c, the GRU kernels' scratch.</summary>
        private static void EmitScratchRefs(SourceWriter w, Plan plan, StepRows rows)
        {
            w.Line($"ref float xp = {Ref(rows.Buffer, rows.Projection)};");
            w.Line($"ref float hNext = {Ref(rows.Buffer, rows.NextHidden)};");
            if (plan.Layers.Any(l => l.Spec.Cell == CellKind.Lstm))
            {
                w.Line($"ref float cNext = {Ref(rows.Buffer, rows.NextCell)};");
            }

            if (plan.Layers.Any(l => l.Spec.Cell == CellKind.Gru))
            {
                w.Line($"ref float aux = {Ref(rows.Buffer, rows.Scratch)};");
            }
        }

        /// <summary><c>hPrev{k}</c> (and <c>cPrev{k}</c>): the layer's state; returns their offsets.</summary>
        private static (string Hidden, string Cell) EmitLayerRefs(SourceWriter w, StepRows rows, LayerPlan layer)
        {
            var k = Int(layer.Index);
            var hidden = Local(w, $"hidden{k}", rows.Hidden(layer));
            w.Line($"ref float hPrev{k} = {Ref(rows.Buffer, hidden)};");
            var cell = string.Empty;
            if (layer.Spec.Cell == CellKind.Lstm)
            {
                cell = Local(w, $"cell{k}", rows.Cell(layer));
                w.Line($"ref float cPrev{k} = {Ref(rows.Buffer, cell)};");
            }

            return (hidden, cell);
        }

        private static void EmitRecurrent(SourceWriter w, LayerPlan layer, StepRows rows, QuantizedWeights? quantized, string? blocks)
        {
            var k = Int(layer.Index);
            InferenceEmitter.EmitRecurrentCalls(w, layer, "xp", $"hPrev{k}", $"hPrev{k}", "hNext", $"cPrev{k}", "cNext", "aux", rows.Rows, quantized, blocks);
        }

        /// <summary>A constant offset as it is; an expression computed once into an <c>int</c> local.</summary>
        private static string Local(SourceWriter w, string name, string offset)
        {
            if (int.TryParse(offset, out _))
            {
                return offset;
            }

            w.Line($"int {name} = {offset};");
            return name;
        }

        private static string Ref(string buffer, string offset) => offset == "0" ? $"ref {buffer}" : At(buffer, offset);
    }
}
