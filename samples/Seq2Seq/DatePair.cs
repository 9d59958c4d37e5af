using System;
using RnnGen.Training;

namespace RnnGen.Samples.Seq2Seq
{
    /// <summary>
    /// An encoder and a decoder trained as one network: the encoder reads the date in words and its final hidden
    /// state becomes the decoder's initial state; the decoder writes <c>yyyy-mm-dd</c> one character at a time.
    /// </summary>
    /// <typeparam name="TEncoder">The generated encoder.</typeparam>
    /// <typeparam name="TDecoder">The generated decoder, of the same width.</typeparam>
    /// <typeparam name="TState">The decoder's generated <c>State</c>.</typeparam>
    public sealed class DatePair<TEncoder, TDecoder, TState>
        where TEncoder : class, IEncoderNetwork, new()
        where TDecoder : class, IDecoderNetwork<TState>, new()
        where TState : class
    {
        private readonly float[] encoderStates;
        private readonly float[] probabilities;
        private readonly float[] logitGradients;
        private readonly float[] stateGradients;
        private readonly TState stream;
        private readonly float[] next = new float[TargetVocabulary.Size];

        /// <summary>Creates both networks with PyTorch's default initialisation.</summary>
        /// <param name="seed">The seed of the initial weights.</param>
        public DatePair(int seed)
        {
            Encoder = new TEncoder();
            Decoder = new TDecoder();
            var random = new Random(seed);
            Encoder.InitializeParameters(random);
            Decoder.InitializeParameters(random);
            EncoderGradients = new float[Encoder.PackedParameters.Length];
            DecoderGradients = new float[Decoder.PackedParameters.Length];
            encoderStates = new float[ModelLimits.MaxBatchSize * TEncoder.Units];
            stateGradients = new float[encoderStates.Length];
            probabilities = new float[ModelLimits.DecoderSteps * ModelLimits.MaxBatchSize * TargetVocabulary.Size];
            logitGradients = new float[probabilities.Length];
            stream = Decoder.CreateState();
        }

        /// <summary>The encoder.</summary>
        public TEncoder Encoder { get; }

        /// <summary>The decoder.</summary>
        public TDecoder Decoder { get; }

        /// <summary>The encoder's gradient after <see cref="ComputeGradients"/>, in its packed layout.</summary>
        public float[] EncoderGradients { get; }

        /// <summary>The decoder's gradient after <see cref="ComputeGradients"/>, in its packed layout.</summary>
        public float[] DecoderGradients { get; }

        /// <summary>A description of both networks.</summary>
        public static string Architecture => $"encoder {TEncoder.Architecture} ({TEncoder.TrainableParameters:N0} parameters); decoder {TDecoder.Architecture} ({TDecoder.TrainableParameters:N0})";

        /// <summary>The trainable parameters of both networks.</summary>
        public static int TrainableParameters => TEncoder.TrainableParameters + TDecoder.TrainableParameters;

        /// <summary>
        /// Forward and backward over one batch with teacher forcing: the decoder reads <c>&lt;start&gt;</c> and the true
        /// characters and is scored on predicting each next one and <c>&lt;end&gt;</c>. Fills
        /// <see cref="EncoderGradients"/> and <see cref="DecoderGradients"/> (overwriting them).
        /// </summary>
        /// <param name="batch">The batch.</param>
        /// <returns>The mean cross-entropy per output character, in nats.</returns>
        public float ComputeGradients(Seq2SeqBatch batch)
        {
            ArgumentNullException.ThrowIfNull(batch);
            var count = batch.Count;
            var states = encoderStates.AsSpan(0, count * TEncoder.Units);
            var dStates = stateGradients.AsSpan(0, states.Length);
            var p = probabilities.AsSpan(0, ModelLimits.DecoderSteps * count * TargetVocabulary.Size);
            var dLogits = logitGradients.AsSpan(0, p.Length);

            // Encoder: no head and ReturnSequences = false, so the output [batch][units] is h at the last step.
            Encoder.Forward(batch.Sources, states, count, continueState: false);
            Decoder.SetInitialState(0, states, default);
            Decoder.Forward(batch.DecoderInputs, p, count, continueState: false);
            var loss = Losses.SoftmaxCrossEntropy(p, batch.DecoderTargets, TargetVocabulary.Size, dLogits);

            DecoderGradients.AsSpan().Clear(); // Backward accumulates
            Decoder.Backward(dLogits, DecoderGradients);

            // dL/d(decoder h(-1)) is dL/d(encoder output): the encoder's Backward takes it as its output gradient.
            Decoder.InitialStateGradient(0, dStates, default);
            EncoderGradients.AsSpan().Clear();
            Encoder.Backward(dStates, EncoderGradients);
            return loss;
        }

        /// <summary>
        /// Converts every source of <paramref name="batch"/> greedily: one encoder <c>Forward</c> for the batch, then for
        /// each sequence the decoder's state is set to the encoder's final state and <c>Step</c> is fed
        /// <c>&lt;start&gt;</c> and then each most likely character, until <c>&lt;end&gt;</c> or
        /// <paramref name="maxLength"/> characters.
        /// </summary>
        /// <param name="batch">The sources (the targets are not read).</param>
        /// <param name="outputs">Receives one string per example of the batch, in order.</param>
        /// <param name="maxLength">The most characters to write per example.</param>
        public void Translate(Seq2SeqBatch batch, Span<string> outputs, int maxLength = DateTask.TargetLength + 4)
        {
            ArgumentNullException.ThrowIfNull(batch);
            ArgumentOutOfRangeException.ThrowIfLessThan(outputs.Length, batch.Count, nameof(outputs));
            var units = TEncoder.Units;
            var states = encoderStates.AsSpan(0, batch.Count * units);
            Encoder.Predict(batch.Sources, states, batch.Count, continueState: false); // inference: no tape
            Span<char> text = stackalloc char[maxLength];
            for (var b = 0; b < batch.Count; b++)
            {
                Decoder.LoadStream(stream, states.Slice(b * units, units));
                var token = TargetVocabulary.Start;
                var length = 0;
                while (length < maxLength)
                {
                    Decoder.Step(stream, token, next);
                    token = ArgMax(next.AsSpan(0, TargetVocabulary.Start)); // the characters and <end>, never <start>
                    if (token == TargetVocabulary.End)
                    {
                        break;
                    }

                    text[length++] = TargetVocabulary.Decode(token);
                }

                outputs[b] = new string(text[..length]);
            }
        }

        /// <summary>The index of the largest value (the first one on ties).</summary>
        private static int ArgMax(ReadOnlySpan<float> values)
        {
            var best = 0;
            for (var i = 1; i < values.Length; i++)
            {
                if (values[i] > values[best])
                {
                    best = i;
                }
            }

            return best;
        }
    }
}
