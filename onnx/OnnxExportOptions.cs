using System;

namespace RnnGen.Onnx
{
    /// <summary>How <see cref="OnnxModelExtensions.ExportOnnx(IRecurrentNetwork, string, OnnxExportOptions?)"/> writes a model.</summary>
    public sealed class OnnxExportOptions
    {
        /// <summary>The lowest opset the exporter writes (the recurrent operators' current versions are from opset 14).</summary>
        public const int MinimumOpset = 14;

        /// <summary>The highest opset the exporter writes.</summary>
        public const int MaximumOpset = 21;

        private int _opset = 17;

        /// <summary>The default ONNX opset: 17, which ONNX Runtime 1.14 and later run.</summary>
        public int Opset
        {
            get => _opset;
            set
            {
                if (value < MinimumOpset || value > MaximumOpset)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The opset must be from " + MinimumOpset + " to " + MaximumOpset + ".");
                }

                _opset = value;
            }
        }

        /// <summary>
        /// Adds each layer's initial state as graph inputs (<c>initial_h_l{k}</c>, <c>initial_c_l{k}</c>,
        /// <c>[directions][batch][units]</c>) and its final state as outputs (<c>h_n_l{k}</c>, <c>c_n_l{k}</c>), so a
        /// caller can stream: feed one step's final state to the next call. Default false (zero initial state).
        /// </summary>
        public bool StateInputsAndOutputs { get; set; }

        /// <summary>
        /// Adds the graph input <c>lengths</c> (int32 <c>[batch]</c>, ONNX's <c>sequence_lens</c>): each sequence runs its
        /// own number of steps, as <c>Forward(inputs, lengths, outputs, batchSize)</c> does: the state is held after a
        /// sequence's length, a reversed direction reverses each sequence within its length, a last-step output is the
        /// last valid step, and padded steps output zero (the head's output is masked). Default false (every
        /// sequence runs all steps).
        /// </summary>
        public bool SequenceLengths { get; set; }

        /// <summary>The graph's name (default <c>rnngen</c>).</summary>
        public string GraphName { get; set; } = "rnngen";
    }
}
