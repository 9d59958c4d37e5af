using System;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>
    /// An error the PTX interpreter found: a PTX text it rejects at load time (like a JIT log entry) or a kernel that
    /// misbehaves while it runs (out-of-bounds access, data race, barrier divergence, no progress...).
    /// </summary>
    public sealed class PtxException : Exception
    {
        /// <summary>Creates an exception with a message.</summary>
        public PtxException()
        {
        }

        /// <summary>Creates an exception with a message.</summary>
        public PtxException(string message)
            : base(message)
        {
        }

        /// <summary>Creates an exception with a message and the error that caused it.</summary>
        public PtxException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates an exception that names a PTX line (1-based) and its text.</summary>
        public PtxException(int line, string lineText, string message)
            : base($"PTX line {line}: {message} -- `{lineText.Trim()}`")
        {
            Line = line;
        }

        /// <summary>The PTX line the error is about (1-based), or 0 when it is not about one line.</summary>
        public int Line { get; }
    }
}
