using System;
using System.Collections.Generic;
using RnnGen.Training;

namespace RnnGen.Gpu
{
    /// <summary>
    /// A CPU <see cref="Optimizer"/>'s rule running on the device: the same hyper-parameters, bias corrections,
    /// weight-decay semantics and learning rate, with its state tensors (Adam's moments, momentum buffers, RMSProp's
    /// averages, AdaGrad's sums) on the device in the CPU layout. Created by <see cref="CudaTraining.CreateOptimizer"/>.
    /// </summary>
    /// <remarks>
    /// <para>The CPU optimiser stays the host's view of it (<see cref="Host"/>): a schedule sets its
    /// <see cref="Optimizer.LearningRate"/> between steps as on the CPU, each step advances its
    /// <see cref="Optimizer.StepCount"/>, and the step's scalars (Adam's 1 − β1ᵗ and √(1 − β2ᵗ), AdaGrad's decayed
    /// rate) are computed on the host exactly as the CPU rule computes them. Each parameter's update is the same
    /// sequence of correctly rounded operations as the CPU's, so parameters and state come out bit-identical.</para>
    /// <para>Checkpoints: <see cref="DownloadState"/> then <c>TrainingCheckpoint.Save(path, cpuModel, Host)</c> (with the
    /// CPU model's weights from the CUDA model's <c>CopyParametersTo</c>); to resume, <c>TrainingCheckpoint.Load</c>
    /// into <see cref="Host"/>, <see cref="UploadState"/> and the model's <c>UpdateParameters</c>.</para>
    /// </remarks>
    /// <example>
    /// <code>
    /// var adam = new Adam(Model.PackedParameterLength, learningRate: 2e-3f);
    /// using var onGpu = model.ToCuda(device);
    /// using var optimizer = onGpu.Training.CreateOptimizer(adam);
    /// onGpu.Forward(tokens, outputs, batchSize);
    /// onGpu.Training.ComputeLoss(TrainingLoss.SoftmaxCrossEntropy, targets);
    /// // ... gradients into onGpu.Training.Gradients (the device backward pass, or UploadGradients)
    /// if (!optimizer.TryStep(maxNorm: 5f, out float norm))
    ///     skipped++;                                 // NaN or ∞: the device wrote nothing
    /// float loss = onGpu.Training.ReadLoss();
    /// </code>
    /// </example>
    public sealed class CudaOptimizer : IDisposable
    {
        private readonly CudaTraining _training;
        private readonly GpuKernel _kernel;
        private readonly Dictionary<string, DeviceBuffer> _state = new(StringComparer.Ordinal);
        private bool _disposed;

        internal CudaOptimizer(CudaTraining training, Optimizer host)
        {
            _training = training;
            Host = host;
            var name = host switch
            {
                Adam => TrainingKernelNames.Adam,
                Sgd => TrainingKernelNames.Sgd,
                RmsProp => TrainingKernelNames.RmsProp,
                AdaGrad => TrainingKernelNames.AdaGrad,
                _ => throw new NotSupportedException($"{host.GetType().Name} has no device kernel; the device runs Adam (and AdamW), Sgd, RmsProp and AdaGrad."),
            };
            _kernel = training.Device.GetKernel(training.Module, name);
            foreach (var tensor in host.State)
            {
                _state.Add(tensor.Name, training.Device.Allocate(4L * tensor.Length));
            }

            UploadState();
        }

        /// <summary>The CPU optimiser this one mirrors: its hyper-parameters, learning rate, step count and (after
        /// <see cref="DownloadState"/>) state.</summary>
        public Optimizer Host { get; }

        /// <summary>
        /// One update of the model's parameters from <see cref="CudaTraining.Gradients"/>, whatever they hold, at
        /// <see cref="Host"/>'s learning rate; advances <see cref="Optimizer.StepCount"/>. Queued: nothing is waited for.
        /// </summary>
        public void Step() => Launch(_training.ZeroGuard);

        /// <summary>
        /// The CPU trainer's step: clips the gradients by global norm (or only measures it when
        /// <paramref name="maxNorm"/> is +∞), updates unless the norm is NaN or infinite, and reads the norm (one float).
        /// A non-finite norm is caught on the device, which then writes nothing, and <see cref="Optimizer.StepCount"/>
        /// is left as it was, so the step never happened, as when the CPU <c>Trainer</c> skips it.
        /// </summary>
        /// <param name="maxNorm">The largest norm allowed (finite, &gt; 0), or +∞ for no clipping.</param>
        /// <param name="norm">The global norm before clipping.</param>
        /// <returns>True when the step was applied; false when it was skipped.</returns>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive.</exception>
        public bool TryStep(float maxNorm, out float norm)
        {
            if (float.IsPositiveInfinity(maxNorm))
            {
                ThrowIfDisposed();
                _training.ComputeGradientNorm();
            }
            else
            {
                ThrowIfDisposed();
                _training.ClipGradients(maxNorm);
            }

            Launch(_training.NormGuard);
            norm = _training.ReadGradientNorm();
            if (float.IsFinite(norm))
            {
                return true;
            }

            Host.StepCount--;
            return false;
        }

