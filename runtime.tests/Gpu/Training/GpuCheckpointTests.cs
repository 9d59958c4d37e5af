using System;
using System.IO;
using RnnGen.IO;
using RnnGen.Runtime.Tests.Gpu.Interpreter;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Gpu.Training
{
    /// <summary>
    /// Checkpoints both ways: a run on the device saved through the CPU model and optimiser (CopyParametersTo,
    /// DownloadState, TrainingCheckpoint.Save), resumed on the CPU and, from the same file, on a fresh device model
    /// (Load, UpdateParameters, CreateOptimizer uploads the state): every continuation bit-identical to the run that
    /// never stopped.
    /// </summary>
    public sealed class GpuCheckpointTests
    {
        [Theory]
        [InlineData("adam")]
        [InlineData("sgd-momentum")]
        [InlineData("rmsprop-centered-momentum")]
        [InlineData("adagrad")]
        public void A_device_run_saved_resumes_on_the_CPU_and_on_the_device_bit_identically(string name)
        {
            const int count = GpuEmbeddingLstm.PackedParameterLength;
            var path = Path.Combine(Path.GetTempPath(), "rnngen-gpu-checkpoint-" + Guid.NewGuid().ToString("N") + ".safetensors");
            try
            {
                var lcg = new Lcg(51);
                using var device = new PtxInterpreterDevice(52);
                var padding = PaddingMask(device);
                var gradients = new[] { Masked(lcg.Uniform(count, 0.5f), padding), Masked(lcg.Uniform(count, 0.5f), padding), Masked(lcg.Uniform(count, 0.5f), padding) };
                var model = new GpuEmbeddingLstm();
                model.InitializeParameters(new Random(7));
                using var gpu = model.ToCuda(device);
                using var optimizer = gpu.Training.CreateOptimizer(GpuOptimizerTests.Create(name, count));
                for (var step = 0; step < 2; step++)
                {
                    gpu.Training.UploadGradients(gradients[step]);
                    optimizer.Step();
                }

                // GPU -> file, through the CPU model and optimiser.
                var saved = new GpuEmbeddingLstm();
                gpu.CopyParametersTo(saved);
                optimizer.DownloadState();
                TrainingCheckpoint.Save(path, saved, optimizer.Host);

                // The run that never stopped takes step 3 on the device.
                gpu.Training.UploadGradients(gradients[2]);
                optimizer.Step();
                var uninterrupted = new float[count];
                gpu.DownloadParameters(uninterrupted);

                // File -> CPU: step 3 there.
                var cpuModel = new GpuEmbeddingLstm();
                var cpuOptimizer = GpuOptimizerTests.Create(name, count);
                TrainingCheckpoint.Load(path, cpuModel, cpuOptimizer);
                Assert.Equal(2, cpuOptimizer.StepCount);
                cpuOptimizer.Step(cpuModel.PackedParameters, gradients[2]);
                TrainingAsserts.Identical(uninterrupted, cpuModel.PackedParameters, name + " resumed on the CPU");

                // File -> a fresh device model: step 3 there.
                var reloaded = new GpuEmbeddingLstm();
                var hostOptimizer = GpuOptimizerTests.Create(name, count);
                TrainingCheckpoint.Load(path, reloaded, hostOptimizer);
                using var device2 = new PtxInterpreterDevice(53);
                using var gpu2 = reloaded.ToCuda(device2);
                using var optimizer2 = gpu2.Training.CreateOptimizer(hostOptimizer);
                gpu2.Training.UploadGradients(gradients[2]);
                optimizer2.Step();
                var resumed = new float[count];
                gpu2.DownloadParameters(resumed);
                TrainingAsserts.Identical(uninterrupted, resumed, name + " resumed on the device");
                Assert.Equal(3, optimizer2.Host.StepCount);
            }
            finally
            {
                File.Delete(path);
            }
        }

        /// <summary>
        /// 1 for every real parameter, 0 for the padding lanes of the packed layout (what UpdateParameters clears). A
        /// checkpoint stores the PyTorch tensors, not the padding, and a backward pass writes 0 there, so the
        /// gradients of this test do too.
        /// </summary>
        private static float[] PaddingMask(PtxInterpreterDevice device)
        {
            var ones = new float[GpuEmbeddingLstm.PackedParameterLength];
            ones.AsSpan().Fill(1f);
            using var probe = new GpuEmbeddingLstm().ToCuda(device);
            probe.UpdateParameters(ones);
            var mask = new float[ones.Length];
            probe.DownloadParameters(mask);
            Assert.Contains(mask, m => m == 0f);
            return mask;
        }

        private static float[] Masked(float[] gradients, float[] mask)
        {
            for (var i = 0; i < gradients.Length; i++)
            {
                gradients[i] *= mask[i];
            }

            return gradients;
        }
    }
}
