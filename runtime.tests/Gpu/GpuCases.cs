using System;
using System.Collections.Generic;

namespace RnnGen.Runtime.Tests.Gpu
{
    /// <summary>Every model of GpuModels.cs registered as an <see cref="IGpuCase"/>: the calls each one routes.</summary>
    internal static class GpuCases
    {
        public static IEnumerable<Func<IGpuCase>> All => new Func<IGpuCase>[]
        {
            () => new GpuCase<GpuSimpleTanh, GpuSimpleTanh.CudaModel, GpuSimpleTanh.State>("GpuSimpleTanh", (m, d) => m.ToCuda(d), new[] { (17, false) })
            {
                Initialize = (m, seed) => m.InitializeParameters(new Random(seed)),
                CpuForward = (m, x, t, l, y, b, c) => m.Forward(x, l, y, b, c),
                GpuForward = (g, x, t, l, y, b, c) => g.Forward(x, l, y, b, c),
                CpuSetState = (m, s, h, c) => m.SetInitialState(s, h, c),
                GpuSetState = (g, s, h, c) => g.SetInitialState(s, h, c),
                CpuCopyState = (m, s, h, c) => m.CopyFinalState(s, h, c),
                GpuCopyState = (g, s, h, c) => g.CopyFinalState(s, h, c),
                CpuParameters = m => m.PackedParameters.ToArray(),
                GpuUpdate = (g, p) => g.UpdateParameters(p),
                CpuStep = (m => m.CreateState(), (m, s, x, t, i, y) => m.Step(s, x.AsSpan(i * GpuSimpleTanh.InputSize, GpuSimpleTanh.InputSize), y)),
                GpuStep = (g, x, t, y, n) => g.Step(x, y, n),
            },
            () => new GpuCase<GpuSimpleReluHead, GpuSimpleReluHead.CudaModel, GpuSimpleReluHead.State>("GpuSimpleReluHead", (m, d) => m.ToCuda(d), new[] { (16, false) })
            {
                Initialize = (m, seed) => m.InitializeParameters(new Random(seed)),
                CpuForward = (m, x, t, l, y, b, c) => m.Forward(x, l, y, b, c),
                GpuForward = (g, x, t, l, y, b, c) => g.Forward(x, l, y, b, c),
                CpuSetState = (m, s, h, c) => m.SetInitialState(s, h, c),
                GpuSetState = (g, s, h, c) => g.SetInitialState(s, h, c),
                CpuCopyState = (m, s, h, c) => m.CopyFinalState(s, h, c),
                GpuCopyState = (g, s, h, c) => g.CopyFinalState(s, h, c),
                CpuParameters = m => m.PackedParameters.ToArray(),
                GpuUpdate = (g, p) => g.UpdateParameters(p),
                CpuStep = (m => m.CreateState(), (m, s, x, t, i, y) => m.Step(s, x.AsSpan(i * GpuSimpleReluHead.InputSize, GpuSimpleReluHead.InputSize), y)),
                GpuStep = (g, x, t, y, n) => g.Step(x, y, n),
            },
            () => new GpuCase<GpuLstmStacked, GpuLstmStacked.CudaModel, GpuLstmStacked.State>("GpuLstmStacked", (m, d) => m.ToCuda(d), new[] { (20, true), (9, true) })
            {
                Initialize = (m, seed) => m.InitializeParameters(new Random(seed)),
                CpuForward = (m, x, t, l, y, b, c) => m.Forward(x, l, y, b, c),
                GpuForward = (g, x, t, l, y, b, c) => g.Forward(x, l, y, b, c),
                CpuSetState = (m, s, h, c) => m.SetInitialState(s, h, c),
                GpuSetState = (g, s, h, c) => g.SetInitialState(s, h, c),
                CpuCopyState = (m, s, h, c) => m.CopyFinalState(s, h, c),
                GpuCopyState = (g, s, h, c) => g.CopyFinalState(s, h, c),
                CpuParameters = m => m.PackedParameters.ToArray(),
                GpuUpdate = (g, p) => g.UpdateParameters(p),
                CpuStep = (m => m.CreateState(), (m, s, x, t, i, y) => m.Step(s, x.AsSpan(i * GpuLstmStacked.InputSize, GpuLstmStacked.InputSize), y)),
                GpuStep = (g, x, t, y, n) => g.Step(x, y, n),
            },
            () => new GpuCase<GpuLstmPeephole, GpuLstmPeephole.CudaModel, GpuLstmPeephole.State>("GpuLstmPeephole", (m, d) => m.ToCuda(d), new[] { (12, true) })
            {
                Initialize = (m, seed) => m.InitializeParameters(new Random(seed)),
                CpuForward = (m, x, t, l, y, b, c) => m.Forward(x, l, y, b, c),
                GpuForward = (g, x, t, l, y, b, c) => g.Forward(x, l, y, b, c),
                CpuSetState = (m, s, h, c) => m.SetInitialState(s, h, c),
                GpuSetState = (g, s, h, c) => g.SetInitialState(s, h, c),
                CpuCopyState = (m, s, h, c) => m.CopyFinalState(s, h, c),
                GpuCopyState = (g, s, h, c) => g.CopyFinalState(s, h, c),
                CpuParameters = m => m.PackedParameters.ToArray(),
                GpuUpdate = (g, p) => g.UpdateParameters(p),
                CpuStep = (m => m.CreateState(), (m, s, x, t, i, y) => m.Step(s, x.AsSpan(i * GpuLstmPeephole.InputSize, GpuLstmPeephole.InputSize), y)),
                GpuStep = (g, x, t, y, n) => g.Step(x, y, n),
            },
            () => new GpuCase<GpuLstmCifg, GpuLstmCifg.CudaModel, GpuLstmCifg.State>("GpuLstmCifg", (m, d) => m.ToCuda(d), new[] { (10, true) })
            {
                Initialize = (m, seed) => m.InitializeParameters(new Random(seed)),
                CpuForward = (m, x, t, l, y, b, c) => m.Forward(x, l, y, b, c),
                GpuForward = (g, x, t, l, y, b, c) => g.Forward(x, l, y, b, c),
                CpuSetState = (m, s, h, c) => m.SetInitialState(s, h, c),
                GpuSetState = (g, s, h, c) => g.SetInitialState(s, h, c),
                CpuCopyState = (m, s, h, c) => m.CopyFinalState(s, h, c),
                GpuCopyState = (g, s, h, c) => g.CopyFinalState(s, h, c),
                CpuParameters = m => m.PackedParameters.ToArray(),
                GpuUpdate = (g, p) => g.UpdateParameters(p),
                CpuStep = (m => m.CreateState(), (m, s, x, t, i, y) => m.Step(s, x.AsSpan(i * GpuLstmCifg.InputSize, GpuLstmCifg.InputSize), y)),
                GpuStep = (g, x, t, y, n) => g.Step(x, y, n),
            },
            () => new GpuCase<GpuGruResetAfter, GpuGruResetAfter.CudaModel, GpuGruResetAfter.State>("GpuGruResetAfter", (m, d) => m.ToCuda(d), new[] { (19, false) })
            {
                Initialize = (m, seed) => m.InitializeParameters(new Random(seed)),
                CpuForward = (m, x, t, l, y, b, c) => m.Forward(x, l, y, b, c),
                GpuForward = (g, x, t, l, y, b, c) => g.Forward(x, l, y, b, c),
                CpuSetState = (m, s, h, c) => m.SetInitialState(s, h, c),
                GpuSetState = (g, s, h, c) => g.SetInitialState(s, h, c),
                CpuCopyState = (m, s, h, c) => m.CopyFinalState(s, h, c),
                GpuCopyState = (g, s, h, c) => g.CopyFinalState(s, h, c),
                CpuParameters = m => m.PackedParameters.ToArray(),
                GpuUpdate = (g, p) => g.UpdateParameters(p),
                CpuStep = (m => m.CreateState(), (m, s, x, t, i, y) => m.Step(s, x.AsSpan(i * GpuGruResetAfter.InputSize, GpuGruResetAfter.InputSize), y)),
                GpuStep = (g, x, t, y, n) => g.Step(x, y, n),
            },
            () => new GpuCase<GpuGruResetBeforeMinimal, GpuGruResetBeforeMinimal.CudaModel, GpuGruResetBeforeMinimal.State>("GpuGruResetBeforeMinimal", (m, d) => m.ToCuda(d), new[] { (18, false), (7, false) })
            {
                Initialize = (m, seed) => m.InitializeParameters(new Random(seed)),
                CpuForward = (m, x, t, l, y, b, c) => m.Forward(x, l, y, b, c),
                GpuForward = (g, x, t, l, y, b, c) => g.Forward(x, l, y, b, c),
                CpuSetState = (m, s, h, c) => m.SetInitialState(s, h, c),
                GpuSetState = (g, s, h, c) => g.SetInitialState(s, h, c),
                CpuCopyState = (m, s, h, c) => m.CopyFinalState(s, h, c),
                GpuCopyState = (g, s, h, c) => g.CopyFinalState(s, h, c),
                CpuParameters = m => m.PackedParameters.ToArray(),
                GpuUpdate = (g, p) => g.UpdateParameters(p),
                CpuStep = (m => m.CreateState(), (m, s, x, t, i, y) => m.Step(s, x.AsSpan(i * GpuGruResetBeforeMinimal.InputSize, GpuGruResetBeforeMinimal.InputSize), y)),
                GpuStep = (g, x, t, y, n) => g.Step(x, y, n),
            },
            () => new GpuCase<GpuBidirectionalConcatSum, GpuBidirectionalConcatSum.CudaModel, object>("GpuBidirectionalConcatSum", (m, d) => m.ToCuda(d), new[] { (11, true), (11, true), (8, false), (8, false) })
            {
                Initialize = (m, seed) => m.InitializeParameters(new Random(seed)),
                CpuForward = (m, x, t, l, y, b, c) => m.Forward(x, l, y, b, c),
                GpuForward = (g, x, t, l, y, b, c) => g.Forward(x, l, y, b, c),
                CpuSetState = (m, s, h, c) => m.SetInitialState(s, h, c),
                GpuSetState = (g, s, h, c) => g.SetInitialState(s, h, c),
                CpuCopyState = (m, s, h, c) => m.CopyFinalState(s, h, c),
                GpuCopyState = (g, s, h, c) => g.CopyFinalState(s, h, c),
                CpuParameters = m => m.PackedParameters.ToArray(),
                GpuUpdate = (g, p) => g.UpdateParameters(p),
            },
            () => new GpuCase<GpuBidirectionalMultiplyAverage, GpuBidirectionalMultiplyAverage.CudaModel, object>("GpuBidirectionalMultiplyAverage", (m, d) => m.ToCuda(d), new[] { (9, false), (9, false), (6, true), (6, true) })
            {
                Initialize = (m, seed) => m.InitializeParameters(new Random(seed)),
                CpuForward = (m, x, t, l, y, b, c) => m.Forward(x, l, y, b, c),
                GpuForward = (g, x, t, l, y, b, c) => g.Forward(x, l, y, b, c),
                CpuSetState = (m, s, h, c) => m.SetInitialState(s, h, c),
                GpuSetState = (g, s, h, c) => g.SetInitialState(s, h, c),
                CpuCopyState = (m, s, h, c) => m.CopyFinalState(s, h, c),
                GpuCopyState = (g, s, h, c) => g.CopyFinalState(s, h, c),
                CpuParameters = m => m.PackedParameters.ToArray(),
                GpuUpdate = (g, p) => g.UpdateParameters(p),
            },
            () => new GpuCase<GpuGoBackwards, GpuGoBackwards.CudaModel, object>("GpuGoBackwards", (m, d) => m.ToCuda(d), new[] { (10, false), (5, false) })
            {
                Initialize = (m, seed) => m.InitializeParameters(new Random(seed)),
                CpuForward = (m, x, t, l, y, b, c) => m.Forward(x, l, y, b, c),
                GpuForward = (g, x, t, l, y, b, c) => g.Forward(x, l, y, b, c),
                CpuSetState = (m, s, h, c) => m.SetInitialState(s, h, c),
                GpuSetState = (g, s, h, c) => g.SetInitialState(s, h, c),
                CpuCopyState = (m, s, h, c) => m.CopyFinalState(s, h, c),
                GpuCopyState = (g, s, h, c) => g.CopyFinalState(s, h, c),
                CpuParameters = m => m.PackedParameters.ToArray(),
                GpuUpdate = (g, p) => g.UpdateParameters(p),
            },
            () => new GpuCase<GpuEmbeddingLstm, GpuEmbeddingLstm.CudaModel, GpuEmbeddingLstm.State>("GpuEmbeddingLstm", (m, d) => m.ToCuda(d), new[] { (13, true) })
            {
                Initialize = (m, seed) => m.InitializeParameters(new Random(seed)),
                CpuForward = (m, x, t, l, y, b, c) => m.Forward(t, l, y, b, c),
                GpuForward = (g, x, t, l, y, b, c) => g.Forward(t, l, y, b, c),
                CpuSetState = (m, s, h, c) => m.SetInitialState(s, h, c),
                GpuSetState = (g, s, h, c) => g.SetInitialState(s, h, c),
                CpuCopyState = (m, s, h, c) => m.CopyFinalState(s, h, c),
                GpuCopyState = (g, s, h, c) => g.CopyFinalState(s, h, c),
                CpuParameters = m => m.PackedParameters.ToArray(),
                GpuUpdate = (g, p) => g.UpdateParameters(p),
                CpuStep = (m => m.CreateState(), (m, s, x, t, i, y) => m.Step(s, t[i], y)),
                GpuStep = (g, x, t, y, n) => g.Step(t, y, n),
            },
            () => new GpuCase<GpuEmbeddingBidirectional, GpuEmbeddingBidirectional.CudaModel, object>("GpuEmbeddingBidirectional", (m, d) => m.ToCuda(d), new[] { (6, false), (6, false) })
            {
                Initialize = (m, seed) => m.InitializeParameters(new Random(seed)),
                CpuForward = (m, x, t, l, y, b, c) => m.Forward(t, l, y, b, c),
                GpuForward = (g, x, t, l, y, b, c) => g.Forward(t, l, y, b, c),
                CpuSetState = (m, s, h, c) => m.SetInitialState(s, h, c),
                GpuSetState = (g, s, h, c) => g.SetInitialState(s, h, c),
                CpuCopyState = (m, s, h, c) => m.CopyFinalState(s, h, c),
                GpuCopyState = (g, s, h, c) => g.CopyFinalState(s, h, c),
                CpuParameters = m => m.PackedParameters.ToArray(),
                GpuUpdate = (g, p) => g.UpdateParameters(p),
            },
            () => new GpuCase<GpuWideBatch, GpuWideBatch.CudaModel, GpuWideBatch.State>("GpuWideBatch", (m, d) => m.ToCuda(d), new[] { (33, true) })
            {
                Initialize = (m, seed) => m.InitializeParameters(new Random(seed)),
                CpuForward = (m, x, t, l, y, b, c) => m.Forward(x, l, y, b, c),
                GpuForward = (g, x, t, l, y, b, c) => g.Forward(x, l, y, b, c),
                CpuSetState = (m, s, h, c) => m.SetInitialState(s, h, c),
                GpuSetState = (g, s, h, c) => g.SetInitialState(s, h, c),
                CpuCopyState = (m, s, h, c) => m.CopyFinalState(s, h, c),
                GpuCopyState = (g, s, h, c) => g.CopyFinalState(s, h, c),
                CpuParameters = m => m.PackedParameters.ToArray(),
                GpuUpdate = (g, p) => g.UpdateParameters(p),
                CpuStep = (m => m.CreateState(), (m, s, x, t, i, y) => m.Step(s, x.AsSpan(i * GpuWideBatch.InputSize, GpuWideBatch.InputSize), y)),
                GpuStep = (g, x, t, y, n) => g.Step(x, y, n),
            },
            () => new GpuCase<GpuFastMath, GpuFastMath.CudaModel, GpuFastMath.State>("GpuFastMath", (m, d) => m.ToCuda(d), new[] { (14, true), (9, false) })
            {
                Initialize = (m, seed) => m.InitializeParameters(new Random(seed)),
                CpuForward = (m, x, t, l, y, b, c) => m.Forward(x, l, y, b, c),
                GpuForward = (g, x, t, l, y, b, c) => g.Forward(x, l, y, b, c),
                CpuSetState = (m, s, h, c) => m.SetInitialState(s, h, c),
                GpuSetState = (g, s, h, c) => g.SetInitialState(s, h, c),
                CpuCopyState = (m, s, h, c) => m.CopyFinalState(s, h, c),
                GpuCopyState = (g, s, h, c) => g.CopyFinalState(s, h, c),
                CpuParameters = m => m.PackedParameters.ToArray(),
                GpuUpdate = (g, p) => g.UpdateParameters(p),
                CpuStep = (m => m.CreateState(), (m, s, x, t, i, y) => m.Step(s, x.AsSpan(i * GpuFastMath.InputSize, GpuFastMath.InputSize), y)),
                GpuStep = (g, x, t, y, n) => g.Step(x, y, n),
            },
        };
    }
}
