using System;
using System.Linq;
using RnnGen.Gpu;

namespace RnnGen.Runtime.Tests.Gpu
{
    /// <summary>
    /// One Cuda test model behind a non-generic face: its CPU model and its <c>CudaModel</c> on a device, driven with
    /// the same arrays, so one test body checks every model. Token models take their ids in <c>tokens</c>.
    /// </summary>
    internal interface IGpuCase : IDisposable
    {
        string Name { get; }

        /// <summary>Floats per step, or 0 for token input.</summary>
        int Features { get; }

        int Vocabulary { get; }

        int MaxSteps { get; }

        int MaxBatch { get; }

        int OutputSize { get; }

        bool ReturnsSequences { get; }

        /// <summary>Units of each state (forward then reverse for a bidirectional layer) and whether it has a cell.</summary>
        (int Units, bool Cell)[] States { get; }

        bool CanStream { get; }

        /// <summary>Seeds the CPU weights and moves the model to <paramref name="device"/>.</summary>
        void Start(int seed, GpuDevice device);

        void Forward(bool gpu, float[] inputs, int[] tokens, int[] lengths, float[] outputs, int batch, bool continueState);

        void SetInitialState(bool gpu, int state, float[] hidden, float[] cell);

        void CopyFinalState(bool gpu, int state, float[] hidden, float[] cell);

        /// <summary>
        /// Runs <paramref name="steps"/> steps of <paramref name="streams"/> streams: on the GPU with one many-stream
        /// <c>Step</c> per step, on the CPU with one <c>State</c> and <c>Step</c> per stream. Outputs [steps][streams][out].
        /// </summary>
        float[] Stream(bool gpu, float[] inputs, int[] tokens, int streams, int steps);

        /// <summary>A copy of the CPU model's packed parameters.</summary>
        float[] Parameters();

        /// <summary>Uploads <paramref name="packed"/> to the GPU model (UpdateParameters); the CPU model keeps its own.</summary>
        void UpdateGpuParameters(float[] packed);

        /// <summary>Whether the GPU model has <c>Backward</c> (registered with its GPU Backward delegates).</summary>
        bool CanBackward { get; }

        /// <summary>The CPU model's PyTorch tensors, to compare gradients tensor by tensor.</summary>
        System.Collections.Generic.IReadOnlyList<TensorInfo> Tensors { get; }

        /// <summary>One tensor of a packed gradient buffer in PyTorch's layout (the CPU model's ExportPyTorchGradient).</summary>
        float[] Tensor(string name, float[] packed);

        /// <summary>
        /// Backward after the last Forward: adds to <paramref name="gradients"/> (on the GPU: null keeps them in its
        /// GradientBuffer) and writes dL/dx into <paramref name="inputGradients"/> when it is not null.
        /// </summary>
        void Backward(bool gpu, float[] outputGradients, float[]? gradients, float[]? inputGradients);

        /// <summary>The GPU model's GradientBuffer, downloaded.</summary>
        float[] GpuGradients(GpuDevice device);

        /// <summary>Zeroes the GPU model's GradientBuffer.</summary>
        void ClearGpuGradients();

        /// <summary>Sets the GPU model's DeterministicEmbeddingGradients (token-input models only).</summary>
        void SetDeterministicEmbeddingGradients(bool on);

        /// <summary>SetFinalStateGradient of the CPU or GPU model (an empty cell for a layer without one).</summary>
        void SetFinalStateGradient(bool gpu, int state, float[] hidden, float[] cell);

        /// <summary>InitialStateGradient of the CPU or GPU model after its last Backward.</summary>
        void InitialStateGradient(bool gpu, int state, float[] hidden, float[] cell);

        /// <summary>Whether the model declares dropout (registered with its dropout delegates).</summary>
        bool HasDropout { get; }

        /// <summary>Switches dropout on or off on both models (CPU Training, GPU ApplyDropout) and seeds both streams alike.</summary>
        void SetDropout(bool on, ulong seed);

        /// <summary>CopyDropoutMask of the CPU or GPU model: [batch][width].</summary>
        void CopyDropoutMask(bool gpu, DropoutSite site, int layer, float[] destination);
    }

