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

    /// <summary>
    /// A model and its <c>CudaModel</c>, driven through their interfaces (<see cref="IRecurrentNetwork{TInput}"/>,
    /// <see cref="ICudaNetwork{TInput}"/>); a registration adds only what has no interface: <c>ToCuda</c>, and the
    /// dropout and embedding switches of the models that have them.
    /// </summary>
    /// <typeparam name="TState">The model's <c>State</c>, or <see cref="object"/> for a model that cannot stream.</typeparam>
    /// <typeparam name="TInput"><see cref="float"/> features or <see cref="int"/> token ids.</typeparam>
    internal sealed class GpuCase<TModel, TGpu, TState, TInput> : IGpuCase
        where TModel : class, IRecurrentNetwork<TInput>, new()
        where TGpu : class, ICudaNetwork<TInput>
        where TState : class
        where TInput : unmanaged
    {
        private readonly Func<TModel, GpuDevice, TGpu> _toCuda;
        private TModel _cpu = new();
        private TGpu? _gpu;

        public GpuCase(Func<TModel, GpuDevice, TGpu> toCuda, params (int Units, bool Cell)[] states)
        {
            Name = typeof(TModel).Name;
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

        public bool CanStream => typeof(IRecurrentNetwork<TInput, TState>).IsAssignableFrom(typeof(TModel));

        /// <summary>(model, GPU model, seed): seeds both dropout streams alike (<c>SeedDropout</c>); null for a model without dropout.</summary>
        public Action<TModel, TGpu, ulong>? SeedDropout { get; init; }

        public Action<TModel, DropoutSite, int, float[]>? CpuMask { get; init; }

        public Action<TGpu, DropoutSite, int, float[]>? GpuMask { get; init; }

        public bool HasDropout => SeedDropout is not null;

        /// <summary>Sets <c>DeterministicEmbeddingGradients</c>; token-input models only.</summary>
        public Action<TGpu, bool>? GpuDeterministic { get; init; }

        public System.Collections.Generic.IReadOnlyList<TensorInfo> Tensors => _cpu.PyTorchTensors;

        private TGpu Gpu => _gpu ?? throw new InvalidOperationException("Start the case first.");

        public float[] Tensor(string name, float[] packed)
        {
            var info = Tensors.Single(t => t.Name == name);
            var values = new float[info.Length];
            _cpu.ExportPyTorchGradient(name, packed, values);
            return values;
        }

        public void Start(int seed, GpuDevice device)
        {
            _gpu?.Dispose();
            _cpu = new TModel();
            _cpu.InitializeParameters(new Random(seed));
            _gpu = _toCuda(_cpu, device);
        }

        public float[] Parameters() => _cpu.PackedParameters.ToArray();

        public void UpdateGpuParameters(float[] packed) => Gpu.UpdateParameters(packed);

        public void Forward(bool gpu, float[] inputs, int[] tokens, int[] lengths, float[] outputs, int batch, bool continueState)
        {
            if (gpu)
            {
                Gpu.Forward(Inputs(inputs, tokens), lengths, outputs, batch, continueState);
            }
            else
            {
                _cpu.Forward(Inputs(inputs, tokens), lengths, outputs, batch, continueState);
            }
        }

        public void SetInitialState(bool gpu, int state, float[] hidden, float[] cell)
        {
            if (gpu)
            {
                Gpu.SetInitialState(state, hidden, cell);
            }
            else
            {
                _cpu.SetInitialState(state, hidden, cell);
            }
        }

        public void CopyFinalState(bool gpu, int state, float[] hidden, float[] cell)
        {
            if (gpu)
            {
                Gpu.CopyFinalState(state, hidden, cell);
            }
            else
            {
                _cpu.CopyFinalState(state, hidden, cell);
            }
        }

        public void Backward(bool gpu, float[] outputGradients, float[]? gradients, float[]? inputGradients)
        {
            if (gpu)
            {
                if (inputGradients is not null)
                {
                    ((ICudaInputGradientNetwork)Gpu).Backward(outputGradients, gradients, inputGradients);
                }
                else if (gradients is null)
                {
                    Gpu.Backward(outputGradients);
                }
                else
                {
                    Gpu.Backward(outputGradients, gradients);
                }
            }
            else if (inputGradients is not null)
            {
                ((IInputGradientNetwork)_cpu).Backward(outputGradients, gradients, inputGradients);
            }
            else
            {
                _cpu.Backward(outputGradients, gradients);
            }
        }

        public float[] GpuGradients(GpuDevice device)
        {
            var values = new float[Parameters().Length];
            device.Download<float>(Gpu.GradientBuffer, 0, values);
            return values;
        }

        public void ClearGpuGradients() => Gpu.ClearGradients();

        public void SetDeterministicEmbeddingGradients(bool on) => GpuDeterministic!(Gpu, on);

        public void SetFinalStateGradient(bool gpu, int state, float[] hidden, float[] cell)
        {
            if (gpu)
            {
                Gpu.SetFinalStateGradient(state, hidden, cell);
            }
            else
            {
                _cpu.SetFinalStateGradient(state, hidden, cell);
            }
        }

        public void InitialStateGradient(bool gpu, int state, float[] hidden, float[] cell)
        {
            if (gpu)
            {
                Gpu.InitialStateGradient(state, hidden, cell);
            }
            else
            {
                _cpu.InitialStateGradient(state, hidden, cell);
            }
        }

        public void SetDropout(bool on, ulong seed)
        {
            _cpu.Training = on;
            Gpu.ApplyDropout = on;
            SeedDropout!(_cpu, Gpu, seed);
        }

        public void CopyDropoutMask(bool gpu, DropoutSite site, int layer, float[] destination)
        {
            if (gpu)
            {
                GpuMask!(Gpu, site, layer, destination);
            }
            else
            {
                CpuMask!(_cpu, site, layer, destination);
            }
        }

        public float[] Stream(bool gpu, float[] inputs, int[] tokens, int streams, int steps)
        {
            var outputs = new float[steps * streams * OutputSize];
            var width = Math.Max(Features, 1); // one token per step
            var all = Inputs(inputs, tokens);
            if (gpu)
            {
                var streaming = (ICudaStreamingNetwork<TInput>)Gpu;
                var row = new float[streams * OutputSize];
                for (var t = 0; t < steps; t++)
                {
                    streaming.Step(all.AsSpan(t * streams * width, streams * width), row, streams);
                    row.CopyTo(outputs, t * streams * OutputSize);
                }

                return outputs;
            }

            var model = (IRecurrentNetwork<TInput, TState>)_cpu;
            var states = new TState[streams];
            for (var s = 0; s < streams; s++)
            {
                states[s] = model.CreateState();
            }

            var output = new float[OutputSize];
            for (var t = 0; t < steps; t++)
            {
                for (var s = 0; s < streams; s++)
                {
                    var i = (t * streams) + s;
                    model.Step(states[s], all.AsSpan(i * width, width), output);
                    output.CopyTo(outputs, i * OutputSize);
                }
            }

            return outputs;
        }

        public void Dispose() => _gpu?.Dispose();

        public override string ToString() => Name;

        /// <summary>The test's float features or token ids, whichever this model takes.</summary>
        private static TInput[] Inputs(float[] inputs, int[] tokens) => typeof(TInput) == typeof(float)
            ? (TInput[])(object)inputs
            : (TInput[])(object)tokens;
    }
}
