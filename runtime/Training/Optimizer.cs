using System;
using System.Collections.Generic;
using System.Numerics.Tensors;

namespace RnnGen.Training
{
    /// <summary>
    /// A gradient-descent optimiser over one flat span of parameters (for a generated model, its
    /// <c>PackedParameters</c>) and the matching span of gradients.
    /// </summary>
    /// <remarks>
    /// <para>All state is allocated by the constructor for <see cref="ParameterCount"/> parameters, so
    /// <see cref="Step"/> allocates nothing. One optimizer serves one parameter buffer.</para>
    /// <para>Weight decay is PyTorch's <c>weight_decay</c>: <c>WeightDecay × parameter</c> is added to the
    /// gradient before the update (L2 regularisation), except where an optimiser offers decoupled decay
    /// (<see cref="Adam"/>'s AdamW mode), which shrinks the parameters directly.</para>
    /// <para>State is exposed for checkpoints as named tensors (<see cref="State"/>) plus
    /// <see cref="StepCount"/>; <see cref="Restore"/> puts a saved state back.</para>
    /// </remarks>
    public abstract class Optimizer
    {
        private readonly List<(OptimizerStateTensor Tensor, float Initial)> state = new();
        private readonly float[]? decayedGradients;
        private float learningRate;
        private long stepCount;
        private IReadOnlyList<OptimizerStateTensor>? stateView;

        /// <summary>Sets the shared settings and validates them.</summary>
        /// <param name="parameterCount">The number of parameters every <see cref="Step"/> updates (at least 1).</param>
        /// <param name="learningRate">The initial learning rate (finite, at least 0).</param>
        /// <param name="weightDecay">The weight decay coefficient (finite, at least 0; 0 turns it off).</param>
        /// <param name="decoupledWeightDecay">True when the derived class applies the decay itself instead of
        /// adding it to the gradient.</param>
        /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range.</exception>
        protected Optimizer(int parameterCount, float learningRate, float weightDecay, bool decoupledWeightDecay = false)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(parameterCount, 1);
            Guard.NonNegative(learningRate, nameof(learningRate));
            Guard.NonNegative(weightDecay, nameof(weightDecay));
            ParameterCount = parameterCount;
            this.learningRate = learningRate;
            WeightDecay = weightDecay;
            if (weightDecay != 0 && !decoupledWeightDecay)
            {
                decayedGradients = new float[parameterCount];
            }
        }

        /// <summary>The number of parameters this optimizer updates: the length <see cref="Step"/> expects.</summary>
        public int ParameterCount { get; }

        /// <summary>Throws unless this optimiser updates exactly <paramref name="packedLength"/> parameters (a model's packed buffer).</summary>
        /// <exception cref="ArgumentException">It updates another number, reported as the argument <paramref name="parameterName"/>.</exception>
        internal void RequireParameterCount(int packedLength, string parameterName)
        {
            if (ParameterCount != packedLength)
            {
                throw new ArgumentException($"The optimizer has {ParameterCount} parameters; the model's packed buffer has {packedLength} (create it with model.PackedParameters.Length).", parameterName);
            }
        }

        /// <summary>The learning rate of the next <see cref="Step"/>; schedules change it between steps.</summary>
        /// <exception cref="ArgumentOutOfRangeException">Set to a negative, infinite or NaN value.</exception>
        public float LearningRate
        {
            get => learningRate;
            set
            {
                Guard.NonNegative(value, nameof(value));
                learningRate = value;
            }
        }

        /// <summary>The weight decay coefficient (0 when off).</summary>
        public float WeightDecay { get; }

        /// <summary>
        /// The number of steps taken (0 before the first). Adam's bias correction and SGD's first momentum step
        /// depend on it; set it (or use <see cref="Restore"/>) when restoring a checkpoint.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">Set to a negative value.</exception>
        public long StepCount
        {
            get => stepCount;
            set
            {
                ArgumentOutOfRangeException.ThrowIfNegative(value);
                stepCount = value;
            }
        }

        /// <summary>
        /// The optimiser's state as named tensors of <see cref="ParameterCount"/> floats each (empty for plain
        /// SGD). They are live views: save them with <see cref="StepCount"/>, restore them with
        /// <see cref="Restore"/> or <see cref="OptimizerStateTensor.CopyFrom"/>.
        /// </summary>
        public IReadOnlyList<OptimizerStateTensor> State => stateView ??= Array.AsReadOnly(BuildStateView());

        /// <summary>
        /// Updates <paramref name="parameters"/> in place from <paramref name="gradients"/> and increments
        /// <see cref="StepCount"/>. Allocates nothing.
        /// </summary>
        /// <param name="parameters">The parameters, <see cref="ParameterCount"/> floats.</param>
        /// <param name="gradients">The loss gradient with respect to each parameter, <see cref="ParameterCount"/>
        /// floats (not modified).</param>
        /// <exception cref="ArgumentException">A span does not have <see cref="ParameterCount"/> floats.</exception>
        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
        {
            Guard.Length(parameters.Length, ParameterCount, nameof(parameters), "the optimizer's ParameterCount");
            Guard.Length(gradients.Length, ParameterCount, nameof(gradients), "the optimizer's ParameterCount");
            stepCount++;
            var effective = gradients;
            if (decayedGradients is not null)
            {
                // g + weight_decay * p, PyTorch's grad.add(param, alpha=weight_decay).
                TensorPrimitives.MultiplyAdd(parameters, WeightDecay, gradients, decayedGradients);
                effective = decayedGradients;
            }

            if (!ParallelUpdate.TryRun(this, parameters, effective, stepCount))
            {
                Update(parameters, effective, stepCount, 0);
            }
        }

