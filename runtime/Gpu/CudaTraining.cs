using System;
using RnnGen.Training;

namespace RnnGen.Gpu
{
    /// <summary>
    /// The training side of a generated model on a GPU (its <c>CudaModel.Training</c>): the device buffers of a
    /// training step in the model's layouts, the loss, the global-norm clipping and the optimisers
    /// (<see cref="CreateOptimizer"/>), all on the device, so a step needs no host round trip but the loss value.
    /// </summary>
    /// <remarks>
    /// <para>A step: <c>Forward</c>; <see cref="ComputeLoss(TrainingLoss, ReadOnlySpan{int}, ReadOnlySpan{float})"/>
    /// writes dL/dy into <see cref="OutputGradients"/>; the model's backward pass writes the parameter gradients into
    /// <see cref="Gradients"/> (until it exists on the device, <see cref="UploadGradients"/> puts the CPU's there);
    /// <see cref="CudaOptimizer.TryStep"/> clips and updates. The results match the CPU functions: the gradients and
    /// the updates element for element (the optimisers bit for bit), the loss and the norm within float rounding of a
    /// sum taken in another order.</para>
    /// <para>Sums (the loss, the norm) are deterministic: per-block partial sums in a fixed tree, then one block sums the
    /// partials in order, never float atomics. Instances are not thread-safe; the model disposes this one.</para>
    /// </remarks>
    public sealed class CudaTraining : IDisposable
    {
        private const int LossSlot = 0;
        private const int NormSlot = 1;
        private const int ZeroSlot = 2;

        private readonly GpuDevice _device;
        private readonly GpuModule _module;
        private readonly DeviceBuffer _parameters;
        private readonly DeviceBuffer _outputs;
        private readonly DeviceBuffer _targets;
        private readonly DeviceBuffer _rowInfo;
        private readonly DeviceBuffer _partials;
        private readonly DeviceBuffer _scalars;
        private readonly GpuKernel _softmaxCrossEntropy;
        private readonly GpuKernel _binaryCrossEntropy;
        private readonly GpuKernel _meanSquaredError;
        private readonly GpuKernel _sumOfSquares;
        private readonly GpuKernel _clipScale;
        private readonly GpuKernel _finish;
        private readonly float[] _hostRowInfo;
        private readonly float[] _hostMask;
        private readonly float[] _scalar = new float[1];
        private readonly bool _ownsGradients;
        private bool _disposed;

        /// <summary>
        /// Binds the training kernels of a loaded model module to the model's device buffers; called by the generated
        /// <c>CudaModel.Training</c>, which passes its own buffers.
        /// </summary>
        /// <param name="device">The model's device.</param>
        /// <param name="module">The model's loaded PTX module (it holds the training kernels).</param>
        /// <param name="parameters">The packed parameters on the device, <paramref name="parameterCount"/> floats.</param>
        /// <param name="parameterCount">The packed parameter length.</param>
        /// <param name="outputs">The model's outputs on the device (what Forward gathered), dense [rows][outputWidth].</param>
        /// <param name="maxRows">The most output rows one Forward writes.</param>
        /// <param name="outputWidth">Floats per output row.</param>
        /// <exception cref="ArgumentNullException">A device, module or buffer is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
        /// <exception cref="ArgumentException">A buffer is smaller than its size says.</exception>
        public CudaTraining(GpuDevice device, GpuModule module, DeviceBuffer parameters, int parameterCount, DeviceBuffer outputs, int maxRows, int outputWidth)
            : this(device, module, parameters, parameterCount, outputs, maxRows, outputWidth, null, null, borrowed: false)
        {
        }

