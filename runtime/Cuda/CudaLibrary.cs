using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace RnnGen.Gpu
{
    /// <summary>Finds and loads the CUDA driver library (<c>libcuda</c> / <c>nvcuda.dll</c>) without ever throwing.</summary>
    internal static class CudaLibrary
    {
        /// <summary>The environment variable that names the driver library's path, replacing the search.</summary>
        public const string OverrideVariable = "RNNGEN_CUDA_LIBRARY";

        /// <summary>The names tried in order, or the override's path when <see cref="OverrideVariable"/> is set.</summary>
        public static IReadOnlyList<string> Candidates()
        {
            string? overridePath = Environment.GetEnvironmentVariable(OverrideVariable);
            if (!string.IsNullOrWhiteSpace(overridePath))
            {
                return new[] { overridePath };
            }

            // libcuda.so.1 first: it is the name the driver package installs; the unversioned libcuda.so usually
            // exists only with the toolkit's development files (and may then be the link stub).
            return OperatingSystem.IsWindows() ? new[] { "nvcuda.dll" } : new[] { "libcuda.so.1", "libcuda.so" };
        }

        /// <summary>Loads the first candidate that loads; false with a reason naming every name tried otherwise.</summary>
        public static bool TryLoad(IReadOnlyList<string> candidates, out IntPtr handle, out string loadedName, out string reason)
        {
            foreach (string candidate in candidates)
            {
                if (NativeLibrary.TryLoad(candidate, out handle))
                {
                    loadedName = candidate;
                    reason = string.Empty;
                    return true;
                }
            }

            handle = IntPtr.Zero;
            loadedName = string.Empty;
            string? overridePath = Environment.GetEnvironmentVariable(OverrideVariable);
            reason = !string.IsNullOrWhiteSpace(overridePath)
                ? $"The CUDA driver library could not be loaded from '{overridePath}' (named by {OverrideVariable}): it is missing or not a native library for this platform."
                : $"The CUDA driver library was not found (tried {string.Join(", ", candidates)}): no NVIDIA driver is installed, or set {OverrideVariable} to its path.";
            return false;
        }
    }
}
