using System;
using System.Collections.Generic;
using System.Linq;

namespace RnnGen.Onnx
{
    /// <summary>
    /// An ONNX model that does not match the network it is imported into, or that cannot be read. Every difference is
    /// listed (not just the first), and nothing was imported: the model's parameters are as they were.
    /// </summary>
    public sealed class OnnxImportException : Exception
    {
        /// <summary>Creates the exception for the differences found.</summary>
        /// <param name="architecture">The model's architecture (<see cref="NetworkDescription.Architecture"/>).</param>
        /// <param name="differences">Every difference found.</param>
        public OnnxImportException(string architecture, IReadOnlyList<OnnxDifference> differences)
            : base(Format(architecture, differences))
        {
            Differences = differences;
        }

        /// <summary>Creates the exception with a message.</summary>
        public OnnxImportException()
            : this("The ONNX model could not be imported.")
        {
        }

        /// <summary>Creates the exception with a message.</summary>
        /// <param name="message">The message.</param>
        public OnnxImportException(string message)
            : base(message)
        {
            Differences = Array.Empty<OnnxDifference>();
        }

        /// <summary>Creates the exception with a message and its cause.</summary>
        /// <param name="message">The message.</param>
        /// <param name="innerException">The cause (e.g. a protobuf parse error).</param>
        public OnnxImportException(string message, Exception innerException)
            : base(message, innerException)
        {
            Differences = Array.Empty<OnnxDifference>();
        }

        /// <summary>Each way the graph differs from the model (empty when the file could not be read at all).</summary>
        public IReadOnlyList<OnnxDifference> Differences { get; }

        private static string Format(string architecture, IReadOnlyList<OnnxDifference> differences) =>
            "The ONNX graph does not match " + architecture + " (" + differences.Count + " difference"
            + (differences.Count == 1 ? string.Empty : "s") + "; nothing was imported):"
            + string.Concat(differences.Select(d => Environment.NewLine + "  - " + d));
    }
}
