using System;
using System.Collections.Generic;
using System.Text;

namespace RnnGen.Samples.AddingProblem
{
    /// <summary>A console table in Markdown syntax: the first column left-aligned, the others right-aligned and padded.</summary>
    public sealed class TextTable
    {
        private readonly string[] header;
        private readonly List<string[]> rows = [];

        /// <summary>Creates a table with the given column headings.</summary>
        /// <param name="header">One heading per column.</param>
        public TextTable(params string[] header)
        {
            ArgumentNullException.ThrowIfNull(header);
            this.header = header;
        }

        /// <summary>Adds a row (missing cells are empty).</summary>
        /// <param name="cells">One text per column.</param>
        public void AddRow(params string[] cells)
        {
            ArgumentNullException.ThrowIfNull(cells);
            var row = new string[header.Length];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = i < cells.Length ? cells[i] : string.Empty;
            }

            rows.Add(row);
        }

        /// <summary>The table as Markdown, one line per row.</summary>
        /// <returns>The text, ending in a newline.</returns>
        public override string ToString()
        {
            var widths = new int[header.Length];
            for (var i = 0; i < header.Length; i++)
            {
                widths[i] = Math.Max(3, header[i].Length);
                foreach (var row in rows)
                {
                    widths[i] = Math.Max(widths[i], row[i].Length);
                }
            }

            var text = new StringBuilder();
            void Line(string[] cells)
            {
                text.Append('|');
                for (var i = 0; i < cells.Length; i++)
                {
                    text.Append(' ').Append(i == 0 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i])).Append(" |");
                }

                text.Append('\n');
            }

            Line(header);
            text.Append('|');
            for (var i = 0; i < widths.Length; i++)
            {
                text.Append(i == 0 ? new string('-', widths[i] + 2) : new string('-', widths[i] + 1) + ":").Append('|');
            }

            text.Append('\n');
            foreach (var row in rows)
            {
                Line(row);
            }

            return text.ToString();
        }
    }
}
