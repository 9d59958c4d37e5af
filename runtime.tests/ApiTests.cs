using System;
using System.Linq;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using Xunit;

namespace RnnGen.Runtime.Tests
{
    /// <summary>The generated API's contract: sizes, views, streams, state, and clear errors for bad input.</summary>
    public sealed class ApiTests
    {
        [Fact]
        public void Constants_describe_the_network()
        {
            Assert.Equal(5, Fx_lstm_i5_h17_l1.InputSize);
            Assert.Equal(17, Fx_lstm_i5_h17_l1.OutputSize);
            Assert.Equal(8, Fx_lstm_i5_h17_l1.MaxSequenceLength);
            Assert.Equal(4, Fx_lstm_i5_h17_l1.MaxBatchSize);
            Assert.Equal(1, Fx_lstm_i5_h17_l1.LayerCount);
            Assert.True(Fx_lstm_i5_h17_l1.ReturnsSequences);
            Assert.Equal((4 * 17 * (5 + 17)) + (2 * 4 * 17), Fx_lstm_i5_h17_l1.ParameterCount);
            Assert.Equal(11, EmbeddingLstmSoftmax.VocabularySize);
            Assert.Equal(4, EmbeddingLstmSoftmax.EmbeddingDimension);
            Assert.False(LstmLastStep.ReturnsSequences);
            Assert.True(Fx_lstm_i5_h17_l1.PackedParameterLength >= Fx_lstm_i5_h17_l1.ParameterCount);
        }

        [Fact]
        public void Gate_views_address_the_same_elements_as_the_PyTorch_tensors()
        {
            var model = new Fx_gru_i3_h17_l2();
            var values = Enumerable.Range(0, 3 * 17 * 17).Select(i => (float)i).ToArray();
            model.ImportPyTorch("weight_hh_l1", values);

            // weight_hh_l1 stacks W_hr, W_hz, W_hn: row (g * 17 + unit), column k.
            Assert.Equal(values[(0 * 17 * 17) + (16 * 17) + 3], model.Layer1.ResetGate.RecurrentWeights[16, 3]);
            Assert.Equal(values[(1 * 17 * 17) + (5 * 17) + 16], model.Layer1.UpdateGate.RecurrentWeights[5, 16]);
            Assert.Equal(values[(2 * 17 * 17) + (0 * 17) + 0], model.Layer1.NewGate.RecurrentWeights[0, 0]);

            var recurrent = model.Layer1.NewGate.RecurrentWeights; // a view: writes go to the packed buffer
            recurrent[2, 7] = -1f;
            var exported = new float[values.Length];
            model.ExportPyTorch("weight_hh_l1", exported);
            Assert.Equal(-1f, exported[(2 * 17 * 17) + (2 * 17) + 7]);
            Assert.Equal(17, model.Layer0.ResetGate.InputBias.Rows);
            Assert.Equal(3, model.Layer0.ResetGate.InputWeights.Columns);
        }

        [Fact]
        public void One_weight_set_serves_interleaved_streams_independently()
        {
            var model = new Fx_lstm_i5_h16_l1();
            var runner = ConformanceModels.Create("lstm_i5_h16_l1");
            var weights = runner.LoadLcgWeights(7);
            foreach (var (name, values) in weights)
            {
                model.ImportPyTorch(name, values);
            }

            var inputs = new Lcg(8).Uniform(2 * 8 * 5, 1f);
            var a = model.CreateState();
            var b = model.CreateState();
            var interleavedA = new float[8 * 16];
            var interleavedB = new float[8 * 16];
            for (var t = 0; t < 8; t++)
            {
                model.Step(a, inputs.AsSpan(t * 5, 5), interleavedA.AsSpan(t * 16, 16));
                model.Step(b, inputs.AsSpan((8 + t) * 5, 5), interleavedB.AsSpan(t * 16, 16));
            }

            var aloneB = new float[8 * 16];
            model.Forward(inputs.AsSpan(8 * 5, 8 * 5), aloneB);
            Assert.Equal(aloneB, interleavedB);

            // Reset returns a stream to the zero state.
            a.Reset();
            Assert.All(a.Hidden(0).ToArray(), v => Assert.Equal(0f, v));
            Assert.All(a.Cell(0).ToArray(), v => Assert.Equal(0f, v));
            var again = new float[16];
            model.Step(a, inputs.AsSpan(0, 5), again);
            Assert.Equal(interleavedA.AsSpan(0, 16).ToArray(), again);
        }

