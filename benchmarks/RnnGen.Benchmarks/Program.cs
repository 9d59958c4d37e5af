using BenchmarkDotNet.Running;

namespace RnnGen.Benchmarks
{
    public static class Program
    {
        /// <summary>
        /// Runs the suites; pass BenchmarkDotNet arguments, e.g. <c>--filter *Recurrent* --job short</c>.
        /// <c>--quantized-char-accuracy [iterations] [corpus]</c> instead trains and scores the character model of
        /// <see cref="QuantizedCharAccuracy"/>.
        /// </summary>
        public static void Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "--quantized-char-accuracy")
            {
                var iterations = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000;
                QuantizedCharAccuracy.Run(iterations, args.Length > 2 ? args[2] : "data/tinyshakespeare.txt");
                return;
            }

            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        }
    }
}
