using System;
using BenchmarkDotNet.Attributes;
using RnnGen.Threading;

namespace RnnGen.Benchmarks
{
    /// <summary>
    /// Streaming <c>Step</c> at batch 1 of one LSTM layer (32 inputs, 64/128/256 units) with fp32, bfloat16 and int8
    /// weights, in one run so the Ratio column compares them directly. All three models hold the same parameters.
    /// The formats are compared on one core (<c>RowParallel.MaxThreads = 1</c>); "Step fp32, every core" adds the fp32
    /// step with every core allowed, which a wide layer (LSTM 256) splits by unit blocks.
    /// </summary>
    [MemoryDiagnoser]
    public class WeightFormatBenchmarks
    {
        private const int Input = 32;
        private Action _fp32 = () => { };
        private Action _bf16 = () => { };
        private Action _int8 = () => { };

        [Params(64, 128, 256)]
        public int Hidden { get; set; } = 256;

        [Benchmark(Baseline = true, Description = "Step fp32")]
        public void Step_fp32() => _fp32();

        [Benchmark(Description = "Step bf16")]
        public void Step_bf16() => _bf16();

        [Benchmark(Description = "Step int8")]
        public void Step_int8() => _int8();

        [Benchmark(Description = "Step fp32, every core")]
        public void Step_fp32_every_core()
        {
            RowParallel.MaxThreads = Environment.ProcessorCount;
            _fp32();
            RowParallel.MaxThreads = 1;
        }

        [GlobalSetup]
        public void Setup()
        {
            RowParallel.MaxThreads = 1;
            switch (Hidden)
            {
                case 64:
                    Bind<Lstm64, Lstm64.State, Lstm64BFloat16, Lstm64BFloat16.State, Lstm64Int8, Lstm64Int8.State>(new(), new(), new());
                    break;
                case 128:
                    Bind<Lstm128, Lstm128.State, Lstm128BFloat16, Lstm128BFloat16.State, Lstm128Int8, Lstm128Int8.State>(new(), new(), new());
                    break;
                default:
                    Bind<Lstm256, Lstm256.State, Lstm256BFloat16, Lstm256BFloat16.State, Lstm256Int8, Lstm256Int8.State>(new(), new(), new());
                    break;
            }
        }

        private void Bind<TF, TFS, TB, TBS, TQ, TQS>(TF fp32, TB bf16, TQ int8)
            where TF : IBenchModel<TFS>
            where TFS : class
            where TB : IBenchModel<TBS>
            where TBS : class
            where TQ : IBenchModel<TQS>
            where TQS : class
        {
            fp32.InitializeParameters(new Random(1));
            fp32.PackedParameters.CopyTo(bf16.PackedParameters);
            fp32.PackedParameters.CopyTo(int8.PackedParameters);
            var input = new float[Input];
            for (var i = 0; i < Input; i++)
            {
                input[i] = MathF.Sin(i);
            }

            var output = new float[Hidden];
            var (s32, s16, s8) = (fp32.CreateState(), bf16.CreateState(), int8.CreateState());
            _fp32 = () => fp32.Step(s32, input, output);
            _bf16 = () => bf16.Step(s16, input, output);
            _int8 = () => int8.Step(s8, input, output);
        }
    }
}
