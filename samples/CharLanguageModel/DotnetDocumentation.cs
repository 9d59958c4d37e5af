using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>
    /// The default corpus: the English API documentation that ships with every .NET SDK, as the IntelliSense XML files
    /// beside the reference assemblies (<c>&lt;dotnet root&gt;/packs/Microsoft.NETCore.App.Ref/&lt;version&gt;/ref/net*/*.xml</c>),
    /// turned into plain text.
    /// </summary>
    /// <remarks>
    /// Each documented member contributes its <c>&lt;summary&gt;</c>, <c>&lt;remarks&gt;</c>, <c>&lt;param&gt;</c>,
    /// <c>&lt;returns&gt;</c> and <c>&lt;value&gt;</c> text, one paragraph per line. Cross-references become the name they
    /// point to (<c>&lt;see cref="T:System.String"/&gt;</c> → <c>String</c>, <c>&lt;see langword="null"/&gt;</c> →
    /// <c>null</c>), code blocks are dropped, white space is collapsed, paragraphs that are not sentences (instruction
    /// listings, fragments) are dropped, and paragraphs seen before ("The object to compare with the current object.")
    /// are kept once. Members are taken from the files in turn, so a capped corpus
    /// still covers every assembly.
    /// </remarks>
    public static class DotnetDocumentation
    {
        private static readonly HashSet<string> TextElements = new(StringComparer.Ordinal) { "summary", "remarks", "param", "typeparam", "returns", "value" };

        /// <summary>Loads the documentation text of the newest reference pack, at most <paramref name="maxCharacters"/> characters.</summary>
        /// <param name="maxCharacters">The cap on the corpus size.</param>
        /// <returns>The corpus, one paragraph per line.</returns>
        /// <exception cref="FileNotFoundException">No .NET SDK with reference documentation was found.</exception>
        public static Corpus Load(int maxCharacters)
        {
            var root = FindDotnetRoot() ?? throw new FileNotFoundException(
                "Could not find the .NET installation (set DOTNET_ROOT or put dotnet on PATH), so there is no default corpus; pass --corpus FILE.");
            var files = FindDocumentationFiles(root);
            if (files.Count == 0)
            {
                throw new FileNotFoundException(
                    $"No reference documentation (*.xml) under {Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref")}; pass --corpus FILE.");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            var perFile = files.Select(file => ReadMembers(file, seen)).Where(members => members.Count > 0).ToList();
            var text = Interleave(perFile, maxCharacters);
            var folder = Path.GetDirectoryName(files[0]) ?? root;
            return new Corpus($".NET API documentation ({files.Count} XML files in {folder})", text);
        }

        /// <summary>
        /// The .NET installation folder: <c>DOTNET_ROOT</c> when set, else the folder of the <c>dotnet</c> executable found
        /// on <c>PATH</c> (symbolic links resolved, e.g. <c>/usr/bin/dotnet</c> → <c>/usr/share/dotnet</c>), else the
        /// installation this program runs on.
        /// </summary>
        /// <returns>The folder, or null when none has a <c>packs</c> folder.</returns>
        public static string? FindDotnetRoot()
        {
            var candidates = new List<string?> { Environment.GetEnvironmentVariable("DOTNET_ROOT") };
            var executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
            foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var path = Path.Combine(folder, executable);
                if (File.Exists(path))
                {
                    var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
                    candidates.Add(Path.GetDirectoryName(target?.FullName ?? path));
                }
            }

            // <root>/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll
            var runtimeFolder = Path.GetDirectoryName(typeof(object).Assembly.Location);
            if (!string.IsNullOrEmpty(runtimeFolder))
            {
                candidates.Add(Path.GetFullPath(Path.Combine(runtimeFolder, "..", "..", "..")));
            }

            return candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && Directory.Exists(Path.Combine(c, "packs", "Microsoft.NETCore.App.Ref")));
        }

        /// <summary>The documentation XML files of the newest <c>Microsoft.NETCore.App.Ref</c> pack under <paramref name="dotnetRoot"/>, sorted by name.</summary>
        /// <param name="dotnetRoot">The .NET installation folder.</param>
        /// <returns>The files; empty when there are none.</returns>
        public static IReadOnlyList<string> FindDocumentationFiles(string dotnetRoot)
        {
            var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
            if (!Directory.Exists(packs))
            {
                return Array.Empty<string>();
            }

            foreach (var version in Directory.GetDirectories(packs).OrderByDescending(VersionOf))
            {
                var reference = Path.Combine(version, "ref");
                if (!Directory.Exists(reference))
                {
                    continue;
                }

                var framework = Directory.GetDirectories(reference, "net*").OrderByDescending(Path.GetFileName, StringComparer.Ordinal).FirstOrDefault();
                if (framework is not null)
                {
                    var files = Directory.GetFiles(framework, "*.xml");
                    Array.Sort(files, StringComparer.Ordinal);
                    if (files.Length > 0)
                    {
                        return files;
                    }
                }
            }

            return Array.Empty<string>();
        }

        /// <summary>Renders the documentation of one member (or any documentation element) as paragraphs of plain text.</summary>
        /// <param name="element">The element, e.g. a <c>&lt;summary&gt;</c>.</param>
        /// <returns>Its paragraphs, white space collapsed, empty ones left out.</returns>
        public static IEnumerable<string> Paragraphs(XElement element)
        {
            ArgumentNullException.ThrowIfNull(element);
            var builder = new StringBuilder();
            Render(element, builder);
            foreach (var line in builder.ToString().Split('\n'))
            {
                var paragraph = CollapseWhiteSpace(line);
                if (paragraph.Length > 0)
                {
                    yield return paragraph;
                }
            }
        }

        private static List<string> ReadMembers(string file, HashSet<string> seen)
        {
            XDocument document;
            try
            {
                document = XDocument.Load(file);
            }
            catch (XmlException)
            {
                return new List<string>(); // not a documentation file
            }

            var members = new List<string>();
            var builder = new StringBuilder();
            foreach (var member in document.Descendants("member"))
            {
                builder.Clear();
                foreach (var element in member.Elements())
                {
                    if (!TextElements.Contains(element.Name.LocalName))
                    {
                        continue;
                    }

                    foreach (var paragraph in Paragraphs(element))
                    {
                        if (IsProse(paragraph) && seen.Add(paragraph))
                        {
                            builder.Append(paragraph).Append('\n');
                        }
                    }
                }

                if (builder.Length > 0)
                {
                    members.Add(builder.ToString());
                }
            }

            return members;
        }

        /// <summary>
        /// Keeps sentences, not fragments or code: at least three words, ending like a sentence. This drops the
        /// instruction listings of the intrinsics documentation (<c>int32x4_t vqaddq_s32 (...)</c>, <c>A64: SQADD ...</c>).
        /// </summary>
        private static bool IsProse(string paragraph) =>
            paragraph.Count(c => c == ' ') >= 2 && (paragraph[^1] is '.' or '!' or '?') && paragraph.Any(char.IsLetter);

        /// <summary>Takes members from each file in turn until the cap.</summary>
        private static string Interleave(List<List<string>> perFile, int maxCharacters)
        {
            var builder = new StringBuilder();
            for (var index = 0; perFile.Count > 0 && builder.Length < maxCharacters; index++)
            {
                perFile.RemoveAll(members => members.Count <= index);
                foreach (var members in perFile)
                {
                    builder.Append(members[index]);
                    if (builder.Length >= maxCharacters)
                    {
                        break;
                    }
                }
            }

            return builder.ToString();
        }

        private static void Render(XElement element, StringBuilder builder)
        {
            foreach (var node in element.Nodes())
            {
                switch (node)
                {
                    case XText text:
                        builder.Append(text.Value.Replace('\n', ' '));
                        break;
                    case XElement child:
                        RenderElement(child, builder);
                        break;
                }
            }
        }

        private static void RenderElement(XElement element, StringBuilder builder)
        {
            switch (element.Name.LocalName)
            {
                case "see" or "seealso" or "xref":
                    if (element.Attribute("langword") is { } langword)
                    {
                        builder.Append(langword.Value);
                    }
                    else if (element.Nodes().Any())
                    {
                        Render(element, builder);
                    }
                    else
                    {
                        builder.Append(ShortName((string?)element.Attribute("cref") ?? (string?)element.Attribute("uid") ?? (string?)element.Attribute("href") ?? string.Empty));
                    }

                    break;
                case "paramref" or "typeparamref":
                    builder.Append((string?)element.Attribute("name"));
                    break;
                case "code":
                    builder.Append('\n');
                    break;
                case "para" or "list" or "item" or "listheader" or "br":
                    builder.Append('\n');
                    Render(element, builder);
                    builder.Append('\n');
                    break;
                case "term":
                    Render(element, builder);
                    builder.Append(": ");
                    break;
                default:
                    Render(element, builder);
                    break;
            }
        }

        /// <summary><c>M:System.Collections.BitArray.#ctor(System.Boolean[])</c> → <c>BitArray</c>; <c>T:System.Span`1</c> → <c>Span</c>.</summary>
        private static string ShortName(string reference)
        {
            var name = reference.Length > 2 && reference[1] == ':' ? reference[2..] : reference;
            var parenthesis = name.IndexOf('(', StringComparison.Ordinal);
            if (parenthesis >= 0)
            {
                name = name[..parenthesis];
            }

            var parts = name.TrimEnd('*').Split('.');
            var last = parts[^1] == "#ctor" && parts.Length > 1 ? parts[^2] : parts[^1];
            var tick = last.IndexOf('`', StringComparison.Ordinal);
            return tick >= 0 ? last[..tick] : last;
        }

        private static string CollapseWhiteSpace(string text)
        {
            var builder = new StringBuilder(text.Length);
            foreach (var c in text)
            {
                if (char.IsWhiteSpace(c))
                {
                    if (builder.Length > 0 && builder[^1] != ' ')
                    {
                        builder.Append(' ');
                    }
                }
                else
                {
                    builder.Append(c);
                }
            }

            return builder.ToString().TrimEnd();
        }

        private static Version VersionOf(string folder)
        {
            var name = Path.GetFileName(folder);
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            return Version.TryParse(dash >= 0 ? name[..dash] : name, out var version) ? version : new Version(0, 0);
        }
    }
}
