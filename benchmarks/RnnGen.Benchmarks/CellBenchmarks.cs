using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks
{
    /// <summary>
    /// Suites over one recurrent layer, LSTM or GRU with 64/128/256 units: the parameters and the setup that picks the
    /// generated model type; each suite binds its benchmarks to that type.
    /// </summary>
    public abstract class CellBenchmarks : IModelBinder
    {
        [Params("LSTM", "GRU")]
        public string Cell { get; set; } = "LSTM";

        [Params(64, 128, 256)]
        public int Hidden { get; set; } = 64;

        [GlobalSetup]
        public void Setup() => ModelBinding.Bind(Cell, Hidden, this);

        public abstract void Bind<TModel, TState>()
            where TModel : IBenchModel<TState>, new()
            where TState : class;
    }
}
