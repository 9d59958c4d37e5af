using System;
using Microsoft.ML.OnnxRuntime;

namespace RnnGen.Benchmarks.Onnx
{
    /// <summary>
    /// One LSTM/GRU layer in ONNX Runtime, used the way a latency-minded user would: a given number of intra-op
    /// threads (one, or every core), all graph optimisations, inputs and outputs bound once to preallocated buffers (<see cref="OrtIoBinding"/>), so a call
    /// is <c>RunWithBinding</c> and nothing else. The graph is the model's own ONNX export
    /// (<c>ExportOnnx</c> with <c>StateInputsAndOutputs</c>): input <c>input</c> [seq][batch][input],
    /// <c>initial_h_l0</c> (and <c>initial_c_l0</c>) [1][batch][hidden]; outputs <c>output</c> [seq][batch][hidden]
    /// (the LSTM/GRU node's Y through a Squeeze of its directions axis), <c>h_n_l0</c> (and <c>c_n_l0</c>).
    /// </summary>
    internal sealed class OnnxRuntimeRecurrent : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly RunOptions _run = new();
        private readonly bool _lstm;
        private readonly int _input;
        private readonly int _hidden;

        public OnnxRuntimeRecurrent(byte[] model, bool lstm, int input, int hidden, int threads)
        {
            using var options = new SessionOptions
            {
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            _session = new InferenceSession(model, options);
            _lstm = lstm;
            _input = input;
            _hidden = hidden;
        }

        /// <summary>Whole sequences from a zero state: <paramref name="inputs"/> [steps][batch][input] → <paramref name="outputs"/> [steps][batch][hidden].</summary>
        public Sequence Bind(float[] inputs, float[] outputs, int steps, int batch) => new(this, inputs, outputs, steps, batch);

        /// <summary>One stream, one step per call, the state carried between calls.</summary>
        public Stream BindStream(float[] input, float[] output) => new(this, input, output);

        public void Dispose()
        {
            _run.Dispose();
            _session.Dispose();
        }

        /// <summary>A bound whole-sequence call.</summary>
        internal sealed class Sequence : IDisposable
        {
            private readonly OnnxRuntimeRecurrent _owner;
            private readonly OrtIoBinding _binding;
            private readonly OrtValue[] _values;

            public Sequence(OnnxRuntimeRecurrent owner, float[] inputs, float[] outputs, int steps, int batch)
            {
                _owner = owner;
                var state = new float[batch * owner._hidden];
                var stateShape = new long[] { 1, batch, owner._hidden };
                _values =
                [
                    OrtValue.CreateTensorValueFromMemory(inputs, [steps, batch, owner._input]),
                    OrtValue.CreateTensorValueFromMemory(outputs, [steps, batch, owner._hidden]),
                    OrtValue.CreateTensorValueFromMemory(state, stateShape),
                    OrtValue.CreateTensorValueFromMemory(new float[state.Length], stateShape),
                    OrtValue.CreateTensorValueFromMemory(new float[state.Length], stateShape),
                    OrtValue.CreateTensorValueFromMemory(new float[state.Length], stateShape),
                ];
                _binding = owner._session.CreateIoBinding();
                _binding.BindInput("input", _values[0]);
                _binding.BindOutput("output", _values[1]);
                _binding.BindInput("initial_h_l0", _values[2]); // zero: read, never written
                _binding.BindOutput("h_n_l0", _values[4]);
                if (owner._lstm)
                {
                    _binding.BindInput("initial_c_l0", _values[3]);
                    _binding.BindOutput("c_n_l0", _values[5]);
                }
            }

            public void Run() => _owner._session.RunWithBinding(_owner._run, _binding);

            public void Dispose()
            {
                _binding.Dispose();
                foreach (var value in _values)
                {
                    value.Dispose();
                }
            }
        }

        /// <summary>
        /// A bound streaming step: two bindings whose state buffers swap roles (A's outputs are B's inputs), so the
        /// state moves forward without a copy.
        /// </summary>
        internal sealed class Stream : IDisposable
        {
            private readonly OnnxRuntimeRecurrent _owner;
            private readonly OrtIoBinding[] _bindings = new OrtIoBinding[2];
            private readonly OrtValue[] _values;
            private int _next;

            public Stream(OnnxRuntimeRecurrent owner, float[] input, float[] output)
            {
                _owner = owner;
                var shape = new long[] { 1, 1, owner._hidden };
                var h = new[] { new float[owner._hidden], new float[owner._hidden] };
                var c = new[] { new float[owner._hidden], new float[owner._hidden] };
                _values =
                [
                    OrtValue.CreateTensorValueFromMemory(input, [1, 1, owner._input]),
                    OrtValue.CreateTensorValueFromMemory(output, [1, 1, owner._hidden]),
                    OrtValue.CreateTensorValueFromMemory(h[0], shape),
                    OrtValue.CreateTensorValueFromMemory(h[1], shape),
                    OrtValue.CreateTensorValueFromMemory(c[0], shape),
                    OrtValue.CreateTensorValueFromMemory(c[1], shape),
                ];
                for (var i = 0; i < 2; i++)
                {
                    var binding = owner._session.CreateIoBinding();
                    binding.BindInput("input", _values[0]);
                    binding.BindOutput("output", _values[1]);
                    binding.BindInput("initial_h_l0", _values[2 + i]);
                    binding.BindOutput("h_n_l0", _values[3 - i]);
                    if (owner._lstm)
                    {
                        binding.BindInput("initial_c_l0", _values[4 + i]);
                        binding.BindOutput("c_n_l0", _values[5 - i]);
                    }

                    _bindings[i] = binding;
                }
            }

            public void Step()
            {
                _owner._session.RunWithBinding(_owner._run, _bindings[_next]);
                _next ^= 1;
            }

            public void Dispose()
            {
                foreach (var binding in _bindings)
                {
                    binding.Dispose();
                }

                foreach (var value in _values)
                {
                    value.Dispose();
                }
            }
        }
    }
}
