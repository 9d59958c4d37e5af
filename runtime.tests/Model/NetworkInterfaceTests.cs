using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using RnnGen.Runtime.Tests.Models;
using Xunit;

namespace RnnGen.Runtime.Tests.Model
{
    /// <summary>Every generated model implements <see cref="IRecurrentNetwork"/>, and code written against it runs the model's own members.</summary>
    public sealed class NetworkInterfaceTests
    {
        public static IEnumerable<object[]> ModelTypes() =>
            typeof(NetworkInterfaceTests).Assembly.GetTypes()
                .Where(t => t.GetCustomAttribute<RecurrentNetworkAttribute>() is not null && !t.IsGenericTypeDefinition)
                .OrderBy(t => t.FullName, StringComparer.Ordinal)
                .Select(t => new object[] { t });

        [Theory]
        [MemberData(nameof(ModelTypes))]
        public void Description_agrees_with_the_generated_constants(Type type)
        {
            var model = Assert.IsAssignableFrom<IRecurrentNetwork>(Activator.CreateInstance(type));
            NetworkDescription d = model.Description;
            bool tokens = Constant(type, "VocabularySize") is not null;

            Assert.Equal(tokens, d.HasEmbedding);
            Assert.Equal(tokens ? 0 : (int)Constant(type, "InputSize")!, d.InputSize);
            Assert.Equal(tokens ? (int)Constant(type, "VocabularySize")! : 0, d.VocabularySize);
            Assert.Equal((int)Constant(type, "OutputSize")!, d.OutputSize);
            Assert.Equal((bool)Constant(type, "ReturnsSequences")!, d.ReturnsSequences);
            Assert.Equal((int)Constant(type, "LayerCount")!, d.Layers.Count);
            Assert.Equal((int)Constant(type, "MaxSequenceLength")!, d.MaxSequenceLength);
            Assert.Equal((int)Constant(type, "MaxBatchSize")!, d.MaxBatchSize);
            Assert.Equal((int)Constant(type, "ParameterCount")!, d.ParameterCount);
            Assert.Equal((int)Constant(type, "PackedParameterLength")!, d.PackedParameterLength);
            Assert.Equal(d.PackedParameterLength, model.PackedParameters.Length);
            Assert.Equal(d.ParameterCount, model.PyTorchTensors.Sum(t => t.Length));
            for (int i = 0; i < d.Layers.Count; i++)
            {
                Assert.Equal((int)Constant(type, $"Layer{i}Units")!, d.Layers[i].Units);
                int expectedInput = i == 0 ? (tokens ? (int)Constant(type, "EmbeddingDimension")! : d.InputSize) : d.Layers[i - 1].OutputSize;
                Assert.Equal(expectedInput, d.Layers[i].InputSize);
            }

            if (d.Head is { } head)
            {
                Assert.Equal(d.Layers[^1].OutputSize, head.InputSize);
            }

            // Streaming models also expose Step with their own State type.
            bool streams = type.GetNestedType("State") is not null;
            Type streaming = typeof(IRecurrentNetwork<,>).MakeGenericType(tokens ? typeof(int) : typeof(float), streams ? type.GetNestedType("State")! : typeof(object));
            Assert.Equal(streams, streaming.IsInstanceOfType(model));
        }

        [Fact]
        public void Architecture_reads_as_the_attributes()
        {
            Assert.Equal("Embedding(98, 16) → LSTM(64) → Dense(98, Softmax)", TinyCharModel.Description.Architecture);
            Assert.Equal("Input(5) → Bidirectional(LSTM(9), Concat) → Dense(2)", BiLstmDropout.Description.Architecture);
            Assert.Equal(2 * 9, BiLstmDropout.Description.Layers[0].OutputSize);
            Assert.True(BiLstmDropout.Description.HasDropout);
            Assert.False(TinyCharModel.Description.HasDropout);
        }

