using System;
using System.Linq;
using Xunit;

namespace RnnGen.Runtime.Tests.Robustness
{
    /// <summary>A call that throws for a bad argument leaves the model as it was, so the corrected call works.</summary>
    public sealed class ValidationOrderTests
    {
        private const int Steps = 6, Batch = 3;

        [Fact]
        public void A_Backward_with_a_bad_argument_keeps_the_tape_for_the_corrected_retry()
        {
            var (model, inputs, outputGradients) = Prepared();
            var expected = new float[PaddedModel.PackedParameterLength];
            var reference = Copy(model);
            reference.Forward(inputs, new float[outputGradients.Length], Batch);
            reference.Backward(outputGradients, expected);

            var gradients = new float[PaddedModel.PackedParameterLength];
            var shortGradients = outputGradients.AsSpan(1).ToArray();
            Assert.Throws<ArgumentException>("outputGradients", () => model.Backward(shortGradients, gradients));
            Assert.Throws<ArgumentException>("gradients", () => model.Backward(outputGradients, new float[3]));
            model.Backward(outputGradients, gradients); // the tape is still there

            Assert.Equal(expected, gradients);
        }

        [Fact]
        public void A_bad_staged_final_state_gradient_does_not_let_Backward_start()
        {
            var (model, _, outputGradients) = Prepared();
            model.SetFinalStateGradient(0, new float[2 * 17], new float[2 * 17]); // 2 sequences; the Forward had 3
            var error = Assert.Throws<InvalidOperationException>(() => model.Backward(outputGradients, new float[PaddedModel.PackedParameterLength]));
            Assert.Contains("SetFinalStateGradient", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void CopyFinalState_with_a_bad_cell_span_writes_nothing()
        {
            var (model, _, _) = Prepared();
            var hidden = Enumerable.Repeat(42f, Batch * 17).ToArray();
            Assert.Throws<ArgumentException>("cell", () => model.CopyFinalState(0, hidden, new float[5]));
            Assert.All(hidden, h => Assert.Equal(42f, h));
        }

        [Fact]
        public void A_Forward_with_a_bad_argument_keeps_the_previous_tape()
        {
            var (model, inputs, outputGradients) = Prepared();
            var reference = Copy(model);
            reference.Forward(inputs, new float[outputGradients.Length], Batch);
            var expected = new float[PaddedModel.PackedParameterLength];
            reference.Backward(outputGradients, expected);

            Assert.Throws<ArgumentException>("outputs", () => model.Forward(inputs, new float[4], Batch));
            var gradients = new float[PaddedModel.PackedParameterLength];
            model.Backward(outputGradients, gradients);
            Assert.Equal(expected, gradients);
        }

        private static (PaddedModel Model, float[] Inputs, float[] OutputGradients) Prepared()
        {
            var model = new PaddedModel();
            model.InitializeParameters(new Random(11));
            var random = new Random(12);
            var inputs = Enumerable.Range(0, Steps * Batch * PaddedModel.InputSize).Select(_ => (float)random.NextDouble()).ToArray();
            var outputs = new float[Steps * Batch * PaddedModel.OutputSize];
            model.Forward(inputs, outputs, Batch);
            return (model, inputs, outputs.Select((_, i) => (float)Math.Sin(i * 0.3)).ToArray());
        }

        private static PaddedModel Copy(PaddedModel model)
        {
            var copy = new PaddedModel();
            model.PackedParameters.CopyTo(copy.PackedParameters);
            return copy;
        }
    }
}
