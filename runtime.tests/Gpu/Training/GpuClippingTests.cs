using System;
using RnnGen.Runtime.Tests.Gpu.Interpreter;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Gpu.Training
{
    /// <summary>
    /// Clipping by global norm on the device against GradientClipping: the norm within 1e-5 relative (float sums in
    /// another order), the clipped gradients within 1e-6, unclipped ones untouched, a non-finite norm reported and the
    /// gradients left as they were; and the sum is the same bit for bit under any schedule.
    /// </summary>
    public sealed class GpuClippingTests
    {
        [Theory]
        [InlineData(0.5f)]
        [InlineData(1e4f)]
        public void The_norm_and_the_clipped_gradients_match_GradientClipping(float maxNorm)
        {
            using var device = new PtxInterpreterDevice(41);
            using var gpu = Start(device, out var count);
            var gradients = new Lcg(42).Uniform(count, 0.3f);
            gpu.Training.UploadGradients(gradients);
            gpu.Training.ClipGradients(maxNorm);
            var norm = gpu.Training.ReadGradientNorm();
            var actual = new float[count];
            gpu.Training.DownloadGradients(actual);
            var expectedNorm = GradientClipping.ClipByGlobalNorm(gradients, maxNorm);
            TrainingAsserts.Close(expectedNorm, norm, 1e-5, "norm");
            if (maxNorm > expectedNorm)
            {
                TrainingAsserts.Identical(gradients, actual, "unclipped gradients");
            }
            else
            {
                TrainingAsserts.Close(gradients, actual, 1e-6, "clipped gradients", floor: 1e-3);
                TrainingAsserts.Close(maxNorm, GradientClipping.GlobalNorm(actual), 1e-5, "norm after clipping");
            }

            Assert.True(count > 256, "several blocks of partial sums");
        }

        [Theory]
        [InlineData(float.NaN)]
        [InlineData(float.PositiveInfinity)]
        [InlineData(3e38f)]
        public void A_non_finite_norm_is_reported_and_leaves_the_gradients_unchanged(float bad)
        {
            using var device = new PtxInterpreterDevice(43);
            using var gpu = Start(device, out var count);
            var gradients = new Lcg(44).Uniform(count, 0.3f);
            gradients[count - 3] = bad; // 3e38² overflows float: the norm is +∞ although every value is finite
            gpu.Training.UploadGradients(gradients);
            gpu.Training.ClipGradients(1f);
            var norm = gpu.Training.ReadGradientNorm();
            var actual = new float[count];
            gpu.Training.DownloadGradients(actual);
            Assert.False(float.IsFinite(norm));
            Assert.Equal(float.IsNaN(bad), float.IsNaN(norm));
            Assert.False(float.IsFinite(GradientClipping.GlobalNorm(gradients)));
            TrainingAsserts.Identical(gradients, actual, "gradients");
        }

        [Fact]
        public void The_norm_is_the_same_bit_for_bit_under_every_schedule()
        {
            var norms = new float[3];
            for (var seed = 0; seed < norms.Length; seed++)
            {
                using var device = new PtxInterpreterDevice(100 + seed);
                using var gpu = Start(device, out var count);
                gpu.Training.UploadGradients(new Lcg(45).Uniform(count, 1f));
                gpu.Training.ComputeGradientNorm();
                norms[seed] = gpu.Training.ReadGradientNorm();
            }

            Assert.Equal(norms[0], norms[1]);
            Assert.Equal(norms[0], norms[2]);
        }

        private static GpuEmbeddingLstm.CudaModel Start(PtxInterpreterDevice device, out int count)
        {
            var model = new GpuEmbeddingLstm();
            model.InitializeParameters(new Random(1));
            count = GpuEmbeddingLstm.PackedParameterLength;
            return model.ToCuda(device);
        }
    }
}