        /// <summary>
        /// Binds the training kernels to the model's device buffers and to the gradient buffers of the model's device
        /// backward pass, so the backward pass, the loss, the clipping and the optimisers share them: what the loss
        /// writes is what the backward pass reads (<see cref="OutputGradients"/>), and what the backward pass writes is
        /// what the optimisers read (<see cref="Gradients"/>). Called by the generated <c>CudaModel.Training</c> of a
        /// model with a GPU <c>Backward</c>; the two buffers stay the model's (not disposed here).
        /// </summary>
        /// <param name="device">The model's device.</param>
        /// <param name="module">The model's loaded PTX module (it holds the training kernels).</param>
        /// <param name="parameters">The packed parameters on the device, <paramref name="parameterCount"/> floats.</param>
        /// <param name="parameterCount">The packed parameter length.</param>
        /// <param name="outputs">The model's outputs on the device (what Forward gathered), dense [rows][outputWidth].</param>
        /// <param name="maxRows">The most output rows one Forward writes.</param>
        /// <param name="outputWidth">Floats per output row.</param>
        /// <param name="gradients">The model's gradient buffer (<c>CudaModel.GradientBuffer</c>), [parameterCount] floats.</param>
        /// <param name="outputGradients">The buffer the model's <c>Backward()</c> reads dL/dz from, [maxRows][outputWidth] floats.</param>
        /// <exception cref="ArgumentNullException">A device, module or buffer is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
        /// <exception cref="ArgumentException">A buffer is smaller than its size says.</exception>
        public CudaTraining(GpuDevice device, GpuModule module, DeviceBuffer parameters, int parameterCount, DeviceBuffer outputs, int maxRows, int outputWidth, DeviceBuffer gradients, DeviceBuffer outputGradients)
            : this(device, module, parameters, parameterCount, outputs, maxRows, outputWidth, gradients ?? throw new ArgumentNullException(nameof(gradients)), outputGradients ?? throw new ArgumentNullException(nameof(outputGradients)), borrowed: true)
        {
        }

