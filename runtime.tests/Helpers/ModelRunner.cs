using System;
using System.Collections.Generic;
using System.Linq;

namespace RnnGen.Runtime.Tests.Helpers
{
    /// <summary>Drives one generated float-input model without knowing its type.</summary>
    public interface IModelRunner
    {
        ModelConfig Config { get; }

        /// <summary>Imports LCG weights (PyTorch's tensors, in order) and returns them by name.</summary>
        Dictionary<string, float[]> LoadLcgWeights(uint seed);

        float[] Forward(float[] inputs, int batchSize);

        /// <summary>Runs each batch row as its own stream with Step; returns outputs laid out like Forward's.</summary>
        float[] StepEachStream(float[] inputs, int batchSize);

        float[] Export(string name);

        IReadOnlyList<TensorInfo> Tensors { get; }

        /// <summary>Continues the LCG stream of <see cref="LoadLcgWeights"/> for inputs, as the fixture script does.</summary>
        float[] NextInputs(int count);

        /// <summary>Forward, then Backward with <paramref name="outputGradients"/>; returns every tensor's gradient by name.</summary>
        Dictionary<string, float[]> Gradients(float[] inputs, int batchSize, float[] outputGradients);

        /// <summary>dL/dh(-1) and dL/dc(-1) (empty for non-LSTM) of a layer after <see cref="Gradients"/>.</summary>
        (float[] Hidden, float[] Cell) InitialStateGradient(int layer, int batchSize, bool lstm);

        /// <summary>
        /// Forward from initial states h0 (and c0 for LSTM), PyTorch's layout [layers][batch][hidden], through
        /// SetInitialState; or, with <paramref name="stepping"/>, each sequence as a stream through State.Set and Step.
        /// </summary>
        float[] ForwardFrom(float[] inputs, int batchSize, double[] h0, double[]? c0, bool stepping = false);

        /// <summary>ForwardFrom(h0, c0), Backward(outputGradients), then dL/dh0 and dL/dc0 of every layer, [layers][batch][hidden].</summary>
        (float[] Hidden, float[] Cell) InitialStateGradients(float[] inputs, int batchSize, double[] h0, double[]? c0, float[] outputGradients);

        /// <summary>CopyFinalState of every layer, in PyTorch's h_n / c_n layout [layers][batch][hidden].</summary>
        (float[] Hidden, float[] Cell) FinalState(int batchSize, bool lstm);

        IReadOnlyList<TensorInfo> KerasTensors { get; }

        void ImportKeras(string name, float[] values);

        float[] ExportKeras(string name);

        /// <summary>Bytes allocated by a warm Forward + Backward.</summary>
        long MeasureTrainingAllocations(float[] inputs, int batchSize);

        /// <summary>Bytes allocated by a warm Forward and Step.</summary>
        (long Forward, long Step) MeasureAllocations(float[] inputs, int batchSize);
    }

