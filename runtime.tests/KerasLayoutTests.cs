using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using Xunit;

namespace RnnGen.Runtime.Tests
{
    /// <summary>
    /// Weights in Keras' layout: random Keras tensors imported with ImportKeras must give what Keras' own equations
    /// give on them (written here from the Keras layer definitions: x · kernel + h · recurrent_kernel + bias, gate
    /// blocks i, f, c, o and z, r, h), and ExportKeras must return what was imported.
    /// </summary>
    public sealed class KerasLayoutTests
    {
        private const int Steps = 4;
        private const int Batch = 3;

        [Theory]
        [InlineData("lstm_i5_h17_l1")]
        [InlineData("lstm_i3_h17_l2")]
        [InlineData("lstm_i4_h33_l2_nobias")]
        [InlineData("gru_i5_h17_l1")]
        [InlineData("gru_i3_h17_l2")]
        [InlineData("gru_i4_h33_l2_nobias")]
        [InlineData("grubefore_i5_h17_l1")]
        [InlineData("grubefore_i3_h17_l2")]
        [InlineData("rnn_tanh_i5_h16_l1")]
        [InlineData("rnn_relu_i3_h17_l2")]
        public void Keras_weights_run_as_Keras_runs_them_and_export_back_unchanged(string name)
        {
            var runner = ConformanceModels.Create(name);
            var config = runner.Config;
            var lcg = new Lcg(211);
            var keras = new Dictionary<string, float[]>();
            foreach (var tensor in runner.KerasTensors)
            {
                keras[tensor.Name] = lcg.Uniform(tensor.Length, 0.4f);
                runner.ImportKeras(tensor.Name, keras[tensor.Name]);
            }

            var inputs = lcg.Uniform(Steps * Batch * config.Input, 1f);
            var expected = inputs.Select(v => (double)v).ToArray();
            var width = config.Input;
            for (var layer = 0; layer < config.Layers; layer++)
            {
                keras.TryGetValue($"layer{layer}/bias", out var bias);
                expected = KerasLayer(config, keras[$"layer{layer}/kernel"], keras[$"layer{layer}/recurrent_kernel"], bias, expected, width);
                width = config.Hidden;
            }

            Tolerance.AssertClose(runner.Forward(inputs, Batch), expected, $"{name} from Keras weights");
            foreach (var tensor in runner.KerasTensors)
            {
                Assert.Equal(keras[tensor.Name], runner.ExportKeras(tensor.Name));
            }
        }

        [Theory]
        [InlineData("bi_gru_i3_h16_l2")]
        [InlineData("bi_lstm_i3_h16_l2")]
        [InlineData("lstm_peephole_l2")]
        [InlineData("gru_minimal_l2")]
        public void Keras_tensors_of_every_layout_round_trip_and_reach_their_PyTorch_tensor(string name)
        {
            var runner = ConformanceModels.Create(name);
            var lcg = new Lcg(221);
            var keras = runner.KerasTensors.ToDictionary(t => t.Name, t => lcg.Uniform(t.Length, 0.4f));
            foreach (var (tensor, values) in keras)
            {
                runner.ImportKeras(tensor, values);
            }

            foreach (var (tensor, values) in keras)
            {
                Assert.Equal(values, runner.ExportKeras(tensor));
            }

            // Each Keras kernel is its PyTorch tensor transposed (gate blocks aside): check one element per kernel.
            foreach (var tensor in runner.KerasTensors.Where(t => t.Name.EndsWith("kernel", StringComparison.Ordinal)))
            {
                var direction = tensor.Name.Contains("/backward/", StringComparison.Ordinal) ? "_reverse" : string.Empty;
                var layer = tensor.Name[5] - '0';
                var torchName = (tensor.Name.EndsWith("recurrent_kernel", StringComparison.Ordinal) ? "weight_hh_l" : "weight_ih_l") + layer + direction;
                var torch = runner.Export(torchName);

                // PyTorch's first gate is r for a GRU, Keras' second block (z, r, h); other cells share the order.
                var column = runner.Config.Cell == "gru" && !runner.Config.Minimal ? runner.Config.Hidden : 0;
                Assert.Equal(keras[tensor.Name][column], torch[0]);
            }

            // Peephole vectors keep their layout.
            foreach (var tensor in runner.KerasTensors.Where(t => t.Name.Contains("peephole", StringComparison.Ordinal)))
            {
                var symbol = tensor.Name.Split('/')[1][0];
                Assert.Equal(keras[tensor.Name], runner.Export($"peephole_{symbol}_l{tensor.Name[5]}"));
            }
        }

        [Fact]
        public void A_summed_Keras_bias_exports_as_the_sum_of_PyTorch_s_two_biases()
        {
            var model = new Fx_lstm_i5_h17_l1();
            var bih = new Lcg(1).Uniform(68, 1f);
            var bhh = new Lcg(2).Uniform(68, 1f);
            model.ImportPyTorch("bias_ih_l0", bih);
            model.ImportPyTorch("bias_hh_l0", bhh);
            var keras = new float[68];
            model.ExportKeras("layer0/bias", keras);
            Assert.Equal(bih.Zip(bhh, (a, b) => a + b).ToArray(), keras); // LSTM: same gate order, summed
        }

