using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>
    /// Writes a model's GPU kernels from its Plan alone (it shares nothing with the CPU emitters): per unit the input
    /// projection GEMM and the persistent recurrent kernel, the head, and the sequence kernels the network needs.
    /// The kernels address the same packed parameters and the same Forward workspace layout as the CPU path, so
    /// weights upload as they are and the two paths can be compared row by row.
    /// </summary>
    internal static class PtxEmitter
    {
        public static PtxModule Emit(Plan plan)
        {
            var module = new PtxModule();
            module.Add(SequenceKernels.BuildCopy());
            if (plan.Groups.Any(g => g.ReversedInput >= 0 && g.Input is not null))
            {
                module.Add(SequenceKernels.BuildReverse());
            }

            if (plan.Groups.Any(g => g.Merges))
            {
                module.Add(SequenceKernels.BuildMerge());
            }

            foreach (var layer in plan.Layers)
            {
                module.Add(Projection(plan, layer).Build());
                if (HasDroppedProjection(plan, layer))
                {
                    module.Add(Projection(plan, layer, dropped: true).Build());
                }

                module.Add(Recurrent(plan, layer).Build());
            }

            if (plan.Head is { } head)
            {
                module.Add(Head(plan, head).Build());
                if (head.Spec.Activation == Activation.Softmax)
                {
                    module.Add(SequenceKernels.BuildSoftmax());
                }
            }

            module.Add(SequenceKernels.BuildGather());
            foreach (var kernel in TrainingKernels.Build())
            {
                module.Add(kernel);
            }

            if (plan.Forward.HasDropout)
            {
                module.Add(DropoutKernels.BuildSample());
                module.Add(DropoutKernels.BuildApply());
            }

            AddBackward(module, plan);
            return module;
        }

        /// <summary>The persistent backward kernel of one unit.</summary>
        public static RecurrentBackwardKernel RecurrentBackward(Plan plan, LayerPlan layer) =>
            new(layer, plan.Forward.Layers[layer.Index], plan.Backward, plan.Spec.MaxBatchSize, plan.Spec.CudaFastMath);

        private static void AddBackward(PtxModule module, Plan plan)
        {
            module.Add(GradientKernels.BuildScatterRows());
            module.Add(GradientKernels.BuildWeightGradient());
            module.Add(GradientKernels.BuildTransposedProduct());
            if (plan.Groups.Any(g => g.Merges))
            {
                module.Add(SequenceBackwardKernels.BuildMergeBackward());
            }

            if (plan.Backward.InputGradients.Any(offset => offset >= 0))
            {
                module.Add(SequenceBackwardKernels.BuildAddRows());
            }

            if (plan.Embedding is not null)
            {
                module.Add(GradientKernels.BuildEmbeddingRows());
                module.Add(GradientKernels.BuildEmbeddingSum(atomic: false));
                module.Add(GradientKernels.BuildEmbeddingSum(atomic: true));
            }

            foreach (var layer in plan.Layers)
            {
                module.Add(RecurrentBackward(plan, layer).Build());
            }
        }

        /// <summary>The persistent recurrent kernel of one unit.</summary>
        public static RecurrentKernel Recurrent(Plan plan, LayerPlan layer) =>
            new(layer, plan.Forward.Layers[layer.Index], plan.Spec.MaxBatchSize, plan.Spec.CudaFastMath);

        /// <summary>
        /// Whether a unit reading token ids has input dropout: in training its projection reads the gathered, masked
        /// embedding rows (a twin of the projection that reads rows) instead of looking the tokens up itself.
        /// </summary>
        public static bool HasDroppedProjection(Plan plan, LayerPlan layer) =>
            layer.Input.Kind != InputKind.Rows && plan.Forward.Layers[layer.Index].InputDropout is not null;

        /// <summary>
        /// xp = W_ih x + b_ih (+ b_hh where it folds) for every row, in the unit's gate tape; with
        /// <paramref name="dropped"/>, the twin of a token unit that reads already gathered (masked) embedding rows.
        /// </summary>
        public static PackedGemmKernel Projection(Plan plan, LayerPlan layer, bool dropped = false)
        {
            var symbols = CellTraits.GateSymbols(layer.Spec);
            var biases = new List<IReadOnlyList<BiasTerm>>();
            for (var g = 0; g < layer.GateCount; g++)
            {
                var terms = new List<BiasTerm>();
                if (layer.InputBias is { } bih)
                {
                    terms.Add(new BiasTerm(bih.Offset, bih.Gates, g));
                }

                if (layer.RecurrentBias is { } bhh && CellTraits.FoldsRecurrentBias(layer.Spec, g))
                {
                    terms.Add(new BiasTerm(bhh.Offset, bhh.Gates, g));
                }

                biases.Add(terms);
            }

            var tokens = layer.Input.Kind != InputKind.Rows && !dropped;
            return new PackedGemmKernel
            {
                Name = dropped ? KernelNames.DroppedProjection(layer) : KernelNames.Projection(layer),
                Columns = layer.InputWidth,
                Gates = layer.GateCount,
                Blocks = layer.Blocks,
                GateWidth = layer.PaddedUnits,
                WeightOffset = layer.InputWeights.Offset,
                Biases = biases,
                Source = tokens
                    ? new PackedGemmKernel.Input(true, plan.Embedding!.Offset, plan.Embedding.Dimension)
                    : new PackedGemmKernel.Input(false, 0, layer.Input.Rows?.Stride ?? plan.Embedding!.Dimension),
                OutputOffset = plan.Forward.Layers[layer.Index].Gates,
                OutputStride = layer.GateStride,
                Documentation = new[]
                {
                    $"{layer.Name} input projection of every row{(tokens ? " (embedding lookup fused)" : dropped ? " (the embedding rows gathered and masked by input dropout)" : string.Empty)}: " +
                    string.Join(", ", symbols.Select((s, g) => $"xp_{s} = W_i{s} x{(layer.InputBias is null ? string.Empty : $" + b_i{s}")}{(layer.RecurrentBias is not null && CellTraits.FoldsRecurrentBias(layer.Spec, g) ? $" + b_h{s}" : string.Empty)}")),
                },
            };
        }

        /// <summary>y = act(W h + b) for every output row; softmax runs afterwards, per row.</summary>
        public static PackedGemmKernel Head(Plan plan, HeadPlan head) => new()
        {
            Name = KernelNames.Head,
            Columns = head.InputWidth,
            Gates = 1,
            Blocks = head.Weights.Blocks,
            GateWidth = head.PaddedUnits,
            WeightOffset = head.Weights.Offset,
            Biases = new[] { head.Bias is { } b ? new[] { new BiasTerm(b.Offset, 1, 0) } : new BiasTerm[0] },
            Source = new PackedGemmKernel.Input(false, 0, head.InputStride),
            OutputOffset = plan.Forward.HeadOffset,
            OutputStride = head.PaddedUnits,
            Activation = head.Spec.Activation == Activation.Softmax ? Activation.Linear : head.Spec.Activation,
            FastMath = plan.Spec.CudaFastMath,
            Documentation = new[] { $"Dense head: y = {head.Spec.Activation.ToString().ToLowerInvariant()}(W h{(head.Bias is null ? string.Empty : " + b")}) over {head.InputWidth} input column(s)." },
        };
    }
}
