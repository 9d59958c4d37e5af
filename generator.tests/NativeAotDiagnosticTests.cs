using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Tests.Helpers;
using Xunit;

namespace RnnGen.Generator.Tests
{
    /// <summary>
    /// RNNG0014: a NativeAOT publish for x64 with no IlcInstructionSet gets one warning per compilation saying what to
    /// set; the properties arrive as <c>build_property.*</c> (the package's build/RnnGen.props makes them visible).
    /// </summary>
    public sealed class NativeAotDiagnosticTests
    {
        private const string Id = "RNNG0014";

        public static TheoryData<string, string, string, string> Warned => new()
        {
            // PublishAot, IlcInstructionSet, RuntimeIdentifier, NETCoreSdkRuntimeIdentifier
            { "true", "", "linux-x64", "linux-x64" },
            { "True", "", "win-x64", "" },
            { "true", " ", "linux-musl-x64", "linux-x64" },
            { "true", "", "win-x86", "win-x64" },
            // A plain build of a PublishAot project may have no RuntimeIdentifier: the SDK's own decides.
            { "true", "", "", "linux-x64" },
            // Nothing says which architecture: most likely x64.
            { "true", "", "", "" },
        };

        public static TheoryData<string, string, string, string> NotWarned => new()
        {
            { "", "", "linux-x64", "linux-x64" },
            { "false", "", "linux-x64", "linux-x64" },
            { "true", "x86-64-v3", "linux-x64", "linux-x64" },
            { "true", "native", "linux-x64", "linux-x64" },
            { "true", "avx2,bmi2,fma,lzcnt,movbe", "win-x64", "win-x64" },
            // ARM64's baseline is 128-bit NEON with fused multiply-add already.
            { "true", "", "linux-arm64", "linux-x64" },
            { "true", "", "osx-arm64", "osx-arm64" },
            { "true", "", "", "osx-arm64" },
        };

        [Theory]
        [MemberData(nameof(Warned))]
        public void A_NativeAOT_publish_for_x64_without_an_instruction_set_is_warned_once(string publishAot, string instructionSet, string rid, string sdkRid)
        {
            var run = Run(Properties(publishAot, instructionSet, rid, sdkRid), TestSources.LstmFloatInput, TestSources.GruEmbeddingSoftmax);

            var warning = Assert.Single(run.GeneratorDiagnostics, d => d.Id == Id);
            Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
            Assert.Equal(Location.None, warning.Location);
            var message = warning.GetMessage(CultureInfo.InvariantCulture);
            Assert.Contains("<IlcInstructionSet>x86-64-v3</IlcInstructionSet>", message, System.StringComparison.Ordinal);
            Assert.Contains("<IlcInstructionSet>native</IlcInstructionSet>", message, System.StringComparison.Ordinal);

            // A warning only: both models are still generated and compile cleanly.
            Assert.Equal(2, run.Sources.Length);
            Assert.True(run.WarningsAndErrors.Count == 0, GeneratorRun.Format(run.WarningsAndErrors));
        }

        [Theory]
        [MemberData(nameof(NotWarned))]
        public void Other_targets_are_not_warned(string publishAot, string instructionSet, string rid, string sdkRid)
        {
            var run = Run(Properties(publishAot, instructionSet, rid, sdkRid), TestSources.LstmFloatInput);

            Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == Id);
            Assert.Single(run.Sources);
        }

        /// <summary>The app that publishes may take its models from a library: its own compilation is warned too.</summary>
        [Fact]
        public void A_compilation_without_models_is_warned_too()
        {
            var run = Run(Properties("true", "", "linux-x64", "linux-x64"), "namespace App { internal static class Program { } }");

            Assert.Single(run.GeneratorDiagnostics, d => d.Id == Id);
            Assert.Empty(run.Sources);
        }

        [Fact]
        public void No_build_properties_no_warning() =>
            Assert.DoesNotContain(GeneratorTestHelper.Run(TestSources.LstmFloatInput).GeneratorDiagnostics, d => d.Id == Id);

        [Fact]
        public void Editing_a_model_reuses_the_NativeAOT_check_and_setting_the_instruction_set_reuses_emission()
        {
            var compilation = GeneratorTestHelper.CreateCompilation(TestSources.LstmFloatInput);
            var first = GeneratorTestHelper.Run(GeneratorTestHelper.CreateDriver(Properties("true", "", "linux-x64", "linux-x64")), compilation);
            Assert.Single(first.GeneratorDiagnostics, d => d.Id == Id);

            var tree = compilation.SyntaxTrees.Single();
            var resized = TestSources.LstmFloatInput.Replace("[Lstm(64)]", "[Lstm(65)]", System.StringComparison.Ordinal);
            var edited = compilation.ReplaceSyntaxTree(tree, GeneratorTestHelper.ParseFile(resized, tree.FilePath));
            var second = GeneratorTestHelper.Run(first.Driver, edited);
            Assert.All(second.StepOutputs(TrackingNames.NativeAot), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
            Assert.Single(second.GeneratorDiagnostics, d => d.Id == Id);

            var fixedDriver = second.Driver.WithUpdatedAnalyzerConfigOptions(Properties("true", "x86-64-v3", "linux-x64", "linux-x64"));
            var third = GeneratorTestHelper.Run(fixedDriver, edited);
            Assert.All(third.StepOutputs(TrackingNames.NativeAot), o => Assert.Equal(IncrementalStepRunReason.Modified, o.Reason));
            Assert.All(third.StepOutputs(TrackingNames.Emit), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
            Assert.DoesNotContain(third.GeneratorDiagnostics, d => d.Id == Id);
        }

        private static BuildProperties Properties(string publishAot, string instructionSet, string rid, string sdkRid) => new(
            ("PublishAot", publishAot),
            ("IlcInstructionSet", instructionSet),
            ("RuntimeIdentifier", rid),
            ("NETCoreSdkRuntimeIdentifier", sdkRid));

        private static GeneratorRun Run(BuildProperties properties, params string[] sources) =>
            GeneratorTestHelper.Run(GeneratorTestHelper.CreateDriver(properties), GeneratorTestHelper.CreateCompilation(sources));
    }
}
