using System;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace RnnGen.Runtime.Tests.Onnx
{
    /// <summary>One model torch.onnx.export wrote (make_onnx_fixtures.py) and the inputs and float64 outputs PyTorch gave.</summary>
    internal sealed class OnnxFixture
    {
        public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

        public required string ModelPath { get; init; }

        public required int Steps { get; init; }

        public required int Batch { get; init; }

        public float[] Input { get; init; } = [];

        public int[] Tokens { get; init; } = [];

        public required double[] Output { get; init; }

        public static OnnxFixture Load(string name, int opset)
        {
            string stem = Path.Combine(Directory, name + "_opset" + opset);
            using JsonDocument json = JsonDocument.Parse(File.ReadAllText(stem + ".json"));
            JsonElement root = json.RootElement;
            return new OnnxFixture
            {
                ModelPath = stem + ".onnx",
                Steps = root.GetProperty("steps").GetInt32(),
                Batch = root.GetProperty("batch").GetInt32(),
                Input = root.TryGetProperty("input", out JsonElement input) ? input.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray() : [],
                Tokens = root.TryGetProperty("tokens", out JsonElement tokens) ? tokens.EnumerateArray().Select(v => v.GetInt32()).ToArray() : [],
                Output = root.GetProperty("output").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            };
        }
    }
}
