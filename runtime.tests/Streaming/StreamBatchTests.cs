using System;
using RnnGen.Runtime.Tests.Helpers;
using Xunit;

namespace RnnGen.Runtime.Tests.Streaming
{
    /// <summary>
    /// StreamBatch.Step advances many streams with one pass over the weights; it must give, bit for bit, what
    /// one Step per stream gives, while streams come, go and reset, and allocate nothing.
    /// </summary>
    public sealed class StreamBatchTests
    {
        private const int Streams = 7;
        private const int Steps = 5;

        [Fact]
        public void Lstm_stack_with_a_softmax_head_matches_one_Step_per_stream()
        {
            var model = new SbLstmHead();
            model.InitializeParameters(new Random(1));
            var states = Array.ConvertAll(new int[Streams], _ => model.CreateState());
            var batch = model.CreateStreamBatch(Streams);
            Fill(batch);
            Compare(
                SbLstmHead.InputSize,
                SbLstmHead.OutputSize,
                (x, y) => batch.Step(x, y),
                (s, x, y) => model.Step(states[s], x, y),
                2);
            Assert.Equal(states[3].Hidden(1).ToArray(), batch.HiddenOf(3, 1).ToArray());
            Assert.Equal(states[6].Cell(0).ToArray(), batch.CellOf(6, 0).ToArray());
        }

        [Fact]
        public void Gru_reset_before_and_minimal_match_one_Step_per_stream()
        {
            var model = new SbGruBefore();
            model.InitializeParameters(new Random(2));
            var states = Array.ConvertAll(new int[Streams], _ => model.CreateState());
            var batch = model.CreateStreamBatch(Streams);
            Fill(batch);
            Compare(SbGruBefore.InputSize, SbGruBefore.OutputSize, (x, y) => batch.Step(x, y), (s, x, y) => model.Step(states[s], x, y), 3);
        }

        [Fact]
        public void Mixed_cells_match_one_Step_per_stream()
        {
            var model = new SbMixed();
            model.InitializeParameters(new Random(3));
            var states = Array.ConvertAll(new int[Streams], _ => model.CreateState());
            var batch = model.CreateStreamBatch(Streams);
            Fill(batch);
            Compare(SbMixed.InputSize, SbMixed.OutputSize, (x, y) => batch.Step(x, y), (s, x, y) => model.Step(states[s], x, y), 4);
        }

        [Fact]
        public void Small_layers_whose_Step_keeps_every_block_in_registers_match_the_batched_kernels()
        {
            var model = new SbBlockTile();
            model.InitializeParameters(new Random(5));
            var states = Array.ConvertAll(new int[Streams], _ => model.CreateState());
            var batch = model.CreateStreamBatch(Streams);
            Fill(batch);
            Compare(SbBlockTile.InputSize, SbBlockTile.OutputSize, (x, y) => batch.Step(x, y), (s, x, y) => model.Step(states[s], x, y), 6);
            Assert.Equal(states[2].Cell(1).ToArray(), batch.CellOf(2, 1).ToArray());
            Assert.Equal(states[5].Hidden(0).ToArray(), batch.HiddenOf(5, 0).ToArray());
        }

        [Fact]
        public void Token_input_matches_one_Step_per_stream()
        {
            var model = new SbTokens();
            model.InitializeParameters(new Random(4));
            var states = Array.ConvertAll(new int[Streams], _ => model.CreateState());
            var batch = model.CreateStreamBatch(Streams + 3);
            Fill(batch);
            var lcg = new Lcg(5);
            for (var t = 0; t < Steps; t++)
            {
                var tokens = lcg.Tokens(Streams, SbTokens.VocabularySize);
                var together = new float[Streams * SbTokens.OutputSize];
                batch.Step(tokens, together);
                var one = new float[SbTokens.OutputSize];
                for (var s = 0; s < Streams; s++)
                {
                    model.Step(states[s], tokens[s], one);
                    Assert.Equal(one, together.AsSpan(s * SbTokens.OutputSize, SbTokens.OutputSize).ToArray());
                }
            }
        }

        [Fact]
        public void Streams_come_go_and_reset_without_disturbing_the_others()
        {
            var model = new SbLstmHead();
            model.InitializeParameters(new Random(6));
            var batch = model.CreateStreamBatch(4);
            var rows = new[] { model.CreateState(), model.CreateState(), model.CreateState(), model.CreateState() };
            var lcg = new Lcg(7);
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal(i, batch.Add());
            }

