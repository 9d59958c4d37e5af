using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace RnnGen.Benchmarks
{
    /// <summary>
    /// Achieved arithmetic and weight bandwidth, so everyone sees how far a kernel is from the machine's limit.
    /// Per step and sequence a cell does 2·G·H·(I+H) FLOPs (G = 4 for LSTM, 3 for GRU; a multiply-add is 2) and
    /// reads 4·G·H·(I+H) bytes of weights once per step (shared by the whole batch).
    /// </summary>
    public sealed class Throughput : IColumn
    {
        private readonly bool _flops;

        private Throughput(bool flops) => _flops = flops;

        public static IColumn GigaFlops { get; } = new Throughput(true);

        public static IColumn WeightGigabytes { get; } = new Throughput(false);

        public string Id => _flops ? "GFLOPs" : "WeightGBs";

        public string ColumnName => _flops ? "GFLOP/s" : "Weights GB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => _flops ? 0 : 1;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => _flops ? "Achieved FLOP rate of the recurrent layer" : "Weight bytes streamed per second";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var value = _flops ? KernelGigaFlops(summary, benchmarkCase) : WeightRate(summary, benchmarkCase);
            return value is { } v ? v.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "-";
        }

        /// <summary>A recurrent benchmark's achieved GFLOP/s; null for other benchmarks (a joined summary has both).</summary>
        public static double? KernelGigaFlops(Summary summary, BenchmarkCase benchmarkCase) =>
            Rates(summary, benchmarkCase) is { } r ? 2 * r.Weights * r.Steps * r.Batch / r.Seconds / 1e9 : null;

        private static double? WeightRate(Summary summary, BenchmarkCase benchmarkCase) =>
            Rates(summary, benchmarkCase) is { } r ? 4 * r.Weights * r.Steps / r.Seconds / 1e9 : null;

        private static (double Weights, int Steps, int Batch, double Seconds)? Rates(Summary summary, BenchmarkCase benchmarkCase)
        {
            var parameters = benchmarkCase.Parameters;
            if (summary[benchmarkCase]?.ResultStatistics is not { } statistics || !parameters.Items.Any(p => p.Name == "Cell"))
            {
                return null;
            }

            var gates = (string)parameters["Cell"] == "LSTM" ? 4.0 : 3.0;
            var hidden = (int)parameters["Hidden"];
            var weights = gates * hidden * (32 + hidden);
            var (steps, batch) = benchmarkCase.Descriptor.WorkloadMethod.Name switch
            {
                "Step" => (1, 1),
                "Forward_batch1" or "Predict_batch1" => (100, 1),
                _ => (100, 32), // Forward_batch32, Predict_batch32 and Forward_batch32_one_thread
            };
            return (weights, steps, batch, statistics.Mean * 1e-9);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }

    /// <summary>Steps × sequences processed per second by a training step.</summary>
    public sealed class TokensPerSecond : IColumn
    {
        public string Id => "TokensPerSecond";

        public string ColumnName => "Tokens/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Time steps × sequences trained per second";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            if (summary[benchmarkCase]?.ResultStatistics is not { } statistics)
            {
                return "-";
            }

            var batch = (int)benchmarkCase.Parameters["Batch"];
            return (100.0 * batch / (statistics.Mean * 1e-9)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }

    /// <summary>Adds the tokens-per-second column.</summary>
    public sealed class TokensConfig : ManualConfig
    {
        public TokensConfig()
        {
            AddColumn(new TokensPerSecond());
        }
    }

    /// <summary>Adds the throughput columns, and each kernel's share of the FMA peak measured in the same (joined) run.</summary>
    public sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig()
        {
            AddColumn(Throughput.GigaFlops, Throughput.WeightGigabytes, new PercentOfPeak());
        }
    }

    /// <summary>The FMA peak benchmarks' GFLOP/s.</summary>
    public sealed class PeakConfig : ManualConfig
    {
        public PeakConfig()
        {
            AddColumn(new PeakGigaFlops(), new PercentOfPeak());
        }
    }

    /// <summary>GFLOP/s of <see cref="FmaPeakBenchmarks"/>: one core's loop, or one loop per core at once.</summary>
    public sealed class PeakGigaFlops : IColumn
    {
        public string Id => "PeakGFLOPs";

        public string ColumnName => "Peak GFLOP/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 2;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "fp32 FLOP rate of 12 independent FMA chains (the machine's limit)";

        /// <summary>The peak of <paramref name="method"/> ("OneCore" or "EveryCore") in the summary, if it ran.</summary>
        public static double? Of(Summary summary, string method)
        {
            var peak = summary.BenchmarksCases.FirstOrDefault(c => c.Descriptor.Type == typeof(FmaPeakBenchmarks) && c.Descriptor.WorkloadMethod.Name == method);
            return peak is null ? null : Value(summary, peak);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            Value(summary, benchmarkCase) is { } v ? v.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "-";

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        private static double? Value(Summary summary, BenchmarkCase benchmarkCase)
        {
            if (benchmarkCase.Descriptor.Type != typeof(FmaPeakBenchmarks) || summary[benchmarkCase]?.ResultStatistics is not { } statistics)
            {
                return null;
            }

            var cores = benchmarkCase.Descriptor.WorkloadMethod.Name == "EveryCore" ? System.Environment.ProcessorCount : 1;
            return FmaPeakBenchmarks.FlopsPerCore * cores / (statistics.Mean * 1e-9) / 1e9;
        }
    }

    /// <summary>A kernel's GFLOP/s as a percentage of one core's FMA peak from the same joined run ("-" without it).</summary>
    public sealed class PercentOfPeak : IColumn
    {
        public string Id => "PercentOfPeak";

        public string ColumnName => "% of 1-core peak";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 3;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "GFLOP/s over FmaPeakBenchmarks.OneCore's, same run (--join)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            Throughput.KernelGigaFlops(summary, benchmarkCase) is { } kernel && PeakGigaFlops.Of(summary, "OneCore") is { } peak
                ? (100 * kernel / peak).ToString("F0", System.Globalization.CultureInfo.InvariantCulture)
                : "-";

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
