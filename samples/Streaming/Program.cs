using System;
using System.Diagnostics;
using RnnGen;

namespace RnnGen.Samples.Streaming
{
    /// <summary>
    /// A controller model for many game characters: 16 sensor features in, 4 action scores out, one LSTM layer.
    /// The generator turns these attributes into the network.
    /// </summary>
    [RecurrentNetwork(InputSize = 16, SequenceLength = 256, BatchSize = 1)]
    [Lstm(64)]
    [Dense(4, Activation.Softmax)]
    public partial class NpcController
    {
    }

    public static class Program
    {
        public static int Main(string[] args)
        {
            var steps = args.Length > 0 && int.TryParse(args[0], out var n) && n > 0 ? n : 100_000;
            var model = new NpcController();
            model.InitializeParameters(new Random(42));
            Console.WriteLine($"NpcController: {NpcController.ParameterCount} parameters, LSTM({NpcController.Layer0Units}) -> Dense({NpcController.OutputSize}, softmax)");

            // One set of weights, many independent streams: each NPC has its own state.
            const int npcs = 8;
            var states = new NpcController.State[npcs];
            for (var i = 0; i < npcs; i++)
            {
                states[i] = model.CreateState();
            }

            var input = new float[NpcController.InputSize];
            var output = new float[NpcController.OutputSize];
            var random = new Random(7);

            // Warm up so the JIT has compiled the kernels at full optimisation.
            for (var i = 0; i < 2_000; i++)
            {
                model.Step(states[i % npcs], input, output);
            }

            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < steps; i++)
            {
                input[i % NpcController.InputSize] = (float)random.NextDouble();
                model.Step(states[i % npcs], input, output);
            }

            clock.Stop();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            var microseconds = clock.Elapsed.TotalMilliseconds * 1000 / steps;
            Console.WriteLine($"{steps:N0} steps over {npcs} streams: {microseconds:F3} µs per step, {allocated} bytes allocated");
            Console.WriteLine($"Last action probabilities: [{string.Join(", ", Array.ConvertAll(output, p => p.ToString("F3")))}]");
            return 0;
        }
    }
}
