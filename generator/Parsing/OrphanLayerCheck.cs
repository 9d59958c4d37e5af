using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Parsing
{
    /// <summary>
    /// Finds layer attributes on a type without <c>[RecurrentNetwork]</c> (RNNG0015): without it nothing is generated,
    /// and the user would otherwise learn that only from a missing member. Reported once per type, at its first layer
    /// attribute.
    /// </summary>
    internal static class OrphanLayerCheck
    {
        /// <summary>The layer attributes' metadata names, one incremental pipeline each.</summary>
        public static readonly string[] MetadataNames =
        {
            AttributeNames.Namespace + "." + AttributeNames.Embedding,
            AttributeNames.Namespace + "." + AttributeNames.SimpleRnn,
            AttributeNames.Namespace + "." + AttributeNames.Lstm,
            AttributeNames.Namespace + "." + AttributeNames.Gru,
            AttributeNames.Namespace + "." + AttributeNames.Dense,
        };

        /// <summary>RNNG0015 for the type in <paramref name="context"/>, or null when it is a network or not the first layer attribute.</summary>
        public static DiagnosticInfo? Check(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            try
            {
                return CheckCore(context, cancellationToken);
            }
            catch (System.Exception e) when (InternalError.IsBug(e))
            {
                return InternalError.Create(context.TargetSymbol.Name, LocationInfo.From(context.TargetNode.GetLocation()), e);
            }
        }

        private static DiagnosticInfo? CheckCore(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type)
            {
                return null;
            }

            var attributes = type.GetAttributes();
            if (attributes.Any(a => a.AttributeClass?.ToDisplayString() == AttributeNames.RecurrentNetwork))
            {
                return null;
            }

            var layers = attributes.Where(a => MetadataNames.Contains(a.AttributeClass?.ToDisplayString())).ToList();
            var here = context.Attributes.FirstOrDefault();
            if (layers.Count == 0 || here is null || layers[0].ApplicationSyntaxReference?.Span != here.ApplicationSyntaxReference?.Span
                || layers[0].ApplicationSyntaxReference?.SyntaxTree != here.ApplicationSyntaxReference?.SyntaxTree)
            {
                return null; // another pipeline (the first attribute's) reports this type
            }

            var name = here.AttributeClass!.Name;
            var shortName = name.EndsWith("Attribute", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
            return DiagnosticInfo.Create(DiagnosticDescriptors.LayerWithoutNetwork, ModelParser.AttributeLocation(here, cancellationToken), shortName, type.Name);
        }
    }
}
