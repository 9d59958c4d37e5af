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

        /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the returned scope ends.</summary>
        public Scope Block(string header)
        {
            if (header.Length > 0)
            {
                Line(header);
            }

            Line("{");
            _indent++;
            return new Scope(this);
        }

        /// <summary>Writes a <c>/// &lt;summary&gt;</c> doc comment.</summary>
        public SourceWriter Summary(string text)
        {
            Line("/// <summary>" + text + "</summary>");
            return this;
        }

        public override string ToString() => _text.ToString();

        internal void Close()
        {
            _indent--;
            Line("}");
        }

        /// <summary>Closes the brace opened by <see cref="Block"/>.</summary>
        public readonly struct Scope : IDisposable
        {
            private readonly SourceWriter _writer;

            public Scope(SourceWriter writer) => _writer = writer;

            public void Dispose() => _writer.Close();
        }
    }
}