        [Fact]
        public void Embedding_and_dense_head_map_to_Keras_names()
        {
            Assert.Equal(
                new[] { "embedding/embeddings [11][4]", "layer0/kernel [4][64]", "layer0/recurrent_kernel [16][64]", "layer0/bias [64]", "layer1/kernel [16][64]", "layer1/recurrent_kernel [16][64]", "layer1/bias [64]", "dense/kernel [16][11]", "dense/bias [11]" },
                EmbeddingLstmSoftmax.KerasTensors.Select(t => $"{t.Name} {t.Shape}"));
            Assert.Equal("layer0/bias [2][51]", Fx_gru_i5_h17_l1.KerasTensors.Single(t => t.Name == "layer0/bias").Name + " " + Fx_gru_i5_h17_l1.KerasTensors.Single(t => t.Name == "layer0/bias").Shape);

            // dense/kernel is head.weight transposed.
            var model = new LstmLinearHead();
            var kernel = new Lcg(3).Uniform(9 * 35, 1f);
            model.ImportKeras("dense/kernel", kernel);
            var weight = new float[35 * 9];
            model.ExportPyTorch("head.weight", weight);
            for (var j = 0; j < 35; j++)
            {
                for (var k = 0; k < 9; k++)
                {
                    Assert.Equal(kernel[(k * 35) + j], weight[(j * 9) + k]);
                }
            }

            var unknown = Assert.Throws<ArgumentException>(() => model.ImportKeras("layer0/kernel:0", kernel));
            Assert.Contains("dense/kernel", unknown.Message, StringComparison.Ordinal);
            var shape = Assert.Throws<ArgumentException>(() => model.ImportKeras("dense/kernel", new float[3]));
            Assert.Contains("[9][35]", shape.Message, StringComparison.Ordinal);
        }

        /// <summary>One Keras recurrent layer over time-major rows, from zero state; returns every step's h.</summary>
        private static double[] KerasLayer(ModelConfig config, float[] kernel, float[] recurrent, float[]? bias, double[] inputs, int width)
        {
            var u = config.Hidden;
            var g = config.Gates;
            var columns = g * u;
            var outputs = new double[Steps * Batch * u];
            for (var b = 0; b < Batch; b++)
            {
                var h = new double[u];
                var c = new double[u];
                for (var t = 0; t < Steps; t++)
                {
                    var row = (t * Batch) + b;
                    var x = inputs.AsSpan(row * width, width).ToArray();

                    // x · kernel + input bias, and h · recurrent_kernel + recurrent bias, for every column.
                    var xw = new double[columns];
                    var hr = new double[columns];
                    for (var j = 0; j < columns; j++)
                    {
                        for (var k = 0; k < width; k++)
                        {
                            xw[j] += x[k] * kernel[(k * columns) + j];
                        }

                        for (var k = 0; k < u; k++)
                        {
                            hr[j] += h[k] * recurrent[(k * columns) + j];
                        }

                        if (bias is not null)
                        {
                            xw[j] += bias[j];
                            hr[j] += bias.Length == 2 * columns ? bias[columns + j] : 0;
                        }
                    }

                    var next = new double[u];
                    for (var j = 0; j < u; j++)
                    {
                        switch (config.Cell)
                        {
                            case "lstm":
                                var i = ScalarReference.Sigmoid(xw[j] + hr[j]);
                                var f = ScalarReference.Sigmoid(xw[u + j] + hr[u + j]);
                                var candidate = Math.Tanh(xw[(2 * u) + j] + hr[(2 * u) + j]);
                                var o = ScalarReference.Sigmoid(xw[(3 * u) + j] + hr[(3 * u) + j]);
                                c[j] = (f * c[j]) + (i * candidate);
                                next[j] = o * Math.Tanh(c[j]);
                                break;
                            case "gru":
                                var z = ScalarReference.Sigmoid(xw[j] + hr[j]);
                                var r = ScalarReference.Sigmoid(xw[u + j] + hr[u + j]);
                                double hh;
                                if (config.ResetAfter)
                                {
                                    hh = Math.Tanh(xw[(2 * u) + j] + (r * hr[(2 * u) + j]));
                                }
                                else
                                {
                                    // reset_after=False: (r ⊙ h) · recurrent_kernel_h, with every r of the row.
                                    var sum = xw[(2 * u) + j];
                                    for (var k = 0; k < u; k++)
                                    {
                                        var rk = ScalarReference.Sigmoid(xw[u + k] + hr[u + k]);
                                        sum += rk * h[k] * recurrent[(k * columns) + (2 * u) + j];
                                    }

                                    hh = Math.Tanh(sum);
                                }

                                next[j] = (z * h[j]) + ((1 - z) * hh);
                                break;
                            default:
                                var a = xw[j] + hr[j];
                                next[j] = config.Cell == "rnn_relu" ? Math.Max(a, 0) : Math.Tanh(a);
                                break;
                        }
                    }

                    h = next;
                    Array.Copy(h, 0, outputs, row * u, u);
                }
            }

            return outputs;
        }
    }
}
