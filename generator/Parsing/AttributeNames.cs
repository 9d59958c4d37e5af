namespace RnnGen.Generator.Parsing
{
    /// <summary>Metadata names of the runtime's attributes; matched by name so the generator needs no reference.</summary>
    internal static class AttributeNames
    {
        public const string Namespace = "RnnGen";
        public const string RecurrentNetwork = "RnnGen.RecurrentNetworkAttribute";
        public const string Embedding = "EmbeddingAttribute";
        public const string SimpleRnn = "SimpleRnnAttribute";
        public const string Lstm = "LstmAttribute";
        public const string Gru = "GruAttribute";
        public const string Dense = "DenseAttribute";
    }

    /// <summary>The documented limits on declared sizes (see the README's attribute reference).</summary>
    internal static class Limits
    {
        public const int MaxUnits = 8192;
        public const int MaxFeatures = 65536;
        public const int MaxVocabulary = 1 << 22;
        public const int MaxSequenceLength = 1 << 16;
        public const int MaxBatchSize = 4096;
        public const int DefaultSequenceLength = 128;
        public const int DefaultBatchSize = 1;

        /// <summary>Largest single buffer (parameters or workspace) in floats: 1 GiB.</summary>
        public const long MaxBufferFloats = 1L << 28;
    }
}
