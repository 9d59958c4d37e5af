using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace RnnGen.Runtime.Tests.Gpu
{
    /// <summary>
    /// Writes every GPU test model's PTX to TestResults/ptx (with a manifest), where CI's ptxas check assembles it
    /// for sm_70, sm_80 and sm_90; and checks what can be checked here without an assembler.
    /// </summary>
    public sealed class PtxFilesTests
    {
        /// <summary>Every model in GpuModels.cs, by name.</summary>
        public static IReadOnlyList<(string Name, string Ptx)> Models { get; } = new[]
        {
            (nameof(GpuSimpleTanh), GpuSimpleTanh.CudaPtx),
            (nameof(GpuSimpleReluHead), GpuSimpleReluHead.CudaPtx),
            (nameof(GpuLstmStacked), GpuLstmStacked.CudaPtx),
            (nameof(GpuLstmPeephole), GpuLstmPeephole.CudaPtx),
            (nameof(GpuLstmCifg), GpuLstmCifg.CudaPtx),
            (nameof(GpuGruResetAfter), GpuGruResetAfter.CudaPtx),
            (nameof(GpuGruResetBeforeMinimal), GpuGruResetBeforeMinimal.CudaPtx),
            (nameof(GpuBidirectionalConcatSum), GpuBidirectionalConcatSum.CudaPtx),
            (nameof(GpuBidirectionalMultiplyAverage), GpuBidirectionalMultiplyAverage.CudaPtx),
            (nameof(GpuGoBackwards), GpuGoBackwards.CudaPtx),
            (nameof(GpuEmbeddingLstm), GpuEmbeddingLstm.CudaPtx),
            (nameof(GpuEmbeddingBidirectional), GpuEmbeddingBidirectional.CudaPtx),
            (nameof(GpuWideBatch), GpuWideBatch.CudaPtx),
            (nameof(GpuFastMath), GpuFastMath.CudaPtx),
            (nameof(GpuActivations), GpuActivations.CudaPtx),
            (nameof(GpuDropoutLstm), GpuDropoutLstm.CudaPtx),
            (nameof(GpuDropoutGru), GpuDropoutGru.CudaPtx),
            (nameof(GpuDropoutEmbedding), GpuDropoutEmbedding.CudaPtx),
            (nameof(GpuDropoutBidirectional), GpuDropoutBidirectional.CudaPtx),
            (nameof(GpuDropoutInput), GpuDropoutInput.CudaPtx),
        };

        [Fact]
        public void Every_gpu_model_writes_its_ptx_for_the_ptxas_check()
        {
            var folder = Path.Combine(RepositoryRoot(), "TestResults", "ptx");
            Directory.CreateDirectory(folder);
            foreach (var (name, ptx) in Models)
            {
                File.WriteAllText(Path.Combine(folder, name + ".ptx"), ptx);
            }

            File.WriteAllLines(Path.Combine(folder, "manifest.txt"), Models.Select(m => m.Name + ".ptx"));
            Assert.All(Models, m => Assert.True(File.Exists(Path.Combine(folder, m.Name + ".ptx"))));
        }

        [Fact]
        public void The_header_claims_the_oldest_target_that_has_every_instruction_used()
        {
            Assert.All(Models.Where(m => m.Name != nameof(GpuFastMath)), m =>
            {
                Assert.Contains(".version 6.0\n.target sm_70\n.address_size 64\n", m.Ptx, StringComparison.Ordinal);
                Assert.DoesNotContain("tanh.approx", m.Ptx, StringComparison.Ordinal); // the fast mode is opt-in
            });
            Assert.Contains(".version 7.0\n.target sm_75\n", GpuFastMath.CudaPtx, StringComparison.Ordinal);
        }

        [Fact]
        public void Each_unit_has_a_projection_and_a_persistent_kernel()
        {
            Assert.Equal(8, Count(GpuBidirectionalConcatSum.CudaPtx, "_persistent(")); // forward and backward
            Assert.Equal(4, Count(GpuBidirectionalConcatSum.CudaPtx, "_backward_persistent("));
            Assert.Equal(4, Count(GpuBidirectionalConcatSum.CudaPtx, "_projection("));
            Assert.Contains(".visible .entry head_projection(", GpuLstmPeephole.CudaPtx, StringComparison.Ordinal);
            Assert.Contains(".visible .entry rnngen_softmax_rows(", GpuLstmPeephole.CudaPtx, StringComparison.Ordinal);
            Assert.DoesNotContain("rnngen_softmax_rows", GpuSimpleReluHead.CudaPtx, StringComparison.Ordinal);
            Assert.DoesNotContain("rnngen_merge", GpuLstmStacked.CudaPtx, StringComparison.Ordinal);
        }

        private static int Count(string text, string value)
        {
            var count = 0;
            for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
            {
                count++;
            }

            return count;
        }

        internal static string RepositoryRoot()
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
