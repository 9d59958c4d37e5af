using System;
using System.Linq;
using System.Reflection;
using RnnGen.Runtime.Tests.Helpers;
using RnnGen.Runtime.Tests.Models;
using Xunit;

namespace RnnGen.Runtime.Tests.Inference
{
    /// <summary>
    /// <c>Predict</c> is <c>Forward</c> for inference only: the same outputs and final states bit for bit (where a unit
    /// fuses its input projection into its steps, the sums run in the same order), no dropout, nothing for Backward.
    /// </summary>
    public sealed class PredictTests
    {
        private const int Steps = 5;
        private const int Batch = 4; // two row tiles of 2 with 32 vector registers, and single rows without

        public static TheoryData<string> AllModels() => new(ConformanceModels.Names);

        [Theory]
        [MemberData(nameof(AllModels))]
        public void Predict_gives_Forwards_outputs_and_final_state_bit_for_bit(string name)
        {
            // Two instances with the same weights: one runs Forward, the other Predict first (so on the smaller
            // workspace Predict allocates for itself), then Forward (which grows it).
            var runner = ConformanceModels.Create(name);
            runner.LoadLcgWeights(11);
            var predictor = ConformanceModels.Create(name);
            predictor.LoadLcgWeights(11);
            var inputs = runner.NextInputs(Steps * Batch * runner.Config.Input);
            var lstm = runner.Config.Cell == "lstm";
            foreach (var lengths in new[] { null, new[] { 5, 1, 3, 4 } })
            {
                var forward = runner.Forward(inputs, Batch, lengths);
                var forwardState = runner.FinalState(Batch, lstm);
                var predicted = predictor.Predict(inputs, Batch, lengths);
                var predictedState = predictor.FinalState(Batch, lstm);
                Assert.Equal(forward, predicted);
                Assert.Equal(forwardState.Hidden, predictedState.Hidden);
                Assert.Equal(forwardState.Cell, predictedState.Cell);
            }

            var predictLength = predictor.Workspace!.Length;
            Assert.Equal(runner.Forward(inputs, Batch, null), predictor.Forward(inputs, Batch, null));
            Assert.Equal(runner.Workspace!.Length, predictor.Workspace!.Length);
            Assert.Equal(runner.Predict(inputs, Batch, null), predictor.Predict(inputs, Batch, null));
            Assert.Equal(predictLength == runner.Workspace!.Length, !FusedKernels(runner.ModelType).Any());
        }

        [Theory]
        [MemberData(nameof(AllModels))]
        public void Predict_never_touches_the_workspace_past_its_own_length(string name)
        {
            // What lies past Predict's length is the fused units' tape: a Predict on a full-size workspace (after a
            // Forward) must leave it alone, or a Predict on its own smaller workspace would write past the end.
            var predictor = ConformanceModels.Create(name);
            predictor.LoadLcgWeights(12);
            var inputs = predictor.NextInputs(Steps * Batch * predictor.Config.Input);
            predictor.Predict(inputs, Batch, null);
            var predictLength = predictor.Workspace!.Length;

            var runner = ConformanceModels.Create(name);
            runner.LoadLcgWeights(12);
            runner.Forward(inputs, Batch, null);
            var tail = runner.Workspace!.Span.Slice(predictLength);
            const float canary = -3.25e38f; // not NaN: vectorised span searches compare as IEEE
            tail.Fill(canary);
            foreach (var lengths in new[] { null, new[] { 2, 5, 1, 4 } })
            {
                runner.Predict(inputs, Batch, lengths);
                var touched = runner.Workspace!.Span.Slice(predictLength).IndexOfAnyExcept(canary);
                Assert.True(touched < 0, $"Predict wrote float {predictLength + touched} of the workspace, past its own {predictLength}");
            }

            // The control: Forward does write there (its tape), so the check above can see a write.
            runner.Forward(inputs, Batch, null);
            Assert.Equal(FusedKernels(runner.ModelType).Any(), runner.Workspace!.Span.Slice(predictLength).IndexOfAnyExcept(canary) >= 0);
        }

