// Prints, deterministically, the forward outputs, Step outputs and gradients (Backward) of three models with fixed
// parameters and inputs, so .ci/arm64-check.sh can compare an x64 run with an ARM64 run number by number.
// Parameters and inputs come from an integer generator (the same bits on every machine); only the kernels differ.
// Lines starting with '#' describe the machine and are not compared. Exit code 1 when a check within one run fails
// (a non-finite value, or Step disagreeing with Forward).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnGen;
using RnnGen.Training;

namespace RnnGen.Conformance
{
    internal static class Program
    {
        private const int Steps = 16;
        private const int Batch = 4;
        private const double StepTolerance = 1e-5;

        private static readonly List<string> Failures = new();
        private static TextWriter _out = Console.Out;
        private static uint _seed = 2024;

        private delegate void ImportTensor(string name, ReadOnlySpan<float> values);

        private delegate void ExportGradient(string name, ReadOnlySpan<float> gradients, Span<float> destination);

        private static int Main(string[] args)
        {
            using var writer = args.Length > 0 ? new StreamWriter(args[0]) : new StreamWriter(Console.OpenStandardOutput());
            writer.NewLine = "\n";
            _out = writer;

            var width = Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : Vector128.IsHardwareAccelerated ? 4 : 1;
            _out.WriteLine($"# architecture {RuntimeInformation.ProcessArchitecture}, vector width {width}, {RuntimeInformation.FrameworkDescription}");

            TokenLstm();
            FloatGru();
            BidirectionalStack();

            foreach (var failure in Failures)
            {
                Console.Error.WriteLine($"FAIL: {failure}");
            }

            _out.WriteLine(Failures.Count == 0 ? "OK" : $"FAILED ({Failures.Count})");
            return Failures.Count == 0 ? 0 : 1;
        }

        /// <summary>Embedding, two stacked LSTMs, softmax head; cross-entropy gradients; Step over tokens.</summary>
        private static void TokenLstm()
        {
            var model = new TokenLstmModel();
            Import(TokenLstmModel.PyTorchTensors, model.ImportPyTorch);
            var tokens = Tokens(Steps * Batch, TokenLstmModel.VocabularySize);
            var targets = Tokens(Steps * Batch, TokenLstmModel.OutputSize);
            var outputs = new float[Steps * Batch * TokenLstmModel.OutputSize];
            model.Forward(tokens, outputs, Batch);
            var logitGradients = new float[outputs.Length];
            var loss = Losses.SoftmaxCrossEntropy(outputs, targets, TokenLstmModel.OutputSize, logitGradients);
            var gradients = new float[TokenLstmModel.PackedParameterLength];
            model.Backward(logitGradients, gradients);

            var stepped = new float[outputs.Length];
            var output = TokenLstmModel.OutputSize;
            for (var b = 0; b < Batch; b++)
            {
                var state = model.CreateState();
                for (var t = 0; t < Steps; t++)
                {
                    model.Step(state, tokens[(t * Batch) + b], stepped.AsSpan(((t * Batch) + b) * output, output));
                }
            }

            Report("lstm", loss, outputs, stepped, TokenLstmModel.PyTorchTensors, gradients, TokenLstmModel.ExportPyTorchGradient);
        }

        /// <summary>Float inputs, a GRU (reset after) under a GRU (reset before), linear head; MSE gradients.</summary>
        private static void FloatGru()
        {
            var model = new FloatGruModel();
            Import(FloatGruModel.PyTorchTensors, model.ImportPyTorch);
            var inputs = Uniform(Steps * Batch * FloatGruModel.InputSize, 1f);
            var targets = Uniform(Steps * Batch * FloatGruModel.OutputSize, 1f);
            var outputs = new float[Steps * Batch * FloatGruModel.OutputSize];
            model.Forward(inputs, outputs, Batch);
            var outputGradients = new float[outputs.Length];
            var loss = Losses.MeanSquaredError(outputs, targets, Activation.Linear, outputGradients);
            var gradients = new float[FloatGruModel.PackedParameterLength];
            model.Backward(outputGradients, gradients);

            var stepped = new float[outputs.Length];
            int input = FloatGruModel.InputSize, output = FloatGruModel.OutputSize;
            for (var b = 0; b < Batch; b++)
            {
                var state = model.CreateState();
                for (var t = 0; t < Steps; t++)
                {
                    var row = (t * Batch) + b;
                    model.Step(state, inputs.AsSpan(row * input, input), stepped.AsSpan(row * output, output));
                }
            }

            Report("gru", loss, outputs, stepped, FloatGruModel.PyTorchTensors, gradients, FloatGruModel.ExportPyTorchGradient);
        }

