using System;
using BenchmarkDotNet.Attributes;
using RnnGen.Training;

namespace RnnGen.Benchmarks
{
    /// <summary>
    /// One training step: Forward over 100 steps, Backward (BPTT) with a fixed output gradient, and an Adam update of
    /// every parameter, at batch 1 and 32. The Tokens/s column counts steps × sequences per second.
    /// </summary>
    [MemoryDiagnoser]
    [Config(typeof(TokensConfig))]
    public class TrainingBenchmarks : IModelBinder
    {
        private const int Steps = 100;
        private Action _train = () => { };

        [Params("LSTM", "GRU")]
        public string Cell { get; set; } = "LSTM";

        [Params(128, 256)]
        public int Hidden { get; set; } = 128;

        [Params(1, 32)]
        public int Batch { get; set; } = 1;

        /// <summary>RowParallel.MaxThreads: 1 keeps the step on one core; 2 splits Forward's rows and Backward's GEMMs across both.</summary>
        [Params(1, 2)]
        public int Threads { get; set; } = 1;

        [GlobalSetup]
        public void Setup()
        {
            RnnGen.Threading.RowParallel.MaxThreads = Threads;
            ModelBinding.Bind(Cell, Hidden, this);
        }

        [Benchmark(Description = "Training step (Forward + BPTT + Adam), 100 steps")]
        public void TrainingStep() => _train();

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
            var adam = new Adam(gradients.Length, learningRate: 1e-4f);
            var batch = Batch;
            _train = () =>
            {
                model.Forward(inputs, outputs, batch);
                gradients.AsSpan().Clear();
                model.Backward(outputGradients, gradients);
                adam.Step(model.PackedParameters, gradients);
            };
        }
    }
}
