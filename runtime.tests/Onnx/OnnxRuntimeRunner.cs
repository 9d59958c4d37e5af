using System;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace RnnGen.Runtime.Tests.Onnx
{
    /// <summary>Runs an exported graph in ONNX Runtime on one batch and returns its first output.</summary>
    internal static class OnnxRuntimeRunner
    {
        public static float[] Run(byte[] model, float[] input, int steps, int batch, int features, int[]? lengths = null) =>
            Run(model, OrtValue.CreateTensorValueFromMemory(input, [steps, batch, features]), lengths);

        public static float[] Run(byte[] model, long[] tokens, int steps, int batch, int[]? lengths = null) =>
            Run(model, OrtValue.CreateTensorValueFromMemory(tokens, [steps, batch]), lengths);

        /// <summary>Runs with the input and, for a graph exported with <c>SequenceLengths</c>, the <c>lengths</c> input.</summary>
        private static float[] Run(byte[] model, OrtValue input, int[]? lengths)
        {
            using var options = new SessionOptions { IntraOpNumThreads = 1 };
            using var session = new InferenceSession(model, options);
            using var run = new RunOptions();
            using OrtValue? lengthValue = lengths is null ? null : OrtValue.CreateTensorValueFromMemory(lengths, [lengths.Length]);
            using (input)
            {
                string[] names = lengths is null ? [session.InputNames[0]] : [session.InputNames[0], "lengths"];
                OrtValue[] values = lengthValue is null ? [input] : [input, lengthValue];
                using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(run, names, values, [session.OutputNames[0]]);
                return outputs.First().GetTensorDataAsSpan<float>().ToArray();
            }
        }
    }
}
