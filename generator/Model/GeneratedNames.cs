using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace RnnGen.Generator.Model
{
    /// <summary>
    /// Names of the members RnnGen generates into the user's class. A class with one of these names would contain a
    /// member named like itself (CS0542), so the parser rejects it with a diagnostic instead.
    /// </summary>
    internal static class GeneratedNames
    {
        private static readonly HashSet<string> Fixed = new()
        {
            "InputSize", "VocabularySize", "EmbeddingDimension", "MaxSequenceLength", "MaxBatchSize", "OutputSize",
            "ReturnsSequences", "LayerCount", "ParameterCount", "PackedParameterLength", "PackedParameters",
            "EmbeddingTable", "HeadWeights", "HeadBias", "PyTorchTensors", "ImportPyTorch", "ExportPyTorch",
            "InitializeParameters", "Forward", "Step", "CreateState", "State",
        };

        // Per-layer members and kernels: Layer0, Layer0Units, Layer0Parameters, Layer0Projection_V256, HeadProjection...
        private static readonly Regex Patterned = new(
            @"^(Layer\d+(Units|Parameters|Projection|Recurrent|Gates|Candidate)?|HeadProjection)(_(V512|V256|V128|Scalar))?$",
            RegexOptions.CultureInvariant);

        public static bool IsReserved(string name) => Fixed.Contains(name) || Patterned.IsMatch(name);
    }
}
