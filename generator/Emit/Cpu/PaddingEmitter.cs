using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Writes <c>ClearPadding(packed)</c>: zeroes every float of the packed layout that is no parameter (the lanes of a
    /// last unit block beyond the unit count, and the alignment gaps between tensors). Forward and Backward call it on
    /// the parameters, so whatever a caller wrote there through <c>PackedParameters</c> (a checkpoint, an optimiser,
    /// a NaN) cannot reach a result through 0 × NaN; Backward also calls it on the gradients it returns.
    /// </summary>
    internal static class PaddingEmitter
    {
        private const string Padding = "global::RnnGen.Numerics.PackedPadding";

        public static void Emit(SourceWriter w, Plan plan)
        {
            var tensors = Tensors(plan).OrderBy(t => t.Offset).ToList();
            w.Line("// Zeroes what is no parameter in a buffer with the packed layout: padded lanes and alignment gaps.");
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"private static void ClearPadding({Span} packed)"))
            {
                var end = 0;
                var wrote = false;
                foreach (var region in tensors)
                {
                    if (region.Offset > end)
                    {
                        w.Line($"packed.Slice({Int(end)}, {Int(region.Offset - end)}).Clear(); // alignment gap before {region.Name}");
                        wrote = true;
                    }

                    if (region.Packed is { } tensor && tensor.Units % Packing.BlockWidth != 0)
                    {
                        w.Line($"{Padding}.ClearLanes(packed.Slice({Int(tensor.Offset)}, {Int(tensor.Length)}), {Int(tensor.Columns)}, {Int(tensor.Gates)}, {Int(tensor.Units)}); // {region.Name}");
                        wrote = true;
                    }

                    end = region.Offset + region.Length;
                }

                if (plan.BufferLength > end)
                {
                    w.Line($"packed.Slice({Int(end)}, {Int(plan.BufferLength - end)}).Clear(); // alignment at the end");
                    wrote = true;
                }

                if (!wrote)
                {
                    w.Line("// Nothing to clear: every unit count is a multiple of 16 and the tensors lie end to end.");
                }
            }
        }

        /// <summary>Every tensor of the buffer, named for the comment; the embedding table is plain rows, with no lanes.</summary>
        private static IEnumerable<Region> Tensors(Plan plan)
        {
            if (plan.Embedding is { } embedding)
            {
                yield return new Region("the embedding", embedding.Offset, embedding.Length, null);
            }

            foreach (var layer in plan.Layers)
            {
                yield return Region.Of($"{layer.Name} W_ih", layer.InputWeights);
                foreach (var recurrent in layer.RecurrentWeights)
                {
                    yield return Region.Of($"{layer.Name} W_hh", recurrent);
                }

                if (layer.InputBias is { } inputBias)
                {
                    yield return Region.Of($"{layer.Name} b_ih", inputBias);
                }

                if (layer.RecurrentBias is { } recurrentBias)
                {
                    yield return Region.Of($"{layer.Name} b_hh", recurrentBias);
                }

                if (layer.Peepholes is { } peepholes)
                {
                    yield return Region.Of($"{layer.Name} peepholes", peepholes);
                }
            }

            if (plan.Head is { } head)
            {
                yield return Region.Of("the head's weights", head.Weights);
                if (head.Bias is { } bias)
                {
                    yield return Region.Of("the head's bias", bias);
                }
            }
        }

        /// <summary>A stretch of the buffer that holds parameters; <paramref name="Packed"/> when it has unit blocks.</summary>
        private sealed record Region(string Name, int Offset, int Length, PackedTensor? Packed)
        {
            public static Region Of(string name, PackedTensor tensor) => new(name, tensor.Offset, tensor.Length, tensor);
        }
    }
}
