using System;
using System.Collections.Generic;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Robustness;
using RnnGen.Threading;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Runtime.Tests.Training
{
    /// <summary>Optimiser steps over large buffers are split across cores: the parameters and every state tensor must come out bit-identical for any thread count.</summary>
    [Collection(nameof(SerialTestCollection))] // RowParallel.MaxThreads is process-wide
    public sealed class OptimizerThreadTests
    {
        private const int Count = 200_003; // above the split threshold, and not a multiple of any chunk or vector

        public static IEnumerable<object[]> Optimizers() => new[]
        {
            new object[] { "Adam" }, new object[] { "AdamW" }, new object[] { "Sgd" }, new object[] { "SgdNesterov" },
            new object[] { "RmsProp" }, new object[] { "RmsPropCentredMomentum" }, new object[] { "AdaGrad" },
        };

        [Theory]
        [MemberData(nameof(Optimizers))]
        public void Steps_do_not_depend_on_the_thread_count(string name)
        {
            var saved = RowParallel.MaxThreads;
            try
            {
                var (parameters, state) = Run(name, threads: 1);
                foreach (var threads in new[] { 2, 3 })
                {
                    var (p, s) = Run(name, threads);
                    Assert.Equal(parameters, p);
                    Assert.Equal(state, s);
                }
            }
            finally
            {
                RowParallel.MaxThreads = saved;
            }
        }

        [Fact]
        public void A_split_step_allocates_nothing()
        {
            var saved = RowParallel.MaxThreads;
            try
            {
                RowParallel.MaxThreads = 2;
                var optimizer = Create("Adam");
                var parameters = new Lcg(1).Uniform(Count, 1f);
                var gradients = new Lcg(2).Uniform(Count, 1f);
                Assert.Equal(0, Allocations.SteadyState(() => optimizer.Step(parameters, gradients)));
            }
            finally
            {
                RowParallel.MaxThreads = saved;
            }
        }

        private static (float[] Parameters, float[] State) Run(string name, int threads)
        {
            RowParallel.MaxThreads = threads;
            var optimizer = Create(name);
            var parameters = new Lcg(1).Uniform(Count, 1f);
            for (int step = 0; step < 3; step++)
            {
                optimizer.Step(parameters, new Lcg((uint)(10 + step)).Uniform(Count, 1f));
            }

            var state = new List<float>();
            foreach (var tensor in optimizer.State)
            {
                state.AddRange(tensor.Values.ToArray());
            }

            return (parameters, state.ToArray());
        }

        private static Optimizer Create(string name) => name switch
        {
            "Adam" => new Adam(Count, learningRate: 1e-2f, weightDecay: 1e-2f),
            "AdamW" => new Adam(Count, learningRate: 1e-2f, weightDecay: 1e-2f, decoupledWeightDecay: true),
            "Sgd" => new Sgd(Count, learningRate: 1e-2f, momentum: 0.9f, dampening: 0.1f),
            "SgdNesterov" => new Sgd(Count, learningRate: 1e-2f, momentum: 0.9f, nesterov: true),
            "RmsProp" => new RmsProp(Count, learningRate: 1e-2f),
            "RmsPropCentredMomentum" => new RmsProp(Count, learningRate: 1e-2f, momentum: 0.5f, centered: true),
            "AdaGrad" => new AdaGrad(Count, learningRate: 1e-2f),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }
}
