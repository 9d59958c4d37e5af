using System.Linq;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Tests.Helpers;
using Xunit;

namespace RnnGen.Generator.Tests
{
    /// <summary>
    /// Generated code lands in the user's scope, where a user declaration can take over a contextual keyword: a type
    /// named <c>var</c> or <c>nuint</c>, a method named <c>nameof</c>. The generated code uses none of them, so such a
    /// program (legal C#, with at most the user's own CS8981 warning) builds with nothing wrong in generated files.
    /// </summary>
    public sealed class CapturedNameTests
    {
        [Theory]
        // Issue 10: 1,203 errors, every generated 'var' local became the class.
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8)] [Dense(2)] public partial class var { }")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Gru(8, Bidirectional = true, RecurrentDropout = 0.1f)] public partial class var { }")]
        [InlineData("public partial class Outer<var> { [RecurrentNetwork] [Embedding(10, 4)] [SimpleRnn(8)] [Lstm(5, Peepholes = true)] public partial class Model { } }")]
        [InlineData("public class var { } [RecurrentNetwork(InputSize = 4)] [Gru(8, Minimal = true)] public partial class Model { }")]
        [InlineData("public class nuint { } [RecurrentNetwork(InputSize = 4)] [Lstm(8, CoupledGates = true)] [Dense(3)] public partial class Model { }")]
        [InlineData("[RecurrentNetwork(InputSize = 4)] [Lstm(8)] public partial class Model { public int nameof(object o) => 0; }")]
        [InlineData("public partial class Outer { public static void nameof(int x) { } [RecurrentNetwork] [Embedding(10, 4)] [Gru(8)] public partial class Model { } }")]
        public void A_user_declaration_cannot_capture_a_name_in_generated_code(string declarations)
        {
            var run = GeneratorTestHelper.Run("using RnnGen;\n" + declarations);

            Assert.Empty(run.GeneratorDiagnostics);
            Assert.NotEmpty(run.Sources);
            var errors = run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, GeneratorRun.Format(errors));
            var generated = run.WarningsAndErrors.Where(d => d.Location.SourceTree?.FilePath.EndsWith(".RnnGen.g.cs", System.StringComparison.Ordinal) == true).ToList();
            Assert.True(generated.Count == 0, GeneratorRun.Format(generated));
        }
    }
}
