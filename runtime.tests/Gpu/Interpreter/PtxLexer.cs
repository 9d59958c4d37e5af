using System.Collections.Generic;
using System.Text;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    internal enum TokenKind
    {
        /// <summary>An identifier or opcode: letters, digits, _, $ and dots (ld.global.f32, $L_loop, tile).</summary>
        Identifier,

        /// <summary>A dotted directive or type: .reg, .b32, .entry.</summary>
        Directive,

        /// <summary>A register name: %r1, %tid.x, %rd.</summary>
        Register,

        /// <summary>A number as written: 42, 0x1F, 0f3F800000, 7.0.</summary>
        Number,

        /// <summary>One punctuation character.</summary>
        Punct,

        End,
    }

    internal readonly record struct Token(TokenKind Kind, string Text, int Line)
    {
        public bool Is(string punct) => Kind == TokenKind.Punct && Text == punct;
    }

    /// <summary>Splits PTX text into tokens with their line numbers; // and /* */ comments are dropped.</summary>
    internal static class PtxLexer
    {
        public static List<Token> Tokenize(string text, string[] lines)
        {
            var tokens = new List<Token>();
            var line = 1;
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (c == '\n')
                {
                    line++;
                    i++;
                    continue;
                }

                if (char.IsWhiteSpace(c))
                {
                    i++;
                    continue;
                }

                if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
                {
                    while (i < text.Length && text[i] != '\n')
                    {
                        i++;
                    }

                    continue;
                }

                if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
                {
                    var startLine = line;
                    i += 2;
                    while (i < text.Length && !(text[i] == '*' && i + 1 < text.Length && text[i + 1] == '/'))
                    {
                        if (text[i] == '\n')
                        {
                            line++;
                        }

                        i++;
                    }

                    if (i >= text.Length)
                    {
                        throw new PtxException(startLine, Line(lines, startLine), "unterminated /* comment");
                    }

                    i += 2;
                    continue;
                }

                if (c == '.' && i + 1 < text.Length && IsIdentStart(text[i + 1]))
                {
                    var start = i;
                    i++;
                    while (i < text.Length && IsIdentPart(text[i]))
                    {
                        i++;
                    }

                    tokens.Add(new Token(TokenKind.Directive, text[start..i], line));
                    continue;
                }

                if (c == '%')
                {
                    var start = i;
                    i++;
                    while (i < text.Length && (IsIdentPart(text[i]) || text[i] == '.'))
                    {
                        i++;
                    }

                    if (i == start + 1)
                    {
                        throw new PtxException(line, Line(lines, line), "a '%' must start a register name");
                    }

                    tokens.Add(new Token(TokenKind.Register, text[start..i], line));
                    continue;
                }

                if (IsIdentStart(c))
                {
                    var start = i;
                    while (i < text.Length && (IsIdentPart(text[i]) || text[i] == '.'))
                    {
                        i++;
                    }

                    tokens.Add(new Token(TokenKind.Identifier, text[start..i], line));
                    continue;
                }

                if (char.IsAsciiDigit(c))
                {
                    var start = i;
                    while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '.'))
                    {
                        i++;
                    }

                    tokens.Add(new Token(TokenKind.Number, text[start..i], line));
                    continue;
                }

                if ("{}()[]<>,;:@!+-".IndexOf(c, System.StringComparison.Ordinal) >= 0)
                {
                    tokens.Add(new Token(TokenKind.Punct, c.ToString(), line));
                    i++;
                    continue;
                }

                throw new PtxException(line, Line(lines, line), $"unexpected character '{c}'");
            }

            tokens.Add(new Token(TokenKind.End, string.Empty, line));
            return tokens;
        }

        public static string Line(string[] lines, int line) => line >= 1 && line <= lines.Length ? lines[line - 1] : string.Empty;

        private static bool IsIdentStart(char c) => char.IsAsciiLetter(c) || c == '_' || c == '$';

        private static bool IsIdentPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '$';

        public static string Describe(Token token) => token.Kind == TokenKind.End ? "end of text" : $"'{token.Text}'";

        public static string Join(IEnumerable<string> parts)
        {
            var builder = new StringBuilder();
            foreach (var part in parts)
            {
                if (builder.Length > 0)
                {
                    builder.Append(", ");
                }

                builder.Append(part);
            }

            return builder.ToString();
        }
    }
}
