using System.Collections.Generic;
using System.Linq;
using System;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using Xunit;

namespace RnnGen.Runtime.Tests.Dropout
{
    /// <summary>
    /// Training-only dropout (input, recurrent, head input; one mask per sequence): Forward against the scalar reference
    /// given the same masks, Backward against its finite differences, the masks' values and rates, seeding, inference
    /// left untouched, errors, and no allocation.
    /// </summary>
    public sealed class DropoutTests
    {
        private const int Steps = 5;
        private const int Batch = 4;
        private const double Epsilon = 1e-5;

        public static TheoryData<string> Models() => new(Cases.Keys);

        /// <summary>A fresh case by name (also for InputGradientTests).</summary>
        internal static IDropoutCase Case(string name) => Cases[name]();

        private static readonly Dictionary<string, Func<IDropoutCase>> Cases = new()
        {
            ["lstm"] = () => new DropoutCase<DropoutLstm, DropoutLstm.State>(new ModelConfig("lstm", "lstm", 5, 17, 2, true, true), new[] { 0.3f, 0.2f }, new[] { 0.25f, 0.4f }),
            ["gru"] = () => new DropoutCase<DropoutGru, DropoutGru.State>(new ModelConfig("gru", "gru", 3, 18, 2, true, true), new[] { 0.5f, 0f }, new[] { 0.3f, 0.2f }),
            ["gru_before"] = () => new DropoutCase<DropoutGruBefore, DropoutGruBefore.State>(new ModelConfig("gru", "gru", 4, 16, 2, true, false), new[] { 0.25f, 0.1f }, new[] { 0.35f, 0f }),
            ["rnn"] = () => new DropoutCase<DropoutRnn, DropoutRnn.State>(new ModelConfig("rnn", "rnn_tanh", 6, 20, 1, false, true), new[] { 0.4f }, new[] { 0.3f }),
        };

        [Theory]
        [MemberData(nameof(Models))]
        public void Training_forward_matches_the_reference_with_the_same_masks(string name)
        {
            var c = Cases[name]();
            var weights = c.LoadWeights(91);
            var inputs = new Lcg(92).Uniform(Steps * Batch * c.Config.Input, 1f);
            var outputs = c.Forward(inputs, Batch, training: true);
            var reference = c.Reference(weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray()), c.Masks(Batch));
            Tolerance.AssertClose(outputs, reference.Forward(inputs, Batch), $"{name} training Forward");
        }

