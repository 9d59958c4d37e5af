using System;
using System.Globalization;
using System.Text;

namespace RnnGen.Gpu
{
    /// <summary>A CUDA driver call failed, or the driver could not be found or bound.</summary>
    /// <remarks>
    /// The message names the driver function and the result, so a log line alone says what went wrong; a module
    /// load's message also carries the JIT compiler's error log, which is where the line of bad PTX is named.
    /// </remarks>
    public sealed class CudaException : Exception
    {
        /// <summary>The <see cref="Result"/> of a failure that was not a driver call's result (no library, a missing export).</summary>
        public const int NoResult = -1;

        /// <summary>Creates an exception for <paramref name="call"/> returning <paramref name="result"/>.</summary>
        /// <param name="call">The driver function that failed, e.g. <c>cuModuleLoadDataEx</c>.</param>
        /// <param name="result">Its <c>CUresult</c>.</param>
        /// <param name="detail">What was being done, in words; may be null.</param>
        /// <param name="log">The JIT compiler's error log for a module load; null otherwise.</param>
        public CudaException(string call, int result, string? detail = null, string? log = null)
            : this(call, result, CudaResult.Name(result), detail, log)
        {
        }

        /// <summary>Creates an exception with a message and no driver result (e.g. the library was not found).</summary>
        public CudaException(string message)
            : base(message)
        {
            Call = string.Empty;
            Result = NoResult;
            ResultName = "none";
        }

        /// <summary>Creates an exception with a message, the exception that caused it, and no driver result.</summary>
        public CudaException(string message, Exception innerException)
            : base(message, innerException)
        {
            Call = string.Empty;
            Result = NoResult;
            ResultName = "none";
        }

        /// <summary>Creates an exception with no message and no driver result.</summary>
        public CudaException()
            : this("A CUDA driver call failed.")
        {
        }

        /// <summary>Creates an exception whose result name came from the driver (a code newer than <see cref="CudaResult"/>).</summary>
        internal CudaException(string call, int result, string resultName, string? detail, string? log)
            : base(Compose(call, result, resultName, detail, log))
        {
            Call = call;
            Result = result;
            ResultName = resultName;
            Log = log;
        }

        private CudaException(string message, string call, Exception? innerException)
            : base(message, innerException)
        {
            Call = call;
            Result = NoResult;
            ResultName = "none";
        }

        /// <summary>The <c>CUresult</c>, or <see cref="NoResult"/> when no driver call returned one.</summary>
        public int Result { get; }

        /// <summary>The result's name, e.g. <c>CUDA_ERROR_INVALID_PTX</c>; "none" with <see cref="NoResult"/>.</summary>
        public string ResultName { get; }

        /// <summary>The driver function (or loading step, e.g. <c>NativeLibrary.TryLoad</c>) that failed; empty when unknown.</summary>
        public string Call { get; }

        /// <summary>The JIT compiler's error log when a module load failed; null otherwise.</summary>
        public string? Log { get; }

        /// <summary>A failure of a step that is not a driver call returning a code (<see cref="Result"/> is <see cref="NoResult"/>).</summary>
        internal static CudaException WithoutResult(string call, string message) => new(message, call, null);

        private static string Compose(string call, int result, string resultName, string? detail, string? log)
        {
            StringBuilder message = new StringBuilder();
            message.Append(call).Append(" failed with ").Append(resultName).Append(" (").Append(result.ToString(CultureInfo.InvariantCulture)).Append(')');
            if (!string.IsNullOrEmpty(detail))
            {
                message.Append(": ").Append(detail);
            }

            message.Append('.');
            if (!string.IsNullOrWhiteSpace(log))
            {
                message.AppendLine().Append("JIT log:").AppendLine().Append(log.TrimEnd());
            }

            return message.ToString();
        }
    }
}
