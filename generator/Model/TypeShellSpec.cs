namespace RnnGen.Generator.Model
{
    /// <summary>
    /// The declarations that enclose the generated members: namespace, containing types (outermost first) and
    /// the annotated class itself, each as the header text a <c>partial</c> re-declaration needs.
    /// </summary>
    internal sealed record TypeShellSpec(
        string? Namespace,
        EquatableArray<TypeDeclarationSpec> Types)
    {
        /// <summary>The annotated class: the innermost declaration.</summary>
        public TypeDeclarationSpec Target => Types[Types.Count - 1];

        /// <summary>
        /// A file-system-safe hint name, e.g. <c>Game.Outer.CharModel.RnnGen.g.cs</c>, unique up to letter case
        /// (<see cref="Emit.HintNames"/> settles case twins).
        /// </summary>
        public string HintName
        {
            get
            {
                var parts = new System.Collections.Generic.List<string>();
                if (Namespace is not null)
                {
                    parts.Add(Namespace.Replace("@", string.Empty));
                }

                foreach (var type in Types)
                {
                    var name = type.Name.TrimStart('@');
                    parts.Add(type.Arity == 0 ? name : name + "-" + type.Arity);
                }

                return string.Join(".", parts) + Emit.HintNames.Suffix;
            }
        }
    }

    /// <summary>
    /// One <c>partial</c> type declaration: keyword (class, struct, record...), name and type parameters, with
    /// reserved words already escaped (<c>@class</c>).
    /// </summary>
    internal sealed record TypeDeclarationSpec(string Keyword, string Name, string TypeParameters, int Arity)
    {
        public string Header => $"partial {Keyword} {Name}{TypeParameters}";
    }
}
