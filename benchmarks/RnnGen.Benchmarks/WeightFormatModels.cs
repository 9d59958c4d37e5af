namespace RnnGen.Benchmarks
{
    // The LSTMs of WeightFormatBenchmarks: Lstm64/128/256 (fp32, in Models.cs) with Step reading bfloat16 or int8
    // weights. Same layers, same 32 inputs; the parameters are copied from the fp32 model.
    [RecurrentNetwork(InputSize = 32, Weights = WeightFormat.BFloat16)]
    [Lstm(64)]
    public sealed partial class Lstm64BFloat16 : IBenchModel<Lstm64BFloat16.State>
    {
    }

    [RecurrentNetwork(InputSize = 32, Weights = WeightFormat.BFloat16)]
    [Lstm(128)]
    public sealed partial class Lstm128BFloat16 : IBenchModel<Lstm128BFloat16.State>
    {
    }

    [RecurrentNetwork(InputSize = 32, Weights = WeightFormat.BFloat16)]
    [Lstm(256)]
    public sealed partial class Lstm256BFloat16 : IBenchModel<Lstm256BFloat16.State>
    {
    }

    [RecurrentNetwork(InputSize = 32, Weights = WeightFormat.Int8)]
    [Lstm(64)]
    public sealed partial class Lstm64Int8 : IBenchModel<Lstm64Int8.State>
    {
    }

    [RecurrentNetwork(InputSize = 32, Weights = WeightFormat.Int8)]
    [Lstm(128)]
    public sealed partial class Lstm128Int8 : IBenchModel<Lstm128Int8.State>
    {
    }

    [RecurrentNetwork(InputSize = 32, Weights = WeightFormat.Int8)]
    [Lstm(256)]
    public sealed partial class Lstm256Int8 : IBenchModel<Lstm256Int8.State>
    {
    }
}