        [Fact]
        public void The_conformance_models_include_units_whose_Predict_fuses_the_projection()
        {
            // Otherwise the bit-for-bit theory above would only ever compare Forward with itself.
            var fused = ConformanceModels.Names.Where(name => FusedKernels(ConformanceModels.Create(name).ModelType).Any()).ToList();
            Assert.True(fused.Count >= 10, $"only {fused.Count} conformance models fuse: {string.Join(", ", fused)}");
            Assert.Contains(fused, name => ConformanceModels.Create(name).Config.Cell == "lstm");
            Assert.Contains(fused, name => ConformanceModels.Create(name).Config.Cell.StartsWith("rnn_", StringComparison.Ordinal));
            Assert.Contains(fused, name => ConformanceModels.Create(name).Config.Cell == "gru");
        }

        [Theory]
        [MemberData(nameof(AllModels))]
        public void A_warm_Predict_allocates_nothing(string name)
        {
            var runner = ConformanceModels.Create(name);
            runner.LoadLcgWeights(5);
            Assert.Equal(0, runner.MeasurePredictAllocations(runner.NextInputs(Steps * Batch * runner.Config.Input), Batch));
        }

        [Fact]
        public void Backward_after_Predict_throws_and_a_Forward_after_it_trains_as_before()
        {
            var model = new Fx_lstm_i5_h129_l1();
            model.InitializeParameters(new Random(1));
            var inputs = new Lcg(2).Uniform(Steps * Batch * Fx_lstm_i5_h129_l1.InputSize, 1f);
            var outputs = new float[Steps * Batch * Fx_lstm_i5_h129_l1.OutputSize];
            var gradients = new float[Fx_lstm_i5_h129_l1.PackedParameterLength];

            model.Forward(inputs, outputs, Batch);
            model.Backward(outputs, gradients);
            var expected = gradients.ToArray();

            // A Forward's tape, then a Predict: the Predict's batch is the last call, and it kept nothing.
            model.Forward(inputs, outputs, Batch);
            model.Predict(inputs, outputs, Batch);
            var error = Assert.Throws<InvalidOperationException>(() => model.Backward(outputs, gradients));
            Assert.Contains("Predict", error.Message, StringComparison.Ordinal);
            Assert.Equal(expected, gradients); // nothing was added

            Array.Clear(gradients);
            model.Forward(inputs, outputs, Batch);
            model.Backward(outputs, gradients);
            Assert.Equal(expected, gradients);
        }

        [Fact]
        public void Predict_continues_and_carries_state_like_Forward()
        {
            const int output = Fx_lstm_i5_h129_l1.OutputSize;
            var (first, second) = TwoSequences(3);

            var trained = new Fx_lstm_i5_h129_l1();
            trained.InitializeParameters(new Random(4));
            var expected = new float[Steps * Batch * output];
            trained.Forward(first, expected, Batch);
            trained.Forward(second, expected, Batch, continueState: true);

            var served = new Fx_lstm_i5_h129_l1();
            served.InitializeParameters(new Random(4));
            var actual = new float[expected.Length];
            served.Predict(first, actual, Batch);
            served.Predict(second, actual, Batch, continueState: true);
            Assert.Equal(expected, actual);

            // CarryStateFrom reads the states Predict kept, as after Forward.
            trained.Forward(first, expected, Batch);
            trained.CarryStateFrom(3);
            trained.Forward(second, expected, Batch);
            served.Predict(first, actual, Batch);
            served.CarryStateFrom(3);
            served.Predict(second, actual, Batch);
            Assert.Equal(expected, actual);

            // And from a staged initial state.
            var hidden = new Lcg(5).Uniform(Batch * 129, 0.5f);
            var cell = new Lcg(6).Uniform(Batch * 129, 0.5f);
            trained.SetInitialState(0, hidden, cell);
            trained.Forward(first, expected, Batch);
            served.SetInitialState(0, hidden, cell);
            served.Predict(first, actual, Batch);
            Assert.Equal(expected, actual);
        }

