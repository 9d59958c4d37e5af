// The README's first example as a user writes it against the RnnGen package: .ci/package-check.sh builds it (JIT)
// and publishes it with NativeAOT, runs each, and compares what they print. Exit code 1 when a check fails.
using System.Globalization;
using System.Runtime.Intrinsics;
using RnnGen;

const int Steps = 256;
const double Tolerance = 1e-5;
var failures = new List<string>();

var model = new NpcController();
model.InitializeParameters(new Random(42));

// Sensor readings in [-1, 1) from a fixed integer generator, so every build sees the same bits.
var sensors = new float[Steps * NpcController.InputSize];
uint seed = 12345;
for (var i = 0; i < sensors.Length; i++)
{
    seed = unchecked((1664525u * seed) + 1013904223u);
    sensors[i] = ((seed >> 8) / (float)(1 << 23)) - 1f;
}

// Streaming: one Step per time step with one state. A warm-up state first, so the measured loop runs warm code.
var probabilities = new float[NpcController.OutputSize];
var warmup = model.CreateState();
model.Step(warmup, sensors.AsSpan(0, NpcController.InputSize), probabilities);

var stepped = new float[Steps * NpcController.OutputSize];
var state = model.CreateState();
var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
for (var t = 0; t < Steps; t++)
{
    model.Step(state, sensors.AsSpan(t * NpcController.InputSize, NpcController.InputSize), stepped.AsSpan(t * NpcController.OutputSize, NpcController.OutputSize));
}

var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

// Whole sequence: Forward over the same 256 steps (batch 1, time-major).
var forward = new float[Steps * NpcController.OutputSize];
model.Forward(sensors, forward, batchSize: 1);

double worstSum = 0, worstForward = 0;
for (var t = 0; t < Steps; t++)
{
    double sum = 0;
    for (var k = 0; k < NpcController.OutputSize; k++)
    {
        var p = stepped[(t * NpcController.OutputSize) + k];
        if (!float.IsFinite(p) || p < 0f || p > 1f)
        {
            failures.Add($"step {t}: probability {k} is {p}");
        }

        sum += p;
        var f = forward[(t * NpcController.OutputSize) + k];
        worstForward = Math.Max(worstForward, Math.Abs(f - p) / Math.Max(Math.Abs(p), 1.0));
    }

    worstSum = Math.Max(worstSum, Math.Abs(sum - 1.0));
}

if (worstSum > Tolerance)
{
    failures.Add($"softmax outputs sum to 1 within {worstSum:E2}, more than {Tolerance:E0}");
}

if (worstForward > Tolerance)
{
    failures.Add($"Forward and Step differ by {worstForward:E2}, more than {Tolerance:E0}");
}

if (allocated != 0)
{
    failures.Add($"{Steps} Step calls allocated {allocated} bytes (expected 0)");
}

var width = Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : Vector128.IsHardwareAccelerated ? 4 : 1;
Console.WriteLine($"# NpcController: {NpcController.PackedParameterLength} packed parameters, vector width {width}, AOT {!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported}");
Console.WriteLine($"# worst |sum - 1| {worstSum:E2}, worst |Forward - Step| {worstForward:E2}, Step allocated {allocated} bytes");
foreach (var t in new[] { 0, 1, 2, 63, 127, 200, 254, 255 })
{
    Console.WriteLine($"step {t}: {string.Join(' ', stepped.AsSpan(t * NpcController.OutputSize, NpcController.OutputSize).ToArray().Select(p => p.ToString("R", CultureInfo.InvariantCulture)))}");
}

foreach (var failure in failures)
{
    Console.Error.WriteLine($"FAIL: {failure}");
}

Console.WriteLine(failures.Count == 0 ? "OK" : $"FAILED ({failures.Count})");
return failures.Count == 0 ? 0 : 1;

[RecurrentNetwork(InputSize = 16, SequenceLength = 256)]
[Lstm(64)]
[Dense(4, Activation.Softmax)]
public partial class NpcController { }
