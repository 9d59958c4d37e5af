using System;
using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks
{
    /// <summary>
    /// 256 independent LSTM-64 streams (one input each) advanced by one step: one <c>Step</c> per stream against one
    /// <c>StreamBatch.Step</c>, which streams the weights once for all of them, on one thread and split across every core. Reported per stream-step
    /// (OperationsPerInvoke = 256); one stream-step is 2·4·64·(1 + 64) ≈ 33k FLOP plus the activations.
    /// </summary>
    [MemoryDiagnoser]
    public class StreamBatchBenchmarks
    {
        private const int Streams = 256;
        private readonly StreamLstm64 _model = new();
        private readonly float[] _inputs = new float[Streams];
        private readonly float[] _outputs = new float[Streams * StreamLstm64.OutputSize];
        private StreamLstm64.State[] _states = Array.Empty<StreamLstm64.State>();
        private StreamLstm64.StreamBatch? _batch;

        [GlobalSetup]
        public void Setup()
        {
            _model.InitializeParameters(new Random(1));
            RandomData.Fill(new Random(2), _inputs);

            _states = new StreamLstm64.State[Streams];
            for (var i = 0; i < Streams; i++)
            {
                _states[i] = _model.CreateState();
            }

            _batch = _model.CreateStreamBatch(Streams);
            for (var i = 0; i < Streams; i++)
            {
                _batch.Add();
            }
        }

        [Benchmark(Baseline = true, OperationsPerInvoke = Streams)]
        public void OneStepPerStream()
        {
            for (var i = 0; i < Streams; i++)
            {
                _model.Step(_states[i], _inputs.AsSpan(i, 1), _outputs.AsSpan(i * StreamLstm64.OutputSize, StreamLstm64.OutputSize));
            }
        }

        [Benchmark(OperationsPerInvoke = Streams)]
        public void StreamBatchOneThread()
        {
            RnnGen.Threading.RowParallel.MaxThreads = 1;
            _batch!.Step(_inputs, _outputs);
        }

        [Benchmark(OperationsPerInvoke = Streams)]
        public void StreamBatchAllCores()
        {
            RnnGen.Threading.RowParallel.MaxThreads = Environment.ProcessorCount;
            _batch!.Step(_inputs, _outputs);
        }
    }
}
