using System;
using System.Collections.Generic;
using System.Linq;

namespace RnnGen.Runtime.Tests.Helpers
{
    /// <summary>Drives one generated float-input model without knowing its type.</summary>
    public interface IModelRunner
    {
        ModelConfig Config { get; }

        /// <summary>The generated model class behind this runner.</summary>
        System.Type ModelType { get; }

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

        /// <summary>Forward over sequences of the given lengths (null: all full length).</summary>
        float[] Forward(float[] inputs, int batchSize, int[]? lengths);

        /// <summary>Predict over sequences of the given lengths (null: all full length).</summary>
        float[] Predict(float[] inputs, int batchSize, int[]? lengths);

        /// <summary>Bytes allocated by a warm Predict.</summary>
        long MeasurePredictAllocations(float[] inputs, int batchSize);

        /// <summary>The model's Forward workspace (a private field, found by name); null before the first call that needs it.</summary>
        AlignedBuffer? Workspace { get; }

        /// <summary>Forward with lengths, then Backward; every tensor's gradient by name.</summary>
        Dictionary<string, float[]> Gradients(float[] inputs, int batchSize, int[]? lengths, float[] outputGradients);

        /// <summary>
        /// Forward with lengths, then Backward with dL/dx: the input gradients (into a buffer first filled with NaN, so
        /// anything not written shows) and every tensor's gradient by name.
        /// </summary>
        (float[] Inputs, Dictionary<string, float[]> Parameters) InputGradients(float[] inputs, int batchSize, int[]? lengths, float[] outputGradients);

        /// <summary>Bytes allocated by a warm Forward + Backward that also writes dL/dx.</summary>
        long MeasureInputGradientAllocations(float[] inputs, int batchSize);

        /// <summary>Whether the model can Step (the streaming members below throw otherwise).</summary>
        bool CanStream { get; }

        /// <summary>Bytes allocated by a warm Forward + Backward.</summary>
        long MeasureTrainingAllocations(float[] inputs, int batchSize);

        /// <summary>Bytes allocated by a warm Forward and Step.</summary>
        (long Forward, long Step) MeasureAllocations(float[] inputs, int batchSize);

        /// <summary>
        /// Truncated BPTT over the whole of <paramref name="inputs"/>: each window of <paramref name="schedule"/> run
        /// as its documentation shows (CarryStateFrom, warm-up, Forward, Backward with the output gradients of the
        /// steps before its LossStart zeroed); the accumulated gradient of every tensor by name.
        /// </summary>
        Dictionary<string, float[]> TruncatedGradients(float[] inputs, int batchSize, RnnGen.Training.TruncatedBptt schedule, float[] outputGradients);
    }

