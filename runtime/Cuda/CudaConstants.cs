namespace RnnGen.Gpu
{
    /// <summary>The enum values of <c>cuda.h</c> this binding passes to the driver (they are part of the driver's ABI, so fixed).</summary>
    internal static class CudaConstants
    {
        // CUdevice_attribute
        public const int AttributeMaxSharedMemoryPerBlock = 8;
        public const int AttributeMultiprocessorCount = 16;
        public const int AttributeComputeCapabilityMajor = 75;
        public const int AttributeComputeCapabilityMinor = 76;
        public const int AttributeCooperativeLaunch = 95;
        public const int AttributeMaxSharedMemoryPerBlockOptIn = 97;

        // CUfunction_attribute
        public const int FunctionAttributeMaxDynamicSharedSizeBytes = 8;

        // CUjit_option
        public const int JitInfoLogBuffer = 3;
        public const int JitInfoLogBufferSizeBytes = 4;
        public const int JitErrorLogBuffer = 5;
        public const int JitErrorLogBufferSizeBytes = 6;
        public const int JitLogVerbose = 12;

        /// <summary><c>CU_STREAM_NON_BLOCKING</c>: the stream does not wait for work on the legacy default stream.</summary>
        public const uint StreamNonBlocking = 1;

        /// <summary>Dynamic shared memory a kernel may use without opting in (<c>cuFuncSetAttribute</c>) on every CUDA GPU.</summary>
        public const int DefaultDynamicSharedLimit = 48 * 1024;
    }
}