        [Theory]
        [MemberData(nameof(Models))]
        public void Backward_through_dropout_matches_finite_differences(string name)
        {
            var c = Cases[name]();
            var weights = c.LoadWeights(93);
            var inputs = new Lcg(94).Uniform(Steps * Batch * c.Config.Input, 1f);
            var coefficients = new Lcg(95).Uniform(Steps * Batch * c.Config.Hidden, 1f);
            var analytic = c.Gradients(inputs, Batch, coefficients);
            var masks = c.Masks(Batch);
            var exact = weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray());
            double Loss() => Dot(c.Reference(exact, masks).Forward(inputs, Batch), coefficients);
            foreach (var (tensor, values) in exact)
            {
                var worst = 0.0;
                var scale = 1e-3;
                foreach (var i in Picks(values.Length, tensor))
                {
                    var original = values[i];
                    values[i] = original + Epsilon;
                    var plus = Loss();
                    values[i] = original - Epsilon;
                    var minus = Loss();
                    values[i] = original;
                    var numeric = (plus - minus) / (2 * Epsilon);
                    scale = Math.Max(scale, Math.Abs(numeric));
                    worst = Math.Max(worst, Math.Abs(numeric - analytic[tensor][i]));
                }

                Assert.True(worst / scale <= 1e-4, $"{name} {tensor}: max error {worst / scale:E3} relative to the largest gradient {scale:E3}.");
            }
        }

        [Theory]
        [MemberData(nameof(Models))]
        public void Masks_hold_zero_or_the_kept_scale_and_drop_at_the_declared_rate(string name)
        {
            var c = Cases[name]();
            c.LoadWeights(96);
            var inputs = new Lcg(97).Uniform(Steps * Batch * c.Config.Input, 1f);
            var samples = new List<float>[c.Sites.Count];
            for (var s = 0; s < samples.Length; s++)
            {
                samples[s] = new List<float>();
            }

            for (var call = 0; call < 60; call++)
            {
                c.Forward(inputs, Batch, training: true);
                for (var s = 0; s < c.Sites.Count; s++)
                {
                    samples[s].AddRange(c.Mask(c.Sites[s], Batch));
                }
            }

            for (var s = 0; s < c.Sites.Count; s++)
            {
                var (site, layer, rate) = c.Sites[s];
                var kept = 1f / (1f - rate);
                Assert.All(samples[s], v => Assert.True(v == 0f || v == kept, $"{name} {site} {layer}: mask value {v}, expected 0 or {kept}."));
                var dropped = samples[s].Count(v => v == 0f) / (double)samples[s].Count;

                // Over 60 calls the sample has >= 720 values, so the standard error is <= 0.019; 0.08 is over 4 of them.
                Assert.True(Math.Abs(dropped - rate) < 0.08, $"{name} {site} {layer}: dropped {dropped:F3} of units, declared {rate}.");
            }
        }

        [Theory]
        [MemberData(nameof(Models))]
        public void Seeding_repeats_the_masks_and_new_calls_draw_new_ones(string name)
        {
            var c = Cases[name]();
            c.LoadWeights(98);
            var inputs = new Lcg(99).Uniform(Steps * Batch * c.Config.Input, 1f);
            c.Seed(1234);
            var first = c.Forward(inputs, Batch, training: true);
            var firstMasks = c.Sites.Select(site => c.Mask(site, Batch)).ToArray();
            var second = c.Forward(inputs, Batch, training: true);
            Assert.NotEqual(first, second);
            c.Seed(1234);
            Assert.Equal(first, c.Forward(inputs, Batch, training: true));
            Assert.Equal(firstMasks, c.Sites.Select(site => c.Mask(site, Batch)).ToArray());
        }

        [Fact]
        public void Inference_ignores_dropout_and_matches_the_model_without_it()
        {
            var model = new DropoutLstm();
            var twin = new DropoutLstmTwin();
            var lcg = new Lcg(100);
            foreach (var tensor in DropoutLstm.PyTorchTensors)
            {
                var values = lcg.Uniform(tensor.Length, 0.3f);
                model.ImportPyTorch(tensor.Name, values);
                twin.ImportPyTorch(tensor.Name, values);
            }

            var inputs = lcg.Uniform(Steps * Batch * 5, 1f);
            var expected = new float[Steps * Batch * 17];
            twin.Forward(inputs, expected, Batch);
            var actual = new float[expected.Length];
            model.Forward(inputs, actual, Batch);
            Assert.Equal(expected, actual);

            model.Training = true;
            model.Forward(inputs, actual, Batch);
            Assert.NotEqual(expected, actual);
            var state = model.CreateState();
            var step = new float[17];
            model.Step(state, inputs.AsSpan(0, 5), step); // sequence 0, step 0: Step never drops
            Assert.Equal(expected.AsSpan(0, 17).ToArray(), step);

            model.Training = false;
            model.Forward(inputs, actual, Batch);
            Assert.Equal(expected, actual);
        }

        [Fact]
        public void Reading_masks_reports_misuse()
        {
            var model = new DropoutGru();
            var inputs = new float[Steps * Batch * 3];
            var outputs = new float[Steps * Batch * 18];
            var mask = new float[Batch * 18];
            var noTraining = Assert.Throws<InvalidOperationException>(() => model.CopyDropoutMask(DropoutSite.Recurrent, 0, mask));
            Assert.Contains("Training", noTraining.Message, StringComparison.Ordinal);

            model.Forward(inputs, outputs, Batch);
            Assert.Throws<InvalidOperationException>(() => model.CopyDropoutMask(DropoutSite.Recurrent, 0, mask));

            model.Training = true;
            model.Forward(inputs, outputs, Batch);
            model.CopyDropoutMask(DropoutSite.Recurrent, 1, mask);
            var none = Assert.Throws<ArgumentException>(() => model.CopyDropoutMask(DropoutSite.LayerInput, 1, mask));
            Assert.Equal("site", none.ParamName);
            Assert.Throws<ArgumentException>(() => model.CopyDropoutMask(DropoutSite.HeadInput, 0, mask));
            var shape = Assert.Throws<ArgumentException>(() => model.CopyDropoutMask(DropoutSite.Recurrent, 0, new float[17]));
            Assert.Equal("destination", shape.ParamName);
        }

        [Theory]
        [MemberData(nameof(Models))]
        public void A_training_step_with_dropout_allocates_nothing(string name)
        {
            var c = Cases[name]();
            c.LoadWeights(101);
            var inputs = new Lcg(102).Uniform(Steps * Batch * c.Config.Input, 1f);
            Assert.Equal(0, c.MeasureTrainingAllocations(inputs, Batch));
        }

        internal static int[] Picks(int length, string tensor)
        {
            if (length <= 10)
            {
                return Enumerable.Range(0, length).ToArray();
            }

            var lcg = new Lcg((uint)tensor.Length * 7919u);
            return Enumerable.Range(0, 10).Select(i => i == 0 ? 0 : i == 1 ? length - 1 : (int)(lcg.Next() % (uint)length)).ToArray();
        }

        internal static double Dot(double[] values, float[] coefficients)
        {
            Assert.Equal(coefficients.Length, values.Length);
            var sum = 0.0;
            for (var i = 0; i < values.Length; i++)
            {
                sum += values[i] * coefficients[i];
            }

            return sum;
        }
    }

    /// <summary>One dropout model behind a non-generic face.</summary>
    internal interface IDropoutCase
    {
        ModelConfig Config { get; }

        /// <summary>Every site with dropout: (site, layer, rate), in the model's order.</summary>
        IReadOnlyList<(DropoutSite Site, int Layer, float Rate)> Sites { get; }

        Dictionary<string, float[]> LoadWeights(uint seed);

        void Seed(ulong seed);

        float[] Forward(float[] inputs, int batch, bool training);

        float[] Mask((DropoutSite Site, int Layer, float Rate) site, int batch);

        (float[]?[] Input, float[]?[] Recurrent) Masks(int batch);

        ScalarReference Reference(Dictionary<string, double[]> weights, (float[]?[] Input, float[]?[] Recurrent) masks);

        /// <summary>Training Forward then Backward with dL/doutput = <paramref name="outputGradients"/>; gradients by tensor.</summary>
        Dictionary<string, float[]> Gradients(float[] inputs, int batch, float[] outputGradients);

        long MeasureTrainingAllocations(float[] inputs, int batch);

        /// <summary>Training Forward then Backward with dL/dx; the input gradients.</summary>
        float[] InputGradients(float[] inputs, int batch, float[] outputGradients);

        /// <summary>Bytes allocated by a warm training Forward + Backward that also writes dL/dx.</summary>
        long MeasureInputGradientAllocations(float[] inputs, int batch);
    }

    internal sealed class DropoutCase<TModel, TState> : IDropoutCase
        where TModel : IFloatModel<TState>, IDropoutModel, new()
        where TState : class
    {
        private readonly TModel _model = new();

        public DropoutCase(ModelConfig config, float[] inputRates, float[] recurrentRates)
        {
            Config = config;
            var sites = new List<(DropoutSite, int, float)>();
            for (var layer = 0; layer < config.Layers; layer++)
            {
                if (inputRates[layer] > 0f)
                {
                    sites.Add((DropoutSite.LayerInput, layer, inputRates[layer]));
                }

                if (recurrentRates[layer] > 0f)
                {
                    sites.Add((DropoutSite.Recurrent, layer, recurrentRates[layer]));
                }
            }

            Sites = sites;
        }

        public ModelConfig Config { get; }

        public IReadOnlyList<(DropoutSite Site, int Layer, float Rate)> Sites { get; }

        public Dictionary<string, float[]> LoadWeights(uint seed)
        {
            var lcg = new Lcg(seed);
            var weights = new Dictionary<string, float[]>();
            foreach (var tensor in TModel.PyTorchTensors)
            {
                var values = lcg.Uniform(tensor.Length, 0.4f);
                _model.ImportPyTorch(tensor.Name, values);
                weights[tensor.Name] = values;
            }

            return weights;
        }

        public void Seed(ulong seed) => _model.SeedDropout(seed);

        public float[] Forward(float[] inputs, int batch, bool training)
        {
            _model.Training = training;
            var outputs = new float[inputs.Length / Config.Input * Config.Hidden];
            _model.Forward(inputs, outputs, batch);
            return outputs;
        }

        public float[] Mask((DropoutSite Site, int Layer, float Rate) site, int batch)
        {
            var width = site.Site == DropoutSite.LayerInput && site.Layer == 0 ? Config.Input : Config.Hidden;
            var mask = new float[batch * width];
            _model.CopyDropoutMask(site.Site, site.Layer, mask);
            return mask;
        }

        public (float[]?[] Input, float[]?[] Recurrent) Masks(int batch)
        {
            var input = new float[]?[Config.Layers];
            var recurrent = new float[]?[Config.Layers];
            foreach (var site in Sites)
            {
                (site.Site == DropoutSite.LayerInput ? input : recurrent)[site.Layer] = Mask(site, batch);
            }

            return (input, recurrent);
        }

        public ScalarReference Reference(Dictionary<string, double[]> weights, (float[]?[] Input, float[]?[] Recurrent) masks) =>
            new(Config, weights) { InputMasks = masks.Input, RecurrentMasks = masks.Recurrent };

        public Dictionary<string, float[]> Gradients(float[] inputs, int batch, float[] outputGradients)
        {
            Forward(inputs, batch, training: true);
            var gradients = new float[_model.PackedParameters.Length];
            _model.Backward(outputGradients, gradients);
            var byName = new Dictionary<string, float[]>();
            foreach (var tensor in TModel.PyTorchTensors)
            {
                var values = new float[tensor.Length];
                TModel.ExportPyTorchGradient(tensor.Name, gradients, values);
                byName[tensor.Name] = values;
            }

            return byName;
        }

        public float[] InputGradients(float[] inputs, int batch, float[] outputGradients)
        {
            Forward(inputs, batch, training: true);
            var inputGradients = new float[inputs.Length];
            _model.Backward(outputGradients, new float[_model.PackedParameters.Length], inputGradients);
            return inputGradients;
        }

        public long MeasureInputGradientAllocations(float[] inputs, int batch)
        {
            _model.Training = true;
            var outputs = new float[inputs.Length / Config.Input * Config.Hidden];
            var gradients = new float[_model.PackedParameters.Length];
            var inputGradients = new float[inputs.Length];
            return Allocations.SteadyState(() =>
            {
                for (var i = 0; i < 5; i++)
                {
                    _model.Forward(inputs, outputs, batch);
                    _model.Backward(outputs, gradients, inputGradients);
                }
            });
        }

        public long MeasureTrainingAllocations(float[] inputs, int batch)
        {
            _model.Training = true;
            var outputs = new float[inputs.Length / Config.Input * Config.Hidden];
            var gradients = new float[_model.PackedParameters.Length];
            return Allocations.SteadyState(() =>
            {
                for (var i = 0; i < 5; i++)
                {
                    _model.Forward(inputs, outputs, batch);
                    _model.Backward(outputs, gradients);
                }
            });
        }
    }
}
