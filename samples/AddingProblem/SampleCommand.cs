using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Linq;

namespace RnnGen.Samples.AddingProblem
{
    /// <summary>Everything the command line chose.</summary>
    /// <param name="Steps">Training steps per run (cell × length).</param>
    /// <param name="Lengths">The sequence lengths, ascending; the gradient probe and the plots use the longest.</param>
    /// <param name="Cells">The cells to train, among <c>simplernn</c>, <c>lstm</c>, <c>gru</c>.</param>
    /// <param name="LearningRate">Adam's learning rate for the LSTM and the GRU.</param>
    /// <param name="SimpleRnnLearningRate">Adam's learning rate for the SimpleRNN.</param>
    /// <param name="ClipNorm">The global gradient norm clipping bound.</param>
    /// <param name="EvaluateEvery">Steps between test evaluations (rows of the learning-curve table).</param>
    /// <param name="TestBatches">Held-out batches of 32 sequences the test MSE is measured on.</param>
    /// <param name="Seed">Seed of the weights, the training batches and the test set.</param>
    /// <param name="OutputDirectory">Where the PNG plots are written.</param>
    public sealed record SampleOptions(
        int Steps,
        IReadOnlyList<int> Lengths,
        IReadOnlyList<string> Cells,
        float LearningRate,
        float SimpleRnnLearningRate,
        float ClipNorm,
        int EvaluateEvery,
        int TestBatches,
        int Seed,
        string OutputDirectory);

    /// <summary>The command line (System.CommandLine): options, defaults, validation and help.</summary>
    public static class SampleCommand
    {
        /// <summary>
        /// The default training steps per run: the LSTM at length 200 leaves the 0.167 plateau after 2,000–2,400 steps
        /// at the default learning rate (seeds 1–3), and the nine runs take about a minute on two idle cores.
        /// </summary>
        public const int DefaultSteps = 4000;

        /// <summary>The cell names <c>--cells</c> accepts, in the order the sample runs and prints them.</summary>
        public static IReadOnlyList<string> CellNames { get; } = ["simplernn", "lstm", "gru"];

        /// <summary>Builds the root command; <paramref name="run"/> is called with the parsed options.</summary>
        /// <param name="run">The program, given the options; returns the exit code.</param>
        /// <returns>The command, ready to <c>Parse(args).Invoke()</c>.</returns>
        public static RootCommand Create(Func<SampleOptions, int> run)
        {
            ArgumentNullException.ThrowIfNull(run);
            var steps = new Option<int>("--steps") { HelpName = "N", Description = "Adam steps per run (one run per cell and length), each on 32 fresh sequences.", DefaultValueFactory = _ => DefaultSteps };
            var lengths = new Option<string>("--lengths") { HelpName = "T,T,...", Description = $"Sequence lengths, comma-separated, each 4..{ModelLimits.MaxSequenceLength}. The gradient probe and the plots use the longest.", DefaultValueFactory = _ => "50,100,200" };
            var cells = new Option<string>("--cells") { HelpName = "CELL,...", Description = "Cells to train, comma-separated: simplernn, lstm, gru.", DefaultValueFactory = _ => "simplernn,lstm,gru" };
            var learningRate = new Option<float>("--learning-rate") { HelpName = "RATE", Description = "Adam's learning rate for the LSTM and the GRU.", DefaultValueFactory = _ => 1e-2f };
            var simpleRate = new Option<float>("--simple-rnn-learning-rate") { HelpName = "RATE", Description = "Adam's learning rate for the SimpleRNN (at 1e-2 its loss oscillates above the baseline).", DefaultValueFactory = _ => 1e-3f };
            var clip = new Option<float>("--clip") { HelpName = "NORM", Description = "Gradients whose global L2 norm exceeds NORM are scaled down to it.", DefaultValueFactory = _ => 1f };
            var evaluateEvery = new Option<int>("--eval-every") { HelpName = "N", Description = "Steps between evaluations on the held-out test set.", DefaultValueFactory = _ => 200 };
            var testBatches = new Option<int>("--test-batches") { HelpName = "N", Description = "Held-out batches of 32 sequences per length (fixed for every cell).", DefaultValueFactory = _ => 16 };
            var seed = new Option<int>("--seed") { HelpName = "N", Description = "Seed of the initial weights, the training batches and the test sets.", DefaultValueFactory = _ => 1 };
            var output = new Option<string>("--out") { HelpName = "DIR", Description = "Directory for adding-curves.png and adding-gradients.png (created if missing).", DefaultValueFactory = _ => "." };

            steps.Validators.Add(result => AtLeast(result, 1));
            evaluateEvery.Validators.Add(result => AtLeast(result, 1));
            testBatches.Validators.Add(result => AtLeast(result, 1));
            learningRate.Validators.Add(Positive);
            simpleRate.Validators.Add(Positive);
            clip.Validators.Add(Positive);
            lengths.Validators.Add(result =>
            {
                if (ParseLengths(result.GetValueOrDefault<string>(), out var error) is null)
                {
                    result.AddError(error!);
                }
            });
            cells.Validators.Add(result =>
            {
                if (ParseCells(result.GetValueOrDefault<string>(), out var error) is null)
                {
                    result.AddError(error!);
                }
            });

            var root = new RootCommand(
                "The adding problem (Hochreiter & Schmidhuber 1997): trains SimpleRNN, LSTM and GRU models of equal size, generated by RnnGen, on sequence lengths 50, 100 and 200, prints learning curves and the gradient norm against distance, and plots both.")
            {
                steps, lengths, cells, learningRate, simpleRate, clip, evaluateEvery, testBatches, seed, output,
            };
            root.SetAction(parse => run(new SampleOptions(
                parse.GetValue(steps),
                ParseLengths(parse.GetValue(lengths), out _)!,
                ParseCells(parse.GetValue(cells), out _)!,
                parse.GetValue(learningRate),
                parse.GetValue(simpleRate),
                parse.GetValue(clip),
                parse.GetValue(evaluateEvery),
                parse.GetValue(testBatches),
                parse.GetValue(seed),
                parse.GetValue(output)!)));
            return root;
        }

