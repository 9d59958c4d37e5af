using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Parsing
{
    /// <summary>
    /// Refuses weight formats that would not do what they say: an unknown value, a reduced format on a network whose
    /// <c>Step</c> does not exist (a layer runs backwards in time, and the format applies only to <c>Step</c>), or
    /// one with <c>Cuda = true</c> (the PTX kernels read fp32 weights, and silently ignoring the request would hide that).
    /// </summary>
    internal static class WeightFormatCheck
    {
        public static void Check(ModelSpec spec, string className, LocationInfo? location, List<DiagnosticInfo> diagnostics)
        {
            var format = spec.Weights;
            if (format == WeightFormat.Float32)
            {
                return;
            }

            if (!System.Enum.IsDefined(typeof(WeightFormat), format))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.InvalidWeightFormat,
                    location,
                    className,
                    ((int)format).ToString(CultureInfo.InvariantCulture),
                    "not a weight format; use Float32, BFloat16 or Int8"));
                return;
            }

            if (spec.Layers.Any(l => l.GoBackwards || l.Bidirectional))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.InvalidWeightFormat,
                    location,
                    className,
                    format.ToString(),
                    "the format applies to the streaming Step, and this network has a layer that runs backwards in time (GoBackwards or Bidirectional), so it has no Step; remove Weights"));
                return;
            }

            if (spec.Cuda)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightFormatWithCuda, location, className, format.ToString()));
            }
        }
    }
}
