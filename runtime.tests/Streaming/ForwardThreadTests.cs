using System;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Robustness;
using RnnGen.Threading;
using Xunit;

namespace RnnGen.Runtime.Tests.Streaming
{
    [RecurrentNetwork(InputSize = 5, SequenceLength = 7, BatchSize = 19)]
    [Lstm(20, Peepholes = true)]
    [Gru(18, ResetAfter = false, Bidirectional = true, MergeMode = MergeMode.Sum)]
    [SimpleRnn(9, GoBackwards = true)]
    [Dense(3, Activation.Softmax)]
    public sealed partial class ThreadedForwardModel { }

    // Wide layers: W_hh of 602 KiB (GRU 224, reset after) and 541 KiB (SimpleRNN 368), so on more than one thread each
    // step's unit blocks are split across the threads (RunBlocks) instead of the batch's rows, and so are their input
    // projections from 32 rows (steps × sequences) on: 4 × 9 here.
    [RecurrentNetwork(InputSize = 3, SequenceLength = 4, BatchSize = 9)]
    [Gru(224)]
    [SimpleRnn(368)]
    [Dense(3, Activation.Softmax)]
    public sealed partial class BlockSplitModel { }

    // A wide bidirectional LSTM (W_hh of 576 KiB per direction) reading tokens: the block-split projections gather
    // embedding rows, the reverse unit's from the reversed tokens.
    [RecurrentNetwork(SequenceLength = 5, BatchSize = 7)]
    [Embedding(13, 6)]
    [Lstm(192, Bidirectional = true)]
    [Dense(13, Activation.Softmax)]
    public sealed partial class BlockSplitTokenModel { }

    // Predict fuses the input projection into the steps of both units: the wide LSTM (W_hh of 1 MiB) splits each
    // step's unit blocks across threads, the SimpleRNN (6 blocks) splits by rows.
    [RecurrentNetwork(InputSize = 8, SequenceLength = 6, BatchSize = 9)]
    [Lstm(256)]
    [SimpleRnn(96)]
    [Dense(3)]
    public sealed partial class FusedPredictModel { }

    // A wide GRU (W_hh of 588 KiB) whose Predict steps fuse the projection and keep the candidate's x part apart,
    // its unit blocks split across threads.
    [RecurrentNetwork(InputSize = 8, SequenceLength = 6, BatchSize = 9)]
    [Gru(224)]
    [Dense(3)]
    public sealed partial class FusedGruPredictModel { }

    /// <summary>
    /// Forward splits each unit's time loop by batch rows across cores (RowParallel): outputs, final states and the
    /// Backward that reads the tape (with dL/dx) must be bit-identical for any thread count, with and without variable lengths.
    /// </summary>
    [Collection(nameof(SerialTestCollection))] // RowParallel.MaxThreads is process-wide
    public sealed class ForwardThreadTests
    {
        private const int Batch = 19; // not a multiple of any thread count here
        private const int Steps = 7;

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Forward_Backward_and_final_states_do_not_depend_on_the_thread_count(bool variableLengths) =>
            AssertThreadCountFree(() => new ThreadedForwardModel(), Steps, Batch, variableLengths);

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Wide_layers_split_by_unit_blocks_do_not_depend_on_the_thread_count(bool variableLengths)
        {
            // The generator gave this model the block-split loop and projection (they are private: found by name).
            Assert.NotNull(PrivateMethod(typeof(BlockSplitModel), "RunBlocks"));
            Assert.NotNull(PrivateMethod(typeof(BlockSplitModel), "RunProjectionBlocks"));
            Assert.Null(PrivateMethod(typeof(ThreadedForwardModel), "RunBlocks"));
            AssertThreadCountFree(() => new BlockSplitModel(), 4, 9, variableLengths);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)] // an LSTM's cells and hidden states held per block range once a sequence has ended
        public void Wide_layers_reading_tokens_do_not_depend_on_the_thread_count(bool variableLengths)
        {
            Assert.NotNull(PrivateMethod(typeof(BlockSplitTokenModel), "RunProjectionBlocks"));
            var saved = RowParallel.MaxThreads;
            try
            {
                var one = RunTokens(1, variableLengths);
                foreach (var threads in new[] { 2, 3 })
                {
                    var other = RunTokens(threads, variableLengths);
                    Assert.Equal(one.Outputs, other.Outputs);
                    Assert.Equal(one.Gradients, other.Gradients);
                    Assert.Equal(one.Final, other.Final);
                }
            }
            finally
            {
                RowParallel.MaxThreads = saved;
            }
        }

        private static (float[] Outputs, float[] Gradients, float[] Final) RunTokens(int threads, bool variableLengths)
        {
            RowParallel.MaxThreads = threads;
            const int steps = 5, batch = 7;
            var model = new BlockSplitTokenModel();
            model.InitializeParameters(new Random(1));
            var tokens = new int[steps * batch];
            for (var i = 0; i < tokens.Length; i++)
            {
                tokens[i] = (i * 7) % BlockSplitTokenModel.VocabularySize;
            }

            var outputs = new float[steps * batch * BlockSplitTokenModel.OutputSize];
            var lengths = variableLengths ? new[] { 5, 1, 3, 5, 2, 4, 1 } : Array.Empty<int>();
            model.Forward(tokens, lengths, outputs, batch);
            var gradients = new float[BlockSplitTokenModel.PackedParameterLength];
            model.Backward(outputs, gradients);
            Assert.Contains(outputs, o => o != outputs[0]);
            const int units = 192;
            var final = new float[2 * 2 * batch * units]; // per direction: h, then c (held per block range once a sequence ends)
            for (var state = 0; state < 2; state++)
            {
                var slice = final.AsSpan(state * 2 * batch * units, 2 * batch * units);
                model.CopyFinalState(state, slice[..(batch * units)], slice[(batch * units)..]);
            }

            return (outputs, gradients, final);
        }

