using System;
using Microsoft.CodeAnalysis.Diagnostics;

namespace RnnGen.Generator.Parsing
{
    /// <summary>
    /// The MSBuild properties that decide which instruction set NativeAOT compiles the kernels for, as plain values
    /// (the pipeline caches on equality). They reach the generator as <c>build_property.*</c> because the package's
    /// <c>build/RnnGen.props</c> marks them <c>CompilerVisibleProperty</c>.
    /// </summary>
    internal sealed record NativeAotTarget(bool PublishAot, bool HasInstructionSet, string Architecture)
    {
        /// <summary>
        /// Whether NativeAOT will compile for its baseline x64 (or x86) instruction set, SSE2 only, where the kernels run
        /// 128 bits wide without FMA (RNNG0014). ARM64's baseline already has 128-bit NEON with fused multiply-add, and
        /// an unknown architecture is most likely x64.
        /// </summary>
        public bool UsesBaselineX64 => PublishAot && !HasInstructionSet && Architecture is "x64" or "x86" or "";

        public static NativeAotTarget From(AnalyzerConfigOptions options)
        {
            var publishAot = Read(options, "PublishAot").Equals("true", StringComparison.OrdinalIgnoreCase);
            var instructionSet = Read(options, "IlcInstructionSet");

            // A plain build of a PublishAot project may have no RuntimeIdentifier; NativeAOT then targets the SDK's own.
            var rid = Read(options, "RuntimeIdentifier");
            if (rid.Length == 0)
            {
                rid = Read(options, "NETCoreSdkRuntimeIdentifier");
            }

            return new NativeAotTarget(publishAot, instructionSet.Length > 0, ArchitectureOf(rid));
        }

        /// <summary>The architecture part of a runtime identifier: <c>linux-musl-arm64</c> → <c>arm64</c>.</summary>
        private static string ArchitectureOf(string rid)
        {
            var dash = rid.LastIndexOf('-');
            return (dash < 0 ? string.Empty : rid.Substring(dash + 1)).ToLowerInvariant();
        }

        private static string Read(AnalyzerConfigOptions options, string property) =>
            options.TryGetValue("build_property." + property, out var value) && value is not null ? value.Trim() : string.Empty;
    }
}
