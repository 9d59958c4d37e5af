using System;
using System.IO;
using System.Linq;
using RnnGen.Generator.Tests.Helpers;
using Xunit;

namespace RnnGen.Generator.Tests.Ptx
{
    /// <summary>
    /// The PTX each snapshot model emits with <c>Cuda = true</c>, pinned as <c>.verified.ptx</c> beside the C#
    /// snapshots (review the diff after an intended change; accept with RNNGEN_ACCEPT=1), and written to
    /// TestResults/ptx so CI's ptxas check assembles these too. One model's whole generated file (the host side
    /// included) is a C# snapshot.
    /// </summary>
    public sealed class PtxSnapshotTests
    {
        [Theory]
        [InlineData(nameof(TestSources.LstmFloatInput), TestSources.LstmFloatInput)]
        [InlineData(nameof(TestSources.GruEmbeddingSoftmax), TestSources.GruEmbeddingSoftmax)]
        [InlineData(nameof(TestSources.ActivationVariants), TestSources.ActivationVariants)]
        [InlineData(nameof(TestSources.Bidirectional), TestSources.Bidirectional)]
        [InlineData(nameof(TestSources.CellVariants), TestSources.CellVariants)]
        [InlineData(nameof(TestSources.SimpleRnnReluNoBias), TestSources.SimpleRnnReluNoBias)]
        [InlineData(nameof(TestSources.OddSizes), TestSources.OddSizes)]
        public void Emitted_ptx(string name, string source)
        {
            var ptx = Ptx(source);
            Snapshot.VerifyText(name, ptx, ".ptx");
            var folder = Path.Combine(RepositoryRoot(), "TestResults", "ptx");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "Snapshot." + name + ".ptx"), ptx);
        }

        [Fact]
        public void Cuda_model_generated_file()
        {
            var run = GeneratorTestHelper.Run(CleanCompilationTests.WithCuda(TestSources.OddSizes));
            Assert.Empty(run.GeneratorDiagnostics);
            Snapshot.Verify(run);
        }

        [Fact]
        public void Cuda_model_with_dropout_generated_file()
        {
            // The device's dropout: mask sampling, the masked projections and head input, the recurrent kernels' switch.
            var run = GeneratorTestHelper.Run(CleanCompilationTests.WithCuda(TestSources.DropoutEverywhere));
            Assert.Empty(run.GeneratorDiagnostics);
            Snapshot.Verify(run);
        }

        [Fact]
        public void Models_without_the_switch_emit_nothing_gpu_related()
        {
            var run = GeneratorTestHelper.Run(TestSources.LstmFloatInput);
            var text = run.Sources.Single().SourceText.ToString();
            Assert.DoesNotContain("Gpu", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Cuda", text, StringComparison.Ordinal);
            Assert.DoesNotContain(".entry", text, StringComparison.Ordinal);
        }

        /// <summary>The text of the generated <c>CudaPtx</c> constant (a verbatim string).</summary>
        internal static string Ptx(string source)
        {
            var run = GeneratorTestHelper.Run(CleanCompilationTests.WithCuda(source));
            Assert.Empty(run.GeneratorDiagnostics);
            var text = run.Sources.Single().SourceText.ToString();
            const string Start = "public const string CudaPtx = @\"\n";
            var begin = text.IndexOf(Start, StringComparison.Ordinal);
            Assert.True(begin >= 0, "no CudaPtx constant");
            begin += Start.Length;
            var end = text.IndexOf("\n\";", begin, StringComparison.Ordinal);
            return text.Substring(begin, end + 1 - begin).Replace("\"\"", "\"", StringComparison.Ordinal);
        }

        private static string RepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "RnnGen.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("RnnGen.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
