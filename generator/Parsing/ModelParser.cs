using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Parsing
{
    /// <summary>
    /// Turns an annotated class into a <see cref="ModelSpec"/> plus diagnostics. This is the only place that sees
    /// symbols and syntax; nothing it returns refers to them.
    /// </summary>
    internal static class ModelParser
    {
        /// <summary>
        /// Parses the class; an exception (a bug) becomes RNNG0099 at the class instead of escaping, which would drop
        /// every generated file of the compilation (CS8785).
        /// </summary>
        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            try
            {
                return ParseCore(context, cancellationToken);
            }
            catch (System.Exception e) when (InternalError.IsBug(e))
            {
                var identifier = (context.TargetNode as BaseTypeDeclarationSyntax)?.Identifier;
                var location = LocationInfo.From(identifier?.GetLocation() ?? context.TargetNode.GetLocation());
                return new ParseResult(null, new[] { InternalError.Create(context.TargetSymbol.Name, location, e) }.ToEquatableArray());
            }
        }

        private static ParseResult ParseCore(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var symbol = (INamedTypeSymbol)context.TargetSymbol;
            var declaration = (TypeDeclarationSyntax)context.TargetNode;
            if (!IsFirstNetworkDeclaration(symbol, declaration, cancellationToken))
            {
                // [RecurrentNetwork] on several parts is CS0579 already; generate (once) for the first part only.
                return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
            }

            var classLocation = LocationInfo.From(declaration.Identifier.GetLocation());
            var diagnostics = new List<DiagnosticInfo>();
            var name = symbol.Name;

            var shell = ReadShell(symbol, declaration, classLocation, diagnostics, cancellationToken);
            if (shell is not null && GeneratedNames.IsReserved(symbol.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ReservedName, classLocation, symbol.Name));
            }

            if (shell is not null)
            {
                MemberClashCheck.Check(symbol, diagnostics, cancellationToken);
            }

            var networkAttribute = context.Attributes[0];
            var networkLocation = AttributeLocation(networkAttribute, cancellationToken) ?? classLocation;
            var features = NamedInt(networkAttribute, "InputSize", 0);
            var maxSteps = NamedInt(networkAttribute, "SequenceLength", Limits.DefaultSequenceLength);
            var maxBatch = NamedInt(networkAttribute, "BatchSize", Limits.DefaultBatchSize);
            CheckRange(diagnostics, networkLocation, "[RecurrentNetwork] SequenceLength", maxSteps, 1, Limits.MaxSequenceLength);
            CheckRange(diagnostics, networkLocation, "[RecurrentNetwork] BatchSize", maxBatch, 1, Limits.MaxBatchSize);
            if (HasNamed(networkAttribute, "InputSize"))
            {
                CheckRange(diagnostics, networkLocation, "[RecurrentNetwork] InputSize", features, 1, Limits.MaxFeatures);
            }

            var layerAttributes = symbol.GetAttributes()
                .Where(a => a.AttributeClass is { } c && c.ContainingNamespace?.ToDisplayString() == AttributeNames.Namespace && IsLayer(c.Name))
                .ToList();
            var trees = layerAttributes.Select(a => a.ApplicationSyntaxReference?.SyntaxTree).Distinct().Count();
            var spans = layerAttributes.Select(a => a.ApplicationSyntaxReference?.GetSyntax(cancellationToken).Parent?.Parent).Distinct().Count();
            if (trees > 1 || spans > 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayersSplitAcrossParts, classLocation, name));
            }

            var reader = new LayerReader(name, diagnostics, cancellationToken);
            foreach (var attribute in layerAttributes)
            {
                reader.Read(attribute);
            }

            var input = reader.Finish(features, HasNamed(networkAttribute, "InputSize"), networkLocation, classLocation);
            if (diagnostics.Count > 0 || shell is null || input is null)
            {
                return new ParseResult(null, diagnostics.ToEquatableArray());
            }

            var spec = new ModelSpec(shell, input, reader.Layers.ToEquatableArray(), reader.Head, maxSteps, maxBatch)
            {
                Cuda = NamedBool(networkAttribute, "Cuda", false),
                CudaFastMath = NamedBool(networkAttribute, "CudaFastMath", false),
                Weights = (WeightFormat)NamedInt(networkAttribute, "Weights", (int)WeightFormat.Float32),
            };
            WeightFormatCheck.Check(spec, name, networkLocation, diagnostics);
            WorkspaceCheck.Check(spec, name, networkLocation, diagnostics);
            if (diagnostics.Count > 0)
            {
                return new ParseResult(null, diagnostics.ToEquatableArray());
            }

            // A warning only: the model is generated (for the CPU) all the same.
            if (spec.CudaFastMath && !spec.Cuda)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FastMathWithoutCuda, networkLocation, name));
            }

            return new ParseResult(spec, diagnostics.ToEquatableArray()) { ClassLocation = classLocation };
        }

        private static bool IsLayer(string attributeName) => attributeName is AttributeNames.Embedding or AttributeNames.SimpleRnn
            or AttributeNames.Lstm or AttributeNames.Gru or AttributeNames.Dense;

        private static TypeShellSpec? ReadShell(
            INamedTypeSymbol symbol,
            TypeDeclarationSyntax declaration,
            LocationInfo? classLocation,
            List<DiagnosticInfo> diagnostics,
            CancellationToken cancellationToken)
        {
            if (symbol.IsStatic)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedType, classLocation, symbol.Name, "a static class cannot hold the network's weights; remove 'static'"));
                return null;
            }

            if (declaration is RecordDeclarationSyntax)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedType, classLocation, symbol.Name, "records are not supported; use a 'partial class'"));
                return null;
            }

            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotPartial, classLocation, symbol.Name));
                return null;
            }

            var types = new List<TypeDeclarationSpec>();
            for (var type = symbol; type is not null; type = type.ContainingType)
            {
                var syntax = type.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) as TypeDeclarationSyntax;
                if (syntax is null || !syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.UnsupportedType,
                        classLocation,
                        symbol.Name,
                        $"its containing type '{type.Name}' must also be declared 'partial'"));
                    return null;
                }

                if (type.IsFileLocal)
                {
                    // A file-local type's partial declarations in two files are two types: the generated part (another
                    // file) would declare a second class and the user's would silently get nothing.
                    var which = SymbolEqualityComparer.Default.Equals(type, symbol) ? "it is" : $"its containing type '{type.Name}' is";
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.UnsupportedType,
                        classLocation,
                        symbol.Name,
                        $"{which} file-local, and generated members are added from another file, where a 'file' type is a different type; remove 'file' (an 'internal' class keeps it out of other assemblies)"));
                    return null;
                }

                var keyword = syntax switch
                {
                    RecordDeclarationSyntax r => r.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
                    StructDeclarationSyntax => "struct",
                    InterfaceDeclarationSyntax => "interface",
                    _ => "class",
                };
                var typeParameters = type.TypeParameters.Length == 0 ? string.Empty : "<" + string.Join(", ", type.TypeParameters.Select(p => Escape(p.Name))) + ">";
                types.Insert(0, new TypeDeclarationSpec(keyword, Escape(type.Name), typeParameters, type.Arity));
            }

            var ns = symbol.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
            return new TypeShellSpec(ns, types.ToEquatableArray());
        }

        /// <summary>Whether <paramref name="declaration"/> carries the symbol's first [RecurrentNetwork] (the pipeline sees each part).</summary>
        private static bool IsFirstNetworkDeclaration(INamedTypeSymbol symbol, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
        {
            var first = symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == AttributeNames.RecurrentNetwork);
            var owner = first?.ApplicationSyntaxReference?.GetSyntax(cancellationToken).Parent?.Parent;
            return owner is null || owner == declaration;
        }

        /// <summary>Prefixes reserved words with '@' so the generated declaration parses.</summary>
        private static string Escape(string identifier) =>
            SyntaxFacts.IsReservedKeyword(SyntaxFacts.GetKeywordKind(identifier)) ? "@" + identifier : identifier;

        internal static LocationInfo? AttributeLocation(AttributeData attribute, CancellationToken cancellationToken) =>
            LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation());

        internal static int NamedInt(AttributeData attribute, string name, int fallback)
        {
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Key == name && pair.Value.Value is int value)
                {
                    return value;
                }
            }

            return fallback;
        }

        internal static bool NamedBool(AttributeData attribute, string name, bool fallback)
        {
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Key == name && pair.Value.Value is bool value)
                {
                    return value;
                }
            }

            return fallback;
        }

        /// <summary>
        /// A named dropout rate (0 when absent); reports RNNG0011 and returns 0 when it is not in [0, 1).
        /// </summary>
        internal static float DropoutRate(AttributeData attribute, string name, string what, List<DiagnosticInfo> diagnostics, LocationInfo? location)
        {
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Key == name && pair.Value.Value is float value)
                {
                    if (value >= 0f && value < 1f)
                    {
                        return value;
                    }

                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DropoutOutOfRange, location, $"{what} {name}", value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
                    return 0f;
                }
            }

            return 0f;
        }

        internal static bool HasNamed(AttributeData attribute, string name) => attribute.NamedArguments.Any(p => p.Key == name);

        internal static bool CheckRange(List<DiagnosticInfo> diagnostics, LocationInfo? location, string what, long value, long min, long max)
        {
            if (value >= min && value <= max)
            {
                return true;
            }

            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.SizeOutOfRange,
                location,
                what,
                value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                min.ToString(System.Globalization.CultureInfo.InvariantCulture),
                max.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return false;
        }
    }

    /// <summary>The parser's answer: a spec when the declaration is valid, and the diagnostics it found.</summary>
    internal sealed record ParseResult(ModelSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics)
    {
        /// <summary>The class name of a valid model, where a later failure to emit it is reported (RNNG0099).</summary>
        public LocationInfo? ClassLocation { get; init; }
    }
}
