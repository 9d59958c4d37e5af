using System;
using RnnGen.Gpu;
using RnnGen.Runtime.Tests.Gpu.Interpreter;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Gpu.Training
{
    /// <summary>Bad arguments to the device training API: each exception names the argument and what was expected.</summary>
    public sealed class GpuTrainingArgumentTests : IDisposable
    {
        private readonly PtxInterpreterDevice _device = new(61);
        private readonly GpuEmbeddingLstm.CudaModel _gpu;

        public GpuTrainingArgumentTests()
        {
            var model = new GpuEmbeddingLstm();
            model.InitializeParameters(new Random(1));
            _gpu = model.ToCuda(_device);
        }

        private CudaTraining Training => _gpu.Training;

        [Fact]
        public void Losses_name_the_argument_that_is_wrong()
        {
            var rows = GpuEmbeddingLstm.MaxSequenceLength * GpuEmbeddingLstm.MaxBatchSize;
            Assert.Equal("loss", Assert.Throws<ArgumentException>(() => Training.ComputeLoss(TrainingLoss.BinaryCrossEntropy, new int[rows])).ParamName);
            Assert.Equal("loss", Assert.Throws<ArgumentException>(() => Training.ComputeLoss(TrainingLoss.SoftmaxCrossEntropy, new float[rows * GpuEmbeddingLstm.OutputSize])).ParamName);
            Assert.Equal("loss", Assert.Throws<ArgumentNullException>(() => Training.ComputeLoss(null!, new int[rows])).ParamName);
            var tooMany = Assert.Throws<ArgumentOutOfRangeException>(() => Training.ComputeLoss(TrainingLoss.SoftmaxCrossEntropy, new int[rows + 1]));
            Assert.Equal("tokenTargets", tooMany.ParamName);
            Assert.Contains($"1 to {rows}", tooMany.Message, StringComparison.Ordinal);
            var badClass = new int[rows];
            badClass[4] = GpuEmbeddingLstm.OutputSize;
            Assert.Equal("tokenTargets", Assert.Throws<ArgumentOutOfRangeException>(() => Training.ComputeLoss(TrainingLoss.SoftmaxCrossEntropy, badClass)).ParamName);
            Assert.Equal("rowMask", Assert.Throws<ArgumentException>(() => Training.ComputeLoss(TrainingLoss.SoftmaxCrossEntropy, new int[rows], new float[rows - 1])).ParamName);
            var negative = new float[rows];
            negative[2] = -1f;
            Assert.Equal("rowMask", Assert.Throws<ArgumentException>(() => Training.ComputeLoss(TrainingLoss.SoftmaxCrossEntropy, new int[rows], negative)).ParamName);
            var ragged = Assert.Throws<ArgumentException>(() => Training.ComputeLoss(TrainingLoss.BinaryCrossEntropy, new float[GpuEmbeddingLstm.OutputSize + 1]));
            Assert.Equal("targets", ragged.ParamName);
            Assert.Contains("[rows][OutputWidth = 23]", ragged.Message, StringComparison.Ordinal);
            var outside = new float[GpuEmbeddingLstm.OutputSize];
            outside[1] = 1.5f;
            Assert.Equal("targets", Assert.Throws<ArgumentOutOfRangeException>(() => Training.ComputeLoss(TrainingLoss.BinaryCrossEntropy, outside)).ParamName);
            Assert.Throws<NotSupportedException>(() => Training.ComputeLoss(TrainingLoss.MeanSquaredError(Activation.Softmax), new float[GpuEmbeddingLstm.OutputSize]));
        }

        [Fact]
        public void Buffers_and_clipping_name_the_argument_that_is_wrong()
        {
            var count = GpuEmbeddingLstm.PackedParameterLength;
            var upload = Assert.Throws<ArgumentException>(() => Training.UploadGradients(new float[count - 1]));
            Assert.Equal("gradients", upload.ParamName);
            Assert.Contains("[ParameterCount]", upload.Message, StringComparison.Ordinal);
            Assert.Equal("gradients", Assert.Throws<ArgumentException>(() => Training.DownloadGradients(new float[count + 1])).ParamName);
            Assert.Equal("outputGradients", Assert.Throws<ArgumentException>(() => Training.DownloadOutputGradients(new float[5])).ParamName);
            Assert.Equal("packed", Assert.Throws<ArgumentException>(() => _gpu.DownloadParameters(new float[3])).ParamName);
            Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => _gpu.CopyParametersTo(null!)).ParamName);
            Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => Training.ClipGradients(0f)).ParamName);
            Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => Training.ClipGradients(float.NaN)).ParamName);
        }

        [Fact]
        public void Optimisers_name_the_argument_that_is_wrong()
        {
            var count = GpuEmbeddingLstm.PackedParameterLength;
            var wrongSize = Assert.Throws<ArgumentException>(() => Training.CreateOptimizer(new Adam(count + 1)));
            Assert.Equal("optimizer", wrongSize.ParamName);
            Assert.Contains($"{count}", wrongSize.Message, StringComparison.Ordinal);
            Assert.Equal("optimizer", Assert.Throws<ArgumentNullException>(() => Training.CreateOptimizer(null!)).ParamName);
            Assert.Throws<NotSupportedException>(() => Training.CreateOptimizer(new Custom(count)));
            using var adam = Training.CreateOptimizer(new Adam(count));
            Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => adam.TryStep(-1f, out _)).ParamName);
            adam.Dispose();
            Assert.Throws<ObjectDisposedException>(() => adam.Step());
            _gpu.Dispose();
            Assert.Throws<ObjectDisposedException>(() => _gpu.Training);
        }

        public void Dispose()
        {
            _gpu.Dispose();
            _device.Dispose();
        }

        private sealed class Custom(int count) : Optimizer(count, 0.1f, 0f)
        {
            protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, int offset)
            {
            }
        }
    }
}