    internal sealed class ModelRunner<TModel, TState> : IModelRunner
        where TModel : IFloatModel<TState>, new()
        where TState : class
    {
        private readonly TModel _model = new();

        // State is a generated nested class the interface cannot name; its Set is bound once as an open delegate.
        private static readonly SetState SetStateOf = (SetState)Delegate.CreateDelegate(typeof(SetState), typeof(TState).GetMethod("Set")!);

        private delegate void SetState(TState state, int layer, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell);

        public ModelRunner(ModelConfig config) => Config = config;

        public ModelConfig Config { get; }

        public IReadOnlyList<TensorInfo> Tensors => TModel.PyTorchTensors;

        public Dictionary<string, float[]> LoadLcgWeights(uint seed)
        {
            var lcg = new Lcg(seed);
            var scale = (float)(1.0 / Math.Sqrt(Config.Hidden));
            var weights = new Dictionary<string, float[]>();
            foreach (var tensor in TModel.PyTorchTensors)
            {
                var values = lcg.Uniform(tensor.Length, scale);
                _model.ImportPyTorch(tensor.Name, values);
                weights[tensor.Name] = values;
            }

            // The inputs continue the same stream, as in the fixture script.
            _nextInputs = count => lcg.Uniform(count, 1f);
            return weights;
        }

        private Func<int, float[]> _nextInputs = _ => throw new InvalidOperationException("Load weights first.");

        public float[] NextInputs(int count) => _nextInputs(count);

        public float[] Forward(float[] inputs, int batchSize)
        {
            var rows = inputs.Length / Config.Input;
            var outputs = new float[rows * Config.Hidden];
            _model.Forward(inputs, outputs, batchSize);
            return outputs;
        }

        public float[] StepEachStream(float[] inputs, int batchSize)
        {
            var steps = inputs.Length / (Config.Input * batchSize);
            var outputs = new float[steps * batchSize * Config.Hidden];
            for (var b = 0; b < batchSize; b++)
            {
                var state = _model.CreateState();
                for (var t = 0; t < steps; t++)
                {
                    var row = (t * batchSize) + b;
                    _model.Step(state, inputs.AsSpan(row * Config.Input, Config.Input), outputs.AsSpan(row * Config.Hidden, Config.Hidden));
                }
            }

            return outputs;
        }

        public Dictionary<string, float[]> Gradients(float[] inputs, int batchSize, float[] outputGradients)
        {
            var outputs = new float[inputs.Length / Config.Input * Config.Hidden];
            _model.Forward(inputs, outputs, batchSize);
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

        public float[] ForwardFrom(float[] inputs, int batchSize, double[] h0, double[]? c0, bool stepping = false)
        {
            var block = batchSize * Config.Hidden;
            float[] Layer(double[] values, int layer) => values.Skip(layer * block).Take(block).Select(v => (float)v).ToArray();
            var steps = inputs.Length / (Config.Input * batchSize);
            var outputs = new float[steps * block];
            if (!stepping)
            {
                for (var layer = 0; layer < Config.Layers; layer++)
                {
                    _model.SetInitialState(layer, Layer(h0, layer), c0 is null ? default : Layer(c0, layer));
                }

                _model.Forward(inputs, outputs, batchSize);
                return outputs;
            }

            for (var b = 0; b < batchSize; b++)
            {
                var state = _model.CreateState();
                for (var layer = 0; layer < Config.Layers; layer++)
                {
                    var row = (layer * block) + (b * Config.Hidden);
                    SetStateOf(state, layer, h0.Skip(row).Take(Config.Hidden).Select(v => (float)v).ToArray(), c0?.Skip(row).Take(Config.Hidden).Select(v => (float)v).ToArray());
                }

                for (var t = 0; t < steps; t++)
                {
                    var row = (t * batchSize) + b;
                    _model.Step(state, inputs.AsSpan(row * Config.Input, Config.Input), outputs.AsSpan(row * Config.Hidden, Config.Hidden));
                }
            }

            return outputs;
        }

        public (float[] Hidden, float[] Cell) InitialStateGradients(float[] inputs, int batchSize, double[] h0, double[]? c0, float[] outputGradients)
        {
            ForwardFrom(inputs, batchSize, h0, c0);
            _model.Backward(outputGradients, new float[_model.PackedParameters.Length]);
            var block = batchSize * Config.Hidden;
            var hidden = new float[Config.Layers * block];
            var cell = c0 is null ? Array.Empty<float>() : new float[Config.Layers * block];
            for (var layer = 0; layer < Config.Layers; layer++)
            {
                _model.InitialStateGradient(layer, hidden.AsSpan(layer * block, block), c0 is null ? default : cell.AsSpan(layer * block, block));
            }

            return (hidden, cell);
        }

        public IReadOnlyList<TensorInfo> KerasTensors => TModel.KerasTensors;

        public void ImportKeras(string name, float[] values) => _model.ImportKeras(name, values);

        public float[] ExportKeras(string name)
        {
            var values = new float[TModel.KerasTensors.Single(t => t.Name == name).Length];
            _model.ExportKeras(name, values);
            return values;
        }

        public (float[] Hidden, float[] Cell) FinalState(int batchSize, bool lstm)
        {
            var block = batchSize * Config.Hidden;
            var hidden = new float[Config.Layers * block];
            var cell = lstm ? new float[Config.Layers * block] : Array.Empty<float>();
            for (var layer = 0; layer < Config.Layers; layer++)
            {
                _model.CopyFinalState(layer, hidden.AsSpan(layer * block, block), lstm ? cell.AsSpan(layer * block, block) : default);
            }

            return (hidden, cell);
        }

        public (float[] Hidden, float[] Cell) InitialStateGradient(int layer, int batchSize, bool lstm)
        {
            var hidden = new float[batchSize * Config.Hidden];
            var cell = lstm ? new float[batchSize * Config.Hidden] : Array.Empty<float>();
            _model.InitialStateGradient(layer, hidden, cell);
            return (hidden, cell);
        }

        public long MeasureTrainingAllocations(float[] inputs, int batchSize)
        {
            var outputs = new float[inputs.Length / Config.Input * Config.Hidden];
            var gradients = new float[_model.PackedParameters.Length];
            for (var i = 0; i < 3; i++)
            {
                _model.Forward(inputs, outputs, batchSize);
                _model.Backward(outputs, gradients);
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 5; i++)
            {
                _model.Forward(inputs, outputs, batchSize);
                _model.Backward(outputs, gradients);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        public float[] Export(string name)
        {
            var tensor = TModel.PyTorchTensors.Single(t => t.Name == name);
            var values = new float[tensor.Length];
            _model.ExportPyTorch(name, values);
            return values;
        }

        public (long Forward, long Step) MeasureAllocations(float[] inputs, int batchSize)
        {
            var outputs = new float[inputs.Length / Config.Input * Config.Hidden];
            var state = _model.CreateState();
            var row = outputs.AsSpan(0, Config.Hidden);
            var input = inputs.AsSpan(0, Config.Input);
            for (var i = 0; i < 3; i++)
            {
                _model.Forward(inputs, outputs, batchSize);
                _model.Step(state, input, row);
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10; i++)
            {
                _model.Forward(inputs, outputs, batchSize);
            }

            var forward = GC.GetAllocatedBytesForCurrentThread() - before;
            before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                _model.Step(state, input, row);
            }

            return (forward, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