        private CudaTraining(GpuDevice device, GpuModule module, DeviceBuffer parameters, int parameterCount, DeviceBuffer outputs, int maxRows, int outputWidth, DeviceBuffer? gradients, DeviceBuffer? outputGradients, bool borrowed)
        {
            ArgumentNullException.ThrowIfNull(device);
            ArgumentNullException.ThrowIfNull(module);
            ArgumentNullException.ThrowIfNull(parameters);
            ArgumentNullException.ThrowIfNull(outputs);
            ArgumentOutOfRangeException.ThrowIfLessThan(parameterCount, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(outputWidth, 1);
            RequireBytes(parameters, parameterCount, nameof(parameters), "[parameterCount]");
            RequireBytes(outputs, (long)maxRows * outputWidth, nameof(outputs), "[maxRows][outputWidth]");
            _device = device;
            _module = module;
            _parameters = parameters;
            _outputs = outputs;
            ParameterCount = parameterCount;
            MaxRows = maxRows;
            OutputWidth = outputWidth;
            _softmaxCrossEntropy = device.GetKernel(module, TrainingKernelNames.SoftmaxCrossEntropy);
            _binaryCrossEntropy = device.GetKernel(module, TrainingKernelNames.BinaryCrossEntropy);
            _meanSquaredError = device.GetKernel(module, TrainingKernelNames.MeanSquaredError);
            _sumOfSquares = device.GetKernel(module, TrainingKernelNames.SumOfSquares);
            _clipScale = device.GetKernel(module, TrainingKernelNames.ClipScale);
            _finish = device.GetKernel(module, TrainingKernelNames.FinishSum);
            var outputLength = maxRows * outputWidth;
            if (!borrowed || gradients is null || outputGradients is null)
            {
                Gradients = device.Allocate(4L * parameterCount);
                OutputGradients = device.Allocate(4L * outputLength);
                _ownsGradients = true;
            }
            else
            {
                RequireBytes(gradients, parameterCount, nameof(gradients), "[parameterCount]");
                RequireBytes(outputGradients, outputLength, nameof(outputGradients), "[maxRows][outputWidth]");
                Gradients = gradients;
                OutputGradients = outputGradients;
            }

            _targets = device.Allocate(4L * outputLength);
            _rowInfo = device.Allocate(8L * maxRows);
            _partials = device.Allocate(4L * Math.Max(TrainingKernelNames.Blocks(parameterCount), TrainingKernelNames.Blocks(outputLength)));
            _scalars = device.Allocate(4L * 3);
            _hostRowInfo = new float[2 * maxRows];
            _hostMask = new float[maxRows];
        }

        /// <summary>The number of packed parameters (and of gradients).</summary>
        public int ParameterCount { get; }

        /// <summary>The most output rows a loss covers (the model's MaxSequenceLength × MaxBatchSize).</summary>
        public int MaxRows { get; }

        /// <summary>Floats per output row (the model's OutputSize).</summary>
        public int OutputWidth { get; }

        /// <summary>
        /// The output rows the last <c>ComputeLoss</c> wrote to <see cref="OutputGradients"/> (0 before any): the model's
        /// device <c>Backward()</c> checks that they are the rows of its last <c>Forward</c>.
        /// </summary>
        public int LossRows { get; private set; }

        /// <summary>
        /// Marks <see cref="OutputGradients"/> as not the next Forward's (<see cref="LossRows"/> = 0): the model's
        /// <c>Forward</c> calls it, so its <c>Backward()</c> refuses the dL/dz of an earlier batch.
        /// </summary>
        public void ForgetLoss() => LossRows = 0;

        /// <summary>
        /// The parameter gradients on the device, [<see cref="ParameterCount"/>] in the packed parameter layout (the CPU
        /// model's <c>PackedParameters</c> order): what a backward pass writes and the clipping and the optimisers read.
        /// </summary>
        public DeviceBuffer Gradients { get; }

        /// <summary>
        /// dL/d(pre-activation) of the head, dense [rows][<see cref="OutputWidth"/>] in Forward's output order: what
        /// the loss writes and a backward pass reads (the CPU <c>Backward</c>'s <c>outputGradients</c>).
        /// </summary>
        public DeviceBuffer OutputGradients { get; }

        /// <summary>The model's parameters on the device (not owned).</summary>
        internal DeviceBuffer Parameters => _parameters;

        internal GpuDevice Device => _device;

        internal GpuModule Module => _module;

        /// <summary>A device float that is always 0: the guard of an unconditional optimiser step.</summary>
        internal KernelArgument ZeroGuard => KernelArgument.Pointer(_scalars, 4L * ZeroSlot);

        /// <summary>The device float the last norm went to: the guard of a step that must skip a non-finite norm.</summary>
        internal KernelArgument NormGuard => KernelArgument.Pointer(_scalars, 4L * NormSlot);

        /// <summary>
        /// Queues softmax cross-entropy of the last Forward's outputs (softmax probabilities) against class ids, as
        /// <see cref="Losses.SoftmaxCrossEntropy"/>: the mean of −log p[target] over counted rows, and
        /// (p − onehot) · weight / total written to <see cref="OutputGradients"/>. Read the value with <see cref="ReadLoss"/>.
        /// </summary>
        /// <param name="loss"><see cref="TrainingLoss.SoftmaxCrossEntropy"/>.</param>
        /// <param name="tokenTargets">One class id per output row (rows = its length), in [0, OutputWidth); padded rows may hold anything.</param>
        /// <param name="rowMask">Empty, or one weight per row: 1 counts, 0 is padding (as the CPU loss and the trainer's mask).</param>
        /// <exception cref="ArgumentException">The loss is not softmax cross-entropy, or a span has the wrong length or a mask weight is negative or not finite.</exception>
        /// <exception cref="ArgumentOutOfRangeException">There are no rows or more than <see cref="MaxRows"/>, or a counted row's target is not a class.</exception>
        public void ComputeLoss(TrainingLoss loss, ReadOnlySpan<int> tokenTargets, ReadOnlySpan<float> rowMask = default)
        {
            ThrowIfDisposed();
            ArgumentNullException.ThrowIfNull(loss);
            if (loss.Kind != TrainingLossKind.SoftmaxCrossEntropy)
            {
                throw new ArgumentException($"Class-id targets go with softmax cross-entropy, not {loss}; pass float targets for it.", nameof(loss));
            }

            var rows = RequireRows(tokenTargets.Length, nameof(tokenTargets), "one class id per output row");
            var total = Losses.MaskTotal(rowMask, rows);
            for (var row = 0; row < rows; row++)
            {
                if (Losses.Weight(rowMask, row) != 0 && (uint)tokenTargets[row] >= (uint)OutputWidth)
                {
                    throw new ArgumentOutOfRangeException(nameof(tokenTargets), tokenTargets[row], $"tokenTargets[{row}] = {tokenTargets[row]} is not a class in [0, {OutputWidth}).");
                }
            }

            _device.Upload(_targets, 0, tokenTargets);
            LaunchLoss(_softmaxCrossEntropy, rows, rowMask, total, 1.0);
        }

        /// <summary>
        /// Queues binary cross-entropy or mean squared error of the last Forward's outputs against float targets, as
        /// <see cref="Losses.BinaryCrossEntropy"/> and <see cref="Losses.MeanSquaredError"/>: the mean over counted
        /// elements, and d(loss)/d(pre-activation) written to <see cref="OutputGradients"/>. Read the value with <see cref="ReadLoss"/>.
        /// </summary>
        /// <param name="loss"><see cref="TrainingLoss.BinaryCrossEntropy"/>, or <see cref="TrainingLoss.MeanSquaredError"/> through Linear, Tanh, Sigmoid or Relu.</param>
        /// <param name="targets">[rows][OutputWidth] (rows = its length / OutputWidth); in [0, 1] for binary cross-entropy; padded rows may hold anything.</param>
        /// <param name="rowMask">Empty, or one weight per row: 1 counts, 0 is padding.</param>
        /// <exception cref="ArgumentException">The loss takes class ids, a span has the wrong length or a mask weight is negative or not finite.</exception>
        /// <exception cref="ArgumentOutOfRangeException">There are no rows or more than <see cref="MaxRows"/>, or a counted binary target is outside [0, 1].</exception>
        /// <exception cref="NotSupportedException">Mean squared error through Softmax (its row Jacobian is CPU-only), or a custom loss.</exception>
        public void ComputeLoss(TrainingLoss loss, ReadOnlySpan<float> targets, ReadOnlySpan<float> rowMask = default)
        {
            ThrowIfDisposed();
            ArgumentNullException.ThrowIfNull(loss);
            if (targets.Length % OutputWidth != 0)
            {
                throw new ArgumentException($"targets must be [rows][OutputWidth = {OutputWidth}]; got {targets.Length} floats, not a multiple of {OutputWidth}.", nameof(targets));
            }

            var rows = RequireRows(targets.Length / OutputWidth, nameof(targets), $"[rows][{OutputWidth}]");
            var total = Losses.MaskTotal(rowMask, rows) * OutputWidth;
            switch (loss.Kind)
            {
                case TrainingLossKind.BinaryCrossEntropy:
                    for (var i = 0; i < targets.Length; i++)
                    {
                        var t = targets[i];
                        if (Losses.Weight(rowMask, i / OutputWidth) != 0 && !(t >= 0 && t <= 1))
                        {
                            throw new ArgumentOutOfRangeException(nameof(targets), t, $"targets[{i}] = {t} is not in [0, 1].");
                        }
                    }

                    _device.Upload(_targets, 0, targets);
                    LaunchLoss(_binaryCrossEntropy, rows, rowMask, total, 1.0);
                    break;
                case TrainingLossKind.MeanSquaredError:
                    var activation = DeviceActivation(loss.OutputActivation);
                    _device.Upload(_targets, 0, targets);
                    LaunchLoss(_meanSquaredError, rows, rowMask, total, 2.0, activation);
                    break;
                case TrainingLossKind.SoftmaxCrossEntropy:
                    throw new ArgumentException("Softmax cross-entropy takes class ids (ReadOnlySpan<int>), not float targets.", nameof(loss));
                default:
                    throw new NotSupportedException($"{loss} is not one of the built-in losses; the device runs softmax cross-entropy, binary cross-entropy and mean squared error.");
            }
        }

        /// <summary>
        /// Queues the loss of a training batch, as <see cref="TrainingLoss.Compute"/> does on the CPU (targets by the
        /// loss's kind, padded steps and row weights masked out). Read the value with <see cref="ReadLoss"/>.
        /// </summary>
        /// <typeparam name="TInput">The model's input type.</typeparam>
        /// <param name="loss">The loss.</param>
        /// <param name="batch">The batch whose Forward ran last on this model.</param>
        /// <exception cref="ArgumentException">See the span overloads.</exception>
        public void ComputeLoss<TInput>(TrainingLoss loss, TrainingBatch<TInput> batch)
            where TInput : unmanaged
        {
            ArgumentNullException.ThrowIfNull(loss);
            ArgumentNullException.ThrowIfNull(batch);
            var rows = batch.OutputRows;
            if (rows > MaxRows)
            {
                throw new ArgumentException($"The batch has {rows} output rows; this model's outputs hold at most {MaxRows}.", nameof(batch));
            }

            var mask = batch.RowMask(_hostMask);
            if (loss.Kind == TrainingLossKind.SoftmaxCrossEntropy)
            {
                ComputeLoss(loss, batch.TokenTargets.AsSpan(0, rows), mask);
            }
            else
            {
                ComputeLoss(loss, batch.Targets.AsSpan(0, rows * OutputWidth), mask);
            }
        }

        /// <summary>Waits for the last queued loss and returns its value (one float from the device).</summary>
        /// <returns>The mean loss over the counted rows (0 when none counted).</returns>
        public float ReadLoss() => ReadScalar(LossSlot);

        /// <summary><see cref="ComputeLoss(TrainingLoss, ReadOnlySpan{int}, ReadOnlySpan{float})"/>, then <see cref="ReadLoss"/>.</summary>
        /// <param name="loss">Softmax cross-entropy.</param>
        /// <param name="tokenTargets">One class id per row.</param>
        /// <param name="rowMask">Empty, or one weight per row.</param>
        /// <returns>The mean loss.</returns>
        public float Loss(TrainingLoss loss, ReadOnlySpan<int> tokenTargets, ReadOnlySpan<float> rowMask = default)
        {
            ComputeLoss(loss, tokenTargets, rowMask);
            return ReadLoss();
        }

        /// <summary><see cref="ComputeLoss(TrainingLoss, ReadOnlySpan{float}, ReadOnlySpan{float})"/>, then <see cref="ReadLoss"/>.</summary>
        /// <param name="loss">Binary cross-entropy or mean squared error.</param>
        /// <param name="targets">[rows][OutputWidth].</param>
        /// <param name="rowMask">Empty, or one weight per row.</param>
        /// <returns>The mean loss.</returns>
        public float Loss(TrainingLoss loss, ReadOnlySpan<float> targets, ReadOnlySpan<float> rowMask = default)
        {
            ComputeLoss(loss, targets, rowMask);
            return ReadLoss();
        }

        /// <summary>Copies gradients in the packed parameter layout to <see cref="Gradients"/> (e.g. the CPU Backward's).</summary>
        /// <param name="gradients">[ParameterCount] floats.</param>
        /// <exception cref="ArgumentException">The span has the wrong length.</exception>
        public void UploadGradients(ReadOnlySpan<float> gradients)
        {
            ThrowIfDisposed();
            Shapes.RequireLength(gradients.Length, ParameterCount, nameof(gradients), "[ParameterCount]");
            _device.Upload(Gradients, 0, gradients);
        }

        /// <summary>Copies <see cref="Gradients"/> to the host (after every queued launch).</summary>
        /// <param name="gradients">Receives [ParameterCount] floats.</param>
        /// <exception cref="ArgumentException">The span has the wrong length.</exception>
        public void DownloadGradients(Span<float> gradients)
        {
            ThrowIfDisposed();
            Shapes.RequireLength(gradients.Length, ParameterCount, nameof(gradients), "[ParameterCount]");
            _device.Download(Gradients, 0, gradients);
        }

        /// <summary>Copies the first rows of <see cref="OutputGradients"/> (what the last loss wrote) to the host.</summary>
        /// <param name="outputGradients">Receives [rows][OutputWidth] floats, rows at most <see cref="MaxRows"/>.</param>
        /// <exception cref="ArgumentException">The length is not a whole number of rows, or exceeds the buffer.</exception>
        public void DownloadOutputGradients(Span<float> outputGradients)
        {
            ThrowIfDisposed();
            if (outputGradients.Length % OutputWidth != 0 || outputGradients.Length > MaxRows * OutputWidth)
            {
                throw new ArgumentException($"outputGradients must be [rows][{OutputWidth}] with rows <= {MaxRows}; got {outputGradients.Length} floats.", nameof(outputGradients));
            }

            _device.Download(OutputGradients, 0, outputGradients);
        }

        /// <summary>
        /// Queues the global L2 norm √Σ g² of <see cref="Gradients"/> (two deterministic passes); read it with
        /// <see cref="ReadGradientNorm"/>. An optimiser step guarded by it (<see cref="CudaOptimizer.TryStep"/>) skips a
        /// non-finite norm on the device.
        /// </summary>
        public void ComputeGradientNorm()
        {
            ThrowIfDisposed();
            var blocks = TrainingKernelNames.Blocks(ParameterCount);
            _device.Launch(_sumOfSquares, new LaunchShape(blocks, TrainingKernelNames.Threads), stackalloc KernelArgument[]
            {
                KernelArgument.Pointer(Gradients), KernelArgument.Pointer(_partials), KernelArgument.Int32(ParameterCount),
            });
            Finish(blocks, NormSlot, 1f, root: true);
        }

        /// <summary>
        /// Queues clipping by global norm, as <see cref="GradientClipping.ClipByGlobalNorm(Span{float}, float)"/>: the
        /// norm, then g ← g · maxNorm / norm when the norm exceeds <paramref name="maxNorm"/> and is finite (a NaN or
        /// infinite norm leaves the gradients as they are). The norm before clipping is read with <see cref="ReadGradientNorm"/>.
        /// </summary>
        /// <param name="maxNorm">The largest norm allowed (finite, &gt; 0).</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not finite and positive.</exception>
        public void ClipGradients(float maxNorm)
        {
            if (!(maxNorm > 0) || float.IsPositiveInfinity(maxNorm))
            {
                throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be finite and > 0.");
            }

            ComputeGradientNorm();
            _device.Launch(_clipScale, new LaunchShape(TrainingKernelNames.Blocks(ParameterCount), TrainingKernelNames.Threads), stackalloc KernelArgument[]
            {
                KernelArgument.Pointer(Gradients), KernelArgument.Int32(ParameterCount), NormGuard, KernelArgument.Float32(maxNorm),
            });
        }

        /// <summary>Waits for the last queued norm and returns it (one float from the device).</summary>
        /// <returns>The global norm before clipping (+∞ or NaN when a gradient is; 0 before any norm was computed).</returns>
        public float ReadGradientNorm() => ReadScalar(NormSlot);

        /// <summary>
        /// Creates the device twin of a CPU optimiser: the same rule and hyper-parameters, its state tensors on the
        /// device in the same layout (uploaded from <paramref name="optimizer"/> now, so a restored CPU state resumes),
        /// updating this model's parameters from <see cref="Gradients"/>.
        /// </summary>
        /// <param name="optimizer">An <see cref="Adam"/> (or AdamW), <see cref="Sgd"/>, <see cref="RmsProp"/> or
        /// <see cref="AdaGrad"/> over <see cref="ParameterCount"/> parameters. It stays the host's view: its
        /// <see cref="Optimizer.LearningRate"/> (set by a schedule) is read at every step, its
        /// <see cref="Optimizer.StepCount"/> is advanced, and <see cref="CudaOptimizer.DownloadState"/> fills its state
        /// for a checkpoint.</param>
        /// <returns>The optimiser on the device; dispose it to free its state.</returns>
        /// <exception cref="ArgumentException">The optimiser updates another number of parameters.</exception>
        /// <exception cref="NotSupportedException">The optimiser is not one of the four built-in rules.</exception>
        public CudaOptimizer CreateOptimizer(Optimizer optimizer)
        {
            ThrowIfDisposed();
            ArgumentNullException.ThrowIfNull(optimizer);
            optimizer.RequireParameterCount(ParameterCount, nameof(optimizer));

            return new CudaOptimizer(this, optimizer);
        }

        /// <summary>Frees the training buffers (the model's own buffers stay).</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_ownsGradients)
            {
                Gradients.Dispose();
                OutputGradients.Dispose();
            }

            _targets.Dispose();
            _rowInfo.Dispose();
            _partials.Dispose();
            _scalars.Dispose();
        }

        internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

        private static void RequireBytes(DeviceBuffer buffer, long floats, string name, string shape)
        {
            if (buffer.Bytes < 4 * floats)
            {
                throw new ArgumentException($"{name} must hold {shape} = {floats} floats; it has {buffer.Bytes} bytes.", name);
            }
        }

        /// <summary>The kernel's activation code: 0 Linear, 1 Tanh, 2 Sigmoid, 3 Relu.</summary>
        private static int DeviceActivation(Activation activation) => activation switch
        {
            Activation.Linear => 0,
            Activation.Tanh => 1,
            Activation.Sigmoid => 2,
            Activation.Relu => 3,
            _ => throw new NotSupportedException($"Mean squared error through {activation} runs on the CPU only (the device covers Linear, Tanh, Sigmoid and Relu)."),
        };

        private int RequireRows(int rows, string name, string shape)
        {
            if (rows < 1 || rows > MaxRows)
            {
                throw new ArgumentOutOfRangeException(name, rows, $"{name} must cover 1 to {MaxRows} output rows ({shape}); it covers {rows}.");
            }

            return rows;
        }

        /// <summary>
        /// Uploads each row's (scale, weight), scale = numerator · weight / total computed in double and rounded once as
        /// the CPU losses do, then launches <paramref name="kernel"/> and the finishing sum into the loss slot.
        /// </summary>
        private void LaunchLoss(GpuKernel kernel, int rows, ReadOnlySpan<float> rowMask, double total, double numerator, int activation = -1)
        {
            for (var row = 0; row < rows; row++)
            {
                var weight = Losses.Weight(rowMask, row);
                _hostRowInfo[2 * row] = total == 0 ? 0f : (float)(numerator * weight / total);
                _hostRowInfo[(2 * row) + 1] = weight;
            }

            _device.Upload<float>(_rowInfo, 0, _hostRowInfo.AsSpan(0, 2 * rows));
            LossRows = rows;
            var blocks = TrainingKernelNames.Blocks(rows * OutputWidth);
            Span<KernelArgument> arguments = stackalloc KernelArgument[8];
            arguments[0] = KernelArgument.Pointer(_outputs);
            arguments[1] = KernelArgument.Pointer(_targets);
            arguments[2] = KernelArgument.Pointer(_rowInfo);
            arguments[3] = KernelArgument.Pointer(OutputGradients);
            arguments[4] = KernelArgument.Pointer(_partials);
            arguments[5] = KernelArgument.Int32(rows);
            arguments[6] = KernelArgument.Int32(OutputWidth);
            arguments[7] = KernelArgument.Int32(activation);
            _device.Launch(kernel, new LaunchShape(blocks, TrainingKernelNames.Threads), arguments[..(activation < 0 ? 7 : 8)]);
            Finish(blocks, LossSlot, total == 0 ? 1f : (float)total, root: false);
        }

        private void Finish(int partials, int slot, float divisor, bool root) =>
            _device.Launch(_finish, new LaunchShape(1, TrainingKernelNames.Threads), stackalloc KernelArgument[]
            {
                KernelArgument.Pointer(_partials), KernelArgument.Int32(partials), KernelArgument.Pointer(_scalars, 4L * slot),
                KernelArgument.Float32(divisor), KernelArgument.Int32(root ? 1 : 0),
            });

        private float ReadScalar(int slot)
        {
            ThrowIfDisposed();
            _device.Download<float>(_scalars, slot, _scalar);
            return _scalar[0];
        }
    }
}
