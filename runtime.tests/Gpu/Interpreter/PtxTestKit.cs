using System;
using System.Linq;
using RnnGen.Gpu;
using Xunit;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>Builds small PTX modules and runs them on a <see cref="PtxInterpreterDevice"/>.</summary>
    internal static class PtxTestKit
    {
        public static readonly int[] Seeds = { 1, 7, 42, 1234, 99991 };

        /// <summary>A module with one kernel <paramref name="name"/> and the usual register banks.</summary>
        public static string Module(string name, string parameters, string body, string target = "sm_75", string version = "7.0", string prelude = "") =>
            $".version {version}\n.target {target}\n.address_size 64\n{prelude}\n.visible .entry {name}(\n{parameters}\n)\n{{\n" +
            "    .reg .pred %p<16>;\n    .reg .b32 %r<64>;\n    .reg .f32 %f<64>;\n    .reg .b64 %rd<32>;\n" +
            body + "\n}\n";

        /// <summary>The 1-based line of the first line of <paramref name="ptx"/> that contains <paramref name="fragment"/>.</summary>
        public static int LineOf(string ptx, string fragment)
        {
            var lines = ptx.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].Contains(fragment, StringComparison.Ordinal))
                {
                    return i + 1;
                }
            }

            throw new ArgumentException($"'{fragment}' is not in the PTX.");
        }

        /// <summary>Asserts that the message names PTX line <paramref name="line"/>.</summary>
        public static void NamesLine(string message, int line) =>
            Assert.True(message.Contains($"PTX line {line}:", StringComparison.Ordinal) || message.Contains($"PTX line {line} ", StringComparison.Ordinal), $"expected the message to name PTX line {line}: {message}");

        /// <summary>Runs <paramref name="ptx"/>'s kernel on one buffer of <paramref name="words"/> words (filled from <paramref name="input"/>), returning the buffer.</summary>
        public static uint[] Run(PtxInterpreterDevice device, string ptx, string kernel, LaunchShape shape, uint[] input, params KernelArgument[] more)
        {
            var module = device.LoadModule(ptx);
            var handle = device.GetKernel(module, kernel);
            using var buffer = device.Allocate(input.Length * 4L);
            device.Upload<uint>(buffer, 0, input);
            var arguments = new[] { KernelArgument.Pointer(buffer) }.Concat(more).ToArray();
            device.Launch(handle, shape, arguments);
            device.Synchronize();
            var output = new uint[input.Length];
            device.Download<uint>(buffer, 0, output);
            return output;
        }

        public static uint Bits(float value) => BitConverter.SingleToUInt32Bits(value);

        public static float Float(uint bits) => BitConverter.UInt32BitsToSingle(bits);

        public static string Imm(float value) => $"0f{BitConverter.SingleToUInt32Bits(value):X8}";
    }
}
