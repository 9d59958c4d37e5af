using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using RnnGen.Samples.AddingProblem;
using Xunit;

namespace RnnGen.Samples.Tests
{
    /// <summary>The adding-problem sample's two figures, drawn from small made-up results (no training).</summary>
    public sealed class AddingFiguresTests : IDisposable
    {
        private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

        private readonly string directory = Path.Combine(Path.GetTempPath(), "rnngen-adding-figures-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        [Fact]
        public void Both_figures_are_written_as_png_files_of_the_chosen_size()
        {
            var runs = new List<TrainingRun>
            {
                Run("SimpleRNN", 1.2, 0.17, 0.168, 0.171),
                Run("LSTM", 1.1, 0.16, 0.004, 0.0003),
                Run("GRU", 1.3, 0.01, 0.0002, double.NaN), // a diverged evaluation breaks the line, it does not break the plot
            };
            int[] distances = [1, 10, 100, 199];
            var probes = new List<GradientProfile>
            {
                new("SimpleRNN", "init", 200, distances, [0.5, 1e-5, 1e-25, 1e-40], null),
                new("LSTM", "init", 200, distances, [0.4, 1e-5, 1e-24, 1e-39], [0.6, 1e-5, 1e-23, 1e-38]),
                new("SimpleRNN", "trained", 200, distances, [0.02, 1e-6, 1e-30, 0], null), // 0: underflow, left out on the log axis
                new("LSTM", "trained", 200, distances, [0.01, 1e-4, 2e-5, 3e-5], [0.02, 0.03, 0.03, 0.027]),
            };

            var (curves, gradients) = Charts.Write(directory, runs, probes, 200);

            foreach (var path in new[] { curves, gradients })
            {
                var bytes = File.ReadAllBytes(path);
                Assert.True(bytes.Length > 10_000, $"{Path.GetFileName(path)} has only {bytes.Length} bytes.");
                Assert.Equal(PngSignature, bytes[..8]);

                // The first chunk is IHDR: big-endian width and height right after its length and type.
                Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
                Assert.Equal(Charts.Width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
                Assert.Equal(Charts.Height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
            }

            Assert.Equal(Charts.CurvesFile, Path.GetFileName(curves));
            Assert.Equal(Charts.GradientsFile, Path.GetFileName(gradients));
        }

        [Theory]
        [InlineData(0, "1")]
        [InlineData(-2, "0.01")]
        [InlineData(2, "100")]
        [InlineData(-3, "10⁻³")]
        [InlineData(-45, "10⁻⁴⁵")]
        [InlineData(10, "10¹⁰")]
        public void Log_axis_ticks_read_as_decimals_near_one_and_powers_of_ten_beyond(int exponent, string label) =>
            Assert.Equal(label, LogYAxis.Label(exponent));

        private static TrainingRun Run(string cell, params double[] testMse)
        {
            var curve = new List<CurvePoint>();
            for (var i = 0; i < testMse.Length; i++)
            {
                curve.Add(new CurvePoint(i * 200, testMse[i], double.NaN));
            }

            return new TrainingRun(cell, 200, curve, SkippedSteps: 0, Seconds: 1);
        }
    }
}