        private static System.Reflection.MethodInfo? PrivateMethod(Type model, string name) =>
            model.GetMethod(name, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);

        private static void AssertThreadCountFree(Func<IInputGradientNetwork> create, int steps, int batch, bool variableLengths)
        {
            var saved = RowParallel.MaxThreads;
            try
            {
                var one = Run(create, steps, batch, 1, variableLengths);
                Assert.Contains(one.Gradients, g => g != 0f);
                foreach (var threads in new[] { 2, 3, 8 })
                {
                    var other = Run(create, steps, batch, threads, variableLengths);
                    Assert.Equal(one.Outputs, other.Outputs);
                    Assert.Equal(one.Gradients, other.Gradients);
                    Assert.Equal(one.Final, other.Final);
                    Assert.Equal(one.InputGradients, other.InputGradients);
                }
            }
            finally
            {
                RowParallel.MaxThreads = saved;
            }
        }

        [Theory]
        [InlineData(false, false)]
        [InlineData(true, false)]
        [InlineData(false, true)]
        [InlineData(true, true)]
        public void Predict_with_fused_projections_gives_Forwards_bits_on_any_thread_count(bool variableLengths, bool gru)
        {
            var type = gru ? typeof(FusedGruPredictModel) : typeof(FusedPredictModel);
            Assert.Equal(gru ? 1 : 2, Inference.PredictTests.FusedKernels(type).Length);
            Assert.NotNull(PrivateMethod(type, "RunBlocks"));
            const int steps = 6, batch = 9, input = 8, output = 3;
            var units = gru ? 224 : 256;
            var inputs = new Lcg(2).Uniform(steps * batch * input, 1f);
            var lengths = variableLengths ? new[] { 6, 1, 3, 6, 2, 5, 4, 1, 6 } : Array.Empty<int>();
            var saved = RowParallel.MaxThreads;
            try
            {
                RowParallel.MaxThreads = 1;
                IRecurrentNetwork<float> model = gru ? new FusedGruPredictModel() : new FusedPredictModel();
                model.InitializeParameters(new Random(1));
                var expected = new float[steps * batch * output];
                model.Forward(inputs, lengths, expected, batch);
                var (expectedHidden, expectedCell) = (new float[batch * units], gru ? Array.Empty<float>() : new float[batch * units]);
                model.CopyFinalState(0, expectedHidden, expectedCell);
                foreach (var threads in new[] { 1, 2, 3, 8 })
                {
                    RowParallel.MaxThreads = threads;
                    var actual = new float[expected.Length];
                    model.Predict(inputs, lengths, actual, batch);
                    var (hidden, cell) = (new float[batch * units], new float[expectedCell.Length]);
                    model.CopyFinalState(0, hidden, cell);
                    Assert.Equal(expected, actual);
                    Assert.Equal(expectedHidden, hidden);
                    Assert.Equal(expectedCell, cell);
                }
            }
            finally
            {
                RowParallel.MaxThreads = saved;
            }
        }

        [Fact]
        public void A_batch_gives_each_sequence_what_it_gets_alone()
        {
            var model = new ThreadedForwardModel();
            model.InitializeParameters(new Random(3));
            var inputs = new Lcg(4).Uniform(Steps * Batch * ThreadedForwardModel.InputSize, 1f);
            var outputs = new float[Steps * Batch * ThreadedForwardModel.OutputSize];
            model.Forward(inputs, outputs, Batch);
            var alone = new float[Steps * ThreadedForwardModel.OutputSize];
            var input = new float[Steps * ThreadedForwardModel.InputSize];
            foreach (var b in new[] { 0, 7, 18 })
            {
                for (var t = 0; t < Steps; t++)
                {
                    inputs.AsSpan(((t * Batch) + b) * ThreadedForwardModel.InputSize, ThreadedForwardModel.InputSize).CopyTo(input.AsSpan(t * ThreadedForwardModel.InputSize));
                }

                model.Forward(input, alone, 1);
                for (var t = 0; t < Steps; t++)
                {
                    Assert.Equal(alone.AsSpan(t * ThreadedForwardModel.OutputSize, ThreadedForwardModel.OutputSize).ToArray(), outputs.AsSpan(((t * Batch) + b) * ThreadedForwardModel.OutputSize, ThreadedForwardModel.OutputSize).ToArray());
                }
            }
        }

        private static (float[] Outputs, float[] Gradients, float[] Final, float[] InputGradients) Run(Func<IInputGradientNetwork> create, int steps, int batch, int threads, bool variableLengths)
        {
            RowParallel.MaxThreads = threads;
            var model = create();
            var description = model.Description;
            model.InitializeParameters(new Random(1));
            var inputs = new Lcg(2).Uniform(steps * batch * description.InputSize, 1f);
            var lengths = variableLengths ? new int[batch] : Array.Empty<int>();
            for (var b = 0; b < lengths.Length; b++)
            {
                lengths[b] = 1 + ((b * 5) % steps);
            }

            var outputs = new float[steps * batch * description.OutputSize];
            model.Forward(inputs, lengths, outputs, batch);
            var gradients = new float[description.PackedParameterLength];
            var inputGradients = new float[inputs.Length];
            model.Backward(outputs, gradients, inputGradients); // dL/dx too, through every layer
            var units = description.Layers[0].Units;
            var final = new float[batch * units * 2]; // h, then c for an LSTM
            model.CopyFinalState(0, final.AsSpan(0, batch * units), description.Layers[0].Cell == CellType.Lstm ? final.AsSpan(batch * units) : default);
            return (outputs, gradients, final, inputGradients);
        }
    }
}
