using System;
using System.Threading;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit
{
    /// <summary>
    /// The emit step's output for one model: its source, or what went wrong (RNNG0099). Values only, so an unchanged
    /// spec gives an equal result and the step stays cached.
    /// </summary>
    internal sealed record EmittedModel(TypeShellSpec Shell, string? Source, string? Error)
    {
        /// <summary>Plans and emits <paramref name="spec"/>; an exception becomes <see cref="Error"/> instead of escaping.</summary>
        public static EmittedModel Create(ModelSpec spec, CancellationToken cancellationToken)
        {
            try
            {
                var plan = Planner.Create(spec, Cpu.LayerKernels.FusesProjection);
                cancellationToken.ThrowIfCancellationRequested();
                return new EmittedModel(spec.Shell, ModelEmitter.Emit(plan), null);
            }
            catch (Exception e) when (InternalError.IsBug(e))
            {
                return new EmittedModel(spec.Shell, null, InternalError.Describe(e));
            }
        }
    }
}
