using System;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Robustness;
using RnnGen.Threading;
using Xunit;

namespace RnnGen.Runtime.Tests.Streaming
{
    /// <summary>
    /// A large StreamBatch splits its rows across threads (RowParallel): the results must not depend on the thread
    /// count, must equal one Step per stream, and a thread cap of 1 must keep the work on the caller.
    /// </summary>
    [Collection(nameof(SerialTestCollection))] // RowParallel.MaxThreads is process-wide
    public sealed class StreamBatchThreadTests
    {
        private const int Streams = 203; // not a multiple of the thread count

        [Fact]
        public void Results_do_not_depend_on_the_thread_count_and_match_one_Step_per_stream()
        {
            var model = new SbMixed();
            model.InitializeParameters(new Random(11));
            var inputs = new Lcg(12).Uniform(Streams * SbMixed.InputSize, 1f);
            var saved = RowParallel.MaxThreads;
            try
            {
                float[] Run(int threads)
                {
                    RowParallel.MaxThreads = threads;
                    var batch = model.CreateStreamBatch(Streams);
                    for (var i = 0; i < Streams; i++)
                    {
                        batch.Add();
                    }

                    var outputs = new float[Streams * SbMixed.OutputSize];
                    for (var t = 0; t < 3; t++)
                    {
                        batch.Step(inputs, outputs);
                    }

                    return outputs;
                }

                var one = Run(1);
                Assert.Equal(one, Run(2));
                Assert.Equal(one, Run(3));
                Assert.Equal(one, Run(7));

                var states = Array.ConvertAll(new int[Streams], _ => model.CreateState());
                var expected = new float[Streams * SbMixed.OutputSize];
                for (var t = 0; t < 3; t++)
                {
                    for (var s = 0; s < Streams; s++)
                    {
                        model.Step(states[s], inputs.AsSpan(s * SbMixed.InputSize, SbMixed.InputSize), expected.AsSpan(s * SbMixed.OutputSize, SbMixed.OutputSize));
                    }
                }

                Assert.Equal(expected, one);
            }
            finally
            {
                RowParallel.MaxThreads = saved;
            }
        }

        [Fact]
        public void A_split_batch_of_tokens_matches_one_Step_per_stream_and_allocates_nothing()
        {
            var model = new SbTokens();
            model.InitializeParameters(new Random(13));
            var batch = model.CreateStreamBatch(Streams);
            var states = new SbTokens.State[Streams];
            for (var i = 0; i < Streams; i++)
            {
                batch.Add();
                states[i] = model.CreateState();
            }

            var tokens = new Lcg(14).Tokens(Streams, SbTokens.VocabularySize);
            var outputs = new float[Streams * SbTokens.OutputSize];
            batch.Step(tokens, outputs);
            var y = new float[SbTokens.OutputSize];
            for (var s = 0; s < Streams; s++)
            {
                model.Step(states[s], tokens[s], y);
                Assert.Equal(y, outputs.AsSpan(s * SbTokens.OutputSize, SbTokens.OutputSize).ToArray());
            }

            Assert.Equal(0, Allocations.SteadyState(() => batch.Step(tokens, outputs)));
        }

        [Fact]
        public void A_failure_on_a_worker_reaches_the_caller_and_the_workers_stay_usable()
        {
            var saved = RowParallel.MaxThreads;
            try
            {
                RowParallel.MaxThreads = 2;
                var failing = new Failing();
                var error = Assert.Throws<InvalidOperationException>(() => RowParallel.For(failing, 100, 10));
                Assert.Matches("^row [1-9][0-9]*$", error.Message); // the failure of a range other than the first
                var counting = new Counting(100);
                RowParallel.For(counting, 100, 10);
                Assert.All(counting.Seen, seen => Assert.Equal(1, seen));
                Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => RowParallel.MaxThreads = 0).ParamName);
            }
            finally
            {
                RowParallel.MaxThreads = saved;
            }
        }

        private sealed class Failing : IRowRange
        {
            public void Run(int start, int count)
            {
                if (start > 0)
                {
                    throw new InvalidOperationException("row " + start);
                }
            }
        }

        private sealed class Counting(int rows) : IRowRange
        {
            public int[] Seen { get; } = new int[rows];

            public void Run(int start, int count)
            {
                for (var i = start; i < start + count; i++)
                {
                    Seen[i]++;
                }
            }
        }
    }
}
