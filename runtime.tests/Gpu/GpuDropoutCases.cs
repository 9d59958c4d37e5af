using System;
using System.Collections.Generic;

namespace RnnGen.Runtime.Tests.Gpu
{
    /// <summary>The dropout models of GpuModels.cs registered as <see cref="IGpuCase"/>s, with their dropout switches and masks.</summary>
    internal static class GpuDropoutCases
    {
        public static IEnumerable<Func<IGpuCase>> All => new Func<IGpuCase>[]
        {
            () => new GpuCase<GpuDropoutLstm, GpuDropoutLstm.CudaModel, GpuDropoutLstm.State, float>((m, d) => m.ToCuda(d), (12, true), (7, true))
            {
                SeedDropout = (m, g, seed) => { m.SeedDropout(seed); g.SeedDropout(seed); },
                CpuMask = (m, site, layer, mask) => m.CopyDropoutMask(site, layer, mask),
                GpuMask = (g, site, layer, mask) => g.CopyDropoutMask(site, layer, mask),
            },
            () => new GpuCase<GpuDropoutGru, GpuDropoutGru.CudaModel, GpuDropoutGru.State, float>((m, d) => m.ToCuda(d), (10, false), (9, false), (6, false))
            {
                SeedDropout = (m, g, seed) => { m.SeedDropout(seed); g.SeedDropout(seed); },
                CpuMask = (m, site, layer, mask) => m.CopyDropoutMask(site, layer, mask),
                GpuMask = (g, site, layer, mask) => g.CopyDropoutMask(site, layer, mask),
            },
            () => new GpuCase<GpuDropoutEmbedding, GpuDropoutEmbedding.CudaModel, object, int>((m, d) => m.ToCuda(d), (9, true), (9, true))
            {
                SeedDropout = (m, g, seed) => { m.SeedDropout(seed); g.SeedDropout(seed); },
                CpuMask = (m, site, layer, mask) => m.CopyDropoutMask(site, layer, mask),
                GpuMask = (g, site, layer, mask) => g.CopyDropoutMask(site, layer, mask),
                GpuDeterministic = (g, on) => g.DeterministicEmbeddingGradients = on,
            },
            () => new GpuCase<GpuDropoutBidirectional, GpuDropoutBidirectional.CudaModel, object, float>((m, d) => m.ToCuda(d), (8, false), (8, false), (5, false))
            {
                SeedDropout = (m, g, seed) => { m.SeedDropout(seed); g.SeedDropout(seed); },
                CpuMask = (m, site, layer, mask) => m.CopyDropoutMask(site, layer, mask),
                GpuMask = (g, site, layer, mask) => g.CopyDropoutMask(site, layer, mask),
            },
            () => new GpuCase<GpuDropoutInput, GpuDropoutInput.CudaModel, GpuDropoutInput.State, float>((m, d) => m.ToCuda(d), (5, true))
            {
                SeedDropout = (m, g, seed) => { m.SeedDropout(seed); g.SeedDropout(seed); },
                CpuMask = (m, site, layer, mask) => m.CopyDropoutMask(site, layer, mask),
                GpuMask = (g, site, layer, mask) => g.CopyDropoutMask(site, layer, mask),
            },
        };
    }
}
