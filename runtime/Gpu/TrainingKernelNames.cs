namespace RnnGen.Gpu
{
    /// <summary>
    /// The <c>.entry</c> names of the training kernels the generator adds to every <c>Cuda = true</c> model's PTX
    /// (generator/Emit/Ptx: LossKernels, ClipKernels, BlockSum, OptimizerKernels); a test loads each one from a model.
    /// </summary>
    internal static class TrainingKernelNames
    {
        public const string SoftmaxCrossEntropy = "rnngen_loss_softmax_cross_entropy";
        public const string BinaryCrossEntropy = "rnngen_loss_binary_cross_entropy";
        public const string MeanSquaredError = "rnngen_loss_mean_squared_error";
        public const string SumOfSquares = "rnngen_sum_of_squares";
        public const string ClipScale = "rnngen_clip_scale";
        public const string FinishSum = "rnngen_sum_partials";
        public const string Adam = "rnngen_adam";
        public const string Sgd = "rnngen_sgd";
        public const string RmsProp = "rnngen_rmsprop";
        public const string AdaGrad = "rnngen_adagrad";

        /// <summary>Threads per block of every training kernel (each launches ⌈n / 256⌉ blocks, the finishing sum one).</summary>
        public const int Threads = 256;

        /// <summary>Blocks of <see cref="Threads"/> that cover <paramref name="count"/> elements.</summary>
        public static int Blocks(int count) => (count + Threads - 1) / Threads;
    }
}
