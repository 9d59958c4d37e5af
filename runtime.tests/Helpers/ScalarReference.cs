using System;
using System.Collections.Generic;
using System.Linq;

namespace RnnGen.Runtime.Tests.Helpers
{
    /// <summary>
    /// A plain, double-precision implementation written straight from the equations (PyTorch's documentation for
    /// nn.RNN / nn.LSTM / nn.GRU; Cho et al. 2014 for GRU with reset_after = false), sharing no code with the
    /// generator. Weights come as PyTorch tensors by name, row-major, gates stacked in PyTorch's order.
    /// </summary>
    internal sealed class ScalarReference
    {
        private readonly ModelConfig _config;
        private readonly IReadOnlyDictionary<string, double[]> _weights;
        private readonly int[] _hidden;

        public ScalarReference(ModelConfig config, IReadOnlyDictionary<string, float[]> weights, params int[] hiddenPerLayer)
            : this(config, weights.ToDictionary(p => p.Key, p => p.Value.Select(v => (double)v).ToArray()), hiddenPerLayer)
        {
        }

        /// <summary>Double-precision weights, so finite differences can perturb them exactly.</summary>
        public ScalarReference(ModelConfig config, IReadOnlyDictionary<string, double[]> weights, params int[] hiddenPerLayer)
        {
            _config = config;
            _weights = weights;
            _hidden = hiddenPerLayer.Length > 0 ? hiddenPerLayer : Enumerable.Repeat(config.Hidden, config.Layers).ToArray();
        }

        /// <summary>Optional initial states, [layer][batch][hidden]; zero when null.</summary>
        public double[][][]? InitialHidden { get; set; }

        public double[][][]? InitialCell { get; set; }

        /// <summary>
        /// Dropout masks of each layer's input, [layer] → [batch][input width] (null: none). Variational dropout: the
        /// same row multiplies x(t) at every step of sequence b.
        /// </summary>
        public float[]?[]? InputMasks { get; set; }

        /// <summary>
        /// Recurrent dropout masks, [layer] → [batch][hidden] (null: none): h(t-1) ⊙ mask feeds the W_hh products (and
        /// r ⊙ h of the reset-before GRU); the carried state (c, and the GRU's z ⊙ h(t-1)) is not dropped.
        /// </summary>
        public float[]?[]? RecurrentMasks { get; set; }

        /// <summary>
        /// Valid steps per sequence (null: all). Sequence b runs lengths[b] steps (a reversed direction from step
        /// lengths[b]-1 down to 0); its outputs after that are zero and its final state is the one at its last step.
        /// </summary>
        public int[]? Lengths { get; set; }

        /// <summary>Rows ⊙ mask[b] for time-major rows [steps][batch][width]: a dropped head input.</summary>
        public static double[] Mask(double[] rows, float[] mask, int batch, int width)
        {
            var result = (double[])rows.Clone();
            for (var i = 0; i < result.Length; i++)
            {
                var b = (i / width) % batch;
                result[i] *= mask[(b * width) + (i % width)];
            }

            return result;
        }

        /// <summary>Final h (and c) of every layer after the last <see cref="Forward"/>, [layer][batch][hidden].</summary>
        public double[][][] FinalHidden { get; private set; } = Array.Empty<double[][]>();

        public double[][][] FinalCell { get; private set; } = Array.Empty<double[][]>();

        /// <summary>Runs time-major inputs [steps][batch][input] from a zero state; returns the last layer's h per step.</summary>
        public double[] Forward(float[] inputs, int batch) => Forward(inputs.Select(v => (double)v).ToArray(), batch);

