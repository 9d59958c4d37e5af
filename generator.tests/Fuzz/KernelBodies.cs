using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Emit.Cpu;

namespace RnnGen.Generator.Tests.Fuzz
{
    /// <summary>
    /// The generated kernels (<c>Layer0Recurrent&lt;TOps, TVec&gt;</c>, generic over the vector width, and the int8
    /// kernels' <c>_V256</c> and <c>_Scalar</c> copies) are most of a generated file's
    /// compile time. They are static and name nothing but their parameters, their locals, the class's own members and
    /// <c>global::</c>-qualified types (<see cref="CapturableNames"/> checks that in every generated file), so no user
    /// declaration can change how they bind: the fuzz test compiles them for a sample of programs and
    /// <see cref="Strip">stubs</see> them for the rest, whose declarations and other members are still compiled in full.
    /// </summary>
    internal static class KernelBodies
    {
        private static readonly string[] Suffixes = VectorFlavor.All.Select(f => "_" + f.Suffix).ToArray();

        public static bool IsKernel(MethodDeclarationSyntax method) =>
            method.Modifiers.Any(SyntaxKind.StaticKeyword)
            && (method.TypeParameterList?.Parameters.Any(p => p.Identifier.ValueText == VectorFlavor.OpsParameter) == true
                || Suffixes.Any(s => method.Identifier.ValueText.EndsWith(s, System.StringComparison.Ordinal)));

        /// <summary>The tree with every kernel's body replaced by <c>throw null!;</c>.</summary>
        public static SyntaxTree Strip(SyntaxTree tree)
        {
            var root = tree.GetRoot();
            var stub = SyntaxFactory.ParseStatement("throw null!;");
            var stripped = root.ReplaceNodes(
                root.DescendantNodes().OfType<MethodDeclarationSyntax>().Where(m => m.Body is not null && IsKernel(m)),
                (_, m) => m.WithBody(SyntaxFactory.Block(stub)).WithExpressionBody(null));
            return tree.WithRootAndOptions(stripped, tree.Options);
        }

        /// <summary>
        /// Simple names in kernel bodies that name-lookup would resolve in the user's scope: anything but a parameter,
        /// a local, a member of the generated class, or a name qualified by <c>.</c> or <c>global::</c>. A type named
        /// <c>var</c> or <c>nuint</c>, or a method named <c>nameof</c>, would take over such a name.
        /// </summary>
        public static IEnumerable<string> CapturableNames(SyntaxTree tree)
        {
            foreach (var type in tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>())
            {
                var members = new HashSet<string>(type.Members.SelectMany(DeclaredNames), System.StringComparer.Ordinal);
                foreach (var kernel in type.Members.OfType<MethodDeclarationSyntax>().Where(IsKernel))
                {
                    var locals = new HashSet<string>(
                        kernel.ParameterList.Parameters.Select(p => p.Identifier.ValueText)
                            .Concat(kernel.TypeParameterList?.Parameters.Select(p => p.Identifier.ValueText) ?? Enumerable.Empty<string>())
                            .Concat(kernel.DescendantNodes().OfType<VariableDeclaratorSyntax>().Select(v => v.Identifier.ValueText))
                            .Concat(kernel.DescendantNodes().OfType<ForEachStatementSyntax>().Select(f => f.Identifier.ValueText))
                            .Concat(kernel.DescendantNodes().OfType<SingleVariableDesignationSyntax>().Select(d => d.Identifier.ValueText)),
                        System.StringComparer.Ordinal);
                    foreach (var name in kernel.DescendantNodes().OfType<SimpleNameSyntax>())
                    {
                        var qualified = name.Parent switch
                        {
                            MemberAccessExpressionSyntax access => access.Name == name,
                            QualifiedNameSyntax qualifiedName => qualifiedName.Right == name,
                            AliasQualifiedNameSyntax => true,
                            _ => false,
                        };
                        if (!qualified && !locals.Contains(name.Identifier.ValueText) && !members.Contains(name.Identifier.ValueText))
                        {
                            yield return $"{kernel.Identifier.ValueText} uses '{name.Identifier.ValueText}'";
                        }
                    }
                }
            }
        }

        private static IEnumerable<string> DeclaredNames(MemberDeclarationSyntax member) => member switch
        {
            BaseFieldDeclarationSyntax field => field.Declaration.Variables.Select(v => v.Identifier.ValueText),
            MethodDeclarationSyntax method => new[] { method.Identifier.ValueText },
            PropertyDeclarationSyntax property => new[] { property.Identifier.ValueText },
            BaseTypeDeclarationSyntax type => new[] { type.Identifier.ValueText },
            _ => System.Array.Empty<string>(),
        };
    }
}
