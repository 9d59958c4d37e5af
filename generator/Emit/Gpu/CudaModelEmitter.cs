using System.Linq;
using RnnGen.Generator.Emit.Ptx;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Gpu
{
    /// <summary>
    /// Writes the GPU side of a model with <c>Cuda = true</c>: the PTX as a constant, <c>ToCuda(device)</c>, and the
    /// nested <c>CudaModel</c> that owns the device buffers and launches the kernels in the order the CPU
    /// <c>Forward</c> runs its loops.
    /// </summary>
    internal static class CudaModelEmitter
    {
        public const string Gpu = "global::RnnGen.Gpu";

        public static void Emit(SourceWriter w, Plan plan)
        {
            var module = PtxEmitter.Emit(plan);
            var ptx = module.Build($"{plan.Spec.Shell.Target.Name.TrimStart('@')}: the GPU kernels RnnGen generated for this model.");
            w.Summary($"The PTX of this model's GPU kernels (.target {module.Target.Architecture}, PTX ISA {module.Target.Version}; newer GPUs JIT it): what <see cref=\"ToCuda\"/> loads.");
            w.Line(GeneratedCode.Attribute);
            w.Line("public const string CudaPtx = @\"");
            w.Raw(ptx.Replace("\"", "\"\"") + "\";\n");
            w.Line();
            w.Summary("Copies this model to a GPU: loads its kernels, allocates the device buffers and uploads the current parameters.");
            w.Line("/// <param name=\"device\">An open device, e.g. from <c>global::RnnGen.Gpu.CudaDevice.TryOpen</c>.</param>");
            w.Line("/// <returns>The model on the device; dispose it to free the device memory. It keeps its own copy of the weights: call <c>UpdateParameters</c> after changing them here.</returns>");
            w.Line("/// <exception cref=\"global::System.NotSupportedException\">A layer has more 16-unit blocks than the device can run at once in a cooperative launch.</exception>");
            w.Line(GeneratedCode.Attribute);
            using (w.Block($"public CudaModel ToCuda({Gpu}.GpuDevice device)"))
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(device);");
                w.Line(plan.Forward.HasDropout
                    ? "return new CudaModel(_parameters.Span, device, _dropoutState);"
                    : "return new CudaModel(_parameters.Span, device);");
            }

            w.Line();
            EmitClass(w, plan, module);
        }

        private static void EmitClass(SourceWriter w, Plan plan, PtxModule module)
        {
            var model = plan.Spec.Shell.Target.Name.TrimStart('@');
            w.Line("/// <summary>");
            w.Line($"/// {model} on a GPU: the same <c>Forward</c> (shapes, lengths, initial and final state) running generated PTX, with the");
            w.Line("/// weights uploaded once. Each layer's time loop is one persistent kernel that keeps its recurrent weights on chip and");
            w.Line("/// meets the other blocks at a grid barrier once per step. <c>Backward</c> runs backpropagation through time on the");
            w.Line("/// device (the same gradients as the CPU model's) into <see cref=\"GradientBuffer\"/>; <see cref=\"Training\"/> runs the");
            w.Line("/// loss, clipping and optimiser steps there too. One call at a time per instance.");

            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            foreach (var layer in plan.Layers)
            {
                var kernel = PtxEmitter.Recurrent(plan, layer);
                w.Line($"/// {layer.Name}: {kernel.Blocks} block(s) of {kernel.Threads} threads; W_hh {(kernel.WeightsInShared ? "held in shared memory for every step" : "read from L2 every step (a block's slab exceeds 48 KiB)")}.<br/>");
            }

            w.Line("/// </remarks>");
            w.Line(GeneratedCode.Attribute);
            var input = plan.Embedding is null ? "float" : "int";
            var bases = plan.CanStream ? $"{Gpu}.ICudaStreamingNetwork<{input}>" : $"{Gpu}.ICudaNetwork<{input}>"; // ICudaTrainable<T> (the Trainer's GPU steps) and the state API
            if (plan.Embedding is null)
            {
                bases += $", {Gpu}.ICudaInputGradientNetwork";
            }

            using (w.Block($"public sealed class CudaModel : {bases}"))
            {
                EmitFields(w, plan, module);
                EmitConstructor(w, plan, module);
                EmitUpdateParameters(w);
                CudaDropoutEmitter.EmitMembers(w, plan);
                CudaTrainingEmitter.Emit(w, plan);
                CudaForwardEmitter.Emit(w, plan);
                CudaStateEmitter.Emit(w, plan);
                CudaBackwardEmitter.Emit(w, plan);
                EmitLaunchHelpers(w, plan);
                EmitDispose(w, plan);
            }
        }

        private static void EmitFields(SourceWriter w, Plan plan, PtxModule module)
        {
            w.Line($"private readonly {Gpu}.GpuDevice _device;");
            w.Line($"private readonly {Gpu}.DeviceBuffer _parameters;");
            w.Line($"private readonly {Gpu}.DeviceBuffer _workspace;");
            w.Line($"private readonly {Gpu}.DeviceBuffer _lengths;");
            w.Line($"private readonly {Gpu}.DeviceBuffer _barrier;");
            w.Line($"private readonly {Gpu}.DeviceBuffer _outputs;");
            CudaTrainingEmitter.EmitFields(w);
            if (plan.Spec.Input.IsEmbedding)
            {
                w.Line($"private readonly {Gpu}.DeviceBuffer _tokens;");
            }

            if (plan.NeedsReversedTokens)
            {
                w.Line($"private readonly {Gpu}.DeviceBuffer _reversedTokens;");
                w.Line("private readonly int[] _hostReversedTokens = new int[MaxSequenceLength * MaxBatchSize];");
            }

            foreach (var kernel in KernelFields(module))
            {
                w.Line($"private readonly {Gpu}.GpuKernel {kernel.Field};");
            }

            w.Line("private readonly float[] _staging = new float[PackedParameterLength];");
            w.Line($"private readonly float[] _stateStaging = new float[MaxBatchSize * {Int(plan.MaxPaddedUnits)}];");
            w.Line("private readonly int[] _hostLengths = new int[MaxBatchSize];");
            w.Line("private readonly bool[] _staged = new bool[StateCount];");
            w.Line("private int _stagedBatchSize;");
            w.Line("private int _lastSteps;");
            w.Line("private int _batchSize;");
            if (plan.CanStream)
            {
                w.Line("private bool _streaming;");
            }

            CudaBackwardEmitter.EmitFields(w, plan);
            CudaDropoutEmitter.EmitFields(w, plan);
            w.Line("private int _inUse;");
            w.Line("private bool _disposed;");
            w.Line();
        }

        /// <summary>Every kernel the model launches: its field and its <c>.entry</c> name (the training kernels are the runtime's to launch).</summary>
        public static (string Field, string Entry)[] KernelFields(PtxModule module) =>
            module.Kernels.Where(k => !TrainingKernels.Contains(k.Name)).Select(k => (Field(k.Name), k.Name)).ToArray();

        /// <summary>The field holding kernel <paramref name="entry"/>: <c>_kernel_layer0_persistent</c>.</summary>
        public static string Field(string entry) => "_kernel_" + entry;

        private static void EmitConstructor(SourceWriter w, Plan plan, PtxModule module)
        {
            w.Line($"internal CudaModel({ReadOnlySpan} parameters, {Gpu}.GpuDevice device{CudaDropoutEmitter.ConstructorParameter(plan)})");
            using (w.Block(string.Empty))
            {
                w.Line("_device = device;");
                CudaDropoutEmitter.EmitConstructor(w, plan);
                w.Line($"{Gpu}.GpuModule module = device.LoadModule(CudaPtx);");
                w.Line("_module = module;");
                foreach (var (field, entry) in KernelFields(module))
                {
                    w.Line($"{field} = device.GetKernel(module, \"{entry}\");");
                }

                foreach (var layer in plan.Layers)
                {
                    var kernel = PtxEmitter.Recurrent(plan, layer);
                    w.Line($"RequireCoResident({Field(kernel.Name)}, {Int(kernel.Blocks)}, {Int(kernel.Threads)});");
                }

                w.Line("_parameters = device.Allocate(4L * PackedParameterLength);");
                w.Line($"_workspace = device.Allocate(4L * {Int(plan.Forward.Length)});");
                w.Line("_lengths = device.Allocate(4L * MaxBatchSize);");
                w.Line("_barrier = device.Allocate(4L);");
                w.Line("_outputs = device.Allocate(4L * MaxSequenceLength * MaxBatchSize * OutputSize);");
                if (plan.Spec.Input.IsEmbedding)
                {
                    w.Line("_tokens = device.Allocate(4L * MaxSequenceLength * MaxBatchSize);");
                }

                if (plan.NeedsReversedTokens)
                {
                    w.Line("_reversedTokens = device.Allocate(4L * MaxSequenceLength * MaxBatchSize);");
                }

                CudaBackwardEmitter.EmitAllocation(w, plan);
                w.Line("UpdateParameters(parameters);");
            }

            w.Line();
        }

        private static void EmitUpdateParameters(SourceWriter w)
        {
            w.Summary("Uploads new weights (the CPU model's <c>PackedParameters</c>, e.g. after a training step).");
            w.Line("/// <param name=\"packed\">[PackedParameterLength] in the packed layout; padding lanes are ignored.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The span has the wrong length.</exception>");
            using (w.Block($"public void UpdateParameters({ReadOnlySpan} packed)"))
            {
                w.Line("ThrowIfDisposed();");
                w.Line("global::RnnGen.Shapes.RequireLength(packed.Length, PackedParameterLength, \"packed\", \"[PackedParameterLength]\");");
                w.Line("packed.CopyTo(_staging);");
                w.Line("ClearPadding(_staging); // whatever the padding holds must not reach a result");
                w.Line($"_device.Upload<float>(_parameters, 0, _staging);");
            }

            w.Line();
        }

        private static void EmitLaunchHelpers(SourceWriter w, Plan plan)
        {
            w.Line($"private void Launch({Gpu}.GpuKernel kernel, int blocks, int threads, bool cooperative, global::System.ReadOnlySpan<{Gpu}.KernelArgument> arguments) =>");
            w.Line($"    _device.Launch(kernel, new {Gpu}.LaunchShape(blocks, threads, 0, cooperative), arguments);");
            w.Line();
            w.Line("/// <summary>Blocks of 256 threads that cover <paramref name=\"count\"/> elements.</summary>");
            w.Line("private static int BlocksFor(int count) => (count + 255) / 256;");
            w.Line();
            w.Line($"private {Gpu}.KernelArgument P => {Gpu}.KernelArgument.Pointer(_parameters);");
            w.Line();
            w.Line($"private {Gpu}.KernelArgument Ws => {Gpu}.KernelArgument.Pointer(_workspace);");
            w.Line();
            w.Line($"private static {Gpu}.KernelArgument I(int value) => {Gpu}.KernelArgument.Int32(value);");
            w.Line();
            w.Line("/// <summary>A persistent kernel's blocks must all be resident at once (its grid barrier waits for every one).</summary>");
            using (w.Block($"private void RequireCoResident({Gpu}.GpuKernel kernel, int blocks, int threads)"))
            {
                w.Line("int capacity = _device.MaxActiveBlocksPerMultiprocessor(kernel, threads, 0) * _device.MultiprocessorCount;");
                w.Line("if (blocks > capacity)");
                w.Line("{");
                w.Line($"    throw new global::System.NotSupportedException($\"{plan.Spec.Shell.Target.Name.TrimStart('@')}: {{kernel.Name}} needs {{blocks}} blocks resident at once (16 units each), but {{_device.Name}} runs at most {{capacity}}: use the CPU model for this size.\");");
                w.Line("}");
            }

            w.Line();
            using (w.Block("private void ThrowIfDisposed()"))
            {
                w.Line("if (_disposed)");
                w.Line("{");
                w.Line("    throw new global::System.ObjectDisposedException(\"CudaModel\");");
                w.Line("}");
            }

            w.Line();
        }

        private static void EmitDispose(SourceWriter w, Plan plan)
        {
            w.Summary("Frees the device memory (the device itself stays open).");
            using (w.Block("public void Dispose()"))
            {
                w.Line("if (_disposed)");
                w.Line("{");
                w.Line("    return;");
                w.Line("}");
                w.Line();
                w.Line("_disposed = true;");
                w.Line("_parameters.Dispose();");
                w.Line("_workspace.Dispose();");
                w.Line("_lengths.Dispose();");
                w.Line("_barrier.Dispose();");
                w.Line("_outputs.Dispose();");
                w.Line("_training?.Dispose();");
                if (plan.Spec.Input.IsEmbedding)
                {
                    w.Line("_tokens.Dispose();");
                }

                if (plan.NeedsReversedTokens)
                {
                    w.Line("_reversedTokens.Dispose();");
                }

                CudaBackwardEmitter.EmitDispose(w, plan);
            }
        }
    }
}
