using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Parsing
{
    /// <summary>
    /// Rejects user members and type parameters named like a generated member (RNNG0016, at the user's declaration),
    /// which would otherwise surface as CS0102 / CS0229 inside the generated file, where the user cannot fix them.
    /// Inherited members are not clashes: generated members hide them.
    /// </summary>
    internal static class MemberClashCheck
    {
        public static void Check(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            foreach (var parameter in type.TypeParameters)
            {
                Report(type, parameter, "a type parameter", GeneratedNames.IsReservedTypeParameter(parameter.Name), diagnostics);
            }

            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                foreach (var parameter in outer.TypeParameters)
                {
                    Report(type, parameter, $"a type parameter of {outer.Name}", GeneratedNames.IsKernelTypeParameter(parameter.Name), diagnostics);
                }
            }

            foreach (var member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member.IsImplicitlyDeclared || member is IMethodSymbol { MethodKind: not MethodKind.Ordinary })
                {
                    continue; // constructors, accessors, operators and compiler-made members have no clashing name
                }

                Report(type, member, Describe(member), GeneratedNames.IsReserved(member.Name), diagnostics);
            }
        }

        private static void Report(INamedTypeSymbol type, ISymbol member, string kind, bool clashes, List<DiagnosticInfo> diagnostics)
        {
            if (!clashes)
            {
                return;
            }

            var location = member.Locations.Length > 0 ? LocationInfo.From(member.Locations[0]) : null;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberNameClash, location, type.Name, kind, member.Name));
        }

        private static string Describe(ISymbol member) => member switch
        {
            IMethodSymbol => "a method",
            IPropertySymbol => "a property",
            IFieldSymbol { IsConst: true } => "a constant",
            IFieldSymbol => "a field",
            IEventSymbol => "an event",
            INamedTypeSymbol => "a nested type",
            _ => "a member",
        };
    }
}
