using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using Xunit;

namespace RnnGen.Runtime.Tests
{
    /// <summary>
    /// SetFinalStateGradient: a loss on the final states (h, and c for LSTM) as well as on the outputs, the way an
    /// encoder is trained through the decoder it initialises, against finite differences of the reference.
    /// </summary>
    public sealed class FinalStateGradientTests
    {
        private const int Steps = 5;
        private const int Batch = 3;

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void A_loss_on_the_final_states_of_a_stacked_LSTM(bool variableLengths) =>
            Check(new Fx_lstm_i3_h17_l2(), new ModelConfig("lstm", "lstm", 3, 17, 2, true, true), variableLengths ? new[] { 5, 2, 4 } : null);

        [Fact]
        public void A_loss_on_both_directions_final_states_of_a_bidirectional_GRU() =>
            Check(new Bi_gru_i3_h16_l2(), new ModelConfig("bi", "gru", 3, 16, 2, true, true) { Bidirectional = true }, new[] { 4, 5, 1 });

        [Fact]
        public void Staged_gradients_are_checked_and_used_once()
        {
            var model = new Fx_gru_i3_h17_l2();
            Assert.Throws<ArgumentException>(() => model.SetFinalStateGradient(0, new float[17], new float[17]));
            var shape = Assert.Throws<ArgumentException>(() => model.SetFinalStateGradient(0, new float[18]));
            Assert.Equal("hidden", shape.ParamName);
            var inputs = new Lcg(1).Uniform(Steps * 2 * 3, 1f);
            var outputs = new float[Steps * 2 * 17];
            model.Forward(inputs, outputs, 2);
            model.SetFinalStateGradient(1, new float[3 * 17]);
            Assert.Throws<InvalidOperationException>(() => model.Backward(outputs, new float[Fx_gru_i3_h17_l2.PackedParameterLength]));
        }

        private static void Check<TModel>(TModel model, ModelConfig config, int[]? lengths)
            where TModel : ISequenceModel
        {
            var lcg = new Lcg(501);
            var weights = new Dictionary<string, float[]>();
            foreach (var tensor in TModel.PyTorchTensors)
            {
                weights[tensor.Name] = lcg.Uniform(tensor.Length, 0.35f);
                model.ImportPyTorch(tensor.Name, weights[tensor.Name]);
            }

            var inputs = lcg.Uniform(Steps * Batch * config.Input, 1f);
            var c = lcg.Uniform(Steps * Batch * config.OutputWidth, 1f);
            var block = Batch * config.Hidden;
            var dh = Enumerable.Range(0, config.States).Select(_ => lcg.Uniform(block, 1f)).ToArray();
            var dc = Enumerable.Range(0, config.States).Select(_ => lcg.Uniform(block, 1f)).ToArray();
            var lstm = config.Cell == "lstm";

            model.Forward(inputs, lengths, new float[Steps * Batch * config.OutputWidth], Batch);
            for (var s = 0; s < config.States; s++)
            {
                model.SetFinalStateGradient(s, dh[s], lstm ? dc[s] : default);
            }

            var gradients = new float[model.PackedParameters.Length];
            model.Backward(c, gradients);

            var exact = weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            double Loss()
            {
                var reference = new ScalarReference(config, exact) { Lengths = lengths };
                var sum = reference.Forward(inputs, Batch).Select((v, i) => v * c[i]).Sum();
                for (var s = 0; s < config.States; s++)
                {
                    for (var b = 0; b < Batch; b++)
                    {
                        for (var j = 0; j < config.Hidden; j++)
                        {
                            sum += reference.FinalHidden[s][b][j] * dh[s][(b * config.Hidden) + j];
                            sum += lstm ? reference.FinalCell[s][b][j] * dc[s][(b * config.Hidden) + j] : 0;
                        }
                    }
                }

                return sum;
            }

            foreach (var (tensor, values) in exact)
            {
                var analytic = new float[values.Length];
                TModel.ExportPyTorchGradient(tensor, gradients, analytic);
                var worst = 0.0;
                var scale = 1e-3;
                var picks = new Lcg((uint)values.Length);
                foreach (var i in Enumerable.Range(0, 8).Select(k => k == 0 ? 0 : (int)(picks.Next() % (uint)values.Length)))
                {
                    var original = values[i];
                    values[i] = original + 1e-5;
                    var plus = Loss();
                    values[i] = original - 1e-5;
                    var minus = Loss();
                    values[i] = original;
                    var numeric = (plus - minus) / 2e-5;
                    scale = Math.Max(scale, Math.Abs(numeric));
                    worst = Math.Max(worst, Math.Abs(numeric - analytic[i]));
                }

                Assert.True(worst / scale <= 1e-4, $"{tensor}: max error {worst / scale:E3} relative to the largest gradient {scale:E3}.");
            }
        }
    }
}
