using System;
using System.Collections.Generic;
using RnnGen.Gpu;

namespace RnnGen.GpuCheck
{
    // The conformance set: every cell variant, direction, merge mode, depth, input kind and head, at sizes that leave
    // 16-unit blocks partly empty, at least one layer too large for its recurrent weights to stay in shared memory,
    // and the fast-math switch. Each class adds ICheckModel so that one harness drives them all.

    [RecurrentNetwork(InputSize = 7, SequenceLength = 12, BatchSize = 5, Cuda = true)]
    [Lstm(40)]
    internal sealed partial class CheckLstm : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 9, SequenceLength = 10, BatchSize = 4, Cuda = true)]
    [Lstm(24, Peepholes = true)]
    [Dense(6, Activation.Softmax)]
    internal sealed partial class CheckLstmPeephole : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 9, BatchSize = 3, Cuda = true)]
    [Lstm(18, Peepholes = true, CoupledGates = true)]
    internal sealed partial class CheckLstmCifg : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 3, Cuda = true)]
    [Lstm(21, Activation = Activation.Relu, RecurrentActivation = Activation.HardSigmoid, UseBias = false)]
    [Dense(3, Activation.Tanh)]
    internal sealed partial class CheckLstmActivations : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 6, SequenceLength = 11, BatchSize = 4, Cuda = true)]
    [Gru(35)]
    internal sealed partial class CheckGruResetAfter : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 6, SequenceLength = 9, BatchSize = 3, Cuda = true)]
    [Gru(21, ResetAfter = false)]
    [Dense(2, Activation.Sigmoid)]
    internal sealed partial class CheckGruResetBefore : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 8, BatchSize = 4, Cuda = true)]
    [Gru(16, Minimal = true)]
    internal sealed partial class CheckGruMinimal : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 10, BatchSize = 4, Cuda = true)]
    [SimpleRnn(30)]
    internal sealed partial class CheckSimpleRnn : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 7, BatchSize = 2, Cuda = true)]
    [SimpleRnn(17, Activation.Relu, UseBias = false)]
    [Dense(4, Activation.Relu)]
    internal sealed partial class CheckSimpleRnnRelu : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 8, SequenceLength = 9, BatchSize = 4, Cuda = true)]
    [Lstm(32)]
    [Gru(20)]
    [SimpleRnn(12, ReturnSequences = false)]
    [Dense(4, Activation.Linear)]
    internal sealed partial class CheckStacked : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 3, Cuda = true)]
    [Lstm(14, Bidirectional = true)]
    internal sealed partial class CheckBidirectionalConcat : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 5, SequenceLength = 8, BatchSize = 3, Cuda = true)]
    [Gru(15, Bidirectional = true, MergeMode = MergeMode.Sum)]
    internal sealed partial class CheckBidirectionalSum : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 7, BatchSize = 2, Cuda = true)]
    [SimpleRnn(10, Bidirectional = true, MergeMode = MergeMode.Multiply)]
    internal sealed partial class CheckBidirectionalMultiply : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 4, SequenceLength = 7, BatchSize = 3, Cuda = true)]
    [Lstm(13, Bidirectional = true, MergeMode = MergeMode.Average, ReturnSequences = false)]
    [Dense(5, Activation.Softmax)]
    internal sealed partial class CheckBidirectionalAverage : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 6, SequenceLength = 8, BatchSize = 3, Cuda = true)]
    [Lstm(19, Bidirectional = true)]
    [Gru(11, Bidirectional = true, MergeMode = MergeMode.Sum, ReturnSequences = false)]
    internal sealed partial class CheckBidirectionalStacked : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 3, SequenceLength = 9, BatchSize = 3, Cuda = true)]
    [Lstm(17, GoBackwards = true)]
    [Gru(9)]
    internal sealed partial class CheckGoBackwards : ICheckModel<float> { }

    [RecurrentNetwork(SequenceLength = 10, BatchSize = 4, Cuda = true)]
    [Embedding(50, 12)]
    [Lstm(24)]
    [Dense(50, Activation.Softmax)]
    internal sealed partial class CheckEmbedding : ICheckModel<int> { }

    [RecurrentNetwork(SequenceLength = 8, BatchSize = 3, Cuda = true)]
    [Embedding(30, 8)]
    [Gru(16, Bidirectional = true, ReturnSequences = false)]
    [Dense(3, Activation.Sigmoid)]
    internal sealed partial class CheckEmbeddingBidirectional : ICheckModel<int> { }

    [RecurrentNetwork(InputSize = 64, SequenceLength = 12, BatchSize = 8, Cuda = true)]
    [Lstm(300)]
    internal sealed partial class CheckLstmLarge : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 96, SequenceLength = 10, BatchSize = 16, Cuda = true)]
    [Gru(260, ResetAfter = false)]
    [Dense(10, Activation.Softmax)]
    internal sealed partial class CheckGruLarge : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 6, SequenceLength = 6, BatchSize = 64, Cuda = true)]
    [Lstm(33)]
    [Dense(1, Activation.Relu, UseBias = false)]
    internal sealed partial class CheckWideBatch : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 7, SequenceLength = 10, BatchSize = 4, Cuda = true, CudaFastMath = true)]
    [Lstm(48)]
    [Dense(5, Activation.Softmax)]
    internal sealed partial class CheckLstmFast : ICheckModel<float> { }

    [RecurrentNetwork(InputSize = 7, SequenceLength = 10, BatchSize = 4, Cuda = true, CudaFastMath = true)]
    [Gru(40, Bidirectional = true)]
    internal sealed partial class CheckGruFast : ICheckModel<float> { }

    /// <summary>The conformance set with the shapes the harness needs (from each class's generated constants).</summary>
    internal static class ConformanceModels
    {
        public static IReadOnlyList<Case> All { get; } =
        [
            Floats<CheckLstm>("LSTM", CheckLstm.InputSize, CheckLstm.MaxSequenceLength, CheckLstm.MaxBatchSize, CheckLstm.OutputSize, CheckLstm.ReturnsSequences, CheckLstm.StateCount, [(40, true)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, g.Step, g.ResetStreams, g); },
                m => Streams(m.CreateState, m.Step)),
            Floats<CheckLstmPeephole>("LSTM peephole, softmax head", CheckLstmPeephole.InputSize, CheckLstmPeephole.MaxSequenceLength, CheckLstmPeephole.MaxBatchSize, CheckLstmPeephole.OutputSize, CheckLstmPeephole.ReturnsSequences, CheckLstmPeephole.StateCount, [(24, true)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, g.Step, g.ResetStreams, g); },
                m => Streams(m.CreateState, m.Step)),
            Floats<CheckLstmCifg>("LSTM CIFG (coupled gates, peephole)", CheckLstmCifg.InputSize, CheckLstmCifg.MaxSequenceLength, CheckLstmCifg.MaxBatchSize, CheckLstmCifg.OutputSize, CheckLstmCifg.ReturnsSequences, CheckLstmCifg.StateCount, [(18, true)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, g.Step, g.ResetStreams, g); },
                m => Streams(m.CreateState, m.Step)),
            Floats<CheckLstmActivations>("LSTM relu/hard-sigmoid, no bias, tanh head", CheckLstmActivations.InputSize, CheckLstmActivations.MaxSequenceLength, CheckLstmActivations.MaxBatchSize, CheckLstmActivations.OutputSize, CheckLstmActivations.ReturnsSequences, CheckLstmActivations.StateCount, [(21, true)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, g.Step, g.ResetStreams, g); },
                m => Streams(m.CreateState, m.Step)),
            Floats<CheckGruResetAfter>("GRU reset after", CheckGruResetAfter.InputSize, CheckGruResetAfter.MaxSequenceLength, CheckGruResetAfter.MaxBatchSize, CheckGruResetAfter.OutputSize, CheckGruResetAfter.ReturnsSequences, CheckGruResetAfter.StateCount, [(35, false)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, g.Step, g.ResetStreams, g); },
                m => Streams(m.CreateState, m.Step)),
            Floats<CheckGruResetBefore>("GRU reset before, sigmoid head", CheckGruResetBefore.InputSize, CheckGruResetBefore.MaxSequenceLength, CheckGruResetBefore.MaxBatchSize, CheckGruResetBefore.OutputSize, CheckGruResetBefore.ReturnsSequences, CheckGruResetBefore.StateCount, [(21, false)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, g.Step, g.ResetStreams, g); },
                m => Streams(m.CreateState, m.Step)),
            Floats<CheckGruMinimal>("GRU minimal", CheckGruMinimal.InputSize, CheckGruMinimal.MaxSequenceLength, CheckGruMinimal.MaxBatchSize, CheckGruMinimal.OutputSize, CheckGruMinimal.ReturnsSequences, CheckGruMinimal.StateCount, [(16, false)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, g.Step, g.ResetStreams, g); },
                m => Streams(m.CreateState, m.Step)),
            Floats<CheckSimpleRnn>("SimpleRNN tanh", CheckSimpleRnn.InputSize, CheckSimpleRnn.MaxSequenceLength, CheckSimpleRnn.MaxBatchSize, CheckSimpleRnn.OutputSize, CheckSimpleRnn.ReturnsSequences, CheckSimpleRnn.StateCount, [(30, false)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, g.Step, g.ResetStreams, g); },
                m => Streams(m.CreateState, m.Step)),
            Floats<CheckSimpleRnnRelu>("SimpleRNN relu, no bias, relu head", CheckSimpleRnnRelu.InputSize, CheckSimpleRnnRelu.MaxSequenceLength, CheckSimpleRnnRelu.MaxBatchSize, CheckSimpleRnnRelu.OutputSize, CheckSimpleRnnRelu.ReturnsSequences, CheckSimpleRnnRelu.StateCount, [(17, false)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, g.Step, g.ResetStreams, g); },
                m => Streams(m.CreateState, m.Step)),
            Floats<CheckStacked>("stacked LSTM/GRU/SimpleRNN, last step, linear head", CheckStacked.InputSize, CheckStacked.MaxSequenceLength, CheckStacked.MaxBatchSize, CheckStacked.OutputSize, CheckStacked.ReturnsSequences, CheckStacked.StateCount, [(32, true), (20, false), (12, false)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, g.Step, g.ResetStreams, g); },
                m => Streams(m.CreateState, m.Step)),
            Floats<CheckBidirectionalConcat>("bidirectional LSTM concat", CheckBidirectionalConcat.InputSize, CheckBidirectionalConcat.MaxSequenceLength, CheckBidirectionalConcat.MaxBatchSize, CheckBidirectionalConcat.OutputSize, CheckBidirectionalConcat.ReturnsSequences, CheckBidirectionalConcat.StateCount, [(14, true), (14, true)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, null, null, g); }),
            Floats<CheckBidirectionalSum>("bidirectional GRU sum", CheckBidirectionalSum.InputSize, CheckBidirectionalSum.MaxSequenceLength, CheckBidirectionalSum.MaxBatchSize, CheckBidirectionalSum.OutputSize, CheckBidirectionalSum.ReturnsSequences, CheckBidirectionalSum.StateCount, [(15, false), (15, false)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, null, null, g); }),
            Floats<CheckBidirectionalMultiply>("bidirectional SimpleRNN multiply", CheckBidirectionalMultiply.InputSize, CheckBidirectionalMultiply.MaxSequenceLength, CheckBidirectionalMultiply.MaxBatchSize, CheckBidirectionalMultiply.OutputSize, CheckBidirectionalMultiply.ReturnsSequences, CheckBidirectionalMultiply.StateCount, [(10, false), (10, false)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, null, null, g); }),
            Floats<CheckBidirectionalAverage>("bidirectional LSTM average, last step, softmax head", CheckBidirectionalAverage.InputSize, CheckBidirectionalAverage.MaxSequenceLength, CheckBidirectionalAverage.MaxBatchSize, CheckBidirectionalAverage.OutputSize, CheckBidirectionalAverage.ReturnsSequences, CheckBidirectionalAverage.StateCount, [(13, true), (13, true)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, null, null, g); }),
            Floats<CheckBidirectionalStacked>("stacked bidirectional LSTM concat / GRU sum", CheckBidirectionalStacked.InputSize, CheckBidirectionalStacked.MaxSequenceLength, CheckBidirectionalStacked.MaxBatchSize, CheckBidirectionalStacked.OutputSize, CheckBidirectionalStacked.ReturnsSequences, CheckBidirectionalStacked.StateCount, [(19, true), (19, true), (11, false), (11, false)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, null, null, g); }),
            Floats<CheckGoBackwards>("GoBackwards LSTM, then GRU", CheckGoBackwards.InputSize, CheckGoBackwards.MaxSequenceLength, CheckGoBackwards.MaxBatchSize, CheckGoBackwards.OutputSize, CheckGoBackwards.ReturnsSequences, CheckGoBackwards.StateCount, [(17, true), (9, false)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, null, null, g); }),
            Tokens<CheckEmbedding>("embedding, LSTM, softmax head", CheckEmbedding.VocabularySize, CheckEmbedding.MaxSequenceLength, CheckEmbedding.MaxBatchSize, CheckEmbedding.OutputSize, CheckEmbedding.ReturnsSequences, CheckEmbedding.StateCount, [(24, true)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, g.Step, g.ResetStreams, g); },
                m => TokenStreams(m.CreateState, m.Step)),
            Tokens<CheckEmbeddingBidirectional>("embedding, bidirectional GRU, sigmoid head", CheckEmbeddingBidirectional.VocabularySize, CheckEmbeddingBidirectional.MaxSequenceLength, CheckEmbeddingBidirectional.MaxBatchSize, CheckEmbeddingBidirectional.OutputSize, CheckEmbeddingBidirectional.ReturnsSequences, CheckEmbeddingBidirectional.StateCount, [(16, false), (16, false)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, null, null, g); }),
            Floats<CheckLstmLarge>("LSTM 300 (weights past shared memory)", CheckLstmLarge.InputSize, CheckLstmLarge.MaxSequenceLength, CheckLstmLarge.MaxBatchSize, CheckLstmLarge.OutputSize, CheckLstmLarge.ReturnsSequences, CheckLstmLarge.StateCount, [(300, true)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, g.Step, g.ResetStreams, g); },
                m => Streams(m.CreateState, m.Step)),
            Floats<CheckGruLarge>("GRU 260 reset before, softmax head", CheckGruLarge.InputSize, CheckGruLarge.MaxSequenceLength, CheckGruLarge.MaxBatchSize, CheckGruLarge.OutputSize, CheckGruLarge.ReturnsSequences, CheckGruLarge.StateCount, [(260, false)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, g.Step, g.ResetStreams, g); },
                m => Streams(m.CreateState, m.Step)),
            Floats<CheckWideBatch>("LSTM batch 64, relu head without bias", CheckWideBatch.InputSize, CheckWideBatch.MaxSequenceLength, CheckWideBatch.MaxBatchSize, CheckWideBatch.OutputSize, CheckWideBatch.ReturnsSequences, CheckWideBatch.StateCount, [(33, true)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, g.Step, g.ResetStreams, g); },
                m => Streams(m.CreateState, m.Step)),
            Floats<CheckLstmFast>("LSTM, softmax head, CudaFastMath", CheckLstmFast.InputSize, CheckLstmFast.MaxSequenceLength, CheckLstmFast.MaxBatchSize, CheckLstmFast.OutputSize, CheckLstmFast.ReturnsSequences, CheckLstmFast.StateCount, [(48, true)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, g.Step, g.ResetStreams, g); },
                m => Streams(m.CreateState, m.Step), fastMath: true),
            Floats<CheckGruFast>("bidirectional GRU, CudaFastMath", CheckGruFast.InputSize, CheckGruFast.MaxSequenceLength, CheckGruFast.MaxBatchSize, CheckGruFast.OutputSize, CheckGruFast.ReturnsSequences, CheckGruFast.StateCount, [(40, false), (40, false)],
                (m, d) => { var g = m.ToCuda(d); return new(g.Forward, g.SetInitialState, g.CopyFinalState, null, null, g); },
                fastMath: true),
        ];

        /// <summary>Every model's PTX, the benchmark sizes too (--write-ptx: for ptxas before a GPU is lent).</summary>
        public static IReadOnlyList<(string Name, string Ptx)> Ptx { get; } =
        [
            (nameof(CheckLstm), CheckLstm.CudaPtx),
            (nameof(CheckLstmPeephole), CheckLstmPeephole.CudaPtx),
            (nameof(CheckLstmCifg), CheckLstmCifg.CudaPtx),
            (nameof(CheckLstmActivations), CheckLstmActivations.CudaPtx),
            (nameof(CheckGruResetAfter), CheckGruResetAfter.CudaPtx),
            (nameof(CheckGruResetBefore), CheckGruResetBefore.CudaPtx),
            (nameof(CheckGruMinimal), CheckGruMinimal.CudaPtx),
            (nameof(CheckSimpleRnn), CheckSimpleRnn.CudaPtx),
            (nameof(CheckSimpleRnnRelu), CheckSimpleRnnRelu.CudaPtx),
            (nameof(CheckStacked), CheckStacked.CudaPtx),
            (nameof(CheckBidirectionalConcat), CheckBidirectionalConcat.CudaPtx),
            (nameof(CheckBidirectionalSum), CheckBidirectionalSum.CudaPtx),
            (nameof(CheckBidirectionalMultiply), CheckBidirectionalMultiply.CudaPtx),
            (nameof(CheckBidirectionalAverage), CheckBidirectionalAverage.CudaPtx),
            (nameof(CheckBidirectionalStacked), CheckBidirectionalStacked.CudaPtx),
            (nameof(CheckGoBackwards), CheckGoBackwards.CudaPtx),
            (nameof(CheckEmbedding), CheckEmbedding.CudaPtx),
            (nameof(CheckEmbeddingBidirectional), CheckEmbeddingBidirectional.CudaPtx),
            (nameof(CheckLstmLarge), CheckLstmLarge.CudaPtx),
            (nameof(CheckGruLarge), CheckGruLarge.CudaPtx),
            (nameof(CheckWideBatch), CheckWideBatch.CudaPtx),
            (nameof(CheckLstmFast), CheckLstmFast.CudaPtx),
            (nameof(CheckGruFast), CheckGruFast.CudaPtx),
            (nameof(BenchLstm256), BenchLstm256.CudaPtx),
            (nameof(BenchLstm512), BenchLstm512.CudaPtx),
            (nameof(BenchLstm1024), BenchLstm1024.CudaPtx),
            (nameof(BenchGru256), BenchGru256.CudaPtx),
            (nameof(BenchGru512), BenchGru512.CudaPtx),
            (nameof(BenchGru1024), BenchGru1024.CudaPtx),
        ];

        private static Case<float, TModel> Floats<TModel>(
            string name, int inputSize, int steps, int batch, int outputSize, bool sequences, int stateCount, (int Units, bool Cell)[] states,
            Func<TModel, GpuDevice, GpuOps<float>> toGpu, Func<TModel, Func<int, OneStreamStepFn<float>>>? cpuStreams = null, bool fastMath = false)
            where TModel : ICheckModel<float>, new() =>
            new(name, new Shape(inputSize, 0, steps, batch, outputSize, sequences, Checked(name, stateCount, states)), toGpu, cpuStreams, fastMath);

        private static Case<int, TModel> Tokens<TModel>(
            string name, int vocabulary, int steps, int batch, int outputSize, bool sequences, int stateCount, (int Units, bool Cell)[] states,
            Func<TModel, GpuDevice, GpuOps<int>> toGpu, Func<TModel, Func<int, OneStreamStepFn<int>>>? cpuStreams = null)
            where TModel : ICheckModel<int>, new() =>
            new(name, new Shape(1, vocabulary, steps, batch, outputSize, sequences, Checked(name, stateCount, states)), toGpu, cpuStreams);

        /// <summary>The state list written here must have one entry per state of the generated model.</summary>
        private static (int Units, bool Cell)[] Checked(string name, int stateCount, (int Units, bool Cell)[] states) =>
            states.Length == stateCount ? states : throw new InvalidOperationException($"{name}: {states.Length} states listed, the model has {stateCount}.");

        /// <summary>n independent CPU streams, each with its own State, stepped one at a time.</summary>
        private static Func<int, OneStreamStepFn<float>> Streams<TState>(Func<TState> create, CpuStepFn<TState> step) =>
            count =>
            {
                var states = new TState[count];
                for (var i = 0; i < count; i++)
                {
                    states[i] = create();
                }

                return (stream, input, output) => step(states[stream], input, output);
            };

        private static Func<int, OneStreamStepFn<int>> TokenStreams<TState>(Func<TState> create, CpuTokenStepFn<TState> step) =>
            count =>
            {
                var states = new TState[count];
                for (var i = 0; i < count; i++)
                {
                    states[i] = create();
                }

                return (stream, input, output) => step(states[stream], input[0], output);
            };
    }
}
