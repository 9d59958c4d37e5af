using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Xunit;

namespace RnnGen.Generator.Tests.Helpers
{
    /// <summary>
    /// Verify-style snapshots of generated sources, without Verify. Each generated file is compared with
    /// <c>Snapshots/{Class}.{Method}#{HintName minus .cs}.verified.cs</c>, whose first line is <c>//HintName: ...</c>.
    /// A mismatch writes a sibling <c>.received.cs</c> and fails with a diff; with <c>RNNGEN_ACCEPT=1</c> the
    /// received text becomes the verified snapshot instead.
    /// </summary>
    internal static partial class Snapshot
    {
        public const string AcceptVariable = "RNNGEN_ACCEPT";
        public const string VersionPlaceholder = "{GENERATOR_VERSION}";
        private const string VerifiedSuffix = ".verified.cs";
        private const string ReceivedSuffix = ".received.cs";
        private const int DiffLines = 40;

        // Snapshots are written without a BOM; comparisons ignore one anyway.
        private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

        private static bool Accepting => Environment.GetEnvironmentVariable(AcceptVariable) == "1";

        /// <summary>
        /// Checks every source of <paramref name="run"/> against its snapshot, and that no snapshot of this test is
        /// left without a generated file. The caller's file locates the Snapshots folder in the source tree (not bin)
        /// and names the class.
        /// </summary>
        public static void Verify(
            GeneratorRun run,
            [CallerFilePath] string callerFile = "",
            [CallerMemberName] string method = "")
        {
            Assert.NotEmpty(run.Sources);
            var directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
            var prefix = $"{Path.GetFileNameWithoutExtension(callerFile)}.{method}#";
            Directory.CreateDirectory(directory);

            var failures = new List<string>();
            var expectedFiles = new HashSet<string>(StringComparer.Ordinal);
            foreach (var source in run.Sources.OrderBy(s => s.HintName, StringComparer.Ordinal))
            {
                var baseName = prefix + Path.GetFileNameWithoutExtension(source.HintName);
                expectedFiles.Add(baseName + VerifiedSuffix);
                var failure = Compare(directory, baseName, source);
                if (failure is not null)
                {
                    failures.Add(failure);
                }
            }

            failures.AddRange(CheckStale(directory, prefix, expectedFiles));
            Assert.True(failures.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, failures));
        }

        /// <summary>The snapshot text of one generated file: hint-name line, LF endings, version scrubbed.</summary>
        public static string Render(GeneratedSourceResult source) =>
            Normalize($"//HintName: {source.HintName}\n{source.SourceText}");

        /// <summary>
        /// Checks one text against <c>Snapshots/{Class}.{Method}#{name}.verified{extension}</c> (e.g. the PTX a model
        /// emits, extension ".ptx"), with the same accept switch and diff as the C# snapshots.
        /// </summary>
        public static void VerifyText(
            string name,
            string text,
            string extension,
            [CallerFilePath] string callerFile = "",
            [CallerMemberName] string method = "")
        {
            var directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
            Directory.CreateDirectory(directory);
            var baseName = $"{Path.GetFileNameWithoutExtension(callerFile)}.{method}#{name}";
            var failure = Compare(directory, baseName, Normalize(text), ".verified" + extension, ".received" + extension);
            Assert.True(failure is null, failure);
        }

        private static string? Compare(string directory, string baseName, GeneratedSourceResult source) =>
            Compare(directory, baseName, Render(source), VerifiedSuffix, ReceivedSuffix);

