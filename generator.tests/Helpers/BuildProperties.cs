using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace RnnGen.Generator.Tests.Helpers
{
    /// <summary>
    /// MSBuild properties as the compiler hands them to generators: <c>build_property.NAME</c> global options, which
    /// is what a <c>CompilerVisibleProperty</c> item becomes.
    /// </summary>
    internal sealed class BuildProperties : AnalyzerConfigOptionsProvider
    {
        private readonly Options global;

        public BuildProperties(params (string Name, string Value)[] properties)
        {
            global = new Options(properties.ToImmutableDictionary(p => "build_property." + p.Name, p => p.Value));
        }

        public override AnalyzerConfigOptions GlobalOptions => global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options : AnalyzerConfigOptions
        {
            private readonly ImmutableDictionary<string, string> values;

            public Options(ImmutableDictionary<string, string> values) => this.values = values;

            public static Options Empty { get; } = new(ImmutableDictionary<string, string>.Empty);

            public override IEnumerable<string> Keys => values.Keys;

            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }
}
