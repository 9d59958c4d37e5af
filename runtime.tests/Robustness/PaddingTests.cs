using System;
using System.Linq;
using Xunit;

namespace RnnGen.Runtime.Tests.Robustness
{
    /// <summary>
    /// The packed buffer pads each layer to 16-unit blocks and aligns each tensor; whatever is written there (NaN from
    /// a bad checkpoint, garbage through <c>PackedParameters</c>) must not reach an output or a gradient.
    /// </summary>
    public sealed class PaddingTests
    {
        [Fact]
        public void NaN_in_every_padded_float_changes_no_output_step_or_gradient()
        {
            const int steps = 6, batch = 3;
            var clean = new PaddedModel();
            clean.InitializeParameters(new Random(5));
            var dirty = new PaddedModel();
            dirty.PackedParameters.Fill(float.NaN);
            CopyEveryTensor(PaddedModel.PyTorchTensors, clean.ExportPyTorch, dirty.ImportPyTorch);

            var padding = Enumerable.Range(0, PaddedModel.PackedParameterLength).Where(i => float.IsNaN(dirty.PackedParameters[i])).ToArray();
            Assert.True(padding.Length > 100, $"only {padding.Length} padded floats: the test would prove little");

            var random = new Random(6);
            var inputs = Enumerable.Range(0, steps * batch * PaddedModel.InputSize).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
            var expected = new float[steps * batch * PaddedModel.OutputSize];
            var actual = new float[expected.Length];
            clean.Forward(inputs, expected, batch);
            dirty.Forward(inputs, actual, batch);
            Assert.Equal(expected, actual);

            // Backward, into a gradient buffer that also holds NaN wherever there is no parameter.
            var outputGradients = expected.Select((_, i) => (float)Math.Sin(i)).ToArray();
            var cleanGradients = new float[PaddedModel.PackedParameterLength];
            var dirtyGradients = new float[PaddedModel.PackedParameterLength];
            foreach (var i in padding)
            {
                dirty.PackedParameters[i] = float.PositiveInfinity; // written between Forward and Backward
                dirtyGradients[i] = float.NaN;
            }

            clean.Backward(outputGradients, cleanGradients);
            dirty.Backward(outputGradients, dirtyGradients);
            Assert.Equal(cleanGradients, dirtyGradients);
            Assert.All(padding, i => Assert.Equal(0f, dirtyGradients[i]));
            Assert.All(padding, i => Assert.Equal(0f, dirty.PackedParameters[i])); // cleared by Backward

            // Step reads the same buffer.
            foreach (var i in padding)
            {
                dirty.PackedParameters[i] = float.NaN;
            }

            var cleanState = clean.CreateState();
            var dirtyState = dirty.CreateState();
            var cleanOut = new float[PaddedModel.OutputSize];
            var dirtyOut = new float[PaddedModel.OutputSize];
            for (var t = 0; t < steps; t++)
            {
                clean.Step(cleanState, inputs.AsSpan(t * batch * PaddedModel.InputSize, PaddedModel.InputSize), cleanOut);
                dirty.Step(dirtyState, inputs.AsSpan(t * batch * PaddedModel.InputSize, PaddedModel.InputSize), dirtyOut);
                Assert.Equal(cleanOut, dirtyOut);
            }
        }

        [Fact]
        public void NaN_padding_in_an_embedding_model_does_not_reach_the_gradients()
        {
            var clean = new PaddedEmbeddingModel();
            clean.InitializeParameters(new Random(7));
            var dirty = new PaddedEmbeddingModel();
            dirty.PackedParameters.Fill(float.NaN);
            CopyEveryTensor(PaddedEmbeddingModel.PyTorchTensors, clean.ExportPyTorch, dirty.ImportPyTorch);

            int[] tokens = { 1, 2, 3, 4, 5, 6, 0, 1 };
            var probabilities = new float[4 * 2 * PaddedEmbeddingModel.OutputSize];
            var outputGradients = probabilities.Select((_, i) => (float)Math.Cos(i)).ToArray();
            var cleanGradients = new float[PaddedEmbeddingModel.PackedParameterLength];
            var dirtyGradients = new float[PaddedEmbeddingModel.PackedParameterLength];
            clean.Forward(tokens, probabilities, 2);
            clean.Backward(outputGradients, cleanGradients);
            dirty.Forward(tokens, probabilities, 2);
            dirty.Backward(outputGradients, dirtyGradients);

            Assert.Equal(cleanGradients, dirtyGradients);
            Assert.DoesNotContain(dirtyGradients, float.IsNaN);
        }

        /// <summary>Copies every real parameter (through the PyTorch layout), so only the padding keeps its NaN.</summary>
        private static void CopyEveryTensor(System.Collections.Generic.IEnumerable<TensorInfo> tensors, RnnGen.IO.TensorExporter export, RnnGen.IO.TensorImporter import)
        {
            foreach (var tensor in tensors)
            {
                var values = new float[tensor.Length];
                export(tensor.Name, values);
                import(tensor.Name, values);
            }
        }
    }
}
