using System;
using System.Collections.Generic;
using RnnGen.Gpu;

namespace RnnGen.GpuCheck
{
    // The generated models share no type, so the harness reaches them through these delegates: the CPU model through
    // the interface its partial declaration adds (ConformanceModels.cs), its CudaModel through method groups.

    /// <summary>Forward with lengths (empty: full length); T is float (features) or int (token ids).</summary>
    internal delegate void ForwardFn<T>(ReadOnlySpan<T> inputs, ReadOnlySpan<int> lengths, Span<float> outputs, int batchSize, bool continueState);

    internal delegate void SetStateFn(int layer, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell);

    internal delegate void CopyStateFn(int layer, Span<float> hidden, Span<float> cell);

    /// <summary>The CudaModel's many-stream Step: [streams][width] in, [streams][OutputSize] out.</summary>
    internal delegate void StreamsStepFn<T>(ReadOnlySpan<T> inputs, Span<float> outputs, int streams);

    /// <summary>One CPU stream's Step: [width] in (a token is a span of one), [OutputSize] out.</summary>
    internal delegate void OneStreamStepFn<T>(int stream, ReadOnlySpan<T> input, Span<float> output);

    internal delegate void CpuStepFn<TState>(TState state, ReadOnlySpan<float> input, Span<float> output);

    internal delegate void CpuTokenStepFn<TState>(TState state, int token, Span<float> output);

    /// <summary>What every model class declared for the check implements (the generated members match it).</summary>
    internal interface ICheckModel<T>
    {
        void InitializeParameters(Random random);

        void Forward(ReadOnlySpan<T> inputs, ReadOnlySpan<int> lengths, Span<float> outputs, int batchSize, bool continueState);

        void SetInitialState(int layer, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell);

        void CopyFinalState(int layer, Span<float> hidden, Span<float> cell);
    }

    /// <summary>A model on the GPU (or, for --dry-run, a second CPU instance standing in for it).</summary>
    internal sealed record GpuOps<T>(ForwardFn<T> Forward, SetStateFn SetInitialState, CopyStateFn CopyFinalState, StreamsStepFn<T>? Step, Action? ResetStreams, IDisposable? Owner);

    /// <summary>The sizes the harness needs: the model's constants, passed in as they cannot be reached generically.</summary>
    /// <param name="Width">Floats per step, or 1 for token input.</param>
    /// <param name="Vocabulary">Token ids are drawn from [0, Vocabulary); 0 for float input.</param>
    /// <param name="States">Per state index (a bidirectional layer has two): units, and whether it has a cell state.</param>
    internal sealed record Shape(int Width, int Vocabulary, int MaxSteps, int MaxBatch, int OutputSize, bool Sequences, (int Units, bool Cell)[] States);

    /// <summary>Worst differences over a check: absolute, and relative to max(|cpu|, 1).</summary>
    internal sealed class Difference
    {
        public double MaxAbsolute { get; private set; }

        public double MaxRelative { get; private set; }

        public string Worst { get; private set; } = "-";

        public long Compared { get; private set; }

        public void Add(string what, ReadOnlySpan<float> cpu, ReadOnlySpan<float> gpu)
        {
            if (cpu.Length != gpu.Length)
            {
                throw new InvalidOperationException($"{what}: {cpu.Length} CPU values, {gpu.Length} GPU values.");
            }

            for (var i = 0; i < cpu.Length; i++)
            {
                double a = cpu[i];
                double b = gpu[i];
                // A NaN or infinity on one side only is the worst possible difference; on both sides, none.
                var absolute = double.IsFinite(a) && double.IsFinite(b) ? Math.Abs(a - b) : (a.Equals(b) ? 0 : double.PositiveInfinity);
                var relative = absolute / Math.Max(Math.Abs(a), 1.0);
                MaxAbsolute = Math.Max(MaxAbsolute, absolute);
                if (relative > MaxRelative || double.IsPositiveInfinity(relative))
                {
                    MaxRelative = relative;
                    Worst = $"{what}[{i}]: cpu {a:G9}, gpu {b:G9}";
                }
            }

            Compared += cpu.Length;
        }
    }

    /// <summary>One model of the conformance set; <see cref="Run"/> compares its CPU and GPU paths.</summary>
    internal abstract class Case
    {
        protected Case(string name, bool fastMath)
        {
            Name = name;
            FastMath = fastMath;
        }

        public string Name { get; }

        /// <summary>CudaFastMath: σ and tanh from tanh.approx.f32 (about 2^-11 relative), so a looser bound.</summary>
        public bool FastMath { get; }

        public double Tolerance => FastMath ? 2e-3 : 1e-4;

