using System.Collections.Generic;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Writes the dispatcher every kernel gets: it calls the widest width the JIT reports as accelerated, either the
    /// one generic body with that width's type arguments or (for the width-specific int8 kernel) the width's own copy.
    /// The tests are JIT-time constants, so the dispatcher inlines to a direct call of one width.
    /// </summary>
    internal static class DispatchEmitter
    {
        public static void Emit(SourceWriter w, string name, string parameters, string arguments, IReadOnlyList<string> documentation, bool generic)
        {
            foreach (var line in documentation)
            {
                w.Line("// " + line);
            }

            w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"private static void {name}({parameters})"))
            {
                var first = true;
                foreach (var flavor in VectorFlavor.All)
                {
                    var call = generic ? $"{name}{flavor.TypeArguments}({arguments});" : $"{name}_{flavor.Suffix}({arguments});";
                    if (flavor.AcceleratedCondition is { } condition)
                    {
                        w.Line($"{(first ? "if" : "else if")} ({condition}) {call}");
                        first = false;
                    }
                    else
                    {
                        w.Line($"else {call}");
                    }
                }
            }
        }
    }
}
