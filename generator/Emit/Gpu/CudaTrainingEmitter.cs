using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Gpu
{
    /// <summary>
    /// Writes the training members of <c>CudaModel</c>: <c>Training</c> (the runtime's <c>CudaTraining</c> bound to
    /// this model's buffers and module: loss, gradients, clipping, optimisers on the device) and the way back to the
    /// CPU, <c>DownloadParameters</c> and <c>CopyParametersTo</c>, so checkpoints work both ways.
    /// </summary>
    internal static class CudaTrainingEmitter
    {
        private const string Gpu = CudaModelEmitter.Gpu;

        public static void EmitFields(SourceWriter w)
        {
            w.Line($"private readonly {Gpu}.GpuModule _module;");
            w.Line($"private {Gpu}.CudaTraining? _training;");
        }

        public static void Emit(SourceWriter w, Plan plan)
        {
            var model = plan.Spec.Shell.Target.Name + plan.Spec.Shell.Target.TypeParameters; // a generic model: MyModel<T>
            w.Line("/// <summary>");
            w.Line("/// The training step on the device, made on first use: dL/dy of the last <c>Forward</c>'s outputs");
            w.Line("/// (<c>ComputeLoss</c>, into <c>OutputGradients</c>), the parameter gradients in the packed layout (<c>Gradients</c>),");
            w.Line("/// clipping by global norm and the optimisers (<c>CreateOptimizer</c>), all without leaving the device.");
            w.Line("/// Its <c>Gradients</c> is <see cref=\"GradientBuffer\"/> and its <c>OutputGradients</c> what <see cref=\"Backward()\"/> reads:");
            w.Line("/// <c>ClearGradients</c>, <c>Forward</c>, <c>Training.ComputeLoss</c>, <c>Backward()</c>, <c>TryStep</c> is a whole step on the device.");

            w.Line("/// </summary>");
            using (w.Block($"public {Gpu}.CudaTraining Training"))
            {
                using (w.Block("get"))
                {
                    w.Line("ThrowIfDisposed();");
                    w.Line("// Over the backward pass's buffers: the loss writes what Backward() reads, Backward writes what the optimisers read.");
                    w.Line($"return _training ??= new {Gpu}.CudaTraining(_device, _module, _parameters, PackedParameterLength, _outputs, MaxSequenceLength * MaxBatchSize, OutputSize, _gradients, _outputGradients);");
                }
            }

            w.Line();
            w.Summary("Copies the weights on the device (e.g. after optimiser steps there) into <paramref name=\"packed\"/>, the packed layout of <c>PackedParameters</c>; padding lanes read 0.");
            w.Line("/// <param name=\"packed\">Receives [PackedParameterLength] floats.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The span has the wrong length.</exception>");
            using (w.Block($"public void DownloadParameters({Span} packed)"))
            {
                w.Line("ThrowIfDisposed();");
                w.Line("global::RnnGen.Shapes.RequireLength(packed.Length, PackedParameterLength, \"packed\", \"[PackedParameterLength]\");");
                w.Line("_device.Download<float>(_parameters, 0, packed);");
            }

            w.Line();
            w.Summary("Copies the weights on the device into a CPU model (to save a checkpoint, or to go on training or running on the CPU).");
            w.Line("/// <param name=\"model\">The CPU model that receives them.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"model\"/> is null.</exception>");
            using (w.Block($"public void CopyParametersTo({model} model)"))
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(model);");
                w.Line("DownloadParameters(model.PackedParameters);");
            }

            w.Line();
        }
    }
}