        public double[] Forward(double[] inputs, int batch)
        {
            var width = _config.Input;
            var steps = inputs.Length / (batch * width);
            var sequence = (double[])inputs.Clone();

            FinalHidden = new double[_config.States][][];
            FinalCell = new double[_config.States][][];
            for (var layer = 0; layer < _config.Layers; layer++)
            {
                var hidden = _hidden[layer];
                if (_config.Bidirectional)
                {
                    // Both directions see the whole input; the reverse one's h(t) is aligned with input step t.
                    var forward = RunLayer(layer, string.Empty, 2 * layer, false, sequence, steps, batch, width);
                    var backward = RunLayer(layer, "_reverse", (2 * layer) + 1, true, sequence, steps, batch, width);
                    sequence = Merge(forward, backward, hidden, _config.MergeMode);
                    width = _config.MergeMode == MergeMode.Concat ? 2 * hidden : hidden;
                }
                else if (_config.GoBackwards)
                {
                    // Keras go_backwards: processed from the last step, returned in processing order.
                    sequence = ReverseWithinLengths(RunLayer(layer, string.Empty, layer, true, sequence, steps, batch, width), steps, batch, hidden);
                    width = hidden;
                }
                else
                {
                    sequence = RunLayer(layer, string.Empty, layer, false, sequence, steps, batch, width);
                    width = hidden;
                }
            }

            return sequence;
        }

        /// <summary>Step t of the result is step steps-1-t of <paramref name="rows"/>.</summary>
        public static double[] ReverseSteps(double[] rows, int steps, int block)
        {
            var result = new double[rows.Length];
            for (var t = 0; t < steps; t++)
            {
                Array.Copy(rows, (steps - 1 - t) * block, result, t * block, block);
            }

            return result;
        }

        /// <summary>Each sequence's valid steps in reverse order (step t = step lengths[b]-1-t); padded steps stay zero.</summary>
        private double[] ReverseWithinLengths(double[] rows, int steps, int batch, int width)
        {
            var result = new double[rows.Length];
            for (var b = 0; b < batch; b++)
            {
                var length = Lengths?[b] ?? steps;
                for (var t = 0; t < length; t++)
                {
                    Array.Copy(rows, (((length - 1 - t) * batch) + b) * width, result, ((t * batch) + b) * width, width);
                }
            }

            return result;
        }

        /// <summary>Keras' merge of two aligned sequences of <paramref name="hidden"/>-wide rows.</summary>
        public static double[] Merge(double[] forward, double[] backward, int hidden, MergeMode mode)
        {
            var rows = forward.Length / hidden;
            var width = mode == MergeMode.Concat ? 2 * hidden : hidden;
            var result = new double[rows * width];
            for (var r = 0; r < rows; r++)
            {
                for (var j = 0; j < hidden; j++)
                {
                    var f = forward[(r * hidden) + j];
                    var b = backward[(r * hidden) + j];
                    switch (mode)
                    {
                        case MergeMode.Concat:
                            result[(r * width) + j] = f;
                            result[(r * width) + hidden + j] = b;
                            break;
                        case MergeMode.Sum:
                            result[(r * width) + j] = f + b;
                            break;
                        case MergeMode.Multiply:
                            result[(r * width) + j] = f * b;
                            break;
                        default:
                            result[(r * width) + j] = (f + b) / 2;
                            break;
                    }
                }
            }

            return result;
        }

