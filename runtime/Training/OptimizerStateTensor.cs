using System;

namespace RnnGen.Training
{
    /// <summary>
    /// One named piece of an <see cref="Optimizer"/>'s state (a moment estimate, an accumulator, a momentum
    /// buffer), with one float per parameter. It is a live view: reading it for a checkpoint copies nothing, and
    /// <see cref="CopyFrom"/> restores it in place.
    /// </summary>
    /// <remarks>Names follow PyTorch's <c>optimizer.state_dict()</c> keys (<c>exp_avg</c>, <c>exp_avg_sq</c>,
    /// <c>momentum_buffer</c>, <c>sum</c>, <c>square_avg</c>, <c>grad_avg</c>).</remarks>
    public sealed class OptimizerStateTensor
    {
        private readonly float[] values;

        internal OptimizerStateTensor(string name, float[] values)
        {
            Name = name;
            this.values = values;
        }

        /// <summary>The state's name, e.g. <c>exp_avg</c>; unique within one optimizer.</summary>
        public string Name { get; }

        /// <summary>The number of floats: the optimizer's <see cref="Optimizer.ParameterCount"/>.</summary>
        public int Length => values.Length;

        /// <summary>The live values, one per parameter, in the parameters' order (writable).</summary>
        public Span<float> Values => values;

        /// <summary>Copies the values to <paramref name="destination"/>, which must have exactly <see cref="Length"/> floats.</summary>
        /// <param name="destination">Where the values go.</param>
        /// <exception cref="ArgumentException"><paramref name="destination"/> has another length.</exception>
        public void CopyTo(Span<float> destination)
        {
            Guard.Length(destination.Length, values.Length, nameof(destination), $"the length of optimizer state '{Name}'");
            values.CopyTo(destination);
        }

        /// <summary>Overwrites the values with <paramref name="source"/>, which must have exactly <see cref="Length"/> floats.</summary>
        /// <param name="source">Values saved earlier with <see cref="CopyTo"/> or <see cref="Values"/>.</param>
        /// <exception cref="ArgumentException"><paramref name="source"/> has another length.</exception>
        public void CopyFrom(ReadOnlySpan<float> source)
        {
            Guard.Length(source.Length, values.Length, nameof(source), $"the length of optimizer state '{Name}'");
            source.CopyTo(values);
        }
    }
}
