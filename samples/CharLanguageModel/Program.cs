using System;
using System.Diagnostics;

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
            Console.WriteLine(SmallCharModel.Architecture);
            return 0;
        }
    }
}
