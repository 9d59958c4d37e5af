namespace RnnGen.Generator.Emit
{
    /// <summary>The <c>[GeneratedCode]</c> attribute stamped on generated members.</summary>
    internal static class GeneratedCode
    {
        public const string Tool = "RnnGen.Generator";

        public static string Version { get; } = typeof(GeneratedCode).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

        public static string Attribute { get; } = $"[global::System.CodeDom.Compiler.GeneratedCode(\"{Tool}\", \"{Version}\")]";
    }
}