    /// <summary>The delegates a model's registration supplies; everything else is shared.</summary>
    internal sealed class GpuCase<TModel, TGpu, TState> : IGpuCase
        where TModel : new()
        where TGpu : class, IDisposable
        where TState : class
    {
        private readonly Func<TModel, GpuDevice, TGpu> _toCuda;
        private TModel _cpu = new();
        private TGpu? _gpu;

        public GpuCase(string name, Func<TModel, GpuDevice, TGpu> toCuda, (int Units, bool Cell)[] states)
        {
            Name = name;
            _toCuda = toCuda;
            States = states;
            int Constant(string constant) => typeof(TModel).GetField(constant)?.GetRawConstantValue() is int value ? value : 0;
            Features = Constant("InputSize");
            Vocabulary = Constant("VocabularySize");
            MaxSteps = Constant("MaxSequenceLength");
            MaxBatch = Constant("MaxBatchSize");
            OutputSize = Constant("OutputSize");
            ReturnsSequences = (bool)typeof(TModel).GetField("ReturnsSequences")!.GetRawConstantValue()!;
        }

        public string Name { get; }

        public int Features { get; }

        public int Vocabulary { get; }

        public int MaxSteps { get; }

        public int MaxBatch { get; }

        public int OutputSize { get; }

        public bool ReturnsSequences { get; }

        public (int Units, bool Cell)[] States { get; }

        public bool CanStream => CpuStep is not null;

        public Action<TModel, int> Initialize { get; init; } = (_, _) => { };

        public Action<TModel, float[], int[], int[], float[], int, bool> CpuForward { get; init; } = (_, _, _, _, _, _, _) => { };

        public Action<TGpu, float[], int[], int[], float[], int, bool> GpuForward { get; init; } = (_, _, _, _, _, _, _) => { };

        public Action<TModel, int, float[], float[]> CpuSetState { get; init; } = (_, _, _, _) => { };

        public Action<TGpu, int, float[], float[]> GpuSetState { get; init; } = (_, _, _, _) => { };

        public Action<TModel, int, float[], float[]> CpuCopyState { get; init; } = (_, _, _, _) => { };

        public Action<TGpu, int, float[], float[]> GpuCopyState { get; init; } = (_, _, _, _) => { };

        /// <summary>CreateState and Step(state, input or token at [offset], output): null for a model that cannot stream.</summary>
        public (Func<TModel, TState> Create, Action<TModel, TState, float[], int[], int, float[]> Step)? CpuStep { get; init; }

        public Action<TGpu, float[], int[], float[], int>? GpuStep { get; init; }

        public Func<TModel, float[]> CpuParameters { get; init; } = _ => Array.Empty<float>();

        public Action<TGpu, float[]> GpuUpdate { get; init; } = (_, _) => { };

        /// <summary>GPU Backward: (model, outputGradients, gradients or null for the device-only variant, inputGradients or null).</summary>
        public Action<TGpu, float[], float[]?, float[]?>? GpuBackward { get; init; }

        public Func<TGpu, DeviceBuffer>? GpuGradientBuffer { get; init; }

        public Action<TGpu>? GpuClearGradients { get; init; }

        public bool CanBackward => GpuBackward is not null;

        public System.Collections.Generic.IReadOnlyList<TensorInfo> Tensors => ((IRecurrentNetwork)_cpu!).PyTorchTensors;

        public float[] Tensor(string name, float[] packed)
        {
            var info = Tensors.Single(t => t.Name == name);
            var values = new float[info.Length];
            ((IRecurrentNetwork)_cpu!).ExportPyTorchGradient(name, packed, values);
            return values;
        }

        public void Backward(bool gpu, float[] outputGradients, float[]? gradients, float[]? inputGradients)
        {
            if (gpu)
            {
                GpuBackward!(_gpu!, outputGradients, gradients, inputGradients);
            }
            else if (inputGradients is not null)
            {
                ((IInputGradientNetwork)_cpu!).Backward(outputGradients, gradients, inputGradients);
            }
            else
            {
                ((IRecurrentNetwork)_cpu!).Backward(outputGradients, gradients);
            }
        }

        public float[] GpuGradients(GpuDevice device)
        {
            var values = new float[Parameters().Length];
            device.Download<float>(GpuGradientBuffer!(_gpu!), 0, values);
            return values;
        }

        public void ClearGpuGradients() => GpuClearGradients!(_gpu!);

        public Action<TGpu, bool>? GpuDeterministic { get; init; }

        public void SetDeterministicEmbeddingGradients(bool on) => GpuDeterministic!(_gpu!, on);

        /// <summary>(model, training, seed): sets Training (ApplyDropout) and seeds the dropout stream.</summary>
        public Action<TModel, bool, ulong>? CpuDropout { get; init; }

        public Action<TGpu, bool, ulong>? GpuDropout { get; init; }

        public Action<TModel, DropoutSite, int, float[]>? CpuMask { get; init; }

        public Action<TGpu, DropoutSite, int, float[]>? GpuMask { get; init; }

        public bool HasDropout => CpuDropout is not null;

        public Action<TGpu, int, float[], float[]>? GpuFinalGradient { get; init; }

        public Action<TGpu, int, float[], float[]>? GpuInitialGradient { get; init; }

        public void SetFinalStateGradient(bool gpu, int state, float[] hidden, float[] cell)
        {
            if (gpu)
            {
                GpuFinalGradient!(_gpu!, state, hidden, cell);
            }
            else
            {
                ((IRecurrentNetwork)_cpu!).SetFinalStateGradient(state, hidden, cell);
            }
        }

        public void InitialStateGradient(bool gpu, int state, float[] hidden, float[] cell)
        {
            if (gpu)
            {
                GpuInitialGradient!(_gpu!, state, hidden, cell);
            }
            else
            {
                ((IRecurrentNetwork)_cpu!).InitialStateGradient(state, hidden, cell);
            }
        }

        public void SetDropout(bool on, ulong seed)
        {
            CpuDropout!(_cpu, on, seed);
            GpuDropout!(_gpu!, on, seed);
        }

        public void CopyDropoutMask(bool gpu, DropoutSite site, int layer, float[] destination)
        {
            if (gpu)
            {
                GpuMask!(_gpu!, site, layer, destination);
            }
            else
            {
                CpuMask!(_cpu, site, layer, destination);
            }
        }

        public float[] Parameters() => CpuParameters(_cpu);

        public void UpdateGpuParameters(float[] packed) => GpuUpdate(_gpu!, packed);

        public void Start(int seed, GpuDevice device)
        {
            _gpu?.Dispose();
            _cpu = new TModel();
            Initialize(_cpu, seed);
            _gpu = _toCuda(_cpu, device);
        }

        public void Forward(bool gpu, float[] inputs, int[] tokens, int[] lengths, float[] outputs, int batch, bool continueState)
        {
            if (gpu)
            {
                GpuForward(_gpu!, inputs, tokens, lengths, outputs, batch, continueState);
            }
            else
            {
                CpuForward(_cpu, inputs, tokens, lengths, outputs, batch, continueState);
            }
        }

        public void SetInitialState(bool gpu, int state, float[] hidden, float[] cell)
        {
            if (gpu)
            {
                GpuSetState(_gpu!, state, hidden, cell);
            }
            else
            {
                CpuSetState(_cpu, state, hidden, cell);
            }
        }

        public void CopyFinalState(bool gpu, int state, float[] hidden, float[] cell)
        {
            if (gpu)
            {
                GpuCopyState(_gpu!, state, hidden, cell);
            }
            else
            {
                CpuCopyState(_cpu, state, hidden, cell);
            }
        }

        public float[] Stream(bool gpu, float[] inputs, int[] tokens, int streams, int steps)
        {
            var outputs = new float[steps * streams * OutputSize];
            var row = new float[streams * OutputSize];
            var width = Math.Max(Features, 1);
            if (gpu)
            {
                for (var t = 0; t < steps; t++)
                {
                    GpuStep!(_gpu!, Features > 0 ? inputs[(t * streams * width)..((t + 1) * streams * width)] : Array.Empty<float>(), Features > 0 ? Array.Empty<int>() : tokens[(t * streams)..((t + 1) * streams)], row, streams);
                    row.CopyTo(outputs, t * streams * OutputSize);
                }

                return outputs;
            }

            var (create, step) = CpuStep!.Value;
            var states = new TState[streams];
            for (var s = 0; s < streams; s++)
            {
                states[s] = create(_cpu);
            }

            var output = new float[OutputSize];
            for (var t = 0; t < steps; t++)
            {
                for (var s = 0; s < streams; s++)
                {
                    step(_cpu, states[s], inputs, tokens, (t * streams) + s, output);
                    output.CopyTo(outputs, ((t * streams) + s) * OutputSize);
                }
            }

            return outputs;
        }

        public void Dispose() => _gpu?.Dispose();

        public override string ToString() => Name;
    }
}