        /// <summary>Parses a comma-separated list of sequence lengths.</summary>
        /// <param name="text">E.g. <c>50,100,200</c>.</param>
        /// <param name="error">Why it is invalid, or null.</param>
        /// <returns>The distinct lengths ascending, or null when invalid.</returns>
        public static IReadOnlyList<int>? ParseLengths(string? text, out string? error)
        {
            var lengths = new SortedSet<int>();
            foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var length) || length < 4 || length > ModelLimits.MaxSequenceLength)
                {
                    error = $"--lengths: '{part}' is not a length in 4..{ModelLimits.MaxSequenceLength}.";
                    return null;
                }

                lengths.Add(length);
            }

            if (lengths.Count == 0)
            {
                error = "--lengths needs at least one length.";
                return null;
            }

            error = null;
            return [.. lengths];
        }

        /// <summary>Parses a comma-separated list of cell names.</summary>
        /// <param name="text">E.g. <c>lstm,gru</c>.</param>
        /// <param name="error">Why it is invalid, or null.</param>
        /// <returns>The distinct names in <see cref="CellNames"/> order, or null when invalid.</returns>
        public static IReadOnlyList<string>? ParseCells(string? text, out string? error)
        {
            var chosen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!CellNames.Contains(part.ToLowerInvariant()))
                {
                    error = $"--cells: '{part}' is not one of {string.Join(", ", CellNames)}.";
                    return null;
                }

                chosen.Add(part);
            }

            if (chosen.Count == 0)
            {
                error = "--cells needs at least one cell.";
                return null;
            }

            error = null;
            var ordered = new List<string>();
            foreach (var name in CellNames)
            {
                if (chosen.Contains(name))
                {
                    ordered.Add(name);
                }
            }

            return ordered;
        }

        private static void AtLeast(OptionResult result, int minimum)
        {
            var value = result.GetValueOrDefault<int>();
            if (value < minimum)
            {
                result.AddError($"{result.Option.Name} must be at least {minimum}; got {value}.");
            }
        }

        private static void Positive(OptionResult result)
        {
            var value = result.GetValueOrDefault<float>();
            if (!(value > 0) || !float.IsFinite(value))
            {
                result.AddError($"{result.Option.Name} must be a positive number; got {value.ToString(CultureInfo.InvariantCulture)}.");
            }
        }
    }
}