        [Fact]
        public void Forward_and_Backward_through_the_interface_match_the_direct_calls()
        {
            var direct = new Fx_lstm_i5_h17_l1();
            direct.InitializeParameters(new Random(3));
            var viaInterface = new Fx_lstm_i5_h17_l1();
            direct.PackedParameters.CopyTo(viaInterface.PackedParameters);

            const int steps = 6, batch = 3;
            var inputs = new float[steps * batch * Fx_lstm_i5_h17_l1.InputSize];
            var random = new Random(5);
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = (float)(random.NextDouble() * 2 - 1);
            }

            var outputsDirect = new float[steps * batch * Fx_lstm_i5_h17_l1.OutputSize];
            var outputsInterface = new float[outputsDirect.Length];
            direct.Forward(inputs, outputsDirect, batch);
            Run<float>(viaInterface, inputs, outputsInterface, batch);
            Assert.Equal(outputsDirect, outputsInterface);

            var dOutputs = outputsDirect.Select((v, i) => v * 0.5f - (i % 3) * 0.1f).ToArray();
            var gradientsDirect = new float[Fx_lstm_i5_h17_l1.PackedParameterLength];
            var gradientsInterface = new float[gradientsDirect.Length];
            direct.Backward(dOutputs, gradientsDirect);
            ((IRecurrentNetwork)viaInterface).Backward(dOutputs, gradientsInterface);
            Assert.Equal(gradientsDirect, gradientsInterface);
            Assert.Contains(gradientsDirect, g => g != 0);

            var hidden = new float[batch * 17];
            var cell = new float[batch * 17];
            var hiddenDirect = new float[batch * 17];
            ((IRecurrentNetwork)viaInterface).CopyFinalState(0, hidden, cell);
            direct.CopyFinalState(0, hiddenDirect);
            Assert.Equal(hiddenDirect, hidden);

            string name = Fx_lstm_i5_h17_l1.PyTorchTensors[0].Name;
            var tensor = new float[Fx_lstm_i5_h17_l1.PyTorchTensors[0].Length];
            var tensorDirect = new float[tensor.Length];
            ((IRecurrentNetwork)viaInterface).ExportPyTorchGradient(name, gradientsInterface, tensor);
            Fx_lstm_i5_h17_l1.ExportPyTorchGradient(name, gradientsDirect, tensorDirect);
            Assert.Equal(tensorDirect, tensor);
        }

        [Fact]
        public void Token_Step_through_the_interface_takes_one_token()
        {
            var model = new TinyCharModel();
            model.InitializeParameters(new Random(1));
            IRecurrentNetwork<int, TinyCharModel.State> network = model;
            var viaInterface = network.CreateState();
            var direct = model.CreateState();
            var a = new float[TinyCharModel.OutputSize];
            var b = new float[TinyCharModel.OutputSize];
            foreach (int token in new[] { 3, 17, 40 })
            {
                network.Step(viaInterface, new[] { token }, a);
                model.Step(direct, token, b);
                Assert.Equal(b, a);
            }

            var error = Assert.Throws<ArgumentException>(() => network.Step(viaInterface, new[] { 1, 2 }, a));
            Assert.Equal("input", error.ParamName);
            Assert.Contains("one token", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Training_flag_is_the_models_own_or_always_false_without_dropout()
        {
            IRecurrentNetwork withDropout = new BiLstmDropout();
            withDropout.Training = true;
            Assert.True(((BiLstmDropout)withDropout).Training);
            withDropout.Training = false;
            Assert.False(((BiLstmDropout)withDropout).Training);

            IRecurrentNetwork without = new TinyCharModel();
            without.Training = true;
            Assert.False(without.Training);
        }

        private static void Run<TInput>(IRecurrentNetwork<TInput> network, ReadOnlySpan<TInput> inputs, Span<float> outputs, int batch)
            where TInput : unmanaged => network.Forward(inputs, default, outputs, batch);

        private static object? Constant(Type type, string name) =>
            type.GetField(name, BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue();
    }
}
