using System.Collections.Generic;
using System.Globalization;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Parsing
{
    /// <summary>
    /// Rejects networks with a buffer that would not fit one .NET array of the limit's size (RNNG0009). It measures the
    /// plan the emitter would get (the planner counts in 64 bits and never throws), so every buffer the plan allocates
    /// is counted, bidirectional weights and backward scratch included, and the check cannot drift from the layout.
    /// </summary>
    internal static class WorkspaceCheck
    {
        public static void Check(ModelSpec spec, string className, LocationInfo? location, List<DiagnosticInfo> diagnostics)
        {
            var sizes = Planner.Create(spec).Sizes;
            var buffers = new[]
            {
                (sizes.Parameters, "parameters", "the layer sizes or the vocabulary"),
                (sizes.Forward, "Forward workspace", "SequenceLength, BatchSize or the layer sizes"),
                (sizes.Backward, "Backward workspace", "SequenceLength, BatchSize, the layer sizes or the embedding dimension"),
                (sizes.Stream, "Step state", "the layer sizes"),
            };
            foreach (var (floats, what, reduce) in buffers)
            {
                if (floats > Limits.MaxBufferFloats)
                {
                    // One diagnostic: the first buffer over the limit is what to fix first.
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.WorkspaceTooLarge,
                        location,
                        className,
                        floats.ToString(CultureInfo.InvariantCulture),
                        what,
                        Limits.MaxBufferFloats.ToString(CultureInfo.InvariantCulture),
                        reduce));
                    return;
                }
            }
        }
    }
}