        private static string? Compare(string directory, string baseName, string received, string verifiedSuffix, string receivedSuffix)
        {
            var verifiedPath = Path.Combine(directory, baseName + verifiedSuffix);
            var receivedPath = Path.Combine(directory, baseName + receivedSuffix);
            var verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;

            if (verified == received)
            {
                File.Delete(receivedPath);
                return null;
            }

            if (Accepting)
            {
                File.WriteAllText(verifiedPath, received, Utf8NoBom);
                File.Delete(receivedPath);
                return null;
            }

            File.WriteAllText(receivedPath, received, Utf8NoBom);
            return verified is null
                ? $"No snapshot {verifiedPath}; wrote {receivedPath}. Review it, then rename it or rerun with {AcceptVariable}=1."
                : $"Snapshot mismatch for {verifiedPath}; wrote {receivedPath}.{Environment.NewLine}{Diff(verified, received)}";
        }

        /// <summary>Verified snapshots of this test whose generated file no longer exists.</summary>
        private static IEnumerable<string> CheckStale(string directory, string prefix, HashSet<string> expectedFiles)
        {
            foreach (var path in Directory.EnumerateFiles(directory, prefix + "*" + VerifiedSuffix))
            {
                if (expectedFiles.Contains(Path.GetFileName(path)))
                {
                    continue;
                }

                if (Accepting)
                {
                    File.Delete(path);
                }
                else
                {
                    yield return $"Stale snapshot {path}: the generator no longer produces it. Delete it or rerun with {AcceptVariable}=1.";
                }
            }
        }

        private static string Normalize(string text)
        {
            text = text.TrimStart('\uFEFF').Replace("\r\n", "\n");
            return GeneratedCodeVersion().Replace(text, "${prefix}" + VersionPlaceholder + "\"");
        }

        /// <summary>
        /// A unified-style hunk over the region that differs: the common prefix and suffix are trimmed, the rest is
        /// diffed line by line (longest common subsequence), and at most <see cref="DiffLines"/> lines are shown.
        /// </summary>
        private static string Diff(string expected, string actual)
        {
            var a = expected.Split('\n');
            var b = actual.Split('\n');
            var start = 0;
            while (start < a.Length && start < b.Length && a[start] == b[start])
            {
                start++;
            }

            int endA = a.Length, endB = b.Length;
            while (endA > start && endB > start && a[endA - 1] == b[endB - 1])
            {
                endA--;
                endB--;
            }

            var diff = new StringBuilder();
            diff.Append("--- verified\n+++ received\n");
            diff.Append($"@@ -{start + 1},{endA - start} +{start + 1},{endB - start} @@\n");
            var shown = 0;
            foreach (var line in DiffRegion(a[start..endA], b[start..endB]))
            {
                if (shown++ == DiffLines)
                {
                    diff.Append("... (diff truncated)\n");
                    break;
                }

                diff.Append(line).Append('\n');
            }

            return diff.ToString();
        }

        /// <summary>The differing region as ' ', '-' and '+' lines; a region too large to diff is shown as - then +.</summary>
        private static IEnumerable<string> DiffRegion(string[] a, string[] b)
        {
            if ((long)a.Length * b.Length > 4_000_000)
            {
                return a.Select(l => "-" + l).Concat(b.Select(l => "+" + l));
            }

            // common[i, j] = length of the longest common subsequence of a[i..] and b[j..].
            var common = new int[a.Length + 1, b.Length + 1];
            for (var i = a.Length - 1; i >= 0; i--)
            {
                for (var j = b.Length - 1; j >= 0; j--)
                {
                    common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
                }
            }

            var lines = new List<string>();
            int x = 0, y = 0;
            while (x < a.Length || y < b.Length)
            {
                if (x < a.Length && y < b.Length && a[x] == b[y])
                {
                    lines.Add(" " + a[x++]);
                    y++;
                }
                else if (y < b.Length && (x == a.Length || common[x, y + 1] >= common[x + 1, y]))
                {
                    lines.Add("+" + b[y++]);
                }
                else
                {
                    lines.Add("-" + a[x++]);
                }
            }

            return lines;
        }

        [GeneratedRegex("(?<prefix>GeneratedCode\\(\"RnnGen\\.Generator\", \")[^\"]*\"")]
        private static partial Regex GeneratedCodeVersion();
    }
}
