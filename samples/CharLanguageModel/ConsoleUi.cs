using System;
using Spectre.Console;

namespace RnnGen.Samples.CharLanguageModel
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

        /// <summary>Writes generated text: the prompt highlighted, then the continuation, exactly as generated (no wrapping).</summary>
        /// <param name="prompt">The prompt.</param>
        /// <param name="continuation">The generated characters.</param>
        public static void GeneratedText(string prompt, string continuation)
        {
            ArgumentNullException.ThrowIfNull(prompt);
            if (Interactive)
            {
                AnsiConsole.Markup($"[bold cyan]{Markup.Escape(prompt)}[/]");
                Console.Out.Write(continuation);
                Console.Out.WriteLine();
            }
            else
            {
                Console.Out.WriteLine(prompt + continuation);
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
