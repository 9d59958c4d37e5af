using System;
using System.IO;
using RnnGen.IO;
using Xunit;

namespace RnnGen.Runtime.Tests.IO
{
    /// <summary>Reading tensors checks name, dtype and exact shape; a network's whole tensor set is checked at once.</summary>
    public sealed class SafeTensorsReadIntoTests
    {
        private static SafeTensorsFile Checkpoint()
        {
            var writer = new SafeTensorsWriter();
            writer.Add("weight_ih_l0", new[] { 8, 2 }, new float[16]);
            writer.Add("weight_hh_l0", new[] { 8, 2 }, new float[16]);
            writer.Add("bias_ih_l0", new[] { 8 }, new float[8]);
            writer.Add("step", ReadOnlySpan<int>.Empty, new[] { 3L });
            writer.Add("optimizer.m", new[] { 4 }, new float[4]);
            using var stream = new MemoryStream();
            writer.WriteTo(stream);
            return SafeTensorsFile.Parse(stream.ToArray(), "model.safetensors");
        }

        [Fact]
        public void A_wrong_shape_is_reported_with_both_shapes()
        {
            var file = Checkpoint();
            var error = Assert.Throws<CheckpointException>(() => file.ReadInto("weight_ih_l0", new float[16], 4, 4));
            Assert.Equal("Checkpoint 'model.safetensors': tensor 'weight_ih_l0' has shape [8, 2], expected [4, 4].", error.Message);
            Assert.Equal("weight_ih_l0", error.TensorName);

            // Same element count, different rank: still a mismatch.
            error = Assert.Throws<CheckpointException>(() => file.ReadInto("bias_ih_l0", new float[8], 8, 1));
            Assert.Equal("Checkpoint 'model.safetensors': tensor 'bias_ih_l0' has shape [8], expected [8, 1].", error.Message);
            error = Assert.Throws<CheckpointException>(() => file.ReadInto(TensorInfo.Matrix("bias_ih_l0", 8, 1), new float[8]));
            Assert.Contains("has shape [8], expected [8, 1]", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_missing_name_lists_the_tensors_the_file_has()
        {
            var error = Assert.Throws<CheckpointException>(() => Checkpoint().ReadInto("weight_ih_l1", new float[16], 8, 2));
            Assert.Equal(
                "Checkpoint 'model.safetensors' has no tensor named 'weight_ih_l1'; it has weight_ih_l0 F32 [8, 2], weight_hh_l0 F32 [8, 2], bias_ih_l0 F32 [8], step I64 [], optimizer.m F32 [4].",
                error.Message);
            Assert.False(Checkpoint().Contains("weight_ih_l1"));
            Assert.False(Checkpoint().TryGetTensor("weight_ih_l1", out _));
        }

        [Fact]
        public void A_wrong_dtype_or_destination_length_is_rejected()
        {
            var file = Checkpoint();
            var error = Assert.Throws<CheckpointException>(() => file.ReadInto("step", new float[1]));
            Assert.Equal("Checkpoint 'model.safetensors': tensor 'step' has dtype I64, expected F32.", error.Message);
            Assert.Throws<CheckpointException>(() => file.ReadInt32("step"));
            Assert.Equal(3L, file.ReadInt64("step")[0]);

            var length = Assert.Throws<ArgumentException>(() => file.ReadInto("bias_ih_l0", new float[7], 8));
            Assert.Contains("destination has 7 elements but tensor 'bias_ih_l0' [8] has 8.", length.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void All_missing_extra_and_misshaped_tensors_are_reported_in_one_exception()
        {
            var file = Checkpoint();
            var expected = new[]
            {
                TensorInfo.Matrix("weight_ih_l0", 8, 3), // wrong shape
                TensorInfo.Matrix("weight_hh_l0", 8, 2), // fine
                TensorInfo.Vector("bias_ih_l0", 8),      // fine
                TensorInfo.Vector("bias_hh_l0", 8),      // missing
                TensorInfo.Vector("step", 1),            // wrong dtype and shape
            };

            Assert.Equal(
                new[]
                {
                    "tensor 'weight_ih_l0' has shape [8, 2], expected [8, 3]",
                    "missing tensor 'bias_hh_l0' [8]",
                    "tensor 'step' has dtype I64, expected F32",
                    "tensor 'step' has shape [], expected [1]",
                    "unexpected tensor 'optimizer.m' F32 [4]",
                },
                file.FindMismatches(expected));

            var error = Assert.Throws<CheckpointException>(() => file.RequireTensors(expected));
            var nl = Environment.NewLine;
            Assert.Equal(
                $"Checkpoint 'model.safetensors' does not match the expected tensors (5 problems):{nl}"
                + $"  tensor 'weight_ih_l0' has shape [8, 2], expected [8, 3]{nl}"
                + $"  missing tensor 'bias_hh_l0' [8]{nl}"
                + $"  tensor 'step' has dtype I64, expected F32{nl}"
                + $"  tensor 'step' has shape [], expected [1]{nl}"
                + "  unexpected tensor 'optimizer.m' F32 [4]",
                error.Message);

            // Extra tensors can be allowed (optimiser state beside the weights).
            Assert.Equal(4, file.FindMismatches(expected, allowExtra: true).Count);
            file.RequireTensors(new[] { TensorInfo.Vector("bias_ih_l0", 8) }, allowExtra: true);
        }

        [Fact]
        public void ImportAll_imports_nothing_unless_everything_matches()
        {
            var file = Checkpoint();
            var imported = 0;
            var expected = new[] { TensorInfo.Matrix("weight_ih_l0", 8, 2), TensorInfo.Vector("bias_hh_l0", 8) };
            var error = Assert.Throws<CheckpointException>(() => file.ImportAll(expected, (_, _) => imported++, allowExtra: true));
            Assert.Contains("missing tensor 'bias_hh_l0' [8]", error.Message, StringComparison.Ordinal);
            Assert.Equal(0, imported);

            file.ImportAll(new[] { TensorInfo.Matrix("weight_ih_l0", 8, 2), TensorInfo.Vector("bias_ih_l0", 8) }, (name, values) =>
            {
                imported++;
                Assert.Equal(name == "bias_ih_l0" ? 8 : 16, values.Length);
            }, allowExtra: true);
            Assert.Equal(2, imported);
        }
    }
}
