using System;
using System.CommandLine;
using System.CommandLine.Parsing;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>The model sizes <c>--size</c> offers.</summary>
    public enum ModelSize
    {
        /// <summary><see cref="SmallCharModel"/>: two LSTM layers of 128 units.</summary>
        Small,

        /// <summary><see cref="LargeCharModel"/>: two LSTM layers of 256 units.</summary>
        Large,
    }

    /// <summary>Everything the command line chose.</summary>
    /// <param name="CorpusPath">The text file to train on, or null for the .NET documentation.</param>
    /// <param name="Steps">Training steps in this run (0: only generate).</param>
    /// <param name="Size">The model size, or null when not given (then: the checkpoint's when resuming, else small).</param>
    /// <param name="Seed">The seed of the weights, the batches and the sampling.</param>
    /// <param name="CheckpointPath">The checkpoint file.</param>
    /// <param name="Resume">Whether to continue from the checkpoint.</param>
    /// <param name="Generate">Characters to generate after training.</param>
    /// <param name="Prompt">The text generation starts from.</param>
    /// <param name="Temperature">The sampling temperature.</param>
    /// <param name="TopK">Sample among the k most likely characters; 0 for all.</param>
    /// <param name="EvaluateEvery">Steps between validation scores and checkpoint saves.</param>
    /// <param name="LogEvery">Steps between progress lines when the output is not a terminal.</param>
    /// <param name="LearningRate">Adam's peak learning rate.</param>
    /// <param name="Stateful">Train on contiguous tracks with the state carried between batches instead of random windows.</param>
    /// <param name="Device">Where to train: <c>cpu</c>, or <c>cuda</c> (the first CUDA GPU; without one, the CPU with a message).</param>
    public sealed record SampleOptions(
        string? CorpusPath,
        int Steps,
        ModelSize? Size,
        int Seed,
        string CheckpointPath,
        bool Resume,
        int Generate,
        string Prompt,
        float Temperature,
        int TopK,
        int EvaluateEvery,
        int LogEvery,
        float LearningRate,
        bool Stateful = false,
        string Device = "cpu");

    /// <summary>The command line (System.CommandLine): options, defaults, validation and help.</summary>
    public static class SampleCommand
    {
        /// <summary>
        /// The default number of steps: about 3 minutes for the small model on two cores (one step of 2,048 characters
        /// took 33 ms on an idle 2-core Zen 4 and up to 65 ms while other builds ran), about 10 million characters.
        /// </summary>
        public const int DefaultSteps = 5000;

        /// <summary>
        /// Adam's default peak learning rate. Measured on tinyshakespeare with the small model, 1,500 steps, validation
        /// bits per character: 2e-3 → 2.73, 5e-3 → 2.48, 1e-2 → 2.40, 2e-2 → worse (2.61 at step 1,000). PyTorch's own
        /// nn.LSTM with the same setup and 2e-3 follows the same curve (3.12 vs 3.07 bits at step 600), so the slow
        /// start at 2e-3 is the setting, not the implementation.
        /// </summary>
        public const float DefaultLearningRate = 1e-2f;

        /// <summary>Builds the root command; <paramref name="run"/> is called with the parsed options.</summary>
        /// <param name="run">The program, given the options; returns the exit code.</param>
        /// <returns>The command, ready to <c>Parse(args).Invoke()</c>.</returns>
        public static RootCommand Create(Func<SampleOptions, int> run)
        {
            ArgumentNullException.ThrowIfNull(run);
            var corpus = new Option<string?>("--corpus") { Description = "A UTF-8 text file to train on (e.g. data/tinyshakespeare.txt). Default: the .NET API documentation that ships with the SDK.", HelpName = "FILE" };
            var steps = new Option<int>("--steps") { HelpName = "N", Description = "Training steps of 32 windows × 64 characters. 0 only generates (with --resume: from the checkpoint).", DefaultValueFactory = _ => DefaultSteps };
            var size = new Option<string?>("--size") { HelpName = "small|large", Description = "small: 2 × LSTM(128), about 35 ms a step on two cores; large: 2 × LSTM(256), about 6 times slower. Default: small, or the checkpoint's size with --resume." };
            var seed = new Option<int>("--seed") { HelpName = "N", Description = "Seed of the initial weights, the training batches and the sampling.", DefaultValueFactory = _ => 1 };
            var checkpoint = new Option<string>("--checkpoint") { Description = "The checkpoint file (safetensors), saved at every evaluation and at the end.", DefaultValueFactory = _ => "charlm.safetensors", HelpName = "PATH" };
            var resume = new Option<bool>("--resume") { Description = "Continue from the checkpoint: weights, optimiser state and step count." };
            var generate = new Option<int>("--generate") { HelpName = "N", Description = "Characters to generate after training (0: none).", DefaultValueFactory = _ => 400 };
            var prompt = new Option<string>("--prompt") { HelpName = "TEXT", Description = "The text generation continues.", DefaultValueFactory = _ => "The " };
            var temperature = new Option<float>("--temperature") { HelpName = "T", Description = "Sampling temperature: lower is safer and more repetitive, higher is wilder.", DefaultValueFactory = _ => 0.8f };
            var topK = new Option<int>("--top-k") { HelpName = "K", Description = "Sample only among the k most likely characters (0: all).", DefaultValueFactory = _ => 0 };
            var evaluateEvery = new Option<int>("--eval-every") { HelpName = "N", Description = "Steps between validation scores (bits per character) and checkpoint saves.", DefaultValueFactory = _ => 250 };
            var logEvery = new Option<int>("--log-every") { HelpName = "N", Description = "Steps between progress lines when the output is not a terminal (in a terminal a live progress bar is shown).", DefaultValueFactory = _ => 100 };
            var stateful = new Option<bool>("--stateful") { Description = "Train on 32 contiguous tracks of the text, carrying each track's state from one batch into the next (truncated BPTT over 64 characters, as char-rnn does), instead of random windows from a zero state." };
            var device = new Option<string>("--device") { HelpName = "cpu|cuda", Description = "Where the training steps run: cpu, or cuda (forward, loss, backward, clipping and Adam on the first CUDA GPU; without one, a message and the CPU).", DefaultValueFactory = _ => "cpu" };
            var learningRate = new Option<float>("--learning-rate") { HelpName = "RATE", Description = "Adam's peak learning rate, decayed to a tenth by a cosine schedule.", DefaultValueFactory = _ => DefaultLearningRate };

            size.AcceptOnlyFromAmong("small", "large");
            device.AcceptOnlyFromAmong("cpu", "cuda");
            steps.Validators.Add(result => AtLeast(result, 0));
            generate.Validators.Add(result => AtLeast(result, 0));
            evaluateEvery.Validators.Add(result => AtLeast(result, 1));
            logEvery.Validators.Add(result => AtLeast(result, 1));
            topK.Validators.Add(result =>
            {
                var value = result.GetValueOrDefault<int>();
                if (value < 0 || value > CharacterSet.Size)
                {
                    result.AddError($"--top-k must be between 0 and {CharacterSet.Size}; got {value}.");
                }
            });
            temperature.Validators.Add(result => Positive(result, "--temperature"));
            learningRate.Validators.Add(result => Positive(result, "--learning-rate"));

            var root = new RootCommand(
                "Trains a character-level language model (embedding → 2 × LSTM → softmax, generated by RnnGen) on a text and generates from it.")
            {
                corpus, steps, size, seed, checkpoint, resume, generate, prompt, temperature, topK, evaluateEvery, logEvery, learningRate, stateful, device,
            };
            root.SetAction(parse => run(new SampleOptions(
                parse.GetValue(corpus),
                parse.GetValue(steps),
                parse.GetValue(size) is { } name ? Enum.Parse<ModelSize>(name, ignoreCase: true) : null,
                parse.GetValue(seed),
                parse.GetValue(checkpoint)!,
                parse.GetValue(resume),
                parse.GetValue(generate),
                parse.GetValue(prompt)!,
                parse.GetValue(temperature),
                parse.GetValue(topK),
                parse.GetValue(evaluateEvery),
                parse.GetValue(logEvery),
                parse.GetValue(learningRate),
                parse.GetValue(stateful),
                parse.GetValue(device)!)));
            return root;
        }

        private static void AtLeast(OptionResult result, int minimum)
        {
            var value = result.GetValueOrDefault<int>();
            if (value < minimum)
            {
                result.AddError($"{result.Option.Name} must be at least {minimum}; got {value}.");
            }
        }

        private static void Positive(OptionResult result, string name)
        {
            var value = result.GetValueOrDefault<float>();
            if (!(value > 0) || !float.IsFinite(value))
            {
                result.AddError($"{name} must be a positive number; got {value}.");
            }
        }
    }
}
