using System;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace RnnGen.Runtime.Tests.Onnx
{
    /// <summary>Runs an exported graph in ONNX Runtime on one batch and returns its first output.</summary>
    internal static class OnnxRuntimeRunner
    {
        public static float[] Run(byte[] model, float[] input, int steps, int batch, int features) =>
            Run(model, OrtValue.CreateTensorValueFromMemory(input, [steps, batch, features]));

        public static float[] Run(byte[] model, long[] tokens, int steps, int batch) =>
            Run(model, OrtValue.CreateTensorValueFromMemory(tokens, [steps, batch]));

        private static float[] Run(byte[] model, OrtValue input)
        {
            using var options = new SessionOptions { IntraOpNumThreads = 1 };
            using var session = new InferenceSession(model, options);
            using var run = new RunOptions();
            using (input)
            {
                using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(run, [session.InputNames[0]], [input], [session.OutputNames[0]]);
                return outputs.First().GetTensorDataAsSpan<float>().ToArray();
            }
        }
    }
}
