using System;
using System.Collections.Generic;

namespace RnnGen.Samples.Seq2Seq
{
    /// <summary>One converted example.</summary>
    /// <param name="Example">The source and the expected output.</param>
    /// <param name="Output">What the model wrote.</param>
    public sealed record Conversion(DateExample Example, string Output)
    {
        /// <summary>Whether the whole output is exactly the target.</summary>
        public bool Correct => string.Equals(Output, Example.Target, StringComparison.Ordinal);

        /// <summary>The target's characters the output has at the same position (0..10).</summary>
        public int CorrectCharacters
        {
            get
            {
                var correct = 0;
                for (var i = 0; i < Example.Target.Length && i < Output.Length; i++)
                {
                    if (Output[i] == Example.Target[i])
                    {
                        correct++;
                    }
                }

                return correct;
            }
        }
    }

    /// <summary>The scores of a held-out set.</summary>
    /// <param name="Conversions">Every example with the model's output, in the set's order.</param>
    public sealed record EvaluationResult(IReadOnlyList<Conversion> Conversions)
    {
        /// <summary>The fraction of outputs that are exactly the target.</summary>
        public double ExactMatch
        {
            get
            {
                var correct = 0;
                foreach (var conversion in Conversions)
                {
                    correct += conversion.Correct ? 1 : 0;
                }

                return (double)correct / Conversions.Count;
            }
        }

        /// <summary>The fraction of target characters the output has at the same position (a missing character is wrong).</summary>
        public double CharacterAccuracy
        {
            get
            {
                long correct = 0;
                long total = 0;
                foreach (var conversion in Conversions)
                {
                    correct += conversion.CorrectCharacters;
                    total += conversion.Example.Target.Length;
                }

                return (double)correct / total;
            }
        }

        /// <summary>Exact-match accuracy of the examples whose source matches <paramref name="format"/>.</summary>
        /// <param name="format">A predicate on the example (e.g. its surface form).</param>
        /// <returns>The accuracy and the number of such examples.</returns>
        public (double Accuracy, int Count) ExactMatchWhere(Func<DateExample, bool> format)
        {
            ArgumentNullException.ThrowIfNull(format);
            var count = 0;
            var correct = 0;
            foreach (var conversion in Conversions)
            {
                if (format(conversion.Example))
                {
                    count++;
                    correct += conversion.Correct ? 1 : 0;
                }
            }

            return (count == 0 ? double.NaN : (double)correct / count, count);
        }
    }

    /// <summary>Converts a held-out set with greedy decoding and scores it.</summary>
    public static class Evaluation
    {
        /// <summary>Converts every example of <paramref name="examples"/> in batches of <paramref name="batchSize"/>.</summary>
        /// <typeparam name="TEncoder">The encoder.</typeparam>
        /// <typeparam name="TDecoder">The decoder.</typeparam>
        /// <typeparam name="TState">The decoder's state.</typeparam>
        /// <param name="pair">The trained networks.</param>
        /// <param name="examples">The held-out examples.</param>
        /// <param name="batchSize">Examples per encoder <c>Forward</c>.</param>
        /// <returns>The outputs and scores.</returns>
        public static EvaluationResult Run<TEncoder, TDecoder, TState>(DatePair<TEncoder, TDecoder, TState> pair, IReadOnlyList<DateExample> examples, int batchSize = ModelLimits.MaxBatchSize)
            where TEncoder : class, IEncoderNetwork, new()
            where TDecoder : class, IDecoderNetwork<TState>, new()
            where TState : class
        {
            ArgumentNullException.ThrowIfNull(pair);
            ArgumentNullException.ThrowIfNull(examples);
            var batch = new Seq2SeqBatch(batchSize);
            var outputs = new string[batchSize];
            var conversions = new List<Conversion>(examples.Count);
            for (var start = 0; start < examples.Count; start += batchSize)
            {
                var count = Math.Min(batchSize, examples.Count - start);
                batch.Fill(examples, start, count);
                pair.Translate(batch, outputs);
                for (var b = 0; b < count; b++)
                {
                    conversions.Add(new Conversion(examples[start + b], outputs[b]));
                }
            }

            return new EvaluationResult(conversions);
        }
    }
}
