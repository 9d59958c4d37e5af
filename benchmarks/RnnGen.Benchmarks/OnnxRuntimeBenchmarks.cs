using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RnnGen.Benchmarks.Onnx;
using RnnGen.Onnx;

namespace RnnGen.Benchmarks
{
    /// <summary>
    /// RnnGen against ONNX Runtime on the same layer, the same weights and the same inputs, in the same run: a
    /// streaming step (batch 1) and 100-step sequences at batch 1 and 32. Each category's RnnGen row is the baseline,
    /// so the Ratio column is ONNX Runtime's time over RnnGen's, at the same thread count. For sequences the baseline
    /// is <c>Predict</c>, inference like ONNX Runtime's run; <c>Forward</c>, which also keeps the tape for training,
    /// is the row beside it. Setup checks that all give the same outputs (<c>Predict</c> and <c>Forward</c> bit for bit).
    /// </summary>
    [MemoryDiagnoser]
    [GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
    [CategoriesColumn]
    public class OnnxRuntimeBenchmarks : CellBenchmarks
    {
        private const int Input = 32;
        private const int Steps = 100;
        private const int Batch = 32;
        private readonly List<IDisposable> _disposables = [];

        /// <summary>
        /// Threads for both sides: ONNX Runtime's intra-op threads and RnnGen's <c>RowParallel.MaxThreads</c>
        /// (2 = both cores of the 2-core machine the results come from).
        /// </summary>
        [Params(1, 2)]
        public int Threads { get; set; } = 1;
        private Action _step = () => { };
        private Action _forward1 = () => { };
        private Action _forward32 = () => { };
        private Action _predict1 = () => { };
        private Action _predict32 = () => { };
        private Action _peerStep = () => { };
        private Action _peerForward1 = () => { };
        private Action _peerForward32 = () => { };

        [GlobalCleanup]
        public void Cleanup()
        {
            foreach (var disposable in _disposables)
            {
                disposable.Dispose();
            }

            _disposables.Clear();
        }

        [BenchmarkCategory("Step, batch 1")]
        [Benchmark(Baseline = true, Description = "RnnGen")]
        public void Step() => _step();

        [BenchmarkCategory("Step, batch 1")]
        [Benchmark(Description = "ONNX Runtime")]
        public void Peer_step() => _peerStep();

        [BenchmarkCategory("Forward 100 steps, batch 1")]
        [Benchmark(Baseline = true, Description = "RnnGen Predict")]
        public void Predict_batch1() => _predict1();

        [BenchmarkCategory("Forward 100 steps, batch 1")]
        [Benchmark(Description = "RnnGen Forward")]
        public void Forward_batch1() => _forward1();

        [BenchmarkCategory("Forward 100 steps, batch 1")]
        [Benchmark(Description = "ONNX Runtime")]
        public void Peer_forward_batch1() => _peerForward1();

        [BenchmarkCategory("Forward 100 steps, batch 32")]
        [Benchmark(Baseline = true, Description = "RnnGen Predict")]
        public void Predict_batch32() => _predict32();

        [BenchmarkCategory("Forward 100 steps, batch 32")]
        [Benchmark(Description = "RnnGen Forward")]
        public void Forward_batch32() => _forward32();

        [BenchmarkCategory("Forward 100 steps, batch 32")]
        [Benchmark(Description = "ONNX Runtime")]
        public void Peer_forward_batch32() => _peerForward32();

        public override void Bind<TModel, TState>()
        {
            RnnGen.Threading.RowParallel.MaxThreads = Threads;
            var lstm = Cell == "LSTM";
            var model = new TModel();
            model.InitializeParameters(new Random(1));

            // ONNX Runtime runs the model's own ONNX export: the same weights, converted to ONNX's gate order by ExportOnnx.
            var onnx = ((IRecurrentNetwork)model).ToOnnxBytes(new OnnxExportOptions { Opset = 14, StateInputsAndOutputs = true });
            var peer = new OnnxRuntimeRecurrent(onnx, lstm, Input, Hidden, Threads);
            _disposables.Add(peer);

            var random = new Random(2);
            var inputs = RandomData.Fill(random, new float[Steps * Batch * Input]);

            var inputs1 = inputs.AsSpan(0, Steps * Input).ToArray();
            var outputs = new float[Steps * Batch * Hidden];
            var outputs1 = new float[Steps * Hidden];
            var predicted = new float[outputs.Length];
            var predicted1 = new float[outputs1.Length];
            var peerOutputs = new float[outputs.Length];
            var peerOutputs1 = new float[outputs1.Length];
            var state = model.CreateState();
            var stepInput = inputs.AsSpan(0, Input).ToArray();
            var stepOutput = new float[Hidden];
            var peerStepOutput = new float[Hidden];
            var sequence1 = peer.Bind(inputs1, peerOutputs1, Steps, 1);
            var sequence32 = peer.Bind(inputs, peerOutputs, Steps, Batch);
            var stream = peer.BindStream(stepInput, peerStepOutput);
            _disposables.Add(sequence1);
            _disposables.Add(sequence32);
            _disposables.Add(stream);

            _step = () => model.Step(state, stepInput, stepOutput);
            _forward1 = () => model.Forward(inputs1, outputs1, 1);
            _forward32 = () => model.Forward(inputs, outputs, Batch);
            _predict1 = () => model.Predict(inputs1, predicted1, 1);
            _predict32 = () => model.Predict(inputs, predicted, Batch);
            _peerStep = stream.Step;
            _peerForward1 = sequence1.Run;
            _peerForward32 = sequence32.Run;

            // The two must compute the same thing, or the comparison means nothing.
            _forward32();
            _peerForward32();
            Agree(outputs, peerOutputs, "Forward, batch 32");
            _forward1();
            _peerForward1();
            Agree(outputs1, peerOutputs1, "Forward, batch 1");
            _predict32();
            _predict1();
            if (!predicted.AsSpan().SequenceEqual(outputs) || !predicted1.AsSpan().SequenceEqual(outputs1))
            {
                throw new InvalidOperationException("Predict and Forward disagree: they must give the same bits.");
            }

            for (var i = 0; i < 5; i++)
            {
                _step();
                _peerStep();
            }

            Agree(stepOutput, peerStepOutput, "5 streaming steps");
        }

        private static void Agree(float[] expected, float[] actual, string what)
        {
            var worst = 0f;
            for (var i = 0; i < expected.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
            }

            if (!(worst <= 1e-4f))
            {
                throw new InvalidOperationException($"RnnGen and ONNX Runtime disagree on {what}: max |difference| {worst}.");
            }

            Console.WriteLine($"// {what}: RnnGen and ONNX Runtime agree to {worst:E1}");
        }
    }
}
