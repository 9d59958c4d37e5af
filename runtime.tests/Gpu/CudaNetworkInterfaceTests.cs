using System;
using RnnGen.Gpu;
using RnnGen.Runtime.Tests.Gpu.Interpreter;
using Xunit;

namespace RnnGen.Runtime.Tests.Gpu
{
    /// <summary>
    /// Which interfaces a generated <c>CudaModel</c> implements, and that code written against them alone drives a model
    /// on a device (the PTX interpreter) to the CPU model's results. Every other GPU test also goes through them
    /// (<see cref="GpuCase{TModel, TGpu, TState, TInput}"/>).
    /// </summary>
    public sealed class CudaNetworkInterfaceTests
    {
        [Theory]
        [InlineData(typeof(GpuSimpleTanh.CudaModel), true, true)]
        [InlineData(typeof(GpuLstmStacked.CudaModel), true, true)]
        [InlineData(typeof(GpuGoBackwards.CudaModel), false, true)]
        [InlineData(typeof(GpuBidirectionalConcatSum.CudaModel), false, true)]
        [InlineData(typeof(GpuEmbeddingLstm.CudaModel), true, false)]
        [InlineData(typeof(GpuEmbeddingBidirectional.CudaModel), false, false)]
        public void A_CudaModel_implements_what_its_network_can_do(Type cudaModel, bool streams, bool floatInput)
        {
            var input = floatInput ? typeof(float) : typeof(int);
            Assert.True(typeof(ICudaNetwork<>).MakeGenericType(input).IsAssignableFrom(cudaModel));
            Assert.True(typeof(ICudaTrainable<>).MakeGenericType(input).IsAssignableFrom(cudaModel));
            Assert.Equal(streams, typeof(ICudaStreamingNetwork<>).MakeGenericType(input).IsAssignableFrom(cudaModel));
            Assert.Equal(floatInput, typeof(ICudaInputGradientNetwork).IsAssignableFrom(cudaModel));
        }

        [Fact]
        public void Code_written_against_the_interfaces_runs_float_and_token_models()
        {
            var floats = new GpuLstmStacked();
            floats.InitializeParameters(new Random(5));
            var tokens = new GpuEmbeddingLstm();
            tokens.InitializeParameters(new Random(6));
            var x = new float[GpuLstmStacked.MaxSequenceLength * 2 * GpuLstmStacked.InputSize];
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = MathF.Sin(i * 0.37f);
            }

            var ids = new int[GpuEmbeddingLstm.MaxSequenceLength * 2];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = (i * 7) % GpuEmbeddingLstm.VocabularySize;
            }

            using (var gpu = floats.ToCuda(new PtxInterpreterDevice(1)))
            {
                AssertSameAsCpu(floats, gpu, x, units: 9);
            }

            using (var gpu = tokens.ToCuda(new PtxInterpreterDevice(2)))
            {
                AssertSameAsCpu(tokens, gpu, ids, units: 13);
            }
        }

        /// <summary>Forward and the last layer's final state through the interfaces only, GPU against CPU.</summary>
        private static void AssertSameAsCpu<TInput>(IRecurrentNetwork<TInput> cpu, ICudaNetwork<TInput> gpu, TInput[] inputs, int units)
            where TInput : unmanaged
        {
            const int batch = 2;
            var outputLength = cpu.Description.OutputSize * batch * (cpu.Description.ReturnsSequences ? inputs.Length / batch / InputWidth(cpu) : 1);
            var expected = new float[outputLength];
            var actual = new float[outputLength];
            cpu.Forward(inputs, default, expected, batch);
            gpu.Forward(inputs, default, actual, batch, continueState: false);
            AssertClose(expected, actual);

            var last = cpu.Description.Layers.Count - 1;
            var expectedHidden = new float[batch * units];
            var actualHidden = new float[batch * units];
            var expectedCell = new float[batch * units];
            var actualCell = new float[batch * units];
            cpu.CopyFinalState(last, expectedHidden, expectedCell);
            gpu.CopyFinalState(last, actualHidden, actualCell);
            AssertClose(expectedHidden, actualHidden);
            AssertClose(expectedCell, actualCell);
            Assert.Contains(actualHidden, v => v != 0f);
        }

        private static int InputWidth(IRecurrentNetwork network) => network.Description.HasEmbedding ? 1 : network.Description.InputSize;

        private static void AssertClose(float[] expected, float[] actual)
        {
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f, $"[{i}]: {expected[i]} vs {actual[i]}");
            }
        }
    }
}
