using BenchmarkDotNet.Running;

namespace RnnGen.Benchmarks
{
    public static class Program
    {
        /// <summary>
        /// Runs the suites; pass BenchmarkDotNet arguments, e.g. <c>--filter *Recurrent* --job short</c>.
        /// <c>--quantized-char-accuracy [iterations] [corpus]</c> instead trains and scores the character model of
        /// <see cref="QuantizedCharAccuracy"/>. <c>--peer-duel [rounds] [cell hidden]</c> times RnnGen's and ONNX
        /// Runtime's batched <c>Forward</c> in alternation (<see cref="PeerDuel"/>). <c>--soak-threads [seconds]</c>
        /// checks the worker threads' protocol under random back-to-back calls (<see cref="ThreadingSoak"/>).
        /// </summary>
        public static void Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "--quantized-char-accuracy")
            {
                var iterations = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000;
                QuantizedCharAccuracy.Run(iterations, args.Length > 2 ? args[2] : "data/tinyshakespeare.txt");
                return;
            }

            if (args.Length > 0 && args[0] == "--peer-duel")
            {
                var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 40;
                PeerDuel.Run(rounds, args.Length > 3 ? args[2..4] : []);
                return;
            }

            if (args.Length > 0 && args[0] == "--soak-threads")
            {
                var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 60;
                System.Environment.ExitCode = ThreadingSoak.Run(seconds);
                return;
            }

            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        }
    }
}
