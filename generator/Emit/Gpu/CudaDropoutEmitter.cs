using System.Linq;
using RnnGen.Generator.Emit.Cpu;
using RnnGen.Generator.Emit.Ptx;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Gpu
{
    /// <summary>
    /// Writes the training-only dropout of <c>CudaModel</c>: the <c>ApplyDropout</c> switch, the seeded mask stream
    /// (the CPU model's: the same seed gives the same masks on both), reading masks back, and the launches that
    /// <see cref="CudaForwardEmitter"/> and <see cref="CudaBackwardEmitter"/> place around their kernels. The masks live
    /// where the CPU keeps them, in the Forward workspace, one [batch][stride] row per sequence.
    /// </summary>
    internal static class CudaDropoutEmitter
    {
        private const string Gpu = CudaModelEmitter.Gpu;
        private const string Args = Gpu + ".KernelArgument";

        public static void EmitFields(SourceWriter w, Plan plan)
        {
            if (plan.Forward.HasDropout)
            {
                w.Line("private ulong _dropoutState;");
                w.Line("private bool _dropoutActive;");
                w.Line("private float[]? _maskRows; // CopyDropoutMask's host copy of a padded mask, made on first use");
            }
        }

        /// <summary>The constructor's parameter and assignment carrying the CPU model's stream state.</summary>
        public static string ConstructorParameter(Plan plan) => plan.Forward.HasDropout ? ", ulong dropoutState" : string.Empty;

        public static void EmitConstructor(SourceWriter w, Plan plan)
        {
            if (plan.Forward.HasDropout)
            {
                w.Line("_dropoutState = dropoutState; // the CPU model's stream: the same masks from the same seed");
            }
        }

        public static void EmitMembers(SourceWriter w, Plan plan)
        {
            if (!plan.Forward.HasDropout)
            {
                w.Summary("This network declares no dropout, so the switch has no effect (it is here for <c>ICudaTrainable</c>).");
                w.Line("public bool ApplyDropout { get; set; }");
                w.Line();
                return;
            }

            w.Summary("When true, <c>Forward</c> applies the dropout the attributes declare, with fresh masks on every call (one per sequence, the same at every step), and <c>Backward</c> differentiates through them: the CPU model's <c>Training</c>. False (the default) for inference; <c>Step</c> never drops.");
            w.Line("public bool ApplyDropout { get; set; }");
            w.Line();
            w.Summary("Restarts the stream the dropout masks are drawn from, as the CPU model's <c>SeedDropout</c>: the same seed gives the same masks on both, in the same order of training <c>Forward</c> calls. <c>ToCuda</c> starts from the CPU model's stream.");
            w.Line("/// <param name=\"seed\">Any value (0 is mapped to a fixed non-zero seed, as on the CPU).</param>");
            w.Line("public void SeedDropout(ulong seed) => _dropoutState = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;");
            w.Line();
            EmitCopyMask(w, plan);
        }

        /// <summary>Inside <c>Run</c>: whether this call drops, and every site's mask when it does (in the CPU's order).</summary>
        public static void EmitSampling(SourceWriter w, Plan plan)
        {
            if (!plan.Forward.HasDropout)
            {
                return;
            }

            w.Line("bool dropout = ApplyDropout && member == \"Forward\";");
            w.Line("_dropoutActive = dropout;");
            using (w.Block("if (dropout)"))
            {
                w.Line("// One mask per sequence for every site, drawn where the CPU draws it in its stream; kept units are scaled by 1 / (1 - rate).");
                foreach (var (_, _, tape) in DropoutEmitter.Sites(plan))
                {
                    var count = $"batchSize * {Int(tape.Stride)}";
                    w.Line($"Launch({CudaModelEmitter.Field(DropoutKernels.Sample)}, BlocksFor({count}), {Int(SequenceKernels.Threads)}, false, stackalloc {Args}[] {{ Ws, I({Int(tape.Mask)}), I({count}), {Args}.Float32({Float(tape.Rate)}), {Args}.Float32({Float(1f / (1f - tape.Rate))}), {Args}.UInt64(_dropoutState) }});");
                    w.Line($"_dropoutState = global::RnnGen.Numerics.DropoutMasks.Advance(_dropoutState, {count});");
                }
            }
        }

        /// <summary>
        /// A launch of dst[i] = src[i] · mask[b] over <paramref name="count"/> elements of [batch][stride] rows: a
        /// dropped value in the Forward workspace, or a gradient in place (the masks are always in the Forward workspace).
        /// </summary>
        public static string Apply(DropoutTape tape, string src, string srcOffset, string dst, string dstOffset, string count) =>
            $"Launch({CudaModelEmitter.Field(DropoutKernels.Apply)}, BlocksFor({count}), {Int(SequenceKernels.Threads)}, false, stackalloc {Args}[] {{ {src}, {dst}, Ws, I({srcOffset}), I({dstOffset}), I({Int(tape.Mask)}), I({Int(tape.Stride)}), I(batchSize), I({count}) }});";

        /// <summary><see cref="Apply"/> under <c>if (dropout)</c>, on its own lines.</summary>
        public static void EmitApply(SourceWriter w, DropoutTape tape, string src, string srcOffset, string dst, string dstOffset, string count, string why)
        {
            w.Line($"if (dropout) // {why}");
            w.Line("{");
            w.Line("    " + Apply(tape, src, srcOffset, dst, dstOffset, count));
            w.Line("}");
        }

        private static void EmitCopyMask(SourceWriter w, Plan plan)
        {
            var model = plan.Spec.Shell.Target.Name.TrimStart('@');
            var maxStride = DropoutEmitter.Sites(plan).Max(site => site.Tape.Stride);
            w.Summary("Copies a dropout mask of the last <c>Forward</c> run with <see cref=\"ApplyDropout\"/> set, as the CPU model's <c>CopyDropoutMask</c>: [batchSize][width], each value 0 or 1 / (1 - rate).");
            w.Line("/// <param name=\"site\">Which mask: a layer's input, its recurrent state, or the head's input.</param>");
            w.Line("/// <param name=\"layer\">Recurrent layer index for <see cref=\"global::RnnGen.DropoutSite.LayerInput\"/> and <see cref=\"global::RnnGen.DropoutSite.Recurrent\"/>; 0 for the head.</param>");
            w.Line("/// <param name=\"destination\">Receives [batchSize][width]: the layer's input width, its units, or the last layer's units.</param>");
            w.Line("/// <exception cref=\"global::System.InvalidOperationException\">The last <c>Forward</c> did not drop.</exception>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">That site has no dropout, or <paramref name=\"destination\"/> has the wrong length.</exception>");
            using (w.Block($"public void CopyDropoutMask(global::RnnGen.DropoutSite site, int layer, {Span} destination)"))
            {
                w.Line($"global::RnnGen.ExclusiveUse.Enter(ref _inUse, \"CopyDropoutMask\", \"{model}.CudaModel\");");
                using (w.Block("try"))
                {
                    w.Line("ThrowIfDisposed();");
                    w.Line("if (!_dropoutActive)");
                    w.Line("{");
                    w.Line("    throw new global::System.InvalidOperationException(\"The last Forward did not run with ApplyDropout = true, so it sampled no dropout masks.\");");
                    w.Line("}");
                    w.Line();
                    foreach (var (site, layer, tape) in DropoutEmitter.Sites(plan))
                    {
                        using (w.Block($"if (site == global::RnnGen.DropoutSite.{site} && layer == {Int(layer)})"))
                        {
                            w.Line($"global::RnnGen.Shapes.RequireShape(destination.Length, \"destination\", _batchSize, {Int(tape.Width)});");
                            w.Line($"global::System.Span<float> rows = MaskRows(_batchSize * {Int(tape.Stride)});");
                            w.Line($"_device.Download<float>(_workspace, {Int(tape.Mask)}, rows);");
                            w.Line($"global::RnnGen.Numerics.PaddedRows.Unpad(rows, {Int(tape.Stride)}, {Int(tape.Width)}, _batchSize, destination);");
                            w.Line("return;");
                        }
                    }

                    w.Line();
                    w.Line("throw new global::System.ArgumentException($\"This network has no {site} dropout at layer {layer}.\", \"site\");");
                }

                using (w.Block("finally"))
                {
                    w.Line("global::RnnGen.ExclusiveUse.Exit(ref _inUse);");
                }
            }

            w.Line();
            w.Line("/// <summary>The first <paramref name=\"length\"/> floats of the host copy of a padded mask, made once so reading masks allocates nothing after the first.</summary>");
            w.Line($"private global::System.Span<float> MaskRows(int length) => global::System.MemoryExtensions.AsSpan(_maskRows ??= new float[MaxBatchSize * {Int(maxStride)}], 0, length);");
            w.Line();
        }
    }
}