        /// <summary>A bidirectional LSTM (concat) under a bidirectional GRU (sum), softmax head. Whole sequences only.</summary>
        private static void BidirectionalStack()
        {
            var model = new BidirectionalModel();
            Import(BidirectionalModel.PyTorchTensors, model.ImportPyTorch);
            var inputs = Uniform(Steps * Batch * BidirectionalModel.InputSize, 1f);
            var targets = Tokens(Steps * Batch, BidirectionalModel.OutputSize);
            var outputs = new float[Steps * Batch * BidirectionalModel.OutputSize];
            model.Forward(inputs, outputs, Batch);
            var logitGradients = new float[outputs.Length];
            var loss = Losses.SoftmaxCrossEntropy(outputs, targets, BidirectionalModel.OutputSize, logitGradients);
            var gradients = new float[BidirectionalModel.PackedParameterLength];
            model.Backward(logitGradients, gradients);

            Report("bidirectional", loss, outputs, stepped: null, BidirectionalModel.PyTorchTensors, gradients, BidirectionalModel.ExportPyTorchGradient);
        }

        private static void Report(string name, float loss, float[] outputs, float[]? stepped, IReadOnlyList<TensorInfo> tensors, float[] gradients, ExportGradient export)
        {
            Print($"{name} loss", new[] { loss });
            Print($"{name} forward", outputs);
            if (stepped is not null)
            {
                Print($"{name} step", stepped);
                var worst = 0.0;
                for (var i = 0; i < outputs.Length; i++)
                {
                    worst = Math.Max(worst, Math.Abs(outputs[i] - stepped[i]) / Math.Max(Math.Abs(outputs[i]), 1.0));
                }

                _out.WriteLine($"# {name}: worst |Forward - Step| {worst:E2}");
                if (worst > StepTolerance)
                {
                    Failures.Add($"{name}: Step and Forward differ by {worst:E2}, more than {StepTolerance:E0}");
                }
            }

            foreach (var tensor in tensors)
            {
                var values = new float[tensor.Length];
                export(tensor.Name, gradients, values);
                Print($"{name} grad {tensor.Name}", values);
            }
        }

        /// <summary>Eight values a line, shortest round-trip form; records a failure for any non-finite value.</summary>
        private static void Print(string label, ReadOnlySpan<float> values)
        {
            for (var start = 0; start < values.Length; start += 8)
            {
                _out.Write($"{label} {start}:");
                for (var i = start; i < Math.Min(start + 8, values.Length); i++)
                {
                    if (!float.IsFinite(values[i]))
                    {
                        Failures.Add($"{label}[{i}] is {values[i]}");
                    }

                    _out.Write(' ');
                    _out.Write(values[i].ToString("R", CultureInfo.InvariantCulture));
                }

                _out.WriteLine();
            }
        }

        private static void Import(IReadOnlyList<TensorInfo> tensors, ImportTensor import)
        {
            foreach (var tensor in tensors)
            {
                import(tensor.Name, Uniform(tensor.Length, tensor.Name == "embedding.weight" ? 1f : 0.4f));
            }
        }

        private static uint Next()
        {
            _seed = unchecked((1664525u * _seed) + 1013904223u);
            return _seed;
        }

        /// <summary>Uniform in [-scale, scale): 24 random bits, exact in float, identical on every machine.</summary>
        private static float[] Uniform(int count, float scale)
        {
            var values = new float[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = (((Next() >> 8) / (float)(1 << 23)) - 1f) * scale;
            }

            return values;
        }

        private static int[] Tokens(int count, int vocabulary)
        {
            var tokens = new int[count];
            for (var i = 0; i < count; i++)
            {
                tokens[i] = (int)((Next() >> 8) % (uint)vocabulary);
            }

            return tokens;
        }
    }

    [RecurrentNetwork(SequenceLength = 16, BatchSize = 4)]
    [Embedding(23, 10)]
    [Lstm(33)]
    [Lstm(16)]
    [Dense(23, Activation.Softmax)]
    internal sealed partial class TokenLstmModel
    {
    }

    [RecurrentNetwork(InputSize = 7, SequenceLength = 16, BatchSize = 4)]
    [Gru(29)]
    [Gru(12, ResetAfter = false)]
    [Dense(5)]
    internal sealed partial class FloatGruModel
    {
    }

    [RecurrentNetwork(InputSize = 6, SequenceLength = 16, BatchSize = 4)]
    [Lstm(19, Bidirectional = true)]
    [Gru(12, Bidirectional = true, MergeMode = MergeMode.Sum)]
    [Dense(4, Activation.Softmax)]
    internal sealed partial class BidirectionalModel
    {
    }
}
