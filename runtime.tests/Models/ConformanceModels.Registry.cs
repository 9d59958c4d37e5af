using System.Collections.Generic;
using System.Linq;
using RnnGen.Runtime.Tests.Helpers;

namespace RnnGen.Runtime.Tests.Models
{
    public static partial class ConformanceModels
    {
        private static readonly Dictionary<string, System.Func<IModelRunner>> Factories = new();

        public static IEnumerable<string> Names => Factories.Keys.OrderBy(n => n, System.StringComparer.Ordinal);

        /// <summary>A fresh model instance behind a runner.</summary>
        public static IModelRunner Create(string name) => Factories[name]();

        private static void Add<TModel, TState>(ModelConfig config)
            where TModel : IFloatModel<TState>, new()
            where TState : class =>
            Factories[config.Name] = () => new ModelRunner<TModel>(config, model => new Streaming<TModel, TState>(model));

        /// <summary>A model that cannot Step (a layer runs backwards in time).</summary>
        private static void AddSequence<TModel>(ModelConfig config)
            where TModel : ISequenceModel, new() =>
            Factories[config.Name] = () => new ModelRunner<TModel>(config, null);
    }
}
