using System;
using System.Linq;
using RnnGen.Gpu;
using RnnGen.Runtime.Tests.Gpu.Interpreter;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Gpu.Training
{
    /// <summary>
    /// The device losses against RnnGen.Training.Losses on the same outputs (the CUDA model's Forward, run on the PTX
    /// interpreter): the value within 1e-5 relative (a float sum in another order, logs from lg2.approx), the output
    /// gradient bit-identical for the cross-entropies (the same two roundings per element) and within 1e-5 for mean
    /// squared error (the CPU forms it in double). With full batches, padded steps and row weights.
    /// </summary>
    public sealed class GpuLossTests
    {
        [Theory]
        [InlineData(false, false)]
        [InlineData(true, false)]
        [InlineData(true, true)]
        public void Softmax_cross_entropy_matches_the_CPU(bool padded, bool weighted)
        {
            using var device = new PtxInterpreterDevice(5);
            var model = new GpuEmbeddingLstm();
            model.InitializeParameters(new Random(3));
            using var gpu = model.ToCuda(device);
            const int steps = GpuEmbeddingLstm.MaxSequenceLength, batch = GpuEmbeddingLstm.MaxBatchSize, classes = GpuEmbeddingLstm.OutputSize;
            var lcg = new Lcg(17);
            var tokens = lcg.Tokens(steps * batch, GpuEmbeddingLstm.VocabularySize);
            var lengths = padded ? new[] { steps, 2, 4 } : Array.Empty<int>();
            var outputs = new float[steps * batch * classes];
            gpu.Forward(tokens, lengths, outputs, batch);
            var targets = lcg.Tokens(steps * batch, classes);
            var mask = Mask(steps, batch, lengths, weighted);
            foreach (var row in PaddedRows(mask))
            {
                targets[row] = -7; // padded rows may hold anything
            }

            var expectedGradients = new float[outputs.Length];
            var expected = Losses.SoftmaxCrossEntropy(outputs, targets, classes, expectedGradients, mask);
            Compare(gpu.Training, expected, expectedGradients, gpu.Training.Loss(TrainingLoss.SoftmaxCrossEntropy, targets, mask), bitIdentical: true);
            Assert.True(outputs.Length > 256, "more than one block, so the second pass sums partials");
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Binary_cross_entropy_matches_the_CPU(bool weighted)
        {
            using var device = new PtxInterpreterDevice(6);
            var model = new GpuGruResetAfter();
            model.InitializeParameters(new Random(4));
            using var gpu = model.ToCuda(device);
            const int steps = GpuGruResetAfter.MaxSequenceLength, batch = GpuGruResetAfter.MaxBatchSize, width = GpuGruResetAfter.OutputSize;
            var lcg = new Lcg(18);
            var inputs = lcg.Uniform(steps * batch * GpuGruResetAfter.InputSize, 1.5f);
            var lengths = weighted ? new[] { 3, steps, 1 } : Array.Empty<int>();
            var outputs = new float[steps * batch * width];
            gpu.Forward(inputs, lengths, outputs, batch);
            var targets = lcg.Uniform(outputs.Length, 0.5f);
            for (var i = 0; i < targets.Length; i++)
            {
                targets[i] = i % 3 == 0 ? (i % 2) : targets[i] + 0.5f; // hard 0/1 labels and soft ones
            }

            var mask = Mask(steps, batch, lengths, weighted);
            var expectedGradients = new float[outputs.Length];
            var expected = Losses.BinaryCrossEntropy(outputs, targets, expectedGradients, mask, width);
            Compare(gpu.Training, expected, expectedGradients, gpu.Training.Loss(TrainingLoss.BinaryCrossEntropy, targets, mask), bitIdentical: true);
        }

        [Theory]
        [InlineData(Activation.Linear, false)]
        [InlineData(Activation.Tanh, true)]
        [InlineData(Activation.Sigmoid, true)]
        [InlineData(Activation.Relu, false)]
        public void Mean_squared_error_matches_the_CPU_through_each_activation(Activation activation, bool weighted)
        {
            using var device = new PtxInterpreterDevice(7);
            var (outputs, width, steps, batch, gpu, lengths) = activation switch
            {
                Activation.Linear => Run<GpuSimpleReluHead>(device, weighted),
                Activation.Tanh => Run<GpuBidirectionalMultiplyAverage>(device, weighted),
                Activation.Sigmoid => Run<GpuGruResetAfter>(device, weighted),
                _ => Run<GpuWideBatch>(device, weighted),
            };
            using (gpu)
            {
                var targets = new Lcg(19).Uniform(outputs.Length, 1f);
                var mask = Mask(steps, batch, lengths, weighted);
                var expectedGradients = new float[outputs.Length];
                var expected = Losses.MeanSquaredError(outputs, targets, activation, expectedGradients, mask, width);
                Compare(gpu.Training, expected, expectedGradients, gpu.Training.Loss(TrainingLoss.MeanSquaredError(activation), targets, mask), bitIdentical: false);
            }
        }

        [Fact]
        public void A_training_batch_is_masked_as_the_CPU_loss_masks_it()
        {
            using var device = new PtxInterpreterDevice(8);
            var model = new GpuEmbeddingLstm();
            model.InitializeParameters(new Random(5));
            using var gpu = model.ToCuda(device);
            var batch = new TrainingBatch<int>(GpuEmbeddingLstm.Description) { Steps = 5, BatchSize = 2, HasLengths = true };
            batch.Lengths[0] = 5;
            batch.Lengths[1] = 3;
            var lcg = new Lcg(20);
            lcg.Tokens(10, GpuEmbeddingLstm.VocabularySize).CopyTo(batch.Inputs, 0);
            lcg.Tokens(10, GpuEmbeddingLstm.OutputSize).CopyTo(batch.TokenTargets, 0);
            var outputs = new float[batch.OutputLength];
            gpu.Forward(batch.InputSpan, batch.LengthSpan, outputs, batch.BatchSize);
            var expectedGradients = new float[outputs.Length];
            var expected = TrainingLoss.SoftmaxCrossEntropy.Compute<int>(outputs, batch, expectedGradients, new float[batch.OutputRows]);
            gpu.Training.ComputeLoss(TrainingLoss.SoftmaxCrossEntropy, batch);
            Compare(gpu.Training, expected, expectedGradients, gpu.Training.ReadLoss(), bitIdentical: true);
        }

        [Fact]
        public void No_counted_row_is_a_zero_loss_and_zero_gradients_as_on_the_CPU()
        {
            using var device = new PtxInterpreterDevice(9);
            var model = new GpuGruResetAfter();
            model.InitializeParameters(new Random(6));
            using var gpu = model.ToCuda(device);
            var outputs = new float[2 * GpuGruResetAfter.OutputSize];
            gpu.Forward(new Lcg(3).Uniform(2 * GpuGruResetAfter.InputSize, 1f), outputs, 2);
            var loss = gpu.Training.Loss(TrainingLoss.BinaryCrossEntropy, new float[outputs.Length], new float[2]);
            var gradients = new float[outputs.Length];
            gradients.AsSpan().Fill(float.NaN);
            gpu.Training.DownloadOutputGradients(gradients);
            Assert.Equal(0f, loss);
            Assert.All(gradients, g => Assert.Equal(0f, g));
        }

        /// <summary>
        /// The device's loss value within 1e-5 relative of the CPU's, and the dL/dz it wrote bit-identical (or within
        /// 1e-5 relative, above 1e-6 absolute, when the CPU forms it in double).
        /// </summary>
        private static void Compare(CudaTraining training, float expected, float[] expectedGradients, float actual, bool bitIdentical)
        {
            var actualGradients = new float[expectedGradients.Length];
            training.DownloadOutputGradients(actualGradients);
            TrainingAsserts.Close(expected, actual, 1e-5, "loss");
            if (bitIdentical)
            {
                TrainingAsserts.Identical(expectedGradients, actualGradients, "dL/dz");
            }
            else
            {
                TrainingAsserts.Close(expectedGradients, actualGradients, 1e-5, "dL/dz", floor: 1e-6);
            }

            Assert.Contains(expectedGradients, g => g != 0); // a comparison of zeros would prove nothing
        }

        /// <summary>Empty (every row counts fully) unless padded or weighted: 0 for padded steps, weights in {0.5, 1, 2} when weighted.</summary>
        internal static float[] Mask(int steps, int batch, int[] lengths, bool weighted)
        {
            if (lengths.Length == 0 && !weighted)
            {
                return Array.Empty<float>();
            }

            var mask = new float[steps * batch];
            for (var row = 0; row < mask.Length; row++)
            {
                var padded = lengths.Length > 0 && row / batch >= lengths[row % batch];
                mask[row] = padded ? 0f : weighted ? 0.5f * (1 << (row % 3)) : 1f;
            }

            return mask;
        }

        private static int[] PaddedRows(float[] mask) => Enumerable.Range(0, mask.Length).Where(row => mask[row] == 0).ToArray();

        /// <summary>A float-input model's Forward on the device; returns its outputs and what the mask needs.</summary>
        private static (float[] Outputs, int Width, int Steps, int Batch, ICudaTrainable Gpu, int[] Lengths) Run<TModel>(GpuDevice device, bool padded)
            where TModel : new()
        {
            var trainable = CudaTrainables.Create(new TModel(), device);
            var lcg = new Lcg(21);
            var inputs = lcg.Uniform(trainable.Steps * trainable.Batch * trainable.InputSize, 1.5f);
            var lengths = padded ? new int[trainable.Batch] : Array.Empty<int>();
            for (var b = 0; b < lengths.Length; b++)
            {
                lengths[b] = b == 0 ? trainable.Steps : 1 + (b % trainable.Steps);
            }

            var outputs = new float[trainable.OutputRows * trainable.Width];
            trainable.Forward(inputs, lengths, outputs);
            return (outputs, trainable.Width, trainable.ReturnsSequences ? trainable.Steps : 1, trainable.Batch, trainable, trainable.ReturnsSequences ? lengths : Array.Empty<int>());
        }
    }
}
