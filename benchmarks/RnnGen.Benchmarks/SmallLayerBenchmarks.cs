using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks
{
    /// <summary>
    /// <c>Step</c> at batch 1 of a 32-unit LSTM and GRU with one input: the game-controller size, where the gate
    /// activations, the call and the state copies weigh as much as the 4·32·33 (LSTM) multiply-adds. Issue 12's
    /// target for the LSTM is 80 ns (RTNeural's C++ LSTM 1→32 took 113 ns on this machine type).
    /// </summary>
    [MemoryDiagnoser]
    public class SmallLayerBenchmarks
    {
        private readonly SmallLstm32 _lstm = new();
        private readonly SmallGru32 _gru = new();
        private readonly float[] _input = new float[1];
        private readonly float[] _output = new float[32];
        private SmallLstm32.State? _lstmState;
        private SmallGru32.State? _gruState;

        [GlobalSetup]
        public void Setup()
        {
            _lstm.InitializeParameters(new System.Random(1));
            _gru.InitializeParameters(new System.Random(2));
            _lstmState = _lstm.CreateState();
            _gruState = _gru.CreateState();
            _input[0] = 0.25f;
        }

        [Benchmark(Description = "LSTM 1→32 Step")]
        public void LstmStep() => _lstm.Step(_lstmState!, _input, _output);

        [Benchmark(Description = "GRU 1→32 Step")]
        public void GruStep() => _gru.Step(_gruState!, _input, _output);
    }
}