        /// <param name="layer">The layer, for its weights' names (with <paramref name="suffix"/>) and width.</param>
        /// <param name="state">Index of the initial/final state and of the dropout masks: the layer, or layer × 2 + direction.</param>
        /// <param name="reverse">Process from the last step to the first; outputs stay aligned with the input steps.</param>
        private double[] RunLayer(int layer, string suffix, int state, bool reverse, double[] inputs, int steps, int batch, int width)
        {
            var hidden = _hidden[layer];
            var wIh = _weights[$"weight_ih_l{layer}{suffix}"];
            var wHh = _weights[$"weight_hh_l{layer}{suffix}"];
            var bIh = _config.Bias ? _weights[$"bias_ih_l{layer}{suffix}"] : null;
            var bHh = _config.Bias ? _weights[$"bias_hh_l{layer}{suffix}"] : null;
            var outputs = new double[steps * batch * hidden];
            FinalHidden[state] = new double[batch][];
            FinalCell[state] = new double[batch][];
            for (var b = 0; b < batch; b++)
            {
                var h = (double[]?)InitialHidden?[state][b].Clone() ?? new double[hidden];
                var c = (double[]?)InitialCell?[state][b].Clone() ?? new double[hidden];
                var length = Lengths?[b] ?? steps;
                for (var step = 0; step < length; step++)
                {
                    var t = reverse ? length - 1 - step : step;
                    var x = new double[width];
                    Array.Copy(inputs, ((t * batch) + b) * width, x, 0, width);
                    if (InputMasks?[state] is { } inputMask)
                    {
                        for (var k = 0; k < width; k++)
                        {
                            x[k] *= inputMask[(b * width) + k];
                        }
                    }

                    // What W_hh multiplies: h(t-1), or h(t-1) ⊙ mask with recurrent dropout.
                    var hp = (double[])h.Clone();
                    if (RecurrentMasks?[state] is { } recurrentMask)
                    {
                        for (var k = 0; k < hidden; k++)
                        {
                            hp[k] *= recurrentMask[(b * hidden) + k];
                        }
                    }

                    // Gate pre-activations, split into the input part (W_ih x + b_ih) and the recurrent part (W_hh h + b_hh).
                    double Xi(int gate, int unit) => Dot(wIh, (gate * hidden) + unit, x) + (bIh?[(gate * hidden) + unit] ?? 0);
                    double Hi(int gate, int unit, double[] state) => Dot(wHh, (gate * hidden) + unit, state) + (bHh?[(gate * hidden) + unit] ?? 0);
                    var next = new double[hidden];
                    switch (_config.Cell)
                    {
                        case "lstm":
                            {
                                // Gate rows: i, f, g, o (coupled: f, g, o with i = 1 - f); peepholes see c(t-1) for
                                // i and f, and c(t) for o.
                                var coupled = _config.CoupledGates;
                                var (fi, gi, oi) = coupled ? (0, 1, 2) : (1, 2, 3);
                                double[]? P(string gate) => _config.Peepholes && !(coupled && gate == "i") ? _weights[$"peephole_{gate}_l{layer}{suffix}"] : null;
                                var (pi, pf, po) = (P("i"), P("f"), P("o"));
                                for (var j = 0; j < hidden; j++)
                                {
                                    var cOld = c[j];
                                    var f = Rec(Xi(fi, j) + Hi(fi, j, hp) + ((pf?[j] ?? 0) * cOld));
                                    var i = coupled ? 1 - f : Rec(Xi(0, j) + Hi(0, j, hp) + ((pi?[j] ?? 0) * cOld));
                                    var g = Act(Xi(gi, j) + Hi(gi, j, hp));
                                    c[j] = (f * cOld) + (i * g);
                                    var o = Rec(Xi(oi, j) + Hi(oi, j, hp) + ((po?[j] ?? 0) * c[j]));
                                    next[j] = o * Act(c[j]);
                                }
                            }

                            break;
                        case "gru" when _config.Minimal:
                            {
                                // f = rec(.), n = act(W_n x + U_n (f ⊙ h) + b), h = (1 - f) ⊙ h + f ⊙ n.
                                var forget = new double[hidden];
                                var forgetHidden = new double[hidden];
                                for (var j = 0; j < hidden; j++)
                                {
                                    forget[j] = Rec(Xi(0, j) + Hi(0, j, hp));
                                    forgetHidden[j] = forget[j] * hp[j];
                                }

                                for (var j = 0; j < hidden; j++)
                                {
                                    var n = Act(Xi(1, j) + Hi(1, j, forgetHidden));
                                    next[j] = ((1 - forget[j]) * h[j]) + (forget[j] * n);
                                }
                            }

                            break;
                        case "gru" when _config.ResetAfter:
                            for (var j = 0; j < hidden; j++)
                            {
                                var r = Rec(Xi(0, j) + Hi(0, j, hp));
                                var z = Rec(Xi(1, j) + Hi(1, j, hp));
                                var n = Act(Xi(2, j) + (r * Hi(2, j, hp)));
                                next[j] = ((1 - z) * n) + (z * h[j]);
                            }

                            break;
                        case "gru":
                            var resetHidden = new double[hidden];
                            for (var j = 0; j < hidden; j++)
                            {
                                resetHidden[j] = Rec(Xi(0, j) + Hi(0, j, hp)) * hp[j];
                            }

                            for (var j = 0; j < hidden; j++)
                            {
                                var z = Rec(Xi(1, j) + Hi(1, j, hp));
                                var n = Act(Xi(2, j) + Hi(2, j, resetHidden));
                                next[j] = ((1 - z) * n) + (z * h[j]);
                            }

                            break;
                        default:
                            for (var j = 0; j < hidden; j++)
                            {
                                var a = Xi(0, j) + Hi(0, j, hp);
                                next[j] = _config.Cell == "rnn_relu" ? Math.Max(a, 0) : Act(a);
                            }

                            break;
                    }

                    h = next;
                    Array.Copy(h, 0, outputs, ((t * batch) + b) * hidden, hidden);
                }

                FinalHidden[state][b] = h;
                FinalCell[state][b] = c;
            }

            return outputs;
        }