        /// <summary>Copies the device state into <see cref="Host"/>'s state tensors (for a checkpoint or to continue on the CPU).</summary>
        public void DownloadState()
        {
            ThrowIfDisposed();
            foreach (var tensor in Host.State)
            {
                _training.Device.Download(_state[tensor.Name], 0, tensor.Values);
            }
        }

        /// <summary>Copies <see cref="Host"/>'s state tensors to the device (after restoring a checkpoint into it).</summary>
        public void UploadState()
        {
            ThrowIfDisposed();
            foreach (var tensor in Host.State)
            {
                _training.Device.Upload<float>(_state[tensor.Name], 0, tensor.Values);
            }
        }

        /// <summary>Frees the device state.</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var buffer in _state.Values)
            {
                buffer.Dispose();
            }
        }

        private void ThrowIfDisposed()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _training.ThrowIfDisposed();
        }

        /// <summary>A state tensor's buffer, or the gradients as a placeholder the kernel never touches when the rule has no such tensor.</summary>
        private KernelArgument State(string name) =>
            KernelArgument.Pointer(_state.TryGetValue(name, out var buffer) ? buffer : _training.Gradients);

        private void Launch(KernelArgument guard)
        {
            ThrowIfDisposed();
            var step = Host.StepCount + 1;
            Host.StepCount = step;
            var count = Host.ParameterCount;
            var rate = Host.LearningRate;
            var coupled = Host.WeightDecay != 0;
            Span<KernelArgument> a = stackalloc KernelArgument[18];
            var n = 0;
            a[n++] = KernelArgument.Pointer(_training.Parameters);
            a[n++] = KernelArgument.Pointer(_training.Gradients);
            switch (Host)
            {
                case Adam adam:
                    a[n++] = State("exp_avg");
                    a[n++] = State("exp_avg_sq");
                    Common(a, ref n, count, guard, adam.WeightDecay, coupled && !adam.DecoupledWeightDecay);

                    // The CPU rule's scalars, computed as it computes them (bias corrections in double, as PyTorch).
                    var correction1 = 1 - Math.Pow(adam.Beta1, step);
                    var correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(adam.Beta2, step));
                    a[n++] = KernelArgument.Float32(adam.DecoupledWeightDecay && adam.WeightDecay != 0 ? 1 - (rate * adam.WeightDecay) : 1f);
                    a[n++] = KernelArgument.Float32(1 - adam.Beta1);
                    a[n++] = KernelArgument.Float32(adam.Beta2);
                    a[n++] = KernelArgument.Float32(1 - adam.Beta2);
                    a[n++] = KernelArgument.Float32((float)(rate / correction1));
                    a[n++] = KernelArgument.Float32(correction2Sqrt);
                    a[n++] = KernelArgument.Float32(adam.Epsilon);
                    break;
                case Sgd sgd:
                    a[n++] = State("momentum_buffer");
                    Common(a, ref n, count, guard, sgd.WeightDecay, coupled);
                    a[n++] = KernelArgument.Float32(-rate);
                    a[n++] = KernelArgument.Float32(sgd.Momentum);
                    a[n++] = KernelArgument.Float32(1 - sgd.Dampening);
                    a[n++] = KernelArgument.Int32(sgd.Momentum == 0 ? 0 : sgd.Nesterov ? 2 : 1);
                    a[n++] = KernelArgument.Int32(step == 1 ? 1 : 0);
                    break;
                case RmsProp rms:
                    a[n++] = State("square_avg");
                    a[n++] = State("grad_avg");
                    a[n++] = State("momentum_buffer");
                    Common(a, ref n, count, guard, rms.WeightDecay, coupled);
                    a[n++] = KernelArgument.Float32(rms.Alpha);
                    a[n++] = KernelArgument.Float32(1 - rms.Alpha);
                    a[n++] = KernelArgument.Float32(rms.Epsilon);
                    a[n++] = KernelArgument.Float32(rms.Momentum);
                    a[n++] = KernelArgument.Float32(rate);
                    a[n++] = KernelArgument.Int32(rms.Centered ? 1 : 0);
                    a[n++] = KernelArgument.Int32(rms.Momentum != 0 ? 1 : 0);
                    break;
                case AdaGrad adaGrad:
                    a[n++] = State("sum");
                    Common(a, ref n, count, guard, adaGrad.WeightDecay, coupled);
                    a[n++] = KernelArgument.Float32((float)(rate / (1 + ((step - 1) * (double)adaGrad.LearningRateDecay))));
                    a[n++] = KernelArgument.Float32(adaGrad.Epsilon);
                    break;
            }

            _training.Device.Launch(_kernel, new LaunchShape(TrainingKernelNames.Blocks(count), TrainingKernelNames.Threads), a[..n]);
        }

        /// <summary>The arguments every optimiser kernel takes after its buffers: count, guard, weightDecay, coupled.</summary>
        private static void Common(Span<KernelArgument> a, ref int n, int count, KernelArgument guard, float weightDecay, bool coupled)
        {
            a[n++] = KernelArgument.Int32(count);
            a[n++] = guard;
            a[n++] = KernelArgument.Float32(weightDecay);
            a[n++] = KernelArgument.Int32(coupled ? 1 : 0);
        }
    }
}
