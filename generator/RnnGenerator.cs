using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Emit;
using RnnGen.Generator.Model;
using RnnGen.Generator.Parsing;

namespace RnnGen.Generator
{
    /// <summary>
    /// Turns <c>[RecurrentNetwork]</c> classes into compiled recurrent networks:
    /// attributes --parser--> ModelSpec --planner--> Plan --CPU emitter--> C#.
    /// Every step catches its own exceptions and reports them as RNNG0099: an exception escaping a generator is a
    /// CS8785 warning that silently drops all generated code.
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
            var emitted = specs
                .Select(static (spec, ct) => EmittedModel.Create(spec, ct))
                .WithTrackingName(TrackingNames.Emit);

            // Hint names must be unique ignoring case across all models; each model's name is settled against the
            // others' names only, so editing one model re-adds only its own source.
            var hintNames = specs
                .Select(static (spec, _) => spec.Shell.HintName)
                .Collect()
                .Select(static (names, _) => names.ToEquatableArray())
                .WithTrackingName(TrackingNames.HintNames);
            context.RegisterSourceOutput(
                emitted.Where(static e => e.Source is not null).Combine(hintNames),
                static (spc, item) => AddSource(spc, item.Left, item.Right));

            // A model that failed to emit: RNNG0099 at its class name. The location lives outside the spec (moving the
            // class must not re-emit it), so it is looked up among the parse results; this runs only on a failure.
            var classLocations = parsed
                .Where(static r => r.Spec is not null)
                .Select(static (r, _) => (r.Spec!.Shell, r.ClassLocation))
                .Collect();
            context.RegisterSourceOutput(
                emitted.Where(static e => e.Error is not null).Combine(classLocations),
                static (spc, item) =>
                {
                    var location = item.Right.FirstOrDefault(l => l.Shell.Equals(item.Left.Shell)).ClassLocation;
                    spc.ReportDiagnostic(InternalError.ToDiagnostic(item.Left.Shell.Target.Name, location?.ToLocation(), item.Left.Error!));
                });

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

        private static void AddSource(SourceProductionContext context, EmittedModel model, EquatableArray<string> allNames)
        {
            var hintName = HintNames.Resolve(model.Shell.HintName, allNames);
            if (hintName is null)
            {
                return; // two models with one full name: the compiler already reports CS0101
            }

            try
            {
                context.AddSource(hintName, model.Source!);
            }
            catch (ArgumentException e)
            {
                // A hint name Roslyn refuses is our bug; say so rather than let it become CS8785.
                context.ReportDiagnostic(InternalError.ToDiagnostic(model.Shell.Target.Name, null, InternalError.Describe(e)));
            }
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
        public const string HintNames = nameof(HintNames);
    }
}
