using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Diagnostics
{
    /// <summary>Every diagnostic the generator reports. Ids are stable: never renumber, only add.</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "RnnGen";

        /// <summary>RNNG0001: "The class '{0}' must be declared partial so RnnGen can add the generated network to it".</summary>
        public static readonly DiagnosticDescriptor ClassNotPartial = new(
            "RNNG0001",
            "Recurrent network class must be partial",
            "The class '{0}' must be declared 'partial' so RnnGen can add the generated network to it",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>RNNG0002: "'{0}' has no recurrent layer: add [SimpleRnn], [Lstm] or [Gru]".</summary>
        public static readonly DiagnosticDescriptor NoRecurrentLayer = new(
            "RNNG0002",
            "Network has no recurrent layer",
            "'{0}' has no recurrent layer: add at least one [SimpleRnn(units)], [Lstm(units)] or [Gru(units)] attribute",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>RNNG0003: "{0} is {1}; it must be between {2} and {3}".</summary>
        public static readonly DiagnosticDescriptor SizeOutOfRange = new(
            "RNNG0003",
            "Size out of range",
            "{0} is {1}; it must be between {2} and {3}",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>RNNG0004: "[{0}] cannot come here: {1}".</summary>
        public static readonly DiagnosticDescriptor LayerOrder = new(
            "RNNG0004",
            "Layers in an impossible order",
            "[{0}] cannot come here: {1}",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>RNNG0005: "'{0}' declares {1}: {2}".</summary>
        public static readonly DiagnosticDescriptor InputKind = new(
            "RNNG0005",
            "Conflicting or missing input kind",
            "'{0}' declares {1}: {2}",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>RNNG0006: "RnnGen cannot generate into '{0}': {1}".</summary>
        public static readonly DiagnosticDescriptor UnsupportedType = new(
            "RNNG0006",
            "Unsupported declaring type",
            "RnnGen cannot generate into '{0}': {1}",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>RNNG0007: "Activation '{0}' is not supported by [{1}]; use {2}".</summary>
        public static readonly DiagnosticDescriptor UnsupportedActivation = new(
            "RNNG0007",
            "Unsupported activation",
            "Activation '{0}' is not supported by [{1}]; use {2}",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>RNNG0008: "Layer attributes of '{0}' are spread over several partial declarations ...".</summary>
        public static readonly DiagnosticDescriptor LayersSplitAcrossParts = new(
            "RNNG0008",
            "Layer attributes split across partial declarations",
            "Layer attributes of '{0}' are spread over several partial declarations, so their order is undefined; put them all on one declaration",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>RNNG0009: "The workspace of '{0}' needs {1} floats ... reduce SequenceLength or BatchSize".</summary>
        public static readonly DiagnosticDescriptor WorkspaceTooLarge = new(
            "RNNG0009",
            "Network too large",
            "'{0}' needs {1} floats of {2}, more than the limit of {3}; reduce {4}",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>RNNG0010: "The class name '{0}' is also the name of a member RnnGen generates; rename the class".</summary>
        public static readonly DiagnosticDescriptor ReservedName = new(
            "RNNG0010",
            "Class name clashes with a generated member",
            "The class name '{0}' is also the name of a member RnnGen generates (a class cannot contain a member with its own name); rename the class",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>RNNG0011: "{0} is {1}; a dropout rate must be at least 0 and less than 1".</summary>
        public static readonly DiagnosticDescriptor DropoutOutOfRange = new(
            "RNNG0011",
            "Dropout rate out of range",
            "{0} is {1}; a dropout rate must be at least 0 and less than 1 (0 turns it off)",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>RNNG0012: "[{0}] cannot combine these options: {1}".</summary>
        public static readonly DiagnosticDescriptor InvalidLayerOptions = new(
            "RNNG0012",
            "Invalid combination of layer options",
            "[{0}] cannot combine these options: {1}",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>RNNG0015: "[{0}] on '{1}' has no effect without [RecurrentNetwork] ...".</summary>
        public static readonly DiagnosticDescriptor LayerWithoutNetwork = new(
            "RNNG0015",
            "Layer attribute without [RecurrentNetwork]",
            "[{0}] on '{1}' does nothing without [RecurrentNetwork] on the same class: add [RecurrentNetwork(InputSize = ...)] (or [RecurrentNetwork] with an [Embedding]) to generate the network, or remove the layer attributes",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>RNNG0016: "'{0}' declares {1} '{2}', but RnnGen generates a member with that name ...".</summary>
        public static readonly DiagnosticDescriptor MemberNameClash = new(
            "RNNG0016",
            "Member clashes with a generated member",
            "'{0}' declares {1} '{2}', but RnnGen generates a member or kernel type parameter named '{2}' into this class; rename yours",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>RNNG0017: "CudaFastMath has no effect without Cuda = true".</summary>
        public static readonly DiagnosticDescriptor FastMathWithoutCuda = new(
            "RNNG0017",
            "CudaFastMath without Cuda",
            "CudaFastMath = true on '{0}' has no effect without Cuda = true: add Cuda = true to compile the GPU kernels, or remove CudaFastMath",
            Category,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        /// <summary>RNNG0018: "Weights = {1} on '{0}' cannot be combined with Cuda = true ...".</summary>
        public static readonly DiagnosticDescriptor WeightFormatWithCuda = new(
            "RNNG0018",
            "Reduced-precision weights with Cuda",
            "Weights = {1} on '{0}' cannot be combined with Cuda = true: the GPU kernels read fp32 weights; remove Weights, or Cuda",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>RNNG0019: "Weights = {1} on '{0}' ...": an unknown format, or one on a network without <c>Step</c>.</summary>
        public static readonly DiagnosticDescriptor InvalidWeightFormat = new(
            "RNNG0019",
            "Weight format not applicable",
            "Weights = {1} on '{0}': {2}",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>
        /// RNNG0099: "RnnGen failed on '{0}' ...": the generator caught its own exception. Reported as an error at
        /// the class (never a CS8785 warning that silently drops every generated file) so the bug is seen and reported.
        /// </summary>
        public static readonly DiagnosticDescriptor InternalError = new(
            "RNNG0099",
            "RnnGen internal error",
            "RnnGen failed on '{0}' and generated nothing for it: {1}. This is a bug in RnnGen; please report it with the class's attributes.",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>RNNG0013: the id of the compile error on <c>Step</c>/<c>CreateState</c> of a model that cannot stream.</summary>
        public const string NoStreamingId = "RNNG0013";

        /// <summary>
        /// RNNG0014 (a warning, once per compilation): <c>PublishAot</c> for x64 without <c>IlcInstructionSet</c>, so
        /// NativeAOT compiles the kernels for SSE2: 128 bits wide, no FMA. The measured costs are from
        /// benchmarks/AotLatency (README, NativeAOT).
        /// </summary>
        public static readonly DiagnosticDescriptor NativeAotBaselineInstructionSet = new(
            "RNNG0014",
            "NativeAOT without IlcInstructionSet runs the network's slowest SIMD kernels",
            "PublishAot is true and IlcInstructionSet is not set: NativeAOT compiles the RnnGen kernels for the baseline x64 instruction set (SSE2), where they run 128 bits wide without FMA (measured: Step 2.5× and batch Forward 2.7× slower than with x86-64-v3, 3× and 6× slower than native on an AVX-512 CPU). Add <IlcInstructionSet>x86-64-v3</IlcInstructionSet> (AVX2 and FMA: Intel Haswell, AMD Zen and later) or <IlcInstructionSet>native</IlcInstructionSet> (the build machine's CPU) to the project; the binary then refuses to start on a CPU without them. To keep the baseline deliberately, add RNNG0014 to NoWarn.",
            Category,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        private static readonly Dictionary<string, DiagnosticDescriptor> ById = new[]
        {
            ClassNotPartial, NoRecurrentLayer, SizeOutOfRange, LayerOrder, InputKind, UnsupportedType,
            UnsupportedActivation, LayersSplitAcrossParts, WorkspaceTooLarge, ReservedName, DropoutOutOfRange, InvalidLayerOptions,
            LayerWithoutNetwork, MemberNameClash, FastMathWithoutCuda, WeightFormatWithCuda, InvalidWeightFormat, InternalError,
        }.ToDictionary(d => d.Id);

        public static DiagnosticDescriptor Get(string id) => ById[id];
    }
}
