using System;
using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks
{
    /// <summary>
    /// What dL/dx costs: Backward over 100 steps with and without <c>inputGradients</c> (the baseline), after the same
    /// Forward, for one LSTM and one GRU layer of 128 units over 32 inputs. The extra work is one GEMM, dX = dG · W_ih,
    /// 2 · rows · gates · H · I FLOPs: small beside BPTT's W_hh products and weight GEMMs (which see H + I columns).
    /// </summary>
    [MemoryDiagnoser]
    public class InputGradientBenchmarks : IModelBinder
    {
        private const int Steps = 100;
        private Action _forward = () => { };
        private Action _backward = () => { };
        private Action _backwardWithInputs = () => { };

        [Params("LSTM", "GRU")]
        public string Cell { get; set; } = "LSTM";

        [Params(128)]
        public int Hidden { get; set; } = 128;

        [Params(1, 32)]
        public int Batch { get; set; } = 32;

        [GlobalSetup]
        public void Setup() => ModelBinding.Bind(Cell, Hidden, this);

        /// <summary>Backward consumes the tape, so each invocation gets a fresh Forward, outside the measurement.</summary>
        [IterationSetup]
        public void RecordTape() => _forward();

        [Benchmark(Baseline = true, Description = "Backward(outputGradients, gradients)")]
        public void Backward() => _backward();

        [Benchmark(Description = "Backward(outputGradients, gradients, inputGradients)")]
        public void BackwardWithInputGradients() => _backwardWithInputs();

        public void Bind<TModel, TState>()
            where TModel : IBenchModel<TState>, new()
            where TState : class
        {
            var model = new TModel();
            model.InitializeParameters(new Random(1));
            var random = new Random(2);
            var inputs = RandomData.Fill(random, new float[Steps * Batch * 32]);
            var outputGradients = RandomData.Fill(random, new float[Steps * Batch * Hidden], 1e-3f);

            var outputs = new float[outputGradients.Length];
            var gradients = new float[model.PackedParameters.Length];
            var inputGradients = new float[inputs.Length];
            var batch = Batch;
            _forward = () => model.Forward(inputs, outputs, batch);
            _backward = () => model.Backward(outputGradients, gradients);
            _backwardWithInputs = () => model.Backward(outputGradients, gradients, inputGradients);
        }
    }
}
