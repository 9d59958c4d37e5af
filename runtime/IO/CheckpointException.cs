using System;

namespace RnnGen.IO
{
    /// <summary>
    /// A checkpoint (a safetensors file, a vocabulary file) could not be read or written, or its content does not match
    /// what the caller expects. The message names the file, the tensor (where there is one) and what is wrong.
    /// </summary>
    public sealed class CheckpointException : Exception
    {
        /// <summary>Creates an exception with a generic message.</summary>
        public CheckpointException()
            : base("The checkpoint is invalid.")
        {
        }

        /// <summary>Creates an exception with the given message.</summary>
        /// <param name="message">What is wrong.</param>
        public CheckpointException(string message)
            : base(message)
        {
        }

        /// <summary>Creates an exception with the given message and cause.</summary>
        /// <param name="message">What is wrong.</param>
        /// <param name="innerException">The exception that caused this one.</param>
        public CheckpointException(string message, Exception? innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates an exception that names the file and, where there is one, the tensor concerned.</summary>
        /// <param name="message">What is wrong; already names the file and the tensor.</param>
        /// <param name="filePath">The file (or other source) concerned.</param>
        /// <param name="tensorName">The tensor concerned, or <see langword="null"/> when the problem is not about one tensor.</param>
        /// <param name="innerException">The exception that caused this one, if any.</param>
        public CheckpointException(string message, string? filePath, string? tensorName, Exception? innerException = null)
            : base(message, innerException)
        {
            FilePath = filePath;
            TensorName = tensorName;
        }

        /// <summary>The file (or other source, such as <c>(memory)</c>) concerned, when known.</summary>
        public string? FilePath { get; }

        /// <summary>The tensor concerned, when the problem is about one tensor.</summary>
        public string? TensorName { get; }
    }
}
