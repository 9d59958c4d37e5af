using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Parsing
{
    /// <summary>
    /// Rejects networks whose parameter buffer or Forward workspace would not fit one .NET array (checked in
    /// 64-bit arithmetic, before the planner lays anything out in 32-bit offsets).
    /// </summary>
    internal static class WorkspaceCheck
    {
        public static void Check(ModelSpec spec, string className, LocationInfo? location, List<DiagnosticInfo> diagnostics)
        {
            long parameters = spec.Input.IsEmbedding ? (long)spec.Input.Vocabulary * spec.Input.EmbeddingDimension : 0;
            long width = spec.Input.Width;
            foreach (var layer in spec.Layers)
            {
                long gates = CellTraits.GateCount(layer);
                long padded = Packing.PadUnits(layer.Units);
                parameters += gates * padded * (width + layer.Units + 2) + (8 * Packing.AlignmentFloats);
                width = layer.Units;
            }

            if (spec.Head is { } head)
            {
                parameters += Packing.PadUnits(head.Units) * (width + 1);
            }

            if (parameters > Limits.MaxBufferFloats)
            {
                Report(diagnostics, location, className, parameters, "parameters", "the layer sizes or the vocabulary");
                return;
            }

            // The Forward workspace is also the training tape: per layer its gates, h and c sequences and GRU rows.
            long rows = (long)spec.MaxSequenceLength * spec.MaxBatchSize;
            // Dropout adds a mask ([batch][stride]) and the masked rows ([rows][stride]) per site.
            long workspace = (rows * (spec.Input.Features + Packing.PadUnits(spec.Head?.Units ?? 0))) + (spec.Layers.Count * 8L * Packing.AlignmentFloats);
            long inputStride = spec.Input.Width;
            long dropoutRows = rows + spec.MaxBatchSize;
            foreach (var layer in spec.Layers)
            {
                long padded = Packing.PadUnits(layer.Units);
                long directions = layer.Bidirectional ? 2 : 1;
                long unit = (rows * CellTraits.GateCount(layer) * padded) + (2 * (rows + spec.MaxBatchSize) * padded) + (rows * padded) + (2L * spec.MaxBatchSize * padded);
                unit += (layer.Dropout > 0f ? dropoutRows * inputStride : 0) + (layer.RecurrentDropout > 0f ? dropoutRows * padded : 0);
                workspace += directions * unit;

                // A reversed unit reads a reversed copy of the input; a bidirectional layer merges into its own rows.
                workspace += layer.GoBackwards || layer.Bidirectional ? rows * inputStride : 0;
                var outputStride = layer.Bidirectional ? Packing.PadUnits(2 * layer.Units) : padded;
                workspace += layer.Bidirectional ? rows * outputStride : 0;
                inputStride = outputStride;
            }

            workspace += spec.Head is { Dropout: > 0f } ? dropoutRows * inputStride : 0;

            if (workspace > Limits.MaxBufferFloats)
            {
                Report(diagnostics, location, className, workspace, "Forward workspace", "SequenceLength, BatchSize or the layer sizes");
            }
        }

        private static void Report(List<DiagnosticInfo> diagnostics, LocationInfo? location, string className, long floats, string what, string reduce) =>
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.WorkspaceTooLarge,
                location,
                className,
                floats.ToString(CultureInfo.InvariantCulture),
                what,
                Limits.MaxBufferFloats.ToString(CultureInfo.InvariantCulture),
                reduce));
    }
}
