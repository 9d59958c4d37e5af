using System;
using RnnGen.Training;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>
    /// The starting weights: PyTorch's defaults from the generated <c>InitializeParameters</c>, then, for every LSTM
    /// layer, the initialisation Keras uses for LSTMs, which trains faster on text: Glorot-uniform input weights,
    /// orthogonal recurrent weights (each gate's H × H block), zero biases and a forget-gate bias of 1 so the cells
    /// remember by default at the start. All of it goes through <c>ImportPyTorch</c>, so it works for any LSTM stack.
    /// </summary>
    public static class ParameterInitialization
    {
        /// <summary>Initialises <paramref name="model"/> from <paramref name="seed"/>.</summary>
        /// <typeparam name="TModel">The generated model class.</typeparam>
        /// <typeparam name="TState">Its state class.</typeparam>
        /// <param name="model">The model to initialise.</param>
        /// <param name="seed">The seed; the same seed gives the same weights.</param>
        public static void Apply<TModel, TState>(TModel model, int seed)
            where TModel : ICharNetwork<TState>
            where TState : class
        {
            ArgumentNullException.ThrowIfNull(model);
            var random = new Random(seed);
            model.InitializeParameters(random);
            foreach (var tensor in model.PyTorchTensors)
            {
                var values = new float[tensor.Length];
                var units = tensor.Rows / 4; // LSTM tensors stack the gates i, f, g, o along the rows
                if (tensor.Name.StartsWith("weight_ih_l", StringComparison.Ordinal))
                {
                    WeightInitializers.GlorotUniform(values, tensor.Rows, tensor.Columns, random);
                }
                else if (tensor.Name.StartsWith("weight_hh_l", StringComparison.Ordinal))
                {
                    for (var gate = 0; gate < 4; gate++)
                    {
                        WeightInitializers.Orthogonal(values.AsSpan(gate * units * units, units * units), units, units, random);
                    }
                }
                else if (tensor.Name.StartsWith("bias_ih_l", StringComparison.Ordinal))
                {
                    WeightInitializers.UnitForgetBias(values, units); // b_hh stays 0, so the effective forget bias is 1
                }
                else if (!tensor.Name.StartsWith("bias_hh_l", StringComparison.Ordinal))
                {
                    continue; // the embedding and the head keep PyTorch's defaults
                }

                model.ImportPyTorch(tensor.Name, values);
            }
        }
    }
}
