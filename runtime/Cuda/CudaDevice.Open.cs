using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace RnnGen.Gpu
{
    public sealed partial class CudaDevice
    {
        /// <summary>
        /// Opens CUDA device <paramref name="ordinal"/>; false with the reason when there is no usable driver or
        /// device. Never throws for a missing driver, library export or device: the caller falls back to the CPU path.
        /// </summary>
        /// <param name="device">The device, when the result is true.</param>
        /// <param name="reason">Why no device was opened (it names the library, export or driver call); empty on success.</param>
        /// <param name="ordinal">Which device, counted from 0 as the driver enumerates them.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="ordinal"/> is negative.</exception>
        public static bool TryOpen([NotNullWhen(true)] out CudaDevice? device, out string reason, int ordinal = 0)
        {
            device = OpenCore(ordinal, out CudaException? failure);
            reason = failure?.Message ?? string.Empty;
            return device is not null;
        }

        /// <summary>Opens CUDA device <paramref name="ordinal"/>.</summary>
        /// <exception cref="CudaException">
        /// There is no usable driver or device; the message is what <see cref="TryOpen"/> gives as the reason.
        /// </exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="ordinal"/> is negative.</exception>
        public static CudaDevice Open(int ordinal = 0) =>
            OpenCore(ordinal, out CudaException? failure) ?? throw failure!;

        private static CudaDevice? OpenCore(int ordinal, out CudaException? failure)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
            if (!Environment.Is64BitProcess)
            {
                // Device pointers are 64-bit and the binding keeps them in IntPtr-sized handles.
                failure = CudaException.WithoutResult("Environment.Is64BitProcess", "The CUDA path needs a 64-bit process.");
                return null;
            }

            CudaDriver? driver = CudaDriver.TryGet(out failure);
            if (driver is null)
            {
                return null;
            }

            try
            {
                return Create(driver, ordinal);
            }
            catch (CudaException e)
            {
                failure = e;
                return null;
            }
        }

        private static unsafe CudaDevice Create(CudaDriver driver, int ordinal)
        {
            int result = driver.Init(0);
            if (result != CudaResult.Success)
            {
                throw driver.Failure(result, "cuInit", InitFailure(driver.LibraryName, result));
            }

            int version;
            driver.Check(driver.DriverGetVersion(&version), "cuDriverGetVersion");
            int count;
            driver.Check(driver.DeviceGetCount(&count), "cuDeviceGetCount");
            if (count == 0)
            {
                throw driver.Failure(CudaResult.NoDevice, "cuDeviceGetCount", $"{driver.LibraryName} (driver {FormatVersion(version)}) found no CUDA device");
            }

            if (ordinal >= count)
            {
                throw driver.Failure(CudaResult.InvalidDevice, "cuDeviceGet", $"device {ordinal} was asked for and there are {count}");
            }

            int device;
            driver.Check(driver.DeviceGet(&device, ordinal), "cuDeviceGet");
            const int NameBytes = 256;
            byte* name = stackalloc byte[NameBytes];
            name[0] = 0;
            driver.Check(driver.DeviceGetName(name, NameBytes - 1, device), "cuDeviceGetName");
            name[NameBytes - 1] = 0;
            nuint totalMemory;
            driver.Check(driver.DeviceTotalMem(&totalMemory, device), "cuDeviceTotalMem_v2");

            CudaContextHandle context = new(driver);
            CudaStreamHandle stream = new(context);
            try
            {
                IntPtr created;
                driver.Check(driver.CtxCreate(&created, 0, device), "cuCtxCreate_v2", $"device {ordinal}");
                context.Own(created);

                // cuCtxCreate made the context current on this thread; pop it, so that no thread is left holding it
                // and every call pushes it on whichever thread it runs.
                IntPtr popped;
                driver.Check(driver.CtxPopCurrent(&popped), "cuCtxPopCurrent_v2");

                using (context.Enter())
                {
                    // Non-blocking: the device's queue does not wait for other libraries' work on the legacy stream.
                    IntPtr queue;
                    driver.Check(driver.StreamCreate(&queue, CudaConstants.StreamNonBlocking), "cuStreamCreate");
                    stream.Own(queue);
                }

                return new CudaDevice(driver, context, stream)
                {
                    Ordinal = ordinal,
                    DeviceName = Marshal.PtrToStringUTF8((IntPtr)name) ?? string.Empty,
                    ComputeCapability = (
                        Attribute(driver, device, CudaConstants.AttributeComputeCapabilityMajor),
                        Attribute(driver, device, CudaConstants.AttributeComputeCapabilityMinor)),
                    Multiprocessors = Attribute(driver, device, CudaConstants.AttributeMultiprocessorCount),
                    SharedPerBlock = Attribute(driver, device, CudaConstants.AttributeMaxSharedMemoryPerBlock),
                    SharedMemoryPerBlockOptIn = Attribute(driver, device, CudaConstants.AttributeMaxSharedMemoryPerBlockOptIn),
                    SupportsCooperativeLaunch = Attribute(driver, device, CudaConstants.AttributeCooperativeLaunch) != 0,
                    TotalMemoryBytes = (long)totalMemory,
                    DriverVersion = version,
                };
            }
            catch
            {
                // The stream holds a count on the context, so the context goes only once both are released.
                stream.Dispose();
                context.Dispose();
                throw;
            }
        }

        private static unsafe int Attribute(CudaDriver driver, int device, int attribute)
        {
            int value;
            int result = driver.DeviceGetAttribute(&value, attribute, device);
            if (result != CudaResult.Success)
            {
                throw driver.Failure(result, "cuDeviceGetAttribute", FormattableString.Invariant($"attribute {attribute}"));
            }

            return value;
        }

        private static string InitFailure(string library, int result) =>
            result switch
            {
                CudaResult.StubLibrary => $"{library} is the CUDA toolkit's link stub, not a driver",
                CudaResult.NoDevice => $"{library} found no CUDA device",
                _ => $"the CUDA driver ({library}) is unavailable",
            };

        /// <summary>12040 -> "12.4", as <c>nvidia-smi</c> prints the CUDA version.</summary>
        private static string FormatVersion(int version) =>
            FormattableString.Invariant($"{version / 1000}.{version % 1000 / 10}");
    }
}
