using System;
using System.IO;
using System.Linq;
using System.Text;
using RnnGen.Gpu;
using RnnGen.Samples.CharLanguageModel;
using Xunit;

namespace RnnGen.Samples.Tests
{
    /// <summary>The char-LM sample's <c>--device</c> option, end to end through its command line.</summary>
    [Collection("Console")]
    public sealed class CharLanguageModelDeviceTests
    {
        [Fact]
        public void Device_cuda_without_a_GPU_says_so_in_one_line_and_trains_on_the_CPU()
        {
            var directory = Path.Combine(Path.GetTempPath(), "rnngen-charlm-device-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var original = Console.Out;
            try
            {
                var corpus = Path.Combine(directory, "corpus.txt");
                var text = new StringBuilder();
                var random = new Random(3);
                string[] words = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "and", "runs", "away"];
                while (text.Length < 12_000)
                {
                    text.Append(words[random.Next(words.Length)]).Append(random.Next(8) == 0 ? ".\n" : " ");
                }

                File.WriteAllText(corpus, text.ToString());
                var checkpoint = Path.Combine(directory, "charlm.safetensors");
                using var captured = new StringWriter();
                Console.SetOut(captured);
                var exit = Program.Main(["--device", "cuda", "--steps", "3", "--corpus", corpus, "--checkpoint", checkpoint, "--generate", "0", "--eval-every", "2", "--log-every", "1"]);
                Console.SetOut(original);
                var output = captured.ToString();
                Assert.True(exit == 0, output);

                var hasGpu = CudaDevice.TryOpen(out var gpu, out var why);
                gpu?.Dispose();
                if (hasGpu)
                {
                    Assert.Contains("Training on the GPU", output, StringComparison.Ordinal);
                }
                else
                {
                    var line = Assert.Single(output.Split('\n'), l => l.StartsWith("No CUDA GPU", StringComparison.Ordinal));
                    Assert.Equal($"No CUDA GPU ({why}); training on the CPU.", line.TrimEnd('\r'));
                }

                // It trained: three steps, validated, and saved at the end.
                Assert.Contains("validation", output, StringComparison.Ordinal);
                Assert.True(File.Exists(checkpoint), output);
                var model = new SmallCharModel();
                var optimizer = new RnnGen.Training.Adam(model.PackedParameters.Length);
                RnnGen.IO.TrainingCheckpoint.Load(checkpoint, model, optimizer);
                Assert.Equal(3, optimizer.StepCount);
                Assert.Contains(model.PackedParameters.ToArray(), v => v != 0f);
            }
            finally
            {
                Console.SetOut(original);
                Directory.Delete(directory, recursive: true);
            }
        }

        [Fact]
        public void Device_accepts_only_cpu_or_cuda()
        {
            var original = Console.Out;
            var originalError = Console.Error;
            try
            {
                using var captured = new StringWriter();
                Console.SetOut(captured);
                Console.SetError(captured);
                Assert.NotEqual(0, Program.Main(["--device", "tpu", "--steps", "0", "--generate", "0"]));
                Assert.Contains("tpu", captured.ToString(), StringComparison.Ordinal);
            }
            finally
            {
                Console.SetOut(original);
                Console.SetError(originalError);
            }
        }
    }
}