        private static double Dot(double[] matrix, int row, double[] vector)
        {
            var sum = 0.0;
            var start = row * vector.Length;
            for (var k = 0; k < vector.Length; k++)
            {
                sum += matrix[start + k] * vector[k];
            }

            return sum;
        }

        public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

        /// <summary>An element-wise activation, written from its definition.</summary>
        public static double Apply(Activation activation, double x) => activation switch
        {
            Activation.Linear => x,
            Activation.Relu => Math.Max(x, 0),
            Activation.Sigmoid => Sigmoid(x),
            Activation.HardSigmoid => Math.Clamp((x / 6) + 0.5, 0, 1),
            Activation.Tanh => Math.Tanh(x),
            _ => throw new ArgumentOutOfRangeException(nameof(activation)),
        };

        private double Act(double x) => Apply(_config.Activation, x);

        private double Rec(double x) => Apply(_config.RecurrentActivation, x);
    
        /// <summary>y = activation(W x + b) for each row of width <paramref name="width"/>; softmax per row.</summary>
        public static double[] Dense(double[] rows, int width, float[] weights, float[]? bias, int units, Activation activation) =>
            Dense(rows, width, weights.Select(v => (double)v).ToArray(), bias?.Select(v => (double)v).ToArray(), units, activation);

        public static double[] Dense(double[] rows, int width, double[] weights, double[]? bias, int units, Activation activation)
        {
            var count = rows.Length / width;
            var output = new double[count * units];
            for (var r = 0; r < count; r++)
            {
                for (var j = 0; j < units; j++)
                {
                    var sum = bias?[j] ?? 0.0;
                    for (var k = 0; k < width; k++)
                    {
                        sum += weights[(j * width) + k] * rows[(r * width) + k];
                    }

                    output[(r * units) + j] = activation switch
                    {
                        Activation.Tanh => Math.Tanh(sum),
                        Activation.Relu => Math.Max(sum, 0),
                        Activation.Sigmoid => Sigmoid(sum),
                        _ => sum,
                    };
                }

                if (activation == Activation.Softmax)
                {
                    var row = output.AsSpan(r * units, units);
                    var max = row.ToArray().Max();
                    var total = 0.0;
                    for (var j = 0; j < units; j++)
                    {
                        row[j] = Math.Exp(row[j] - max);
                        total += row[j];
                    }

                    for (var j = 0; j < units; j++)
                    {
                        row[j] /= total;
                    }
                }
            }

            return output;
        }
    }
}
