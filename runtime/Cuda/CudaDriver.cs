using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace RnnGen.Gpu
{
    /// <summary>
    /// The driver API entry points this binding uses, as unmanaged function pointers bound once per process from
    /// the loaded library.
    /// </summary>
    /// <remarks>
    /// Function pointers instead of <c>[DllImport]</c>: the library's name differs by platform and may be overridden,
    /// a missing library or export must be a reason rather than a <see cref="DllNotFoundException"/> at an arbitrary
    /// call, and the calls cost no marshalling stubs. The <c>_v2</c> exports are the ones <c>cuda.h</c> maps the plain
    /// names to (64-bit sizes and pointers); the plain names are kept by the driver for old binaries only.
    /// The library is never unloaded: SafeHandle finalizers may call into it until the process ends.
    /// </remarks>
    internal sealed unsafe class CudaDriver
    {
        private static readonly object s_gate = new();
        private static readonly Dictionary<string, CudaDriver> s_bound = new(StringComparer.Ordinal);

        public delegate* unmanaged<uint, int> Init;
        public delegate* unmanaged<int*, int> DriverGetVersion;
        public delegate* unmanaged<int*, int> DeviceGetCount;
        public delegate* unmanaged<int*, int, int> DeviceGet;
        public delegate* unmanaged<byte*, int, int, int> DeviceGetName;
        public delegate* unmanaged<int*, int, int, int> DeviceGetAttribute;
        public delegate* unmanaged<nuint*, int, int> DeviceTotalMem;
        public delegate* unmanaged<IntPtr*, uint, int, int> CtxCreate;
        public delegate* unmanaged<IntPtr, int> CtxDestroy;
        public delegate* unmanaged<IntPtr, int> CtxPushCurrent;
        public delegate* unmanaged<IntPtr*, int> CtxPopCurrent;
        public delegate* unmanaged<IntPtr*, uint, int> StreamCreate;
        public delegate* unmanaged<IntPtr, int> StreamDestroy;
        public delegate* unmanaged<IntPtr, int> StreamSynchronize;
        public delegate* unmanaged<ulong*, nuint, int> MemAlloc;
        public delegate* unmanaged<ulong, int> MemFree;
        public delegate* unmanaged<ulong, void*, nuint, IntPtr, int> MemcpyHtoDAsync;
        public delegate* unmanaged<void*, ulong, nuint, IntPtr, int> MemcpyDtoHAsync;
        public delegate* unmanaged<ulong, byte, nuint, IntPtr, int> MemsetD8Async;
        public delegate* unmanaged<IntPtr*, void*, uint, int*, void**, int> ModuleLoadDataEx;
        public delegate* unmanaged<IntPtr, int> ModuleUnload;
        public delegate* unmanaged<IntPtr*, IntPtr, byte*, int> ModuleGetFunction;
        public delegate* unmanaged<IntPtr, int, int, int> FuncSetAttribute;
        public delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**, void**, int> LaunchKernel;
        public delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**, int> LaunchCooperativeKernel;
        public delegate* unmanaged<int*, IntPtr, int, nuint, int> OccupancyMaxActiveBlocksPerMultiprocessor;
        public delegate* unmanaged<int, byte**, int> GetErrorName;

        private CudaDriver(string libraryName) => LibraryName = libraryName;

        /// <summary>The name or path the library was loaded by.</summary>
        public string LibraryName { get; }

        /// <summary>
        /// The bound driver for the current search (or <see cref="CudaLibrary.OverrideVariable"/>), loading and binding
        /// it the first time; null with an exception describing why when the library or an export is missing.
        /// Never throws: start-up must fall back to the CPU path quietly.
        /// </summary>
        public static CudaDriver? TryGet(out CudaException? failure)
        {
            IReadOnlyList<string> candidates = CudaLibrary.Candidates();
            string key = string.Join("\n", candidates);
            lock (s_gate)
            {
                // Cached per search so that a test changing the override does not get the library bound before.
                if (s_bound.TryGetValue(key, out CudaDriver? cached))
                {
                    failure = null;
                    return cached;
                }

                if (!CudaLibrary.TryLoad(candidates, out IntPtr library, out string loadedName, out string reason))
                {
                    failure = CudaException.WithoutResult("NativeLibrary.TryLoad", reason);
                    return null;
                }

                CudaDriver driver = new(loadedName);
                if (!driver.TryBind(library, out string missing))
                {
                    // Not the driver (some other library, or one far too old): unloading is safe, nothing was called.
                    NativeLibrary.Free(library);
                    failure = CudaException.WithoutResult(
                        "NativeLibrary.TryGetExport",
                        $"'{loadedName}' loaded but has no export '{missing}': it is not a CUDA driver library, or the driver is too old (CUDA 11 or newer is needed).");
                    return null;
                }

                s_bound.Add(key, driver);
                failure = null;
                return driver;
            }
        }

        /// <summary>Throws <see cref="CudaException"/> naming <paramref name="call"/> unless <paramref name="result"/> is success.</summary>
        public void Check(int result, string call, string? detail = null)
        {
            if (result != CudaResult.Success)
            {
                throw Failure(result, call, detail);
            }
        }

        /// <summary>The exception for <paramref name="call"/> returning <paramref name="result"/>.</summary>
        public CudaException Failure(int result, string call, string? detail = null, string? log = null) =>
            new(call, result, NameOf(result), detail, log);

        /// <summary>The result's name: from our table, else from the driver (codes newer than the table), else "CUresult n".</summary>
        public string NameOf(int result)
        {
            string? known = CudaResult.TryGetName(result);
            if (known is not null)
            {
                return known;
            }

            byte* name = null;
            if (GetErrorName(result, &name) == CudaResult.Success && name is not null)
            {
                return Marshal.PtrToStringUTF8((IntPtr)name) ?? CudaResult.Name(result);
            }

            return CudaResult.Name(result);
        }

        private bool TryBind(IntPtr library, out string missing)
        {
            // Each export is looked up by the name cuda.h maps the API to; the first missing one is the reason.
            missing = string.Empty;
            Init = (delegate* unmanaged<uint, int>)Export(library, "cuInit", ref missing);
            DriverGetVersion = (delegate* unmanaged<int*, int>)Export(library, "cuDriverGetVersion", ref missing);
            DeviceGetCount = (delegate* unmanaged<int*, int>)Export(library, "cuDeviceGetCount", ref missing);
            DeviceGet = (delegate* unmanaged<int*, int, int>)Export(library, "cuDeviceGet", ref missing);
            DeviceGetName = (delegate* unmanaged<byte*, int, int, int>)Export(library, "cuDeviceGetName", ref missing);
            DeviceGetAttribute = (delegate* unmanaged<int*, int, int, int>)Export(library, "cuDeviceGetAttribute", ref missing);
            DeviceTotalMem = (delegate* unmanaged<nuint*, int, int>)Export(library, "cuDeviceTotalMem_v2", ref missing);
            CtxCreate = (delegate* unmanaged<IntPtr*, uint, int, int>)Export(library, "cuCtxCreate_v2", ref missing);
            CtxDestroy = (delegate* unmanaged<IntPtr, int>)Export(library, "cuCtxDestroy_v2", ref missing);
            CtxPushCurrent = (delegate* unmanaged<IntPtr, int>)Export(library, "cuCtxPushCurrent_v2", ref missing);
            CtxPopCurrent = (delegate* unmanaged<IntPtr*, int>)Export(library, "cuCtxPopCurrent_v2", ref missing);
            StreamCreate = (delegate* unmanaged<IntPtr*, uint, int>)Export(library, "cuStreamCreate", ref missing);
            StreamDestroy = (delegate* unmanaged<IntPtr, int>)Export(library, "cuStreamDestroy_v2", ref missing);
            StreamSynchronize = (delegate* unmanaged<IntPtr, int>)Export(library, "cuStreamSynchronize", ref missing);
            MemAlloc = (delegate* unmanaged<ulong*, nuint, int>)Export(library, "cuMemAlloc_v2", ref missing);
            MemFree = (delegate* unmanaged<ulong, int>)Export(library, "cuMemFree_v2", ref missing);
            MemcpyHtoDAsync = (delegate* unmanaged<ulong, void*, nuint, IntPtr, int>)Export(library, "cuMemcpyHtoDAsync_v2", ref missing);
            MemcpyDtoHAsync = (delegate* unmanaged<void*, ulong, nuint, IntPtr, int>)Export(library, "cuMemcpyDtoHAsync_v2", ref missing);
            MemsetD8Async = (delegate* unmanaged<ulong, byte, nuint, IntPtr, int>)Export(library, "cuMemsetD8Async", ref missing);
            ModuleLoadDataEx = (delegate* unmanaged<IntPtr*, void*, uint, int*, void**, int>)Export(library, "cuModuleLoadDataEx", ref missing);
            ModuleUnload = (delegate* unmanaged<IntPtr, int>)Export(library, "cuModuleUnload", ref missing);
            ModuleGetFunction = (delegate* unmanaged<IntPtr*, IntPtr, byte*, int>)Export(library, "cuModuleGetFunction", ref missing);
            FuncSetAttribute = (delegate* unmanaged<IntPtr, int, int, int>)Export(library, "cuFuncSetAttribute", ref missing);
            LaunchKernel = (delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**, void**, int>)Export(library, "cuLaunchKernel", ref missing);
            LaunchCooperativeKernel = (delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**, int>)Export(library, "cuLaunchCooperativeKernel", ref missing);
            OccupancyMaxActiveBlocksPerMultiprocessor = (delegate* unmanaged<int*, IntPtr, int, nuint, int>)Export(library, "cuOccupancyMaxActiveBlocksPerMultiprocessor", ref missing);
            GetErrorName = (delegate* unmanaged<int, byte**, int>)Export(library, "cuGetErrorName", ref missing);
            return missing.Length == 0;
        }

        private static IntPtr Export(IntPtr library, string name, ref string missing)
        {
            if (NativeLibrary.TryGetExport(library, name, out IntPtr address) && address != IntPtr.Zero)
            {
                return address;
            }

            if (missing.Length == 0)
            {
                missing = name;
            }

            return IntPtr.Zero;
        }
    }
}
