using System;
using Spectre.Console;

namespace RnnGen.Samples.Common
{
    /// <summary>
    /// Console output: colours and a live progress bar (Spectre.Console) on a terminal, plain lines when the output is
    /// redirected (CI, a log file), so logs stay readable.
    /// </summary>
    public static class ConsoleUi
    {
        /// <summary>Whether the output is an interactive terminal.</summary>
        public static bool Interactive { get; } = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

        /// <summary>Writes a heading line.</summary>
        /// <param name="text">Plain text.</param>
        public static void Heading(string text) => Write(text, "bold");

        /// <summary>Writes an informational line.</summary>
        /// <param name="text">Plain text.</param>
        public static void Info(string text) => Write(text, null);

        /// <summary>Writes a result worth noticing.</summary>
        /// <param name="text">Plain text.</param>
        public static void Result(string text) => Write(text, "green");

        /// <summary>Writes a warning.</summary>
        /// <param name="text">Plain text.</param>
        public static void Warning(string text) => Write(text, "yellow");

        /// <summary>Writes an error to standard error.</summary>
        /// <param name="text">Plain text.</param>
        public static void Error(string text)
        {
            if (Interactive)
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(text)}[/]");
            }
            else
            {
                Console.Error.WriteLine(text);
            }
        }

        private static void Write(string text, string? style)
        {
            if (Interactive)
            {
                AnsiConsole.MarkupLine(style is null ? Markup.Escape(text) : $"[{style}]{Markup.Escape(text)}[/]");
            }
            else
            {
                Console.Out.WriteLine(text);
            }
        }
    }
}
