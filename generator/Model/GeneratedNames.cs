using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace RnnGen.Generator.Model
{
    /// <summary>
    /// Names of the members RnnGen generates into the user's class. A class with one of these names would contain a
    /// member named like itself (CS0542), and a user member or type parameter with one would clash (CS0102), so the
    /// parser rejects both with a diagnostic instead (RNNG0010, RNNG0016).
    /// </summary>
    internal static class GeneratedNames
    {
        // Kept complete by a test that collects every member the emitter declares for many models and checks it here.
        private static readonly HashSet<string> Fixed = new()
        {
            // Sizes and parameters
            "InputSize", "VocabularySize", "EmbeddingDimension", "MaxSequenceLength", "MaxBatchSize", "OutputSize",
            "ReturnsSequences", "Description", "LayerCount", "StateCount", "ParameterCount", "PackedParameterLength", "PackedParameters",
            "EmbeddingTable", "HeadWeights", "HeadBias", "PyTorchTensors", "ImportPyTorch", "ExportPyTorch",
            "ExportPyTorchGradient", "UnpackPyTorch", "KerasTensors", "ImportKeras", "ExportKeras", "InitializeParameters",
            "ClearPadding", "StepWeightFormat", "QuantizeWeights",

            // Inference, state and training
            "Forward", "Predict", "RunSequences", "Step", "CreateState", "State", "SetInitialState", "CopyFinalState", "CarryStateFrom",
            "SetFinalStateGradient", "Backward", "BackwardThroughTime", "InitialStateGradient", "Training", "SeedDropout", "CopyDropoutMask",
            "EnsureWorkspace", "CreateStreamBatch", "StreamBatch", "RunRows", "UnitRows", "RunProjection", "ProjectionRows", "RowJob", "_rowJob", "RunBlocks", "UnitBlocks", "RunProjectionBlocks", "ProjectionBlocks", "RunStepBlocks", "StepBlocks", "StepJob", "BlockJob", "_blockJob",

            // GPU (models with Cuda = true)
            "CudaPtx", "ToCuda", "CudaModel",

            // Private fields
            "_parameters", "_workspace", "_tokens", "_reversedTokens", "_inUse", "_steps", "_lastSteps", "_batchSize",
            "_lengths", "_variableLengths", "_initialStateStaged", "_stagedBatchSize", "_finalGradientStaged",
            "_finalGradientBatchSize", "_keepTape", "_backward", "_dropoutState", "_dropoutActive",
            "_quantized", "_parametersVersion", "_quantizedVersion",
        };

        // The type parameters of the width-generic kernels: an enclosing type's type parameter with one of these names
        // would make every kernel declaration warn CS0693.
        private static readonly HashSet<string> KernelTypeParameters = new() { "TOps", "TVec" };

        // Per-layer members and kernels: Layer0, Layer0Units, Layer1ReverseParameters, Layer0Projection_V256,
        // Layer2BackwardCell_Scalar, HeadProjection...
        private static readonly Regex Patterned = new(
            @"^(Layer\d+(Reverse)?(Units|Parameters|Projection|ProjectionRows|Recurrent|RecurrentFromInput|Gates|Candidate|BackwardCell|BackwardCandidate|BackwardReset)?|HeadProjection)(Int8|BFloat16)?(_(V512|V256|V128|Scalar))?$",
            RegexOptions.CultureInvariant);

        public static bool IsReserved(string name) => Fixed.Contains(name) || Patterned.IsMatch(name);

        /// <summary>Whether the model's own type parameter may not have this name.</summary>
        public static bool IsReservedTypeParameter(string name) => IsReserved(name) || IsKernelTypeParameter(name);

        /// <summary>Whether a type parameter of the model or of a type enclosing it would shadow a kernel's (CS0693).</summary>
        public static bool IsKernelTypeParameter(string name) => KernelTypeParameters.Contains(name);
    }
}
