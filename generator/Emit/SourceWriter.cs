using System;
using System.Text;

namespace RnnGen.Generator.Emit
{
    /// <summary>An indented text writer for generated C#; always LF line endings, so snapshots are stable.</summary>
    internal sealed class SourceWriter
    {
        private readonly StringBuilder _text = new();
        private int _indent;

        public SourceWriter Line(string line = "")
        {
            if (line.Length > 0)
            {
                _text.Append(' ', _indent * 4);
                _text.Append(line);
            }

            _text.Append('\n');
            return this;
        }

        /// <summary>Writes several lines, each indented at the current level.</summary>
        public SourceWriter Lines(string text)
        {
            foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
            {
                Line(line);
            }

            return this;
        }

        /// <summary>Appends <paramref name="text"/> as it is, without indentation (the body of a verbatim string).</summary>
        public SourceWriter Raw(string text)
        {
            _text.Append(text.Replace("\r\n", "\n"));
            return this;
        }

        /// <summary>
        /// Writes <paramref name="header"/> and an opening brace, and indents until the returned scope ends with
        /// <paramref name="closing"/> (<c>};</c> for a switch expression).
        /// </summary>
        public Scope Block(string header, string closing = "}")
        {
            if (header.Length > 0)
            {
                Line(header);
            }

            Line("{");
            _indent++;
            return new Scope(this, closing);
        }

        /// <summary>Writes a <c>/// &lt;summary&gt;</c> doc comment.</summary>
        public SourceWriter Summary(string text)
        {
            Line("/// <summary>" + text + "</summary>");
            return this;
        }

        public override string ToString() => _text.ToString();

        internal void Close(string closing)
        {
            _indent--;
            Line(closing);
        }

        /// <summary>Closes the brace opened by <see cref="Block"/>.</summary>
        public readonly struct Scope : IDisposable
        {
            private readonly SourceWriter _writer;
            private readonly string _closing;

            public Scope(SourceWriter writer, string closing)
            {
                _writer = writer;
                _closing = closing;
            }

            public void Dispose() => _writer.Close(_closing);
        }
    }
}
