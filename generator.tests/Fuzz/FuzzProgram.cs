using System.Collections.Generic;
using System.Linq;

namespace RnnGen.Generator.Tests.Fuzz
{
    /// <summary>
    /// One random program: its files and the models it declares. Program <c>k</c> keeps its declarations in the
    /// namespace <c>Pk</c> (or below), so programs batched into one compilation do not meet, and each diagnostic and
    /// generated file can be traced back to its program. A <see cref="Global"/> program (at most one per batch) declares
    /// its types in the global namespace instead, where they are in scope of every other program's generated code.
    /// </summary>
    /// <param name="Models">
    /// Metadata names of the classes that carry <c>[RecurrentNetwork]</c>: in a program without errors, each must end up
    /// with the generated members.
    /// </param>
    /// <param name="Shape">A word on what the program tries (for the statistics and failure reports).</param>
    internal sealed record FuzzProgram(int Index, int Seed, bool Global, IReadOnlyList<FuzzFile> Files, IReadOnlyList<string> Models, string Shape)
    {
        /// <summary>The file names of this program: <c>P{index}_{n}.cs</c>.</summary>
        public static string FilePrefix(int index) => $"P{index}_";

        public bool Owns(string path) => path.StartsWith(FilePrefix(Index), System.StringComparison.Ordinal);

        /// <summary>The program's source, each file under a header line, for failure messages.</summary>
        public string Source => string.Join("\n", Files.Select(f => $"// ---- {f.Path} ----\n{f.Text}"));
    }

    internal sealed record FuzzFile(string Path, string Text);
}
