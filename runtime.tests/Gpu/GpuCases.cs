using System;
using System.Collections.Generic;

namespace RnnGen.Runtime.Tests.Gpu
{
    /// <summary>Every model of GpuModels.cs registered as an <see cref="IGpuCase"/>: the calls each one routes.</summary>
    internal static class GpuCases
    {
        public static IEnumerable<Func<IGpuCase>> All => new Func<IGpuCase>[]
        {
            () => new GpuCase<GpuSimpleTanh, GpuSimpleTanh.CudaModel, GpuSimpleTanh.State, float>((m, d) => m.ToCuda(d), (17, false)),
            () => new GpuCase<GpuSimpleReluHead, GpuSimpleReluHead.CudaModel, GpuSimpleReluHead.State, float>((m, d) => m.ToCuda(d), (16, false)),
            () => new GpuCase<GpuLstmStacked, GpuLstmStacked.CudaModel, GpuLstmStacked.State, float>((m, d) => m.ToCuda(d), (20, true), (9, true)),
            () => new GpuCase<GpuLstmPeephole, GpuLstmPeephole.CudaModel, GpuLstmPeephole.State, float>((m, d) => m.ToCuda(d), (12, true)),
            () => new GpuCase<GpuLstmCifg, GpuLstmCifg.CudaModel, GpuLstmCifg.State, float>((m, d) => m.ToCuda(d), (10, true)),
            () => new GpuCase<GpuGruResetAfter, GpuGruResetAfter.CudaModel, GpuGruResetAfter.State, float>((m, d) => m.ToCuda(d), (19, false)),
            () => new GpuCase<GpuGruResetBeforeMinimal, GpuGruResetBeforeMinimal.CudaModel, GpuGruResetBeforeMinimal.State, float>((m, d) => m.ToCuda(d), (18, false), (7, false)),
            () => new GpuCase<GpuBidirectionalConcatSum, GpuBidirectionalConcatSum.CudaModel, object, float>((m, d) => m.ToCuda(d), (11, true), (11, true), (8, false), (8, false)),
            () => new GpuCase<GpuBidirectionalMultiplyAverage, GpuBidirectionalMultiplyAverage.CudaModel, object, float>((m, d) => m.ToCuda(d), (9, false), (9, false), (6, true), (6, true)),
            () => new GpuCase<GpuGoBackwards, GpuGoBackwards.CudaModel, object, float>((m, d) => m.ToCuda(d), (10, false), (5, false)),
            () => new GpuCase<GpuEmbeddingLstm, GpuEmbeddingLstm.CudaModel, GpuEmbeddingLstm.State, int>((m, d) => m.ToCuda(d), (13, true))
            {
                GpuDeterministic = (g, on) => g.DeterministicEmbeddingGradients = on,
            },
            () => new GpuCase<GpuEmbeddingBidirectional, GpuEmbeddingBidirectional.CudaModel, object, int>((m, d) => m.ToCuda(d), (6, false), (6, false))
            {
                GpuDeterministic = (g, on) => g.DeterministicEmbeddingGradients = on,
            },
            () => new GpuCase<GpuWideBatch, GpuWideBatch.CudaModel, GpuWideBatch.State, float>((m, d) => m.ToCuda(d), (33, true)),
            () => new GpuCase<GpuFastMath, GpuFastMath.CudaModel, GpuFastMath.State, float>((m, d) => m.ToCuda(d), (14, true), (9, false)),
            () => new GpuCase<GpuActivations, GpuActivations.CudaModel, GpuActivations.State, float>((m, d) => m.ToCuda(d), (6, false), (5, false), (4, false)),
        };
    }
}
