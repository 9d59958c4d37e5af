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
    [Collection(nameof(SerialTestCollection))] // alone: the overlap test needs both cores
    public sealed class ReentrancyTests
    {
        [Fact]
        public void Forward_on_one_instance_from_two_threads_throws_instead_of_returning_wrong_results()
        {
            const int steps = 64, batch = 8;
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

            // Rounds until the two threads have overlapped a few times (the scheduler decides when), for at most 20 s.
            var wrong = 0;
            var refused = 0;
            var rounds = 0;
            var stop = 0;
            string? message = null;
            var arrived = 0;
            var deadline = DateTime.UtcNow.AddSeconds(20);
            void Run(int thread)
            {
                var outputs = new float[expected[thread].Length];
                for (var round = 1; Volatile.Read(ref stop) == 0; round++)
                {
                    // Spin until both threads reach this round, so their calls start together.
                    Interlocked.Increment(ref arrived);
                    while (Volatile.Read(ref arrived) < 2 * round && Volatile.Read(ref stop) == 0)
                    {
                        Thread.SpinWait(20);
                    }

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
                        message = error.Message;
                        if (Interlocked.Increment(ref refused) >= 5)
                        {
                            Volatile.Write(ref stop, 1);
                        }
                    }

                    if (thread == 0 && (Interlocked.Increment(ref rounds) >= 5000 || DateTime.UtcNow > deadline))
                    {
                        Volatile.Write(ref stop, 1);
                    }
                }
            }

            var threads = new[] { new Thread(() => Run(0)), new Thread(() => Run(1)) };
            Array.ForEach(threads, t => t.Start());
            Array.ForEach(threads, t => t.Join());

            Assert.Equal(0, wrong);
            Assert.True(refused > 0, $"the two threads never overlapped in {rounds} rounds, so the guard was not exercised");
            Assert.Contains("BusyModel.Forward", message, StringComparison.Ordinal);
            Assert.Contains("another thread", message, StringComparison.Ordinal);

            // The guard is released after a refused call: the instance still works.
            var after = new float[expected[0].Length];
            model.Forward(inputs[0], after, batch);
            Assert.Equal(expected[0], after);
        }

        [Fact]
        public void Every_workspace_member_refuses_to_start_while_another_call_holds_the_instance()
        {
            var model = new NpcController();
            var input = new float[NpcController.InputSize];
            var output = new float[NpcController.OutputSize];
            model.Forward(input, output);
            var guard = typeof(NpcController).GetField("_inUse", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!;
            guard.SetValue(model, 1); // as if another thread were inside Forward

            Assert.Contains("NpcController.Forward", Assert.Throws<InvalidOperationException>(() => model.Forward(input, output)).Message, StringComparison.Ordinal);
            Assert.Contains("NpcController.Backward", Assert.Throws<InvalidOperationException>(() => model.Backward(output, new float[NpcController.PackedParameterLength])).Message, StringComparison.Ordinal);
            Assert.Throws<InvalidOperationException>(() => model.SetInitialState(0, new float[64], new float[64]));
            Assert.Throws<InvalidOperationException>(() => model.CopyFinalState(0, new float[64], new float[64]));
            Assert.Throws<InvalidOperationException>(() => model.CarryStateFrom(1));
            Assert.Throws<InvalidOperationException>(() => model.SetFinalStateGradient(0, new float[64], new float[64]));
            Assert.Throws<InvalidOperationException>(() => model.InitialStateGradient(0, new float[64], new float[64]));

            // Step only reads the weights: it is not guarded.
            model.Step(model.CreateState(), input, output);
            guard.SetValue(model, 0);
            model.Backward(output, new float[NpcController.PackedParameterLength]); // the refused calls changed nothing
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
