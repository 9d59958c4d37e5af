using System;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Emit;
using RnnGen.Generator.Model;
using RnnGen.Generator.Tests.Helpers;
using Xunit;

namespace RnnGen.Generator.Tests
{
    /// <summary>
    /// The safety net: an exception inside the generator becomes RNNG0099 at the class, never an escaping exception
    /// (Roslyn's CS8785 warning, which silently drops every generated file). The test helper fails any run that
    /// reports RNNG0099, so the net cannot hide a bug from the other tests.
    /// </summary>
    public sealed class InternalErrorTests
    {
        [Fact]
        public void An_exception_while_planning_or_emitting_becomes_an_error_value()
        {
            // The parser never accepts a network without layers; the planner is not written for one and throws.
            var shell = new TypeShellSpec(null, new[] { new TypeDeclarationSpec("class", "Broken", string.Empty, 0) }.ToEquatableArray());
            var spec = new ModelSpec(shell, new InputSpec(4, 0, 0), EquatableArray<RecurrentLayerSpec>.Empty, null, 8, 1);

            var emitted = EmittedModel.Create(spec, default);

            Assert.Null(emitted.Source);
            Assert.NotNull(emitted.Error);
            Assert.StartsWith("System.InvalidOperationException: ", emitted.Error, StringComparison.Ordinal);
            Assert.Contains("Planner", emitted.Error, StringComparison.Ordinal); // the throwing frame
        }

        [Fact]
        public void Cancellation_is_not_reported_as_a_bug()
        {
            Assert.False(InternalError.IsBug(new OperationCanceledException()));
            Assert.True(InternalError.IsBug(new OverflowException()));
        }

        [Fact]
        public void The_description_is_one_line()
        {
            var description = InternalError.Describe(new InvalidOperationException("first\r\nsecond\nthird"));
            Assert.DoesNotContain('\n', description);
            Assert.DoesNotContain('\r', description);
            Assert.Contains("first  second third", description, StringComparison.Ordinal);
        }

        [Fact]
        public void RNNG0099_is_an_error_naming_the_class_and_the_exception()
        {
            var diagnostic = InternalError.ToDiagnostic("Model", null, "System.OverflowException: Arithmetic operation resulted in an overflow.");
            var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);

            Assert.Equal("RNNG0099", diagnostic.Id);
            Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, diagnostic.Severity);
            Assert.Contains("'Model'", message, StringComparison.Ordinal);
            Assert.Contains("OverflowException", message, StringComparison.Ordinal);
            Assert.Contains("please report it", message, StringComparison.Ordinal);
        }

        [Fact]
        public void The_test_helper_fails_a_run_that_reports_RNNG0099()
        {
            var internalError = InternalError.ToDiagnostic("Model", null, "System.Exception: boom");
            Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => GeneratorTestHelper.AssertNoFailure(null, new[] { internalError }));
            GeneratorTestHelper.AssertNoFailure(null, Array.Empty<Microsoft.CodeAnalysis.Diagnostic>());
        }
    }
}