            Assert.Throws<InvalidOperationException>(() => batch.Add());
            void StepAll()
            {
                var x = lcg.Uniform(batch.Count * SbLstmHead.InputSize, 1f);
                var together = new float[batch.Count * SbLstmHead.OutputSize];
                batch.Step(x, together);
                var one = new float[SbLstmHead.OutputSize];
                for (var s = 0; s < batch.Count; s++)
                {
                    model.Step(rows[s], x.AsSpan(s * SbLstmHead.InputSize, SbLstmHead.InputSize), one);
                    Assert.Equal(one, together.AsSpan(s * SbLstmHead.OutputSize, SbLstmHead.OutputSize).ToArray());
                }
            }

            StepAll();
            StepAll();
            batch.RemoveAt(1); // the last stream moves into row 1
            rows = new[] { rows[0], rows[3], rows[2] };
            Assert.Equal(3, batch.Count);
            StepAll();
            batch.Reset(2);
            rows[2].Reset();
            StepAll();
            Assert.Equal(3, batch.Add()); // a new stream starts from zero
            rows = new[] { rows[0], rows[1], rows[2], model.CreateState() };
            StepAll();
            batch.Set(0, 1, new float[9], new float[9]);
            rows[0].Set(1, new float[9], new float[9]);
            StepAll();
            batch.Clear();
            Assert.Equal(0, batch.Count);
            batch.Step(ReadOnlySpan<float>.Empty, Span<float>.Empty); // no streams, nothing to do
        }

        [Fact]
        public void Stepping_a_batch_allocates_nothing()
        {
            var model = new SbLstm64();
            model.InitializeParameters(new Random(8));
            var batch = model.CreateStreamBatch(256);
            Fill(batch, 256);
            var x = new Lcg(9).Uniform(256, 1f);
            var y = new float[256 * SbLstm64.OutputSize];
            Assert.Equal(0, Allocations.SteadyState(() => batch.Step(x, y)));
        }

        [Fact]
        public void Bad_arguments_name_themselves()
        {
            var model = new SbLstmHead();
            Assert.Equal("capacity", Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateStreamBatch(0)).ParamName);
            var batch = model.CreateStreamBatch(3);
            Fill(batch, 2);
            Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => batch.Step(new float[SbLstmHead.InputSize], new float[2 * SbLstmHead.OutputSize])).ParamName);
            Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => batch.Step(new float[2 * SbLstmHead.InputSize], new float[3])).ParamName);
            Assert.Throws<ArgumentNullException>(() => model.Step(null!, new float[2 * SbLstmHead.InputSize], new float[2 * SbLstmHead.OutputSize]));
            Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => batch.Reset(2)).ParamName);
            Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => batch.RemoveAt(-1)).ParamName);
            Assert.Equal("layer", Assert.Throws<ArgumentOutOfRangeException>(() => batch.HiddenOf(0, 2)).ParamName);
            Assert.Equal("cell", Assert.Throws<ArgumentException>(() => batch.Set(0, 0, new float[20])).ParamName);
            Assert.Equal("tokens", Assert.ThrowsAny<ArgumentException>(() =>
            {
                var tokens = new SbTokens();
                var b = tokens.CreateStreamBatch(1);
                b.Add();
                b.Step(new[] { SbTokens.VocabularySize }, new float[SbTokens.OutputSize]);
            }).ParamName);
        }

        private static void Fill<T>(T batch, int count = Streams)
            where T : class
        {
            var add = typeof(T).GetMethod("Add")!;
            for (var i = 0; i < count; i++)
            {
                add.Invoke(batch, null);
            }
        }

        /// <summary>Steps all streams together and one by one on the same inputs, checking every output bit for bit.</summary>
        private static void Compare(int inputSize, int outputSize, Action<float[], float[]> together, Action<int, float[], float[]> one, uint seed)
        {
            var lcg = new Lcg(seed);
            for (var t = 0; t < Steps; t++)
            {
                var x = lcg.Uniform(Streams * inputSize, 1f);
                var all = new float[Streams * outputSize];
                together(x, all);
                for (var s = 0; s < Streams; s++)
                {
                    var y = new float[outputSize];
                    one(s, x[(s * inputSize)..((s + 1) * inputSize)], y);
                    Assert.Equal(y, all.AsSpan(s * outputSize, outputSize).ToArray());
                }
            }
        }
    }
}
