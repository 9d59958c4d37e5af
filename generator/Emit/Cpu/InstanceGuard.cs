using System;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Wraps a member that uses the instance's workspace in <c>ExclusiveUse.Enter</c> / <c>try</c> / <c>finally
    /// Exit</c>: two overlapping calls on one instance (two threads, or a re-entrant call) throw instead of mixing two
    /// batches in one workspace. Emit the member's argument checks inside the scope: they read instance state too.
    /// </summary>
    internal static class InstanceGuard
    {
        /// <summary>Writes the guard's entry and opens the <c>try</c>; disposing the result writes the <c>finally</c>.</summary>
        public static IDisposable Enter(SourceWriter w, Plan plan, string member)
        {
            var model = plan.Spec.Shell.Target.Name.TrimStart('@');
            w.Line($"global::RnnGen.ExclusiveUse.Enter(ref _inUse, \"{member}\", \"{model}\"); // one call at a time per instance");
            return new Scope(w, w.Block("try"));
        }

        private sealed class Scope : IDisposable
        {
            private readonly SourceWriter _writer;
            private readonly SourceWriter.Scope _try;

            public Scope(SourceWriter writer, SourceWriter.Scope tryBlock)
            {
                _writer = writer;
                _try = tryBlock;
            }

            public void Dispose()
            {
                _try.Dispose();
                using (_writer.Block("finally"))
                {
                    _writer.Line("global::RnnGen.ExclusiveUse.Exit(ref _inUse);");
                }
            }
        }
    }
}