        [Fact]
        public void InitializeParameters_is_seeded_and_within_PyTorch_bounds()
        {
            var first = new Fx_gru_i5_h64_l1();
            var second = new Fx_gru_i5_h64_l1();
            first.InitializeParameters(new Random(3));
            second.InitializeParameters(new Random(3));
            Assert.Equal(first.PackedParameters.ToArray(), second.PackedParameters.ToArray());

            var values = new float[3 * 64 * 64];
            first.ExportPyTorch("weight_hh_l0", values);
            Assert.All(values, v => Assert.InRange(v, -0.125f, 0.125f));
            Assert.True(values.Select(Math.Abs).Max() > 0.12f, "uses the whole range");
        }

        [Fact]
        public void Bad_shapes_are_rejected_with_the_argument_and_the_expected_shape()
        {
            var model = new Fx_lstm_i5_h17_l1();
            var outputs = new float[2 * 17];

            var error = Assert.Throws<ArgumentException>(() => model.Forward(new float[7], outputs));
            Assert.Equal("inputs", error.ParamName);
            Assert.Contains("[steps][1][5]", error.Message, StringComparison.Ordinal);

            error = Assert.Throws<ArgumentException>(() => model.Forward(new float[9 * 5], new float[9 * 17]));
            Assert.Contains("steps <= 8", error.Message, StringComparison.Ordinal);

            error = Assert.Throws<ArgumentException>(() => model.Forward(new float[2 * 5], new float[3]));
            Assert.Equal("outputs", error.ParamName);
            Assert.Contains("[2][1][17]", error.Message, StringComparison.Ordinal);

            var range = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new float[5 * 5], new float[5 * 17], batchSize: 5));
            Assert.Equal("batchSize", range.ParamName);
            Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new float[5], new float[17], batchSize: 0));

            var state = model.CreateState();
            Assert.Equal("input", Assert.Throws<ArgumentException>(() => model.Step(state, new float[4], new float[17])).ParamName);
            Assert.Equal("output", Assert.Throws<ArgumentException>(() => model.Step(state, new float[5], new float[16])).ParamName);
            Assert.Throws<ArgumentNullException>(() => model.Step(null!, new float[5], new float[17]));
            Assert.Throws<ArgumentOutOfRangeException>(() => state.Hidden(1));
        }

        [Fact]
        public void Bad_tensors_and_tokens_are_rejected()
        {
            var model = new EmbeddingLstmSoftmax();
            var error = Assert.Throws<ArgumentException>(() => model.ImportPyTorch("weight_ih_l7", new float[1]));
            Assert.Contains("weight_ih_l0 [64][4]", error.Message, StringComparison.Ordinal);
            Assert.Equal("name", error.ParamName);

            error = Assert.Throws<ArgumentException>(() => model.ImportPyTorch("head.bias", new float[10]));
            Assert.Contains("head.bias [11] = 11 floats; got 10", error.Message, StringComparison.Ordinal);

            var outputs = new float[2 * 11];
            var token = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new[] { 3, 11 }, outputs));
            Assert.Contains("tokens[1] = 11", token.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => model.Step(model.CreateState(), -1, new float[11]));

            Assert.Throws<ArgumentException>(() => new GruReluHead().CreateState().Cell(0));
            Assert.Throws<ArgumentException>(() => model.Layer0.InputGate.InputWeights.CopyFrom(new float[3]));
            Assert.Throws<ArgumentOutOfRangeException>(() => model.Layer0.InputGate.InputWeights[16, 0]);
        }

        [Fact]
        public void The_parameter_buffer_is_64_byte_aligned()
        {
            var buffer = new AlignedBuffer(100);
            unsafe
            {
                fixed (float* start = buffer.Span)
                {
                    Assert.Equal(0, (long)start % 64);
                }
            }

            Assert.Equal(100, buffer.Length);
            Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedBuffer(-1));
        }
    }
}
