using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace RnnGen.Runtime.Tests.Helpers
{
    /// <summary>One fixture written by Fixtures/make_fixtures.py: a configuration and PyTorch's float64 outputs.</summary>
    internal sealed class PyTorchFixture
    {
        private readonly JsonElement _root;

        private PyTorchFixture(string name, JsonElement root)
        {
            Name = name;
            _root = root;
        }

        public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch");

        public string Name { get; }

        public uint Seed => _root.GetProperty("seed").GetUInt32();

        public int Steps => _root.GetProperty("steps").GetInt32();

        public int Batch => _root.GetProperty("batch").GetInt32();

        public static IEnumerable<string> Names() =>
            System.IO.Directory.GetFiles(Directory, "*.json").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal)!;

        public static PyTorchFixture Load(string name)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, name + ".json")));
            return new PyTorchFixture(name, document.RootElement.Clone());
        }

        public double[] Doubles(string property) => _root.GetProperty(property).EnumerateArray().Select(e => e.GetDouble()).ToArray();

        public string Text(string property) => _root.GetProperty(property).GetString()!;

        public int[] Ints(string property) => _root.GetProperty(property).EnumerateArray().Select(e => e.GetInt32()).ToArray();

        /// <summary>PyTorch's autograd gradient of one parameter (float64), from the "gradients" object.</summary>
        public double[] Gradient(string tensor) => _root.GetProperty("gradients").GetProperty(tensor).EnumerateArray().Select(e => e.GetDouble()).ToArray();

        public bool Has(string property) => _root.TryGetProperty(property, out _);
    }
}