        [Fact]
        public void A_model_that_only_predicts_allocates_no_tape_and_its_first_Forward_grows_the_workspace_once()
        {
            const int output = Fx_lstm_i5_h129_l1.OutputSize;
            var (first, second) = TwoSequences(13);
            var expected = new float[Steps * Batch * output];
            var actual = new float[expected.Length];
            Fx_lstm_i5_h129_l1 Create()
            {
                var model = new Fx_lstm_i5_h129_l1();
                model.InitializeParameters(new Random(14));
                return model;
            }

            Create().Forward(first, expected, Batch); // anything shared (code, pools) is warm before the counts
            var trained = Create();
            var before = GC.GetAllocatedBytesForCurrentThread();
            trained.Forward(first, expected, Batch);
            var forwardBytes = GC.GetAllocatedBytesForCurrentThread() - before;
            var served = Create();
            before = GC.GetAllocatedBytesForCurrentThread();
            served.Predict(first, actual, Batch);
            var predictBytes = GC.GetAllocatedBytesForCurrentThread() - before;

            // The fused unit's gate tape: [steps x batch][4 gates x 144 padded units] floats.
            const long tape = (long)Fx_lstm_i5_h129_l1.MaxSequenceLength * Fx_lstm_i5_h129_l1.MaxBatchSize * 4 * 144 * sizeof(float);
            Assert.InRange(forwardBytes - predictBytes, tape - 64, tape + 64);

            // The first Forward after it grows the buffer once and keeps the state a continueState call reads.
            trained.Forward(second, expected, Batch, continueState: true);
            before = GC.GetAllocatedBytesForCurrentThread();
            served.Forward(second, actual, Batch, continueState: true);
            Assert.Equal(forwardBytes, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(expected, actual);
            before = GC.GetAllocatedBytesForCurrentThread();
            served.Predict(second, actual, Batch);
            served.Forward(second, actual, Batch);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

            // A state staged before any call lands in Predict's smaller buffer and survives the growth.
            var hidden = new Lcg(15).Uniform(Batch * 129, 0.5f);
            var cell = new Lcg(16).Uniform(Batch * 129, 0.5f);
            trained.SetInitialState(0, hidden, cell);
            trained.Forward(first, expected, Batch);
            var staged = Create();
            staged.SetInitialState(0, hidden, cell);
            staged.Forward(first, actual, Batch);
            Assert.Equal(expected, actual);
        }

        [Fact]
        public void Predict_never_drops_even_in_training_mode()
        {
            var inputs = new Lcg(7).Uniform(Steps * Batch * DropoutLstm.InputSize, 1f);
            var dropped = new DropoutLstm();
            dropped.InitializeParameters(new Random(8));
            var expected = new float[Steps * Batch * DropoutLstm.OutputSize];
            dropped.Training = false;
            dropped.Forward(inputs, expected, Batch);

            dropped.Training = true;
            dropped.SeedDropout(9);
            var actual = new float[expected.Length];
            dropped.Predict(inputs, actual, Batch);
            Assert.Equal(expected, actual);

            var training = new float[expected.Length];
            dropped.Forward(inputs, training, Batch);
            Assert.NotEqual(expected, training); // the flag itself still works for Forward
        }

        [Fact]
        public void Predict_checks_its_arguments_like_Forward()
        {
            var model = new Fx_lstm_i5_h129_l1();
            var outputs = new float[Steps * Batch * Fx_lstm_i5_h129_l1.OutputSize];
            var error = Assert.Throws<ArgumentException>(() => model.Predict(new float[7], outputs, Batch));
            Assert.Equal("inputs", error.ParamName);
            error = Assert.Throws<ArgumentException>(() => model.Predict(new float[Steps * Batch * Fx_lstm_i5_h129_l1.InputSize], new float[3], Batch));
            Assert.Equal("outputs", error.ParamName);
            Assert.Throws<InvalidOperationException>(() => model.Predict(new float[Steps * Batch * Fx_lstm_i5_h129_l1.InputSize], outputs, Batch, continueState: true));
        }

        /// <summary>Two consecutive batches of <see cref="Fx_lstm_i5_h129_l1"/> inputs, [Steps][Batch][InputSize] each.</summary>
        private static (float[] First, float[] Second) TwoSequences(uint seed)
        {
            const int length = Steps * Batch * Fx_lstm_i5_h129_l1.InputSize;
            var inputs = new Lcg(seed).Uniform(2 * length, 1f);
            return (inputs.AsSpan(0, length).ToArray(), inputs.AsSpan(length).ToArray());
        }

        /// <summary>The names of the fused step kernels the generator wrote into a model (private: found by name).</summary>
        internal static string[] FusedKernels(Type model) =>
            model.GetMethods(BindingFlags.NonPublic | BindingFlags.Static).Select(m => m.Name).Where(n => n.EndsWith("RecurrentFromInput", StringComparison.Ordinal)).Distinct().ToArray();
    }
}
