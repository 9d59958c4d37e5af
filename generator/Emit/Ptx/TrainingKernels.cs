using System.Collections.Generic;

namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>
    /// The model-independent kernels of a training step on the device (losses, the global-norm clipping, the
    /// optimisers and the sum that finishes their reductions), added to every <c>Cuda = true</c> model's module; the
    /// runtime's <c>RnnGen.Gpu.CudaTraining</c> and <c>CudaOptimizer</c> look them up by these names.
    /// </summary>
    internal static class TrainingKernels
    {
        /// <summary>Whether <paramref name="entry"/> is one of these kernels (launched by the runtime, not by generated code).</summary>
        public static bool Contains(string entry) => entry is
            LossKernels.SoftmaxCrossEntropy or LossKernels.BinaryCrossEntropy or LossKernels.MeanSquaredError or
            ClipKernels.SumOfSquares or ClipKernels.Scale or BlockSum.Finish or
            OptimizerKernels.Adam or OptimizerKernels.Sgd or OptimizerKernels.RmsProp or OptimizerKernels.AdaGrad;

        public static IEnumerable<PtxKernelBuilder> Build()
        {
            yield return LossKernels.BuildSoftmaxCrossEntropy();
            yield return LossKernels.BuildBinaryCrossEntropy();
            yield return LossKernels.BuildMeanSquaredError();
            yield return ClipKernels.BuildSumOfSquares();
            yield return ClipKernels.BuildScale();
            yield return BlockSum.BuildFinish();
            yield return OptimizerKernels.BuildAdam();
            yield return OptimizerKernels.BuildSgd();
            yield return OptimizerKernels.BuildRmsProp();
            yield return OptimizerKernels.BuildAdaGrad();
        }
    }
}
