using System;
using System.Diagnostics;
using RnnGen.Training;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>Entry point.</summary>
    public static class Program
    {
        /// <summary>Runs the sample.</summary>
        /// <param name="args">Command-line arguments.</param>
        /// <returns>The exit code.</returns>
        public static int Main(string[] args)
        {
            Bench<SmallCharModel, SmallCharModel.State>(new SmallCharModel());
            Bench<LargeCharModel, LargeCharModel.State>(new LargeCharModel());
            return 0;
        }

        private static void Bench<TModel, TState>(TModel model)
            where TModel : ICharNetwork<TState>
            where TState : class
        {
            const int B = 32, T = 64, V = CharacterSet.Size;
            model.InitializeParameters(new Random(1));
            var rnd = new Random(2);
            var tokens = new int[T * B];
            var targets = new int[T * B];
            for (var i = 0; i < tokens.Length; i++) { tokens[i] = rnd.Next(2, V); targets[i] = rnd.Next(2, V); }
            var outputs = new float[T * B * V];
            var dz = new float[T * B * V];
            var grads = new float[model.PackedParameters.Length];
            var adam = new Adam(grads.Length, 2e-3f);
            double fwd = 0, bwd = 0, rest = 0;
            for (var it = 0; it < 60; it++)
            {
                if (it == 10) { fwd = bwd = rest = 0; }
                var sw = Stopwatch.StartNew();
                model.Forward(tokens, outputs, B);
                var a = sw.Elapsed.TotalMilliseconds;
                var loss = Losses.SoftmaxCrossEntropy(outputs, targets, V, dz);
                Array.Clear(grads);
                var b = sw.Elapsed.TotalMilliseconds;
                model.Backward(dz, grads);
                var c = sw.Elapsed.TotalMilliseconds;
                GradientClipping.ClipByGlobalNorm(grads, 5);
                adam.Step(model.PackedParameters, grads);
                var d = sw.Elapsed.TotalMilliseconds;
                fwd += a; rest += (b - a) + (d - c); bwd += c - b;
                if (it == 59) Console.WriteLine($"{TModel.Architecture}: params {TModel.TrainableParameters}, loss {loss:F3}");
            }
            Console.WriteLine($"  per step: forward {fwd / 50:F2} ms, backward {bwd / 50:F2} ms, loss+clip+adam {rest / 50:F2} ms, total {(fwd + bwd + rest) / 50:F2} ms => {B * T / ((fwd + bwd + rest) / 50 / 1000):F0} tokens/s");
        }
    }
}
