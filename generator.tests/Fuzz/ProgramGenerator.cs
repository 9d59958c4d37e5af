using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace RnnGen.Generator.Tests.Fuzz
{
    /// <summary>
    /// Writes one random program from a seed: a network class (or two) in an odd shape (nested in classes, structs,
    /// records, interfaces, generic and file-local types; in namespaces, case twins, the global namespace; generic,
    /// lower-case, keyword and reserved names), with user members and base classes that may clash with generated ones,
    /// and now and then garbled text. The same seed always writes the same program.
    /// </summary>
    internal sealed class ProgramGenerator
    {
        private static readonly string[] ModelNames =
        {
            "Model", "Net", "CharModel", "Encoder", "M", "Model2", "_Model", "Modèle", "NetworkOfNetworks", "Layer", "States", "Forwarder", "Layer0Extra",
            "model", "var", "nuint", "nameof", "dynamic", "value", "unmanaged", "@class", "@event",
        };

        // Class names that are generated member names (RNNG0010).
        private static readonly string[] ReservedNames = { "State", "Forward", "Layer0", "StateCount", "Training", "HeadProjection_V256", "_workspace", "Layer1ReverseParameters" };

        private static readonly string[] TypeParameters = { "<T>", "<T>", "<T, U>", "<TInput>", "<var>" };

        private static readonly string[] ReservedTypeParameters = { "<State>", "<InputSize>" };

        private static readonly string[] Constraints = { " where T : class", " where T : struct", " where T : unmanaged", " where T : notnull", " where T : new()" };

        // Members of the model: unrelated, or named like contextual keywords.
        private static readonly string[] Members =
        {
            "public int Answer => 42;", "private readonly int _seed = 1;", "public static void Helper() { }", "public override string ToString() => \"m\";",
            "internal float Scale { get; set; } = 1f;", "public static readonly int[] Table = { 1, 2 };", "public void Run(int steps) { }",
            "public int nameof(object o) => 0;", "public class var { }", "public class nuint { }", "public static int value;", "public int dynamic;",
            "public int Layer { get; set; }", "public void Forwards() { }", "public static int MaxSteps = 3;",
        };

        // Members named like generated ones (RNNG0016).
        private static readonly string[] ClashingMembers =
        {
            "public int OutputSize => 1;", "public sealed class State { }", "public object CreateState() => new object();", "public void CreateState(int i) { }",
            "public void Forward(int x) { }", "private int _workspace;", "public int Layer0 { get; set; }", "public int Layer0Units;",
        };

        // Members of a base class, several named like generated ones: the generated members hide them.
        private static readonly string[] BaseMembers =
        {
            "public virtual void Forward() { }", "public void Forward(int x) { }", "public int OutputSize => 1;", "public static int InputSize = 3;",
            "public class State { }", "public void CreateState(int i) { }", "protected float[] _parameters = new float[1];", "public int nameof(object o) => 0;",
            "public virtual bool Training { get; set; }", "public int Step;", "public event System.Action? Backward;", "public int Answer => 42;",
            "public virtual int LayerCount => 0;", "public static string Layer0 = \"x\";",
        };

        // Containing types: partial (nested models are supported), and some that RnnGen must reject (RNNG0006).
        private static readonly (string Header, string Name, int Arity, bool IsClass)[] Containers =
        {
            ("public partial class {0}", "Outer", 0, true), ("internal partial class {0}", "Outer", 0, true), ("partial struct {0}", "Holder", 0, false),
            ("public partial record {0}", "Rec", 0, true), ("public partial record struct {0}", "RecS", 0, false), ("public static partial class {0}", "Holder", 0, true),
            ("public partial interface {0}", "IOuter", 0, false), ("public readonly partial struct {0}", "RO", 0, false), ("public ref partial struct {0}", "RS", 0, false),
            ("public sealed partial class {0}", "Outer", 0, true), ("public abstract partial class {0}", "Outer", 0, true),
            ("public partial class {0}<T>", "Outer", 1, true), ("public partial class {0}<T, U> where T : class", "Outer", 2, true), ("public partial class {0}<var>", "Outer", 1, true),
            ("public partial class {0}<TModel>", "Outer", 1, true),
        };

        // Containing types RnnGen cannot generate into (RNNG0006), or that cannot hold a class at all.
        private static readonly (string Header, string Name, int Arity, bool IsClass)[] BadContainers =
        {
            ("public class {0}", "Outer", 0, true), ("file partial class {0}", "Outer", 0, true),

            // No class can be nested in a variant interface (CS8427).
            ("public partial interface {0}<out T>", "IOuter", 1, false), ("public partial interface {0}<in T>", "IOuter", 1, false),
        };

        private static readonly string[] ContainerMembers =
        {
            "public static void nameof(int x) { }", "public static int InputSize => 1;", "public class var { }", "public static int Forward;", "public class State { }",
        };

        // Declarations beside the model, in its namespace (or the global one): types named like contextual keywords or
        // like the generated code's types, and extension methods named like the span methods generated code calls.
        private static readonly string[] ScopeDeclarations =
        {
            "public class var { }", "public class nuint { }", "public class dynamic { }", "public struct Vector512 { }", "public class Unsafe { }",
            "public class MemoryExtensions { }", "public delegate void nameof(object o);", "public class Span<T> { }", "public interface IDisposable { }",
            "public static class SpanExtensions\n{\n    public static void Clear(this System.Span<float> span) { }\n    public static void CopyTo(this System.ReadOnlySpan<float> source, System.Span<float> destination) { }\n    public static System.Span<float> AsSpan(this float[] array, int start, int length) => default;\n    public static System.Span<float> Slice(this System.Span<float> span, int start) => default;\n}",
        };

        // Global usings reach generated files too (only the batch's global program writes them: they reach every program).
        private static readonly string[] GlobalUsings =
        {
            "global using static System.Math;", "global using System.Linq;", "global using System.Runtime.Intrinsics;", "global using System.Numerics;",
            "global using static System.Runtime.CompilerServices.Unsafe;", "global using Vector = System.Numerics.Vector<float>;", "global using static System.MemoryExtensions;",
        };

        private static readonly string[] Tokens = { "[", "]", "(", ")", "{", "}", ",", "=", ";", "Lstm(", "\"x\"", "partial", "class", "<", ">", "@", "#if X", "/*", "namespace" };

        private readonly Random _r;
        private readonly int _index;
        private readonly bool _global;
        private readonly bool _wild;
        private readonly AttributeWriter _attributes;
        private readonly List<FuzzFile> _files = new();
        private readonly List<string> _models = new();
        private readonly HashSet<string> _declaredBases = new(StringComparer.Ordinal);

        private ProgramGenerator(int index, int seed, bool global)
        {
            _r = new Random(seed);
            _index = index;
            _global = global;
            _wild = _r.NextDouble() < 0.45;
            _attributes = new AttributeWriter(_r, global ? "global::Sizes" : $"global::{Root}.Sizes", _wild);
        }

        private string Root => "P" + _index.ToString(CultureInfo.InvariantCulture);

        public static FuzzProgram Create(int index, int seed, bool global)
        {
            var generator = new ProgramGenerator(index, seed, global);
            var shape = generator.Build() + (generator._wild ? ", wild" : string.Empty);
            return new FuzzProgram(index, seed, global, generator._files, generator._models, shape);
        }

        private string Build()
        {
            var roll = _r.Next(100);
            string shape;
            if (roll < 66)
            {
                shape = "single";
                var ns = Namespace();
                AddFile(ns, Model(ns, Wild(0.15) ? Pick(ReservedNames) : Pick(ModelNames), allowContainers: true, out _));
            }
            else if (roll < 72)
            {
                shape = "case-twin classes";
                var ns = Namespace();
                var name = Pick("MyModel", "Model", "Net", "M");
                var twin = name.Length == 1 ? name.ToLowerInvariant() : name.Substring(0, 1) + (name.Substring(1) == name.Substring(1).ToLowerInvariant() ? name.Substring(1).ToUpperInvariant() : name.Substring(1).ToLowerInvariant());
                AddFile(ns, Model(ns, name, allowContainers: false, out _));
                AddFile(ns, Model(ns, twin, allowContainers: false, out _));
            }
            else if (roll < 77 && !_global)
            {
                shape = "case-twin namespaces";
                var suffix = Pick("Game", "Models", "Net");
                AddFile(Root + "." + suffix, Model(Root + "." + suffix, "M", allowContainers: false, out _));
                AddFile(Root + "." + suffix.ToLowerInvariant(), Model(Root + "." + suffix.ToLowerInvariant(), "M", allowContainers: false, out _));
            }
            else if (roll < 82)
            {
                shape = "model deriving from a model";
                var ns = Namespace();
                AddFile(ns, Model(ns, "Parent", allowContainers: false, out _) + "\n" + Model(ns, "Child", allowContainers: false, out _, baseType: "Parent"));
            }
            else if (roll < 87)
            {
                shape = "parts in two files";
                var ns = Namespace();
                var name = Pick("Model", "Split", "model");
                AddFile(ns, Model(ns, name, allowContainers: false, out var header));
                var second = !Wild(0.5) ? string.Empty : _r.Next(2) switch
                {
                    0 => string.Join(" ", _attributes.Orphans()) + "\n", // RNNG0008
                    _ => "[RecurrentNetwork(InputSize = 4)]\n", // CS0579
                };
                AddFile(ns, $"{second}{header}\n{{\n    {Pick(Members)}\n}}\n");
            }
            else if (roll < 91 && _wild)
            {
                shape = "layers without [RecurrentNetwork]";
                AddFile(Namespace(), $"{string.Join(" ", _attributes.Orphans())}\npublic partial class {Pick("Forgotten", "Model", "var")}\n{{\n}}\n");
            }
            else
            {
                shape = "two models";
                var ns = Namespace();
                AddFile(ns, Model(ns, Pick("Model", "Encoder"), allowContainers: true, out _));
                AddFile(ns, Model(ns, Pick("Decoder", "Other", "model"), allowContainers: true, out _));
            }

            if (_r.NextDouble() < 0.2)
            {
                var declarations = Enumerable.Range(0, _r.Next(1, 4)).Select(_ => Pick(ScopeDeclarations)).Distinct();
                AddFile(_global ? null : Root, string.Join("\n", declarations) + "\n", garble: false);
            }

            if (_global && _r.NextDouble() < 0.4)
            {
                AddFile(null, string.Join("\n", Enumerable.Range(0, _r.Next(1, 4)).Select(_ => Pick(GlobalUsings)).Distinct()) + "\n", garble: false, usings: false);
            }

            if (_attributes.Constants.Count > 0)
            {
                var constants = string.Concat(_attributes.Constants.Select(c => $"    public const int {c.Name} = {c.Value.ToString(CultureInfo.InvariantCulture)};\n"));
                AddFile(_global ? null : Root, $"internal static class Sizes\n{{\n{constants}}}\n", garble: false);
            }

            return shape;
        }

        /// <summary>A namespace under the program's root, or none for the global program.</summary>
        private string? Namespace() => _global ? null : Root + Pick(string.Empty, string.Empty, ".Game", ".Models.Deep", ".@namespace.@if", ".Über", ".game");

        /// <summary>
        /// Declares a network class (nested in random containing types when allowed), records its metadata name, and
        /// returns its text; <paramref name="header"/> is a bare partial declaration of the same class, for a second part.
        /// </summary>
        private string Model(string? ns, string name, bool allowContainers, out string header, string? baseType = null)
        {
            var text = new StringBuilder();
            var extraTypes = new StringBuilder();
            var metadata = new List<string>();
            var closing = new List<string>();
            var indent = string.Empty;
            var nested = false;
            var depth = allowContainers ? Pick(0, 0, 0, 0, 0, 0, 1, 1, 1, 2) : 0;
            for (var level = 0; level < depth; level++)
            {
                var container = Wild(0.1) ? Pick(BadContainers) : Pick(Containers);
                if (container.Header.StartsWith("file", StringComparison.Ordinal) && nested)
                {
                    container = Containers[0];
                }

                var containerName = container.Name + level.ToString(CultureInfo.InvariantCulture);
                text.Append(indent).Append(Doc()).Append(indent).AppendFormat(CultureInfo.InvariantCulture, container.Header, containerName).Append('\n');
                text.Append(indent).Append("{\n");
                if (container.IsClass && _r.NextDouble() < 0.15)
                {
                    text.Append(indent).Append("    ").Append(Pick(ContainerMembers)).Append('\n');
                }

                metadata.Add(containerName + Arity(container.Arity));
                closing.Insert(0, indent + "}\n");
                indent += "    ";
                nested = true;
            }

            var typeParameters = _r.NextDouble() < 0.12 ? (Wild(0.3) ? Pick(ReservedTypeParameters) : Pick(TypeParameters)) : string.Empty;
            var constraint = (typeParameters.StartsWith("<T>", StringComparison.Ordinal) || typeParameters.StartsWith("<T,", StringComparison.Ordinal)) && _r.NextDouble() < 0.3 ? Pick(Constraints) : string.Empty;
            var modifiers = Modifiers(nested);
            var keyword = Wild(0.05) ? "record" : "class";
            var partial = !Wild(0.08) ? "partial " : string.Empty;
            var bases = new List<string>();
            var members = Enumerable.Range(0, Pick(0, 0, 0, 1, 1, 2, 3)).Select(_ => Wild(0.3) ? Pick(ClashingMembers) : Pick(Members)).Distinct().ToList();
            if (baseType is not null)
            {
                bases.Add(baseType);
            }
            else if (_r.NextDouble() < 0.25)
            {
                bases.Add(Pick("ModelBase", "ModelBase", "System.Exception", "System.Collections.ObjectModel.Collection<float>"));
                if (bases[0] == "ModelBase" && _declaredBases.Add(ns ?? string.Empty))
                {
                    var baseMembers = Enumerable.Range(0, _r.Next(1, 4)).Select(_ => Pick(BaseMembers)).Distinct();
                    extraTypes.Append(Doc()).Append("public class ModelBase\n{\n").Append(string.Concat(baseMembers.Select(m => "    " + m + "\n"))).Append("}\n");
                }
            }

            if (_r.NextDouble() < 0.05)
            {
                bases.Add("System.IDisposable");
                members.Add("public void Dispose() { }");
            }

            var identifier = name;
            var bareName = name.TrimStart('@');
            if (_r.NextDouble() < 0.1 && typeParameters.Length == 0 && keyword == "class")
            {
                members.Add($"public {identifier}() {{ }}");
            }

            var baseList = bases.Count == 0 ? string.Empty : " : " + string.Join(", ", bases);
            var declaration = $"{modifiers}{partial}{keyword} {identifier}{typeParameters}{baseList}{constraint}";
            header = $"{partial}{keyword} {identifier}{typeParameters}";
            var attributes = _attributes.Network(_r.Next(10) switch { 0 => "RnnGen.RecurrentNetwork", 1 => "global::RnnGen.RecurrentNetworkAttribute", _ => "RecurrentNetwork" });
            var attributeText = _r.Next(3) switch
            {
                0 => "[" + string.Join(", ", attributes.Select(a => a.Substring(1, a.Length - 2))) + "]",
                1 => string.Join(" ", attributes),
                _ => string.Join("\n" + indent, attributes),
            };

            text.Append(indent).Append(Doc()).Append(indent).Append(attributeText).Append('\n');
            text.Append(indent).Append(declaration).Append('\n').Append(indent).Append("{\n");
            foreach (var member in members)
            {
                text.Append(indent).Append("    ").Append(member).Append('\n');
            }

            text.Append(indent).Append("}\n");
            foreach (var close in closing)
            {
                text.Append(close);
            }

            metadata.Add(bareName + Arity(typeParameters.Count(c => c == ',') + (typeParameters.Length > 0 ? 1 : 0)));
            var metadataNamespace = ns?.Replace("@", string.Empty, StringComparison.Ordinal);
            _models.Add((metadataNamespace is null ? string.Empty : metadataNamespace + ".") + string.Join("+", metadata));
            return extraTypes.Append(text).ToString();
        }

        private string Modifiers(bool nested)
        {
            var access = nested
                ? (Wild(0.3) ? Pick("protected ", "protected internal ", "private protected ") : Pick("public ", "internal ", string.Empty, "private "))
                : Pick("public ", "public ", "internal ", string.Empty);
            var extra = _r.Next(20) switch
            {
                0 or 1 => "sealed ",
                2 => "abstract ",
                3 => "unsafe ",
                4 => nested ? "new " : string.Empty,
                5 => _wild ? "static " : string.Empty,
                6 => _wild ? "file " : string.Empty,
                _ => string.Empty,
            };
            return extra == "file " && nested ? access : (extra == "file " ? extra : access + extra);
        }

        private void AddFile(string? ns, string body, bool garble = true, bool usings = true)
        {
            var usingRnnGen = usings && !Wild(0.1) ? "using RnnGen;\n" : string.Empty;
            string text;
            if (ns is null)
            {
                text = usingRnnGen + body;
            }
            else if (_r.NextDouble() < 0.3)
            {
                text = $"{usingRnnGen}namespace {ns};\n\n{body}";
            }
            else
            {
                var inner = string.Concat(body.Split('\n').Select(line => line.Length == 0 ? "\n" : "    " + line + "\n")).TrimEnd('\n');
                text = $"{usingRnnGen}namespace {ns}\n{{\n{inner}\n}}\n";
            }

            if (garble && Wild(0.2))
            {
                text = Garble(text);
                _models.Clear(); // garbled text may hide a class from the compiler without an error (a cut inside a comment)
            }

            _files.Add(new FuzzFile(FuzzProgram.FilePrefix(_index) + _files.Count.ToString(CultureInfo.InvariantCulture) + ".cs", text));
        }

        /// <summary>Syntax garbage: a character dropped, a token inserted, a line doubled or the file cut short.</summary>
        private string Garble(string text)
        {
            var at = _r.Next(text.Length);
            var start = text.LastIndexOf('\n', at) + 1;
            var end = text.IndexOf('\n', at);
            return _r.Next(4) switch
            {
                0 => text.Remove(at, 1),
                1 => text.Insert(at, Pick(Tokens)),
                2 => text.Substring(0, at),
                _ => text.Insert(start, end < 0 ? text.Substring(start) + "\n" : text.Substring(start, end - start + 1)),
            };
        }

        /// <summary>True with probability <paramref name="p"/> in a wild program, never in a tame one.</summary>
        private bool Wild(double p) => _wild && _r.NextDouble() < p;

        private string Doc() => _r.NextDouble() < 0.85 ? "/// <summary>Doc.</summary>\n" : string.Empty;

        private static string Arity(int arity) => arity == 0 ? string.Empty : "`" + arity.ToString(CultureInfo.InvariantCulture);

        private T Pick<T>(params T[] items) => items[_r.Next(items.Length)];
    }
}
