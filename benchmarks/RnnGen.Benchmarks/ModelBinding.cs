namespace RnnGen.Benchmarks
{
    /// <summary>A suite that sets itself up for one generated model type.</summary>
    public interface IModelBinder
    {
        void Bind<TModel, TState>()
            where TModel : IBenchModel<TState>, new()
            where TState : class;
    }

    /// <summary>The benchmark parameters (cell, hidden units) to the generated model type, in one place.</summary>
    public static class ModelBinding
    {
        public static void Bind(string cell, int hidden, IModelBinder binder)
        {
            switch (cell, hidden)
            {
                case ("LSTM", 64): binder.Bind<Lstm64, Lstm64.State>(); break;
                case ("LSTM", 128): binder.Bind<Lstm128, Lstm128.State>(); break;
                case ("LSTM", 256): binder.Bind<Lstm256, Lstm256.State>(); break;
                case ("GRU", 64): binder.Bind<Gru64, Gru64.State>(); break;
                case ("GRU", 128): binder.Bind<Gru128, Gru128.State>(); break;
                case ("GRU", 256): binder.Bind<Gru256, Gru256.State>(); break;
                default: throw new System.ArgumentException($"No benchmark model for {cell} {hidden}.", nameof(cell));
            }
        }
    }
}
