using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Diagnostics
{
    /// <summary>
    /// Turns an exception the generator caught into RNNG0099. An exception that escaped would become Roslyn's CS8785, a
    /// warning that silently drops every generated file of the compilation; an error at the class says what broke.
    /// </summary>
    internal static class InternalError
    {
        /// <summary>Whether <paramref name="exception"/> is a bug to report, not the host cancelling the run.</summary>
        public static bool IsBug(Exception exception) => exception is not OperationCanceledException;

        public static DiagnosticInfo Create(string className, LocationInfo? location, Exception exception) =>
            DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, location, className, Describe(exception));

        public static Diagnostic ToDiagnostic(string className, Location? location, string description) =>
            Diagnostic.Create(DiagnosticDescriptors.InternalError, location, className, description);

        /// <summary>Type, message and the innermost frame of the generator on one line: enough to find the bug from a report.</summary>
        public static string Describe(Exception exception)
        {
            var frames = (exception.StackTrace ?? string.Empty).Split('\n').Select(f => f.Trim()).Where(f => f.Length > 0).ToList();
            var frame = frames.FirstOrDefault(f => f.Contains("RnnGen.Generator.")) ?? frames.FirstOrDefault();
            var text = $"{exception.GetType().FullName}: {exception.Message}{(string.IsNullOrEmpty(frame) ? string.Empty : " (" + frame + ")")}";
            return text.Replace("\r", " ").Replace("\n", " ");
        }
    }
}
