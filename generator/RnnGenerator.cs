using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Emit;
using RnnGen.Generator.Parsing;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator
{
    /// <summary>
    /// Turns <c>[RecurrentNetwork]</c> classes into compiled recurrent networks:
    /// attributes --parser--> ModelSpec --planner--> Plan --CPU emitter--> C#.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class RnnGenerator : IIncrementalGenerator
    {
        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            // One item per annotated class. ForAttributeWithMetadataName only re-runs the transform for classes whose
            // syntax changed, and the transform returns values only (no symbols or syntax), so an unchanged class
            // compares equal and its output is reused.
            var parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    AttributeNames.RecurrentNetwork,
                    static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                    static (ctx, ct) => ModelParser.Parse(ctx, ct))
                .WithTrackingName(TrackingNames.Parse);

            // Diagnostics travel on their own branch so a new location (say, a line added above the class) does not
            // invalidate the generated source.
            var diagnostics = parsed.Select(static (r, _) => r.Diagnostics).WithTrackingName(TrackingNames.Diagnostics);
            context.RegisterSourceOutput(diagnostics, static (spc, list) =>
            {
                foreach (var info in list)
                {
                    spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.Get(info.Id), info.Location?.ToLocation(), info.Arguments.ToArray()));
                }
            });

            // Layer attributes on a class without [RecurrentNetwork] generate nothing: say so (RNNG0015).
            foreach (var layerAttribute in OrphanLayerCheck.MetadataNames)
            {
                var orphans = context.SyntaxProvider
                    .ForAttributeWithMetadataName(layerAttribute, static (node, _) => node is TypeDeclarationSyntax, static (ctx, ct) => OrphanLayerCheck.Check(ctx, ct))
                    .Where(static d => d is not null);
                context.RegisterSourceOutput(orphans, static (spc, info) =>
                    spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.Get(info!.Id), info.Location?.ToLocation(), info.Arguments.ToArray())));
            }

            // Planning and emission run per class, only when its spec changed.
            var specs = parsed
                .Where(static r => r.Spec is not null)
                .Select(static (r, _) => r.Spec!)
                .WithTrackingName(TrackingNames.Spec);
            var sources = specs
                .Select(static (spec, _) => (spec.Shell.HintName, Source: ModelEmitter.Emit(Planner.Create(spec))))
                .WithTrackingName(TrackingNames.Emit);
            context.RegisterSourceOutput(sources, static (spc, item) => spc.AddSource(item.HintName, item.Source));

            // RNNG0014, once per compilation: a NativeAOT publish for x64 without IlcInstructionSet. It depends on the
            // project's properties only (the app that publishes may get its models from a library), and the value
            // record changes only when one of those properties does.
            var nativeAot = context.AnalyzerConfigOptionsProvider
                .Select(static (options, _) => NativeAotTarget.From(options.GlobalOptions))
                .WithTrackingName(TrackingNames.NativeAot);
            context.RegisterSourceOutput(nativeAot, static (spc, target) =>
            {
                if (target.UsesBaselineX64)
                {
                    spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NativeAotBaselineInstructionSet, Location.None));
                }
            });
        }
    }

    /// <summary>Names of the pipeline steps, for the incremental-caching tests.</summary>
    internal static class TrackingNames
    {
        public const string Parse = nameof(Parse);
        public const string Diagnostics = nameof(Diagnostics);
        public const string Spec = nameof(Spec);
        public const string Emit = nameof(Emit);
        public const string NativeAot = nameof(NativeAot);
    }
}
