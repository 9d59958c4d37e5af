using System;
using RnnGen.Samples.Common;
using Spectre.Console;

namespace RnnGen.Samples.CharLanguageModel
{
    /// <summary>Writes generated text to the console; only this sample generates free text, so it is not in the shared console helpers.</summary>
    public static class GeneratedTextOutput
    {
        /// <summary>Writes generated text: the prompt highlighted, then the continuation, exactly as generated (no wrapping).</summary>
        /// <param name="prompt">The prompt.</param>
        /// <param name="continuation">The generated characters.</param>
        public static void Write(string prompt, string continuation)
        {
            ArgumentNullException.ThrowIfNull(prompt);
            if (ConsoleUi.Interactive)
            {
                AnsiConsole.Markup($"[bold cyan]{Markup.Escape(prompt)}[/]");

                // Written raw, not as markup: generated text may hold brackets.
                Console.Out.Write(continuation);
                Console.Out.WriteLine();
            }
            else
            {
                Console.Out.WriteLine(prompt + continuation);
            }
        }
    }
}