    internal sealed class ModelRunner<TModel> : IModelRunner
        where TModel : ISequenceModel, new()
    {
        private readonly TModel _model = new();
        private readonly IStreaming? _streaming;

        public ModelRunner(ModelConfig config, Func<TModel, IStreaming>? streaming)
        {
            Config = config;
            _streaming = streaming?.Invoke(_model);
        }

        public ModelConfig Config { get; }

        public System.Type ModelType => typeof(TModel);

        public bool CanStream => _streaming is not null;

        private IStreaming Streaming => _streaming ?? throw new NotSupportedException($"{Config.Name} cannot Step.");

        public IReadOnlyList<TensorInfo> Tensors => TModel.PyTorchTensors;

        public IReadOnlyList<TensorInfo> KerasTensors => TModel.KerasTensors;

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

        public float[] Forward(float[] inputs, int batchSize) => Forward(inputs, batchSize, null);

        public float[] Forward(float[] inputs, int batchSize, int[]? lengths)
        {
            var outputs = new float[inputs.Length / Config.Input * Config.OutputWidth];
            _model.Forward(inputs, lengths, outputs, batchSize);
            return outputs;
        }

        public float[] Predict(float[] inputs, int batchSize, int[]? lengths)
        {
            var outputs = new float[inputs.Length / Config.Input * Config.OutputWidth];
            _model.Predict(inputs, lengths, outputs, batchSize);
            return outputs;
        }

        public AlignedBuffer? Workspace =>
            (AlignedBuffer?)typeof(TModel).GetField("_workspace", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(_model);

        public long MeasurePredictAllocations(float[] inputs, int batchSize)
        {
            var outputs = new float[inputs.Length / Config.Input * Config.OutputWidth];
            return Allocations.SteadyState(() =>
            {
                for (var i = 0; i < 10; i++)
                {
                    _model.Predict(inputs, outputs, batchSize);
                }
            });
        }

        public float[] StepEachStream(float[] inputs, int batchSize) => Streaming.StepEachStream(Config, inputs, batchSize, null, null);

        public Dictionary<string, float[]> Gradients(float[] inputs, int batchSize, float[] outputGradients) => Gradients(inputs, batchSize, null, outputGradients);

        public Dictionary<string, float[]> Gradients(float[] inputs, int batchSize, int[]? lengths, float[] outputGradients)
        {
            Forward(inputs, batchSize, lengths);
            var gradients = new float[_model.PackedParameters.Length];
            _model.Backward(outputGradients, gradients);
            return ByName(gradients);
        }

        public (float[] Inputs, Dictionary<string, float[]> Parameters) InputGradients(float[] inputs, int batchSize, int[]? lengths, float[] outputGradients)
        {
            Forward(inputs, batchSize, lengths);
            var gradients = new float[_model.PackedParameters.Length];
            var inputGradients = new float[inputs.Length];
            inputGradients.AsSpan().Fill(float.NaN); // written, not added to: none of this may survive
            _model.Backward(outputGradients, gradients, inputGradients);
            return (inputGradients, ByName(gradients));
        }

        public long MeasureInputGradientAllocations(float[] inputs, int batchSize)
        {
            var outputs = new float[inputs.Length / Config.Input * Config.OutputWidth];
            var gradients = new float[_model.PackedParameters.Length];
            var inputGradients = new float[inputs.Length];
            return Allocations.SteadyState(() =>
            {
                for (var i = 0; i < 5; i++)
                {
                    _model.Forward(inputs, outputs, batchSize);
                    _model.Backward(outputs, gradients, inputGradients);
                }
            });
        }

        public Dictionary<string, float[]> TruncatedGradients(float[] inputs, int batchSize, RnnGen.Training.TruncatedBptt schedule, float[] outputGradients)
        {
            var gradients = new float[_model.PackedParameters.Length];
            Streaming.TruncatedBackward(Config, inputs, batchSize, schedule, outputGradients, gradients);
            return ByName(gradients);
        }

        private static Dictionary<string, float[]> ByName(float[] gradients)
        {
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
            if (stepping)
            {
                return Streaming.StepEachStream(Config, inputs, batchSize, h0, c0);
            }

            var block = batchSize * Config.Hidden;
            float[] State(double[] values, int state) => values.Skip(state * block).Take(block).Select(v => (float)v).ToArray();
            for (var state = 0; state < Config.States; state++)
            {
                _model.SetInitialState(state, State(h0, state), c0 is null ? default : State(c0, state));
            }

            return Forward(inputs, batchSize);
        }

        public (float[] Hidden, float[] Cell) InitialStateGradients(float[] inputs, int batchSize, double[] h0, double[]? c0, float[] outputGradients)
        {
            ForwardFrom(inputs, batchSize, h0, c0);
            _model.Backward(outputGradients, new float[_model.PackedParameters.Length]);
            var block = batchSize * Config.Hidden;
            var hidden = new float[Config.States * block];
            var cell = c0 is null ? Array.Empty<float>() : new float[Config.States * block];
            for (var state = 0; state < Config.States; state++)
            {
                _model.InitialStateGradient(state, hidden.AsSpan(state * block, block), c0 is null ? default : cell.AsSpan(state * block, block));
            }

            return (hidden, cell);
        }

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
            var hidden = new float[Config.States * block];
            var cell = lstm ? new float[Config.States * block] : Array.Empty<float>();
            for (var state = 0; state < Config.States; state++)
            {
                _model.CopyFinalState(state, hidden.AsSpan(state * block, block), lstm ? cell.AsSpan(state * block, block) : default);
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
            var outputs = new float[inputs.Length / Config.Input * Config.OutputWidth];
            var gradients = new float[_model.PackedParameters.Length];
            return Allocations.SteadyState(() =>
            {
                for (var i = 0; i < 5; i++)
                {
                    _model.Forward(inputs, outputs, batchSize);
                    _model.Backward(outputs, gradients);
                }
            });
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
            var outputs = new float[inputs.Length / Config.Input * Config.OutputWidth];

            var forward = Allocations.SteadyState(() =>
            {
                for (var i = 0; i < 10; i++)
                {
                    _model.Forward(inputs, outputs, batchSize);
                }
            });
            return (forward, _streaming?.MeasureStepAllocations(Config, inputs) ?? 0);
        }
    }

    /// <summary>The streaming half of a runner: Step and State, for models that have them.</summary>
    internal interface IStreaming
    {
        /// <summary>Runs each batch row as its own stream (from h0/c0 in PyTorch's layout when given); outputs laid out like Forward's.</summary>
        float[] StepEachStream(ModelConfig config, float[] inputs, int batchSize, double[]? h0, double[]? c0);

        long MeasureStepAllocations(ModelConfig config, float[] inputs);

        /// <summary>Adds the truncated-BPTT gradient of every window of <paramref name="schedule"/> to <paramref name="gradients"/>.</summary>
        void TruncatedBackward(ModelConfig config, float[] inputs, int batchSize, RnnGen.Training.TruncatedBptt schedule, float[] outputGradients, float[] gradients);
    }

    internal sealed class Streaming<TModel, TState> : IStreaming
        where TModel : IFloatModel<TState>
        where TState : class
    {
        // State is a generated nested class the interface cannot name; its Set is bound once as an open delegate.
        private static readonly SetState SetStateOf = (SetState)Delegate.CreateDelegate(typeof(SetState), typeof(TState).GetMethod("Set")!);

        private readonly TModel _model;

        public Streaming(TModel model) => _model = model;

        private delegate void SetState(TState state, int layer, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell);

        public float[] StepEachStream(ModelConfig config, float[] inputs, int batchSize, double[]? h0, double[]? c0)
        {
            var block = batchSize * config.Hidden;
            var steps = inputs.Length / (config.Input * batchSize);
            var outputs = new float[steps * block];
            for (var b = 0; b < batchSize; b++)
            {
                var state = _model.CreateState();
                for (var layer = 0; h0 is not null && layer < config.Layers; layer++)
                {
                    var row = (layer * block) + (b * config.Hidden);
                    SetStateOf(state, layer, h0.Skip(row).Take(config.Hidden).Select(v => (float)v).ToArray(), c0?.Skip(row).Take(config.Hidden).Select(v => (float)v).ToArray());
                }

                for (var t = 0; t < steps; t++)
                {
                    var row = (t * batchSize) + b;
                    _model.Step(state, inputs.AsSpan(row * config.Input, config.Input), outputs.AsSpan(row * config.Hidden, config.Hidden));
                }
            }

            return outputs;
        }

        public void TruncatedBackward(ModelConfig config, float[] inputs, int batchSize, RnnGen.Training.TruncatedBptt schedule, float[] outputGradients, float[] gradients)
        {
            var inRow = batchSize * config.Input;
            var outRow = batchSize * config.OutputWidth;
            foreach (var window in schedule)
            {
                if (!window.IsFirst)
                {
                    _model.CarryStateFrom(window.ResumeAfter);
                }

                if (window.WarmupLength > 0)
                {
                    _model.Forward(inputs.AsSpan(window.WarmupStart * inRow, window.WarmupLength * inRow), new float[window.WarmupLength * outRow], batchSize);
                    _model.CarryStateFrom(window.WarmupLength);
                }

                _model.Forward(inputs.AsSpan(window.Start * inRow, window.Length * inRow), new float[window.Length * outRow], batchSize);
                var seed = outputGradients.AsSpan(window.Start * outRow, window.Length * outRow).ToArray();
                seed.AsSpan(0, window.LossOffset * outRow).Clear(); // steps counted by an earlier window
                _model.Backward(seed, gradients);
            }
        }

        public long MeasureStepAllocations(ModelConfig config, float[] inputs)
        {
            var state = _model.CreateState();
            var row = new float[config.Hidden];
            return Allocations.SteadyState(() =>
            {
                for (var i = 0; i < 100; i++)
                {
                    _model.Step(state, inputs.AsSpan(0, config.Input), row);
                }
            });
        }
    }
}
