using System;
using System.IO;
using System.Linq;
using RnnGen.IO;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Robustness
{
    /// <summary>NaN and infinity are stopped where they enter, with where they came from.</summary>
    public sealed class NonFiniteTests
    {
        [Fact]
        public void ImportPyTorch_rejects_a_NaN_naming_the_tensor_and_index_and_imports_nothing()
        {
            var model = new NpcController();
            model.InitializeParameters(new Random(1));
            var before = model.PackedParameters.ToArray();
            var values = new float[NpcController.PyTorchTensors.Single(t => t.Name == "weight_hh_l0").Length];
            values[37] = float.NaN;

            var error = Assert.Throws<ArgumentException>("values", () => model.ImportPyTorch("weight_hh_l0", values));
            Assert.Contains("'weight_hh_l0' holds NaN at index 37", error.Message, StringComparison.Ordinal);
            Assert.Equal(before, model.PackedParameters.ToArray());
        }

        [Fact]
        public void ImportKeras_rejects_infinity_before_any_part_is_imported()
        {
            var model = new NpcController();
            model.InitializeParameters(new Random(1));
            var before = model.PackedParameters.ToArray();
            var kernel = NpcController.KerasTensors.Single(t => t.Name == "layer0/kernel");
            var values = Enumerable.Repeat(0.5f, kernel.Length).ToArray();
            values[^1] = float.NegativeInfinity;

            var error = Assert.Throws<ArgumentException>("values", () => model.ImportKeras("layer0/kernel", values));
            Assert.Contains("-infinity", error.Message, StringComparison.Ordinal);
            Assert.Equal(before, model.PackedParameters.ToArray());
        }

        [Fact]
        public void A_checkpoint_with_NaN_names_the_tensor_and_leaves_the_destination_and_the_model_unchanged()
        {
            var source = new NpcController();
            source.InitializeParameters(new Random(2));
            var writer = new SafeTensorsWriter();
            writer.AddAll(NpcController.PyTorchTensors, source.ExportPyTorch);
            var bias = new float[4];
            bias[2] = float.NaN;
            using (var stream = new MemoryStream())
            {
                // A diverged run's checkpoint: the head's bias is NaN.
                var corrupt = new SafeTensorsWriter();
                foreach (var tensor in NpcController.PyTorchTensors)
                {
                    var values = new float[tensor.Length];
                    source.ExportPyTorch(tensor.Name, values);
                    corrupt.Add(tensor, tensor.Name == "head.bias" ? bias : values);
                }

                corrupt.WriteTo(stream);
                var file = SafeTensorsFile.Parse(stream.ToArray(), "diverged.safetensors");

                var model = new NpcController();
                model.InitializeParameters(new Random(3));
                var before = model.PackedParameters.ToArray();
                var error = Assert.Throws<CheckpointException>(() => file.ImportAll(NpcController.PyTorchTensors, model.ImportPyTorch));
                Assert.Equal("head.bias", error.TensorName);
                Assert.Contains("NaN at index 2", error.Message, StringComparison.Ordinal);
                Assert.Equal(before, model.PackedParameters.ToArray()); // no tensor was imported, not even the valid ones

                var destination = Enumerable.Repeat(7f, 4).ToArray();
                Assert.Throws<CheckpointException>(() => file.ReadInto(NpcController.PyTorchTensors.Single(t => t.Name == "head.bias"), destination));
                Assert.All(destination, v => Assert.Equal(7f, v));
                file.ReadInto("head.bias", destination, 4); // by name: any bits, as a file format should
                Assert.True(float.IsNaN(destination[2]));
            }
        }

        [Fact]
        public void TryClipByGlobalNorm_makes_the_training_step_skip_a_NaN_gradient()
        {
            var model = new NpcController();
            model.InitializeParameters(new Random(4));
            var adam = new Adam(model.PackedParameters.Length, learningRate: 1e-2f);
            var gradients = new float[NpcController.PackedParameterLength];
            gradients[100] = 1f;
            gradients[200] = float.NaN;
            var before = model.PackedParameters.ToArray();

            // The README's training snippet.
            if (GradientClipping.TryClipByGlobalNorm(gradients, maxNorm: 5f, out var norm))
            {
                adam.Step(model.PackedParameters, gradients);
            }

            Assert.True(float.IsNaN(norm));
            Assert.Equal(before, model.PackedParameters.ToArray());
            Assert.Equal(1f, gradients[100]); // untouched

            gradients[200] = 12f;
            Assert.True(GradientClipping.TryClipByGlobalNorm(gradients, 5f, out norm));
            Assert.Equal(MathF.Sqrt(145f), norm, 5);
            Assert.Equal(5f, GradientClipping.GlobalNorm(gradients), 5);
        }
    }

    /// <summary>Tests that must run alone: checked mode is a process-wide switch, and the overlap test needs both cores.</summary>
    [CollectionDefinition(nameof(SerialTestCollection), DisableParallelization = true)]
    public sealed class SerialTestCollection
    {
    }

    /// <summary>In checked mode the values that flow through every call are checked too.</summary>
    [Collection(nameof(SerialTestCollection))]
    public sealed class CheckedModeTests
    {
        [Fact]
        public void Checked_mode_names_the_step_sequence_and_feature_of_a_NaN_input()
        {
            var model = new PaddedModel();
            model.InitializeParameters(new Random(5));
            var inputs = new float[4 * 3 * PaddedModel.InputSize];
            inputs[(((2 * 3) + 1) * PaddedModel.InputSize) + 4] = float.NaN; // step 2, sequence 1, feature 4
            var outputs = new float[4 * 3 * PaddedModel.OutputSize];

            model.Forward(inputs, outputs, 3); // off: NaN flows through, as IEEE arithmetic says
            Assert.Contains(outputs, float.IsNaN);

            NonFiniteValues.CheckInputs = true;
            try
            {
                var error = Assert.Throws<ArgumentException>("inputs", () => model.Forward(inputs, outputs, 3));
                Assert.Contains("inputs[step 2, sequence 1, element 4]", error.Message, StringComparison.Ordinal);

                var state = model.CreateState();
                var input = new float[PaddedModel.InputSize];
                input[1] = float.PositiveInfinity;
                error = Assert.Throws<ArgumentException>("input", () => model.Step(state, input, new float[PaddedModel.OutputSize]));
                Assert.Contains("+infinity", error.Message, StringComparison.Ordinal);

                inputs[(((2 * 3) + 1) * PaddedModel.InputSize) + 4] = 0;
                model.Forward(inputs, outputs, 3);
                var outputGradients = new float[outputs.Length];
                outputGradients[5] = float.NaN;
                error = Assert.Throws<ArgumentException>("outputGradients", () => model.Backward(outputGradients, new float[PaddedModel.PackedParameterLength]));
                Assert.Contains("outputGradients[step 0, sequence 1, element 2]", error.Message, StringComparison.Ordinal);
            }
            finally
            {
                NonFiniteValues.CheckInputs = false;
            }
        }
    }
}