        /// <summary>
        /// Restores a checkpoint: sets <see cref="StepCount"/> and copies every state tensor from
        /// <paramref name="savedState"/>, keyed by <see cref="OptimizerStateTensor.Name"/>. Everything is
        /// validated before anything is written.
        /// </summary>
        /// <param name="stepCount">The saved <see cref="StepCount"/> (at least 0).</param>
        /// <param name="savedState">One array of <see cref="ParameterCount"/> floats per entry of <see cref="State"/>;
        /// extra entries are an error too, since they mean the checkpoint came from another optimiser.</param>
        /// <exception cref="ArgumentException">A tensor is missing, unknown or has the wrong length.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepCount"/> is negative.</exception>
        public void Restore(long stepCount, IReadOnlyDictionary<string, float[]> savedState)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
            ArgumentNullException.ThrowIfNull(savedState);
            var tensors = State;
            foreach (var tensor in tensors)
            {
                if (!savedState.TryGetValue(tensor.Name, out var values) || values is null)
                {
                    throw new ArgumentException($"savedState has no '{tensor.Name}' tensor; {GetType().Name} needs {Describe(tensors)}.", nameof(savedState));
                }

                Guard.Length(values.Length, tensor.Length, nameof(savedState), $"'{tensor.Name}' must have the optimizer's ParameterCount");
            }

            foreach (var name in savedState.Keys)
            {
                if (!Contains(tensors, name))
                {
                    throw new ArgumentException($"savedState has an unknown tensor '{name}'; {GetType().Name} has {Describe(tensors)}.", nameof(savedState));
                }
            }

            foreach (var tensor in tensors)
            {
                tensor.CopyFrom(savedState[tensor.Name]);
            }

            this.stepCount = stepCount;
        }

        /// <summary>Returns to the freshly constructed state: <see cref="StepCount"/> 0 and every state tensor at its initial value.</summary>
        public void Reset()
        {
            foreach (var (tensor, initial) in state)
            {
                tensor.Values.Fill(initial);
            }

            stepCount = 0;
        }

        /// <summary>
        /// The optimiser's update rule over one range of the parameters, called by <see cref="Step"/> after validation:
        /// large buffers are split into ranges updated on several cores at once (see
        /// <see cref="RnnGen.Threading.RowParallel"/>), so a rule must be element-wise and must read its state tensors
        /// from <paramref name="offset"/> on. Range starts are multiples of 1024, so each element takes the same
        /// vector or scalar path as in one whole call and the result does not depend on the thread count.
        /// </summary>
        /// <param name="parameters">The range of parameters to update in place.</param>
        /// <param name="gradients">The same range of the gradients, with coupled weight decay already added.</param>
        /// <param name="step">The 1-based number of this step (<see cref="StepCount"/> after incrementing).</param>
        /// <param name="offset">Where the range starts in the whole buffer (and in every state tensor).</param>
        protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, int offset);

        /// <summary>Runs <see cref="Update"/> on one range (for <see cref="ParallelUpdate"/>).</summary>
        internal void UpdateRange(Span<float> parameters, ReadOnlySpan<float> gradients, long step, int offset) => Update(parameters, gradients, step, offset);

        /// <summary><paramref name="length"/> floats of an optional state tensor from <paramref name="offset"/>; empty when it is absent.</summary>
        /// <param name="state">The state tensor, or null when this configuration has none.</param>
        /// <param name="offset">The range's start.</param>
        /// <param name="length">The range's length.</param>
        /// <returns>The slice, or an empty span.</returns>
        protected static Span<float> Slice(float[]? state, int offset, int length) => state is null ? Span<float>.Empty : state.AsSpan(offset, length);

        /// <summary>Allocates a state tensor of <see cref="ParameterCount"/> floats (call from the constructor only).</summary>
        /// <param name="name">Its checkpoint name (PyTorch's key where one exists).</param>
        /// <param name="initialValue">The value it starts from and returns to on <see cref="Reset"/>.</param>
        /// <returns>The backing array, for the derived class's update rule.</returns>
        protected float[] AddState(string name, float initialValue = 0)
        {
            var values = new float[ParameterCount];
            if (initialValue != 0)
            {
                values.AsSpan().Fill(initialValue);
            }

            state.Add((new OptimizerStateTensor(name, values), initialValue));
            stateView = null;
            return values;
        }

        private OptimizerStateTensor[] BuildStateView()
        {
            var view = new OptimizerStateTensor[state.Count];
            for (var i = 0; i < view.Length; i++)
            {
                view[i] = state[i].Tensor;
            }

            return view;
        }

        private static bool Contains(IReadOnlyList<OptimizerStateTensor> tensors, string name)
        {
            foreach (var tensor in tensors)
            {
                if (tensor.Name == name)
                {
                    return true;
                }
            }

            return false;
        }

        private static string Describe(IReadOnlyList<OptimizerStateTensor> tensors)
        {
            if (tensors.Count == 0)
            {
                return "no state tensors";
            }

            var names = new string[tensors.Count];
            for (var i = 0; i < names.Length; i++)
            {
                names[i] = "'" + tensors[i].Name + "'";
            }

            return string.Join(", ", names);
        }
    }
}
