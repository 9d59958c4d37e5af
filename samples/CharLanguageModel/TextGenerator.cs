using System;
using System.Text;
using RnnGen.Text;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>
    /// Generates text one character at a time with the streaming <c>Step</c>: the prompt is fed through the network to
    /// build up its state, then each sampled character is fed back in. The sampler never picks <c>&lt;unk&gt;</c> or
    /// <c>&lt;eos&gt;</c>.
    /// </summary>
    /// <typeparam name="TState">The model's state class.</typeparam>
    public sealed class TextGenerator<TState>
        where TState : class
    {
        private readonly ICharNetwork<TState> model;
        private readonly Sampler sampler;
        private readonly Random random;

        /// <summary>Creates a generator.</summary>
        /// <param name="model">The trained model.</param>
        /// <param name="temperature">The sampling temperature (below 1: safer, above 1: wilder).</param>
        /// <param name="topK">Sample among the k most likely characters only; 0 for all.</param>
        /// <param name="seed">The sampling seed.</param>
        public TextGenerator(ICharNetwork<TState> model, float temperature, int topK, int seed)
        {
            ArgumentNullException.ThrowIfNull(model);
            this.model = model;
            sampler = new Sampler(CharacterSet.Size, forbidUnknown: true) { Temperature = temperature, TopK = topK };
            sampler.Forbid(Vocabulary.EndOfSequenceId);
            random = new Random(seed);
        }

        /// <summary>Continues <paramref name="prompt"/> by <paramref name="count"/> characters.</summary>
        /// <param name="prompt">The start of the text (characters outside the alphabet are dropped); empty starts a new line.</param>
        /// <param name="count">How many characters to generate.</param>
        /// <returns>The generated characters, without the prompt.</returns>
        public string Generate(string prompt, int count)
        {
            ArgumentNullException.ThrowIfNull(prompt);
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            var context = CharacterSet.Vocabulary.Encode(CharacterSet.Normalize(prompt));
            if (context.Length == 0)
            {
                context = CharacterSet.Vocabulary.Encode("\n");
            }

            var state = model.CreateState();
            var probabilities = new float[CharacterSet.Size];
            foreach (var token in context)
            {
                model.Step(state, token, probabilities);
            }

            var text = new StringBuilder(count);
            for (var i = 0; i < count; i++)
            {
                var next = sampler.Sample(probabilities, random);
                text.Append(CharacterSet.Vocabulary[next]);
                model.Step(state, next, probabilities);
            }

            return text.ToString();
        }
    }
}
