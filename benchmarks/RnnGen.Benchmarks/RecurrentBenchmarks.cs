using System;
using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks
{
    /// <summary>
    /// Streaming <c>Step</c> (batch 1, one step), a 100-step <c>Forward</c> at batch 1 and 32 (every core, and one thread) and
    /// the same <c>Predict</c> (inference without the tape) at batch 32, for LSTM and GRU
    /// with 64/128/256 units and 32 inputs. The GFLOP/s and GB/s columns come from <see cref="Throughput"/>.
    /// </summary>
    [MemoryDiagnoser]
    [Config(typeof(ThroughputConfig))]
    public class RecurrentBenchmarks : CellBenchmarks
    {
        private const int Input = 32;
        private const int Steps = 100;
        private Action _step = () => { };
        private Action _forward1 = () => { };
        private Action _forward32 = () => { };
        private Action _predict32 = () => { };

        [Benchmark(Description = "Step (batch 1)")]
        public void Step() => _step();

        [Benchmark(Description = "Forward 100 steps, batch 1")]
        public void Forward_batch1() => _forward1();

        [Benchmark(Description = "Forward 100 steps, batch 32")]
        public void Forward_batch32() => _forward32();

        [Benchmark(Description = "Predict 100 steps, batch 32")]
        public void Predict_batch32() => _predict32();

        /// <summary>The same with <c>RowParallel.MaxThreads = 1</c>: the single-core figure beside the every-core default.</summary>
        [Benchmark(Description = "Forward 100 steps, batch 32, one thread")]
        public void Forward_batch32_one_thread()
        {
            var saved = RnnGen.Threading.RowParallel.MaxThreads;
            RnnGen.Threading.RowParallel.MaxThreads = 1;
            _forward32();
            RnnGen.Threading.RowParallel.MaxThreads = saved;
        }

        public override void Bind<TModel, TState>()
        {
            var model = new TModel();
            model.InitializeParameters(new Random(1));
            var random = new Random(2);
            var inputs = RandomData.Fill(random, new float[Steps * 32 * Input]);

            var outputs = new float[Steps * 32 * Hidden];
            var state = model.CreateState();
            _step = () => model.Step(state, inputs.AsSpan(0, Input), outputs.AsSpan(0, Hidden));
            _forward1 = () => model.Forward(inputs.AsSpan(0, Steps * Input), outputs.AsSpan(0, Steps * Hidden), 1);
            _forward32 = () => model.Forward(inputs, outputs, 32);
            _predict32 = () => model.Predict(inputs, outputs, 32);
        }
    }
}
