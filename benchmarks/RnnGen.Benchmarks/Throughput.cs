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
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } statistics)
            {
                return "-";
            }

            var parameters = benchmarkCase.Parameters;
            var gates = (string)parameters["Cell"] == "LSTM" ? 4.0 : 3.0;
            var hidden = (int)parameters["Hidden"];
            var weights = gates * hidden * (32 + hidden);
            var method = benchmarkCase.Descriptor.WorkloadMethod.Name;
            var (steps, batch) = method switch
            {
                "Step" => (1, 1),
                "Forward_batch1" => (100, 1),
                _ => (100, 32),
            };
            var seconds = statistics.Mean * 1e-9;
            var value = _flops ? 2 * weights * steps * batch / seconds / 1e9 : 4 * weights * steps / seconds / 1e9;
            return value.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
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

    /// <summary>Adds the throughput columns.</summary>
    public sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig()
        {
            AddColumn(Throughput.GigaFlops, Throughput.WeightGigabytes);
        }
    }
}
