using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using RnnGen.Gpu;

namespace RnnGen.GpuCheck
{
    /// <summary>
    /// Checks the generated CUDA path on a real GPU: conformance (CPU Forward against GPU Forward for every model in
    /// ConformanceModels.cs) or, with --bench, GPU Forward times as CSV for gpu_peer.py's cuDNN numbers to join.
    /// </summary>
    /// <remarks>Exit codes: 0 all passed, 1 a check failed, 2 bad arguments, 3 no usable GPU (the reason is printed).</remarks>
    internal static class Program
    {
        private const string Usage =
            "Usage: GpuCheck [--bench [--runs N] [--csv FILE]] [--train [--csv FILE]] [--seed N] [--dry-run]\n" +
            "  (default)  conformance: every model's CPU Forward against its GPU Forward, PASS/FAIL per model\n" +
            "  --bench    GPU Forward times (LSTM/GRU 256/512/1024, batch 1/8/64, 100 steps) as CSV\n" +
            "  --train    char-LM training steps on the GPU (Embedding 96x32, 2 x LSTM 256, Dense 96 softmax; batch 32 and 128\n" +
            "             of 64 characters; 64 steps of Adam with clip 5) in tokens/s, as CSV\n" +
            "  --runs N   timed runs per case, median reported (default 20)\n" +
            "  --csv FILE also write the CSV there\n" +
            "  --seed N   weights and inputs of the conformance models (default 7)\n" +
            "  --dry-run  conformance with a second CPU model in the GPU's place (tests this program without a GPU)\n" +
            "  --write-ptx DIR  write every model's PTX there (for ptxas) and exit";

        private static int Main(string[] args)
        {
            bool bench = false, train = false, dryRun = false;
            int runs = 20, seed = 7;
            string? csv = null, ptxFolder = null;
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--bench":
                        bench = true;
                        break;
                    case "--train":
                        train = true;
                        break;
                    case "--dry-run":
                        dryRun = true;
                        break;
                    case "--runs" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out runs) && runs > 0:
                    case "--seed" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out seed):
                        i++;
                        break;
                    case "--csv" when i + 1 < args.Length:
                        csv = args[++i];
                        break;
                    case "--write-ptx" when i + 1 < args.Length:
                        ptxFolder = args[++i];
                        break;
                    default:
                        Console.Error.WriteLine(Usage);
                        return 2;
                }
            }

            if (ptxFolder is not null)
            {
                Directory.CreateDirectory(ptxFolder);
                foreach (var (name, ptx) in ConformanceModels.Ptx)
                {
                    File.WriteAllText(Path.Combine(ptxFolder, name + ".ptx"), ptx);
                }

                Console.WriteLine($"{ConformanceModels.Ptx.Count} PTX files in {ptxFolder}");
                return 0;
            }

            if (dryRun)
            {
                return bench || train ? Fail("--dry-run checks the conformance harness only; --bench and --train need a GPU.") : Conformance(null, seed);
            }

            if (!CudaDevice.TryOpen(out var device, out var reason))
            {
                Console.WriteLine($"No GPU: {reason}");
                return 3;
            }

            using (device)
            {
                Console.WriteLine(FormattableString.Invariant(
                    $"# {device}, driver {device.DriverVersion / 1000}.{device.DriverVersion % 1000 / 10}, cooperative launch {(device.SupportsCooperativeLaunch ? "yes" : "no")}, {Environment.ProcessorCount} CPU threads, .NET {Environment.Version}"));
                return train ? TrainBench.Run(device, csv) : bench ? Bench.Run(device, runs, csv) : Conformance(device, seed);
            }
        }

        /// <summary>Runs every model; one line each with its worst differences and PASS/FAIL.</summary>
        private static int Conformance(GpuDevice? device, int seed)
        {
            Console.WriteLine(device is null
                ? "# dry run: a second CPU instance plays the GPU (every difference must be 0)"
                : "# CPU Forward against GPU Forward; relative difference = |cpu - gpu| / max(|cpu|, 1)");
            Console.WriteLine($"{"model",-55} {"max abs",10} {"max rel",10} {"bound",7}  result  (scenarios; seconds)");
            int passed = 0, failed = 0;
            foreach (var test in ConformanceModels.All)
            {
                var start = Stopwatch.GetTimestamp();
                string line;
                try
                {
                    var (scenarios, difference) = test.Run(device, seed);
                    // Dry run: the two sides run the same code on the same data, so anything but 0 is a harness bug.
                    var ok = device is null ? difference.MaxAbsolute == 0 : difference.MaxRelative <= test.Tolerance;
                    var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                    line = FormattableString.Invariant(
                        $"{test.Name,-55} {difference.MaxAbsolute,10:0.00e+00} {difference.MaxRelative,10:0.00e+00} {test.Tolerance,7:G2}  {(ok ? "PASS" : "FAIL")}    ({string.Join(", ", scenarios)}; {difference.Compared} values; {seconds:F2} s)");
                    if (!ok)
                    {
                        line += $"\n    worst: {difference.Worst}";
                    }

                    if (ok)
                    {
                        passed++;
                    }
                    else
                    {
                        failed++;
                    }
                }
                catch (Exception e)
                {
                    // One model's failure (an exception from the driver, a shape the GPU path refuses) must not hide
                    // the others' results.
                    line = $"{test.Name,-55} {"-",10} {"-",10} {test.Tolerance,7:G2}  FAIL    {e.GetType().Name}: {e.Message}";
                    failed++;
                }

                Console.WriteLine(line);
            }

            Console.WriteLine($"{passed} passed, {failed} failed");
            return failed == 0 ? 0 : 1;
        }

        private static int Fail(string message)
        {
            Console.Error.WriteLine(message);
            return 2;
        }
    }
}