        /// <summary>Runs every scenario and returns the scenarios run and the worst differences.</summary>
        /// <param name="device">The GPU; null compares the CPU model with a second CPU instance (--dry-run).</param>
        public abstract (List<string> Scenarios, Difference Difference) Run(GpuDevice? device, int seed);
    }

    /// <summary>A model with input of type <typeparamref name="T"/> (float features or int tokens).</summary>
    internal sealed class Case<T, TModel> : Case
        where T : unmanaged
        where TModel : ICheckModel<T>, new()
    {
        private readonly Shape _shape;
        private readonly Func<TModel, GpuDevice, GpuOps<T>> _toGpu;
        private readonly Func<TModel, Func<int, OneStreamStepFn<T>>>? _cpuStreams;

        /// <param name="toGpu">ToCuda and the CudaModel's members.</param>
        /// <param name="cpuStreams">For a model that streams: makes n CPU states and steps one of them; null otherwise.</param>
        public Case(string name, Shape shape, Func<TModel, GpuDevice, GpuOps<T>> toGpu, Func<TModel, Func<int, OneStreamStepFn<T>>>? cpuStreams = null, bool fastMath = false)
            : base(name, fastMath)
        {
            _shape = shape;
            _toGpu = toGpu;
            _cpuStreams = cpuStreams;
        }

        public override (List<string> Scenarios, Difference Difference) Run(GpuDevice? device, int seed)
        {
            var cpu = NewModel(seed);
            GpuOps<T> gpu;
            Func<int, OneStreamStepFn<T>>? gpuStreams = null;
            if (device is null)
            {
                // Dry run: a second CPU instance with the same weights plays the GPU, so the harness itself is tested
                // (every scenario must come out at exactly zero) on a machine with no GPU.
                var twin = NewModel(seed);
                gpuStreams = _cpuStreams?.Invoke(twin);
                gpu = new GpuOps<T>(twin.Forward, twin.SetInitialState, twin.CopyFinalState, null, null, null);
            }
            else
            {
                gpu = _toGpu(cpu, device);
            }

            var difference = new Difference();
            var scenarios = new List<string>();
            var random = new Random(seed + 1);
            try
            {
                Full(cpu, gpu, random, difference, scenarios);
                Lengths(cpu, gpu, random, difference, scenarios);
                Smaller(cpu, gpu, random, difference, scenarios);
                Continued(cpu, gpu, random, difference, scenarios);
                Initial(cpu, gpu, random, difference, scenarios);
                if (_cpuStreams is not null)
                {
                    Streams(cpu, gpu, gpuStreams, random, difference, scenarios);
                }
            }
            finally
            {
                gpu.Owner?.Dispose();
            }

            return (scenarios, difference);
        }

        private static TModel NewModel(int seed)
        {
            var model = new TModel();
            model.InitializeParameters(new Random(seed));
            return model;
        }

        private int OutputLength(int steps, int batch) => (_shape.Sequences ? steps : 1) * batch * _shape.OutputSize;

        private T[] Inputs(Random random, int steps, int batch)
        {
            var values = new T[steps * batch * _shape.Width];
            for (var i = 0; i < values.Length; i++)
            {
                // Features in [-1.5, 1.5) reach the saturated parts of σ and tanh too; tokens cover the vocabulary.
                values[i] = typeof(T) == typeof(int)
                    ? (T)(object)random.Next(_shape.Vocabulary)
                    : (T)(object)(float)((random.NextDouble() * 3) - 1.5);
            }

            return values;
        }

        private static float[] Uniform(Random random, int count)
        {
            var values = new float[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = (float)((random.NextDouble() * 2) - 1);
            }

            return values;
        }

        /// <summary>Runs the same Forward on both sides and compares the outputs.</summary>
        private void Forward(TModel cpu, GpuOps<T> gpu, string what, T[] inputs, int[] lengths, int batch, bool continueState, Difference difference)
        {
            var steps = inputs.Length / (batch * _shape.Width);
            var expected = new float[OutputLength(steps, batch)];
            var actual = new float[expected.Length];
            cpu.Forward(inputs, lengths, expected, batch, continueState);
            gpu.Forward(inputs, lengths, actual, batch, continueState);
            difference.Add(what, expected, actual);
        }

        /// <summary>Compares every state's CopyFinalState (h, and c for an LSTM layer) after the last Forward.</summary>
        private void FinalStates(TModel cpu, GpuOps<T> gpu, string what, int batch, Difference difference)
        {
            for (var s = 0; s < _shape.States.Length; s++)
            {
                var (units, hasCell) = _shape.States[s];
                var cellLength = hasCell ? batch * units : 0;
                float[] h1 = new float[batch * units], c1 = new float[cellLength], h2 = new float[batch * units], c2 = new float[cellLength];
                cpu.CopyFinalState(s, h1, c1);
                gpu.CopyFinalState(s, h2, c2);
                difference.Add($"{what} h[{s}]", h1, h2);
                difference.Add($"{what} c[{s}]", c1, c2);
            }
        }

        private void Full(TModel cpu, GpuOps<T> gpu, Random random, Difference difference, List<string> scenarios)
        {
            int steps = _shape.MaxSteps, batch = _shape.MaxBatch;
            Forward(cpu, gpu, "full", Inputs(random, steps, batch), [], batch, false, difference);
            FinalStates(cpu, gpu, "full", batch, difference);
            scenarios.Add("full");
        }

        private void Lengths(TModel cpu, GpuOps<T> gpu, Random random, Difference difference, List<string> scenarios)
        {
            int steps = _shape.MaxSteps, batch = _shape.MaxBatch;
            var lengths = new int[batch];
            for (var b = 0; b < batch; b++)
            {
                // The first sequence runs the whole length, so every step is used; the rest end anywhere.
                lengths[b] = b == 0 ? steps : random.Next(1, steps + 1);
            }

            Forward(cpu, gpu, "lengths", Inputs(random, steps, batch), lengths, batch, false, difference);
            FinalStates(cpu, gpu, "lengths", batch, difference); // held at each sequence's last valid step
            scenarios.Add("lengths");
        }

        private void Smaller(TModel cpu, GpuOps<T> gpu, Random random, Difference difference, List<string> scenarios)
        {
            // Fewer steps and sequences than the model was sized for: the launch shapes and offsets follow the call.
            var steps = Math.Max(1, _shape.MaxSteps / 2);
            var batch = Math.Max(1, _shape.MaxBatch - 1);
            Forward(cpu, gpu, "smaller", Inputs(random, steps, batch), [], batch, false, difference);
            Forward(cpu, gpu, "one", Inputs(random, 1, 1), [], 1, false, difference);
            scenarios.Add("smaller");
        }

        private void Continued(TModel cpu, GpuOps<T> gpu, Random random, Difference difference, List<string> scenarios)
        {
            var batch = _shape.MaxBatch;
            var first = Math.Max(1, _shape.MaxSteps / 3);
            Forward(cpu, gpu, "chunk 1", Inputs(random, first, batch), [], batch, false, difference);
            Forward(cpu, gpu, "chunk 2", Inputs(random, _shape.MaxSteps, batch), [], batch, true, difference);
            Forward(cpu, gpu, "chunk 3", Inputs(random, 1, batch), [], batch, true, difference);
            FinalStates(cpu, gpu, "continued", batch, difference);
            scenarios.Add("continueState");
        }

        private void Initial(TModel cpu, GpuOps<T> gpu, Random random, Difference difference, List<string> scenarios)
        {
            var batch = Math.Max(1, _shape.MaxBatch - 1);
            for (var s = 0; s < _shape.States.Length; s++)
            {
                var (units, hasCell) = _shape.States[s];
                var hidden = Uniform(random, batch * units);
                var cell = hasCell ? Uniform(random, batch * units) : [];
                cpu.SetInitialState(s, hidden, cell);
                gpu.SetInitialState(s, hidden, cell);
            }

            Forward(cpu, gpu, "initial", Inputs(random, _shape.MaxSteps, batch), [], batch, false, difference);
            FinalStates(cpu, gpu, "initial", batch, difference);
            scenarios.Add("SetInitialState");
        }

        /// <summary>GPU many-stream Step against one CPU State per stream, then again after ResetStreams.</summary>
        private void Streams(TModel cpu, GpuOps<T> gpu, Func<int, OneStreamStepFn<T>>? dryRunStreams, Random random, Difference difference, List<string> scenarios)
        {
            var streams = _shape.MaxBatch;
            var output = _shape.OutputSize;
            for (var round = 0; round < 2; round++)
            {
                var cpuStep = _cpuStreams!(cpu)(streams);
                var gpuStep = dryRunStreams?.Invoke(streams); // dry run: a second set of CPU states
                if (round == 1)
                {
                    gpu.ResetStreams?.Invoke();
                }

                for (var t = 0; t < _shape.MaxSteps + 2; t++) // past MaxSequenceLength: state stays on the device
                {
                    var inputs = Inputs(random, 1, streams);
                    var expected = new float[streams * output];
                    var actual = new float[streams * output];
                    for (var s = 0; s < streams; s++)
                    {
                        var input = inputs.AsSpan(s * _shape.Width, _shape.Width);
                        cpuStep(s, input, expected.AsSpan(s * output, output));
                        gpuStep?.Invoke(s, input, actual.AsSpan(s * output, output));
                    }

                    gpu.Step?.Invoke(inputs, actual, streams);
                    difference.Add($"step {round}.{t}", expected, actual);
                }
            }

            scenarios.Add("Step");
        }
    }
}
