using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Runtime.Tests.Quantization
{
    /// <summary>
    /// Step with bfloat16 and int8 weights against the same network with fp32 weights: the stated error bounds, the
    /// rule that keeps the quantised copy fresh, allocation-free stepping, and Forward/Backward staying fp32.
    /// </summary>
    public sealed class QuantizedStepTests
    {
        // Bounds on the largest output error over 40 steps, |Δy| / max(|y|, 1) (absolute for the bounded LSTM and GRU
        // outputs, relative for large ReLU ones), with PyTorch's initialisation U(±1/√fan_in) and inputs ~U(±1).
        // Measured on an AVX-512/AVX-VNNI machine: see the README's table; the bounds leave about a 2x margin.
        private const double BFloat16Bound = 3e-3;
        private const double Int8Bound = 1e-2;

        private readonly ITestOutputHelper _output;

        public QuantizedStepTests(ITestOutputHelper output) => _output = output;

        public static IEnumerable<object[]> Pairs => new[]
        {
            new object[] { "lstm_i5_h129_l1" },
            new object[] { "gru_i5_h129_l1" },
            new object[] { "lstm_i3_h17_l2" },
            new object[] { "gru_i7_h16_l3" },
            new object[] { "rnn_relu_i4_h33_l2_nobias" },
            new object[] { "variants" },
        };

        [Theory]
        [MemberData(nameof(Pairs))]
        public void Reduced_precision_Step_stays_within_the_stated_bounds_of_fp32(string name)
        {
            var (bf16, int8) = name switch
            {
                "lstm_i5_h129_l1" => (Compare<Fx_lstm_i5_h129_l1, Fx_lstm_i5_h129_l1.State, Q16_lstm_i5_h129_l1, Q16_lstm_i5_h129_l1.State>(),
                    Compare<Fx_lstm_i5_h129_l1, Fx_lstm_i5_h129_l1.State, Q8_lstm_i5_h129_l1, Q8_lstm_i5_h129_l1.State>()),
                "gru_i5_h129_l1" => (Compare<Fx_gru_i5_h129_l1, Fx_gru_i5_h129_l1.State, Q16_gru_i5_h129_l1, Q16_gru_i5_h129_l1.State>(),
                    Compare<Fx_gru_i5_h129_l1, Fx_gru_i5_h129_l1.State, Q8_gru_i5_h129_l1, Q8_gru_i5_h129_l1.State>()),
                "lstm_i3_h17_l2" => (Compare<Fx_lstm_i3_h17_l2, Fx_lstm_i3_h17_l2.State, Q16_lstm_i3_h17_l2, Q16_lstm_i3_h17_l2.State>(),
                    Compare<Fx_lstm_i3_h17_l2, Fx_lstm_i3_h17_l2.State, Q8_lstm_i3_h17_l2, Q8_lstm_i3_h17_l2.State>()),
                "gru_i7_h16_l3" => (Compare<Fx_gru_i7_h16_l3, Fx_gru_i7_h16_l3.State, Q16_gru_i7_h16_l3, Q16_gru_i7_h16_l3.State>(),
                    Compare<Fx_gru_i7_h16_l3, Fx_gru_i7_h16_l3.State, Q8_gru_i7_h16_l3, Q8_gru_i7_h16_l3.State>()),
                "rnn_relu_i4_h33_l2_nobias" => (Compare<Fx_rnn_relu_i4_h33_l2_nobias, Fx_rnn_relu_i4_h33_l2_nobias.State, Q16_rnn_relu_i4_h33_l2_nobias, Q16_rnn_relu_i4_h33_l2_nobias.State>(),
                    Compare<Fx_rnn_relu_i4_h33_l2_nobias, Fx_rnn_relu_i4_h33_l2_nobias.State, Q8_rnn_relu_i4_h33_l2_nobias, Q8_rnn_relu_i4_h33_l2_nobias.State>()),
                _ => (Compare<F32_variants, F32_variants.State, Q16_variants, Q16_variants.State>(),
                    Compare<F32_variants, F32_variants.State, Q8_variants, Q8_variants.State>()),
            };
            _output.WriteLine($"{name}: bf16 max error {bf16.Absolute:E2} (over max |y|: {bf16.Relative:E2}); int8 max error {int8.Absolute:E2} (over max |y|: {int8.Relative:E2})");
            Assert.True(bf16.Absolute > 0, "bf16 Step reads fp32 weights: the copy is not used");
            Assert.True(int8.Absolute > 0, "int8 Step reads fp32 weights: the copy is not used");
            Assert.True(bf16.Absolute <= BFloat16Bound, $"bf16 max abs error {bf16.Absolute:E3} > {BFloat16Bound:E1}");
            Assert.True(int8.Absolute <= Int8Bound, $"int8 max abs error {int8.Absolute:E3} > {Int8Bound:E1}");
        }

        [Fact]
        public void BFloat16_Step_equals_fp32_Step_on_bfloat16_rounded_weights()
        {
            // The bf16 kernels only widen the weights: with W_ih and W_hh rounded the same way, fp32 agrees to rounding.
            var reference = new F32_variants();
            var model = new Q16_variants();
            Load<F32_variants>(reference, 11);
            Load<F32_variants>(model, 11);
            foreach (var tensor in F32_variants.PyTorchTensors.Where(t => t.Name.StartsWith("weight_", StringComparison.Ordinal)))
            {
                var values = new float[tensor.Length];
                reference.ExportPyTorch(tensor.Name, values);
                var bits = new ushort[values.Length];
                RnnGen.Numerics.BFloat16Weights.Round(values, bits);
                reference.ImportPyTorch(tensor.Name, bits.Select(RnnGen.Numerics.BFloat16Weights.Load).ToArray());
            }

            var error = Run<F32_variants, F32_variants.State>(reference, 30, 12).Zip(Run<Q16_variants, Q16_variants.State>(model, 30, 12), (a, b) => Math.Abs(a - b)).Max();
            Assert.True(error <= 2e-6, $"max abs error {error:E2}");
        }

        [Fact]
        public void Writes_through_the_parameter_members_reach_the_next_Step()
        {
            var model = new Q8_lstm_i3_h17_l2();
            Load<Q8_lstm_i3_h17_l2>(model, 1);
            var before = Run<Q8_lstm_i3_h17_l2, Q8_lstm_i3_h17_l2.State>(model, 5, 2);

            // PackedParameters: every weight halved.
            foreach (ref var p in model.PackedParameters)
            {
                p *= 0.5f;
            }

            var fresh = new Q8_lstm_i3_h17_l2();
            model.PackedParameters.CopyTo(fresh.PackedParameters);
            var after = Run<Q8_lstm_i3_h17_l2, Q8_lstm_i3_h17_l2.State>(model, 5, 2);
            Assert.Equal(Run<Q8_lstm_i3_h17_l2, Q8_lstm_i3_h17_l2.State>(fresh, 5, 2), after);
            Assert.NotEqual(before, after);

            // ImportPyTorch (and so ImportKeras and safetensors loading).
            model.ImportPyTorch("weight_hh_l1", new Lcg(9).Uniform(4 * 17 * 17, 0.5f));
            fresh.ImportPyTorch("weight_hh_l1", new Lcg(9).Uniform(4 * 17 * 17, 0.5f));
            Assert.Equal(Run<Q8_lstm_i3_h17_l2, Q8_lstm_i3_h17_l2.State>(fresh, 5, 2), Run<Q8_lstm_i3_h17_l2, Q8_lstm_i3_h17_l2.State>(model, 5, 2));

            // InitializeParameters.
            model.InitializeParameters(new Random(4));
            fresh.InitializeParameters(new Random(4));
            Assert.Equal(Run<Q8_lstm_i3_h17_l2, Q8_lstm_i3_h17_l2.State>(fresh, 5, 2), Run<Q8_lstm_i3_h17_l2, Q8_lstm_i3_h17_l2.State>(model, 5, 2));

            // A layer view.
            model.Layer0.InputGate.RecurrentWeights.CopyFrom(new float[17 * 17]);
            fresh.Layer0.InputGate.RecurrentWeights.CopyFrom(new float[17 * 17]);
            Assert.Equal(Run<Q8_lstm_i3_h17_l2, Q8_lstm_i3_h17_l2.State>(fresh, 5, 2), Run<Q8_lstm_i3_h17_l2, Q8_lstm_i3_h17_l2.State>(model, 5, 2));
        }

        [Fact]
        public void A_span_kept_across_Step_needs_QuantizeWeights_as_documented()
        {
            var model = new Q16_lstm_i3_h17_l2();
            Load<Q16_lstm_i3_h17_l2>(model, 1);
            var kept = model.PackedParameters;
            var old = Run<Q16_lstm_i3_h17_l2, Q16_lstm_i3_h17_l2.State>(model, 5, 2);
            foreach (ref var p in kept)
            {
                p *= -1f;
            }

            // The write went through a span taken before the last Step: Step cannot see it, so its W_ih and W_hh are the
            // old copy (the biases, read from the fp32 parameters, are new) and it matches neither model.
            var fresh = new Q16_lstm_i3_h17_l2();
            kept.CopyTo(fresh.PackedParameters);
            var expected = Run<Q16_lstm_i3_h17_l2, Q16_lstm_i3_h17_l2.State>(fresh, 5, 2);
            var stale = Run<Q16_lstm_i3_h17_l2, Q16_lstm_i3_h17_l2.State>(model, 5, 2);
            Assert.NotEqual(expected, stale);
            Assert.NotEqual(old, stale);
            model.QuantizeWeights();
            Assert.Equal(expected, Run<Q16_lstm_i3_h17_l2, Q16_lstm_i3_h17_l2.State>(model, 5, 2));
        }

        [Fact]
        public void Quantised_Step_allocates_nothing_even_when_it_requantises()
        {
            var int8 = new Q8_variants();
            var bf16 = new Q16_variants();
            Load<Q8_variants>(int8, 2);
            Load<Q16_variants>(bf16, 2);
            var s8 = int8.CreateState();
            var s16 = bf16.CreateState();
            var input = new float[6];
            var output = new float[18];
            Assert.Equal(0, Allocations.SteadyState(() =>
            {
                for (var i = 0; i < 10; i++)
                {
                    int8.Step(s8, input, output);
                    bf16.Step(s16, input, output);
                }

                _ = int8.PackedParameters; // invalidates: the next Step quantises again
                _ = bf16.PackedParameters;
                int8.Step(s8, input, output);
                bf16.Step(s16, input, output);
            }));
        }

        [Fact]
        public void Forward_and_Backward_of_a_quantised_model_are_the_fp32_ones()
        {
            var reference = new F32_variants();
            var model = new Q8_variants();
            Load<F32_variants>(reference, 3);
            Load<F32_variants>(model, 3);
            const int steps = 6, batch = 2;
            var inputs = new Lcg(5).Uniform(steps * batch * 6, 1f);
            var outputs = new float[steps * batch * 18];
            var expected = new float[outputs.Length];
            reference.Forward(inputs, expected, batch);
            model.Forward(inputs, outputs, batch);
            Assert.Equal(expected, outputs);

            var outputGradients = new Lcg(6).Uniform(outputs.Length, 1f);
            var expectedGradients = new float[reference.PackedParameters.Length];
            var gradients = new float[expectedGradients.Length];
            reference.Backward(outputGradients, expectedGradients);
            model.Backward(outputGradients, gradients);
            Assert.Equal(expectedGradients, gradients);
        }

        [Fact]
        public void Token_input_and_a_head_step_within_the_bounds()
        {
            var reference = new F32_embedding();
            var int8 = new Q8_embedding();
            var bf16 = new Q16_embedding();
            reference.InitializeParameters(new Random(8));
            reference.PackedParameters.CopyTo(int8.PackedParameters);
            reference.PackedParameters.CopyTo(bf16.PackedParameters);
            var (sr, s8, s16) = (reference.CreateState(), int8.CreateState(), bf16.CreateState());
            var (yr, y8, y16) = (new float[30], new float[30], new float[30]);
            var tokens = new Lcg(7).Tokens(40, 30);
            double e8 = 0, e16 = 0;
            foreach (var token in tokens)
            {
                reference.Step(sr, token, yr);
                int8.Step(s8, token, y8);
                bf16.Step(s16, token, y16);
                for (var i = 0; i < 30; i++)
                {
                    e8 = Math.Max(e8, Math.Abs(yr[i] - y8[i]));
                    e16 = Math.Max(e16, Math.Abs(yr[i] - y16[i]));
                }
            }

            _output.WriteLine($"embedding + softmax head: bf16 max abs {e16:E2}, int8 max abs {e8:E2} (probabilities)");
            Assert.True(e8 > 0 && e8 <= Int8Bound, $"int8 {e8:E3}");
            Assert.True(e16 > 0 && e16 <= BFloat16Bound, $"bf16 {e16:E3}");
        }

        [Fact]
        public void The_model_reports_its_format()
        {
            Assert.Equal(WeightFormat.Int8, Q8_variants.StepWeightFormat);
            Assert.Equal(WeightFormat.BFloat16, Q16_variants.StepWeightFormat);
        }

        private static (double Absolute, double Relative) Compare<TF, TFS, TQ, TQS>()
            where TF : IFloatModel<TFS>, new()
            where TFS : class
            where TQ : IFloatModel<TQS>, new()
            where TQS : class
        {
            var reference = new TF();
            var model = new TQ();
            Load<TF>(reference, 21);
            Load<TF>(model, 21);
            var expected = Run<TF, TFS>(reference, 40, 22);
            var actual = Run<TQ, TQS>(model, 40, 22);
            var error = expected.Zip(actual, (e, a) => Math.Abs(e - a) / Math.Max(Math.Abs((double)e), 1.0)).Max();
            var absolute = expected.Zip(actual, (e, a) => (double)Math.Abs(e - a)).Max();
            return (error, absolute / expected.Max(e => Math.Abs((double)e)));
        }

        /// <summary>Every tensor ~U(±1/√fan_in) as PyTorch initialises it, imported through the PyTorch names of <typeparamref name="TSource"/>.</summary>
        private static void Load<TSource>(ISequenceModel model, uint seed)
            where TSource : ISequenceModel
        {
            var random = new Lcg(seed);
            foreach (var tensor in TSource.PyTorchTensors)
            {
                var hidden = TSource.PyTorchTensors.First(t => t.Name == "weight_hh_l" + tensor.Name[^1]).Columns;
                var scale = 1f / MathF.Sqrt(tensor.IsVector ? hidden : tensor.Columns);
                model.ImportPyTorch(tensor.Name, random.Uniform(tensor.Length, scale));
            }
        }

        /// <summary>Steps a fresh state over <paramref name="steps"/> inputs ~U(±1); every output, in order.</summary>
        private static float[] Run<TM, TS>(TM model, int steps, uint seed)
            where TM : IFloatModel<TS>
            where TS : class
        {
            var tensors = TM.PyTorchTensors;
            var inputSize = tensors.First(t => t.Name == "weight_ih_l0").Columns;
            var outputSize = tensors.Where(t => t.Name.StartsWith("weight_hh_l", StringComparison.Ordinal)).OrderBy(t => t.Name, StringComparer.Ordinal).Last().Columns;
            var inputs = new Lcg(seed).Uniform(steps * inputSize, 1f);
            var outputs = new float[steps * outputSize];
            var state = model.CreateState();
            for (var t = 0; t < steps; t++)
            {
                model.Step(state, inputs.AsSpan(t * inputSize, inputSize), outputs.AsSpan(t * outputSize, outputSize));
            }

            return outputs;
        }
    }
}
