using System;

namespace RnnGen.Samples.Seq2Seq
{
    /// <summary>
    /// What the sample needs from a generated encoder: a GRU over the source characters that outputs only its final
    /// hidden state (<c>ReturnSequences = false</c>, no head), so <see cref="Forward"/>'s output <c>[batch][units]</c> is
    /// the state handed to the decoder and <see cref="Backward"/> takes dL/d(that state). The generated members
    /// implement it as they are.
    /// </summary>
    public interface IEncoderNetwork
    {
        /// <summary>A one-line description of the architecture.</summary>
        static abstract string Architecture { get; }

        /// <summary>The number of trainable parameters, counted as PyTorch does (generated <c>ParameterCount</c>).</summary>
        static abstract int TrainableParameters { get; }

        /// <summary>The hidden units: the size of the state handed to the decoder.</summary>
        static abstract int Units { get; }

        /// <summary>The packed parameter buffer the optimiser updates (generated).</summary>
        Span<float> PackedParameters { get; }

        /// <summary>Runs the source sequences (generated): tokens <c>[steps][batch]</c>, outputs the final hidden state <c>[batch][units]</c>.</summary>
        /// <param name="tokens">Time-major source ids.</param>
        /// <param name="outputs">Receives h at the last step.</param>
        /// <param name="batchSize">Sequences in the batch.</param>
        /// <param name="continueState">Start from the previous call's final state (unused here).</param>
        void Forward(ReadOnlySpan<int> tokens, Span<float> outputs, int batchSize, bool continueState);

        /// <summary>Runs the source sequences for inference only (generated): Forward's final states bit for bit, nothing kept for Backward.</summary>
        /// <param name="tokens">Time-major source ids.</param>
        /// <param name="outputs">Receives h at the last step.</param>
        /// <param name="batchSize">Sequences in the batch.</param>
        /// <param name="continueState">Start from the previous call's final state (unused here).</param>
        void Predict(ReadOnlySpan<int> tokens, Span<float> outputs, int batchSize, bool continueState);

        /// <summary>Backpropagation through time (generated): adds dL/dθ to <paramref name="gradients"/>.</summary>
        /// <param name="outputGradients">dL/dh at the last step, <c>[batch][units]</c>.</param>
        /// <param name="gradients">The packed gradient buffer.</param>
        void Backward(ReadOnlySpan<float> outputGradients, Span<float> gradients);

        /// <summary>PyTorch's default initialisation, seeded (generated).</summary>
        /// <param name="random">The random source.</param>
        void InitializeParameters(Random random);
    }

    /// <summary>
    /// What the sample needs from a generated decoder: a GRU language model over the target characters whose initial
    /// state is the encoder's final state. The generated members implement it, except <see cref="LoadStream"/>, which
    /// each decoder class forwards to its generated <c>State.Set</c>.
    /// </summary>
    /// <typeparam name="TState">The decoder's generated <c>State</c> class.</typeparam>
    public interface IDecoderNetwork<TState>
        where TState : class
    {
        /// <summary>A one-line description of the architecture.</summary>
        static abstract string Architecture { get; }

        /// <summary>The number of trainable parameters, counted as PyTorch does (generated <c>ParameterCount</c>).</summary>
        static abstract int TrainableParameters { get; }

        /// <summary>The packed parameter buffer the optimiser updates (generated).</summary>
        Span<float> PackedParameters { get; }

        /// <summary>Runs teacher-forced target inputs (generated): tokens <c>[steps][batch]</c>, outputs <c>[steps][batch][vocabulary]</c>.</summary>
        /// <param name="tokens">Time-major target ids, each sequence starting with <see cref="TargetVocabulary.Start"/>.</param>
        /// <param name="outputs">Receives the softmax probabilities of the next id.</param>
        /// <param name="batchSize">Sequences in the batch.</param>
        /// <param name="continueState">Start from the previous call's final state (unused here).</param>
        void Forward(ReadOnlySpan<int> tokens, Span<float> outputs, int batchSize, bool continueState);

        /// <summary>Backpropagation through time (generated): adds dL/dθ to <paramref name="gradients"/>.</summary>
        /// <param name="outputGradients">dL/dlogits, <c>[steps][batch][vocabulary]</c>.</param>
        /// <param name="gradients">The packed gradient buffer.</param>
        void Backward(ReadOnlySpan<float> outputGradients, Span<float> gradients);

        /// <summary>PyTorch's default initialisation, seeded (generated).</summary>
        /// <param name="random">The random source.</param>
        void InitializeParameters(Random random);

        /// <summary>Stages h(-1) of one layer for the next <see cref="Forward"/> (generated).</summary>
        /// <param name="layer">The layer.</param>
        /// <param name="hidden"><c>[batch][units]</c>.</param>
        /// <param name="cell">Empty for a GRU.</param>
        void SetInitialState(int layer, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell);

        /// <summary>dL/d(initial state) of one layer after <see cref="Backward"/> (generated).</summary>
        /// <param name="layer">The layer.</param>
        /// <param name="hidden">Receives <c>[batch][units]</c>.</param>
        /// <param name="cell">Empty for a GRU.</param>
        void InitialStateGradient(int layer, Span<float> hidden, Span<float> cell);

        /// <summary>Creates a zeroed state for one stream of <see cref="Step"/> (generated).</summary>
        /// <returns>The state.</returns>
        TState CreateState();

        /// <summary>Advances one stream by one id (generated).</summary>
        /// <param name="state">The stream's state.</param>
        /// <param name="token">The id read at this step.</param>
        /// <param name="output">Receives the probabilities of the next id.</param>
        void Step(TState state, int token, Span<float> output);

        /// <summary>Sets a stream's state to an encoder's final state (the generated <c>State.Set(0, hidden)</c>).</summary>
        /// <param name="state">The stream's state.</param>
        /// <param name="hidden">The encoder's final h, <c>[units]</c>.</param>
        void LoadStream(TState state, ReadOnlySpan<float> hidden);
    }
}
