using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace RnnGen.Runtime.Tests.Robustness
{
    /// <summary>
    /// One instance owns one workspace. Two overlapping Forward calls used to mix their batches silently (60 of 60
    /// results wrong); now the second one throws, naming the cause, and every call that returns is right.
    /// </summary>
    public sealed class ReentrancyTests
    {
        [Fact]
        public void Forward_on_one_instance_from_two_threads_throws_instead_of_returning_wrong_results()
        {
            const int steps = 64, batch = 8, rounds = 60;
            var model = new BusyModel();
            model.InitializeParameters(new Random(1));
            var random = new Random(2);
            var inputs = new[] { 0, 1 }.Select(_ => Enumerable.Range(0, steps * batch * BusyModel.InputSize).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray()).ToArray();
            var expected = inputs.Select(x =>
            {
                var y = new float[steps * batch * BusyModel.OutputSize];
                model.Forward(x, y, batch);
                return y;
            }).ToArray();

            var wrong = 0;
            var refused = 0;
            string? message = null;
            using var start = new Barrier(2);
            Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, thread =>
            {
                var outputs = new float[expected[thread].Length];
                for (var round = 0; round < rounds; round++)
                {
                    start.SignalAndWait();
                    try
                    {
                        model.Forward(inputs[thread], outputs, batch);
                        if (!outputs.AsSpan().SequenceEqual(expected[thread]))
                        {
                            Interlocked.Increment(ref wrong);
                        }
                    }
                    catch (InvalidOperationException error)
                    {
                        Interlocked.Increment(ref refused);
                        message = error.Message;
                    }
                }
            });

            Assert.Equal(0, wrong);
            Assert.True(refused > 0, "the two threads never overlapped, so the guard was not exercised");
            Assert.Contains("BusyModel.Forward", message, StringComparison.Ordinal);
            Assert.Contains("another thread", message, StringComparison.Ordinal);

            // The guard is released after a refused call: the instance still works.
            var after = new float[expected[0].Length];
            model.Forward(inputs[0], after, batch);
            Assert.Equal(expected[0], after);
        }

        [Fact]
        public void A_Forward_that_throws_releases_the_guard()
        {
            var model = new BusyModel();
            Assert.Throws<ArgumentException>(() => model.Forward(new float[3], new float[BusyModel.OutputSize], 1));
            model.Forward(new float[BusyModel.InputSize], new float[BusyModel.OutputSize], 1);
        }

        [Fact]
        public void Step_with_separate_states_still_runs_on_many_threads()
        {
            var model = new NpcController();
            model.InitializeParameters(new Random(3));
            var input = Enumerable.Range(0, NpcController.InputSize).Select(i => i * 0.05f).ToArray();
            var expected = new float[NpcController.OutputSize];
            var single = model.CreateState();
            for (var t = 0; t < 50; t++)
            {
                model.Step(single, input, expected);
            }

            var results = new float[4][];
            Parallel.For(0, 4, stream =>
            {
                var state = model.CreateState();
                var output = new float[NpcController.OutputSize];
                for (var t = 0; t < 50; t++)
                {
                    model.Step(state, input, output);
                }

                results[stream] = output;
            });

            Assert.All(results, r => Assert.Equal(expected, r));
        }
    }
}
