using RnnGen.Gpu;
using Xunit;

namespace RnnGen.Runtime.Tests.Gpu
{
    /// <summary>Driver results read by name, and the exception says which call returned what.</summary>
    public sealed class CudaResultTests
    {
        [Theory]
        [InlineData(0, "CUDA_SUCCESS")]
        [InlineData(1, "CUDA_ERROR_INVALID_VALUE")]
        [InlineData(3, "CUDA_ERROR_NOT_INITIALIZED")]
        [InlineData(4, "CUDA_ERROR_DEINITIALIZED")]
        [InlineData(34, "CUDA_ERROR_STUB_LIBRARY")]
        [InlineData(100, "CUDA_ERROR_NO_DEVICE")]
        [InlineData(218, "CUDA_ERROR_INVALID_PTX")]
        [InlineData(500, "CUDA_ERROR_NOT_FOUND")]
        [InlineData(700, "CUDA_ERROR_ILLEGAL_ADDRESS")]
        [InlineData(720, "CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE")]
        [InlineData(999, "CUDA_ERROR_UNKNOWN")]
        public void Known_results_have_their_cuda_h_names(int result, string name) => Assert.Equal(name, CudaResult.Name(result));

        [Theory]
        [InlineData(12345, "CUresult 12345")]
        [InlineData(-7, "CUresult -7")]
        [InlineData(99, "CUresult 99")]
        public void Unknown_results_read_as_their_number(int result, string name) => Assert.Equal(name, CudaResult.Name(result));

        [Fact]
        public void The_constants_match_the_names()
        {
            Assert.Equal("CUDA_ERROR_STUB_LIBRARY", CudaResult.Name(CudaResult.StubLibrary));
            Assert.Equal("CUDA_ERROR_NO_DEVICE", CudaResult.Name(CudaResult.NoDevice));
            Assert.Equal("CUDA_ERROR_INVALID_PTX", CudaResult.Name(CudaResult.InvalidPtx));
            Assert.Equal("CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE", CudaResult.Name(CudaResult.CooperativeLaunchTooLarge));
        }

        [Fact]
        public void A_CudaException_names_the_call_the_result_and_carries_the_log()
        {
            var error = new CudaException("cuModuleLoadDataEx", 218, "the driver rejected the PTX", "ptxas fatal   : Unexpected token at line 7");
            Assert.Equal("cuModuleLoadDataEx", error.Call);
            Assert.Equal(218, error.Result);
            Assert.Equal("CUDA_ERROR_INVALID_PTX", error.ResultName);
            Assert.Equal("ptxas fatal   : Unexpected token at line 7", error.Log);
            Assert.StartsWith("cuModuleLoadDataEx failed with CUDA_ERROR_INVALID_PTX (218): the driver rejected the PTX.", error.Message, System.StringComparison.Ordinal);
            Assert.Contains("Unexpected token at line 7", error.Message, System.StringComparison.Ordinal);

            var plain = new CudaException("cuInit", 100);
            Assert.Equal("cuInit failed with CUDA_ERROR_NO_DEVICE (100).", plain.Message);
            Assert.Null(plain.Log);
            Assert.Equal(CudaException.NoResult, new CudaException("no driver").Result);
        }
    }
}
