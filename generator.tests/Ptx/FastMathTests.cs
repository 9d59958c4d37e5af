using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Tests.Helpers;
using Xunit;

namespace RnnGen.Generator.Tests.Ptx
{
    /// <summary>CudaFastMath swaps σ and tanh for tanh.approx and raises the target; without Cuda it only warns.</summary>
    public sealed class FastMathTests
    {
        private const string Model = """
            using RnnGen;

            /// <summary>A test model.</summary>
            [RecurrentNetwork(InputSize = 3, CudaFastMath = true)]
            [Lstm(8)]
            [Dense(2, Activation.Sigmoid)]
            public partial class Fast
            {
            }
            """;

        [Fact]
        public void Fast_math_uses_tanh_approx_and_claims_sm_75()
        {
            var ptx = PtxSnapshotTests.Ptx(Model);
            Assert.Contains(".version 7.0\n.target sm_75\n", ptx, StringComparison.Ordinal);
            Assert.Contains("tanh.approx.f32", ptx, StringComparison.Ordinal);
            Assert.DoesNotContain("ex2.approx", ptx.Split(".entry rnngen_softmax_rows")[0], StringComparison.Ordinal); // only softmax's exp is left
        }

        [Fact]
        public void RNNG0017_fast_math_without_cuda_warns_and_still_generates()
        {
            var run = GeneratorTestHelper.Run(Model);
            var warning = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "RNNG0017");
            Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
            Assert.Contains("RecurrentNetwork", DiagnosticAssert.LocatedText(run.OutputCompilation, warning), StringComparison.Ordinal);
            Assert.Contains("no effect without Cuda = true", warning.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            Assert.NotEmpty(run.Sources);
            Assert.DoesNotContain("CudaPtx", run.Sources.Single().SourceText.ToString(), StringComparison.Ordinal);
        }
    }
}
