using System;

namespace RnnGen
{
    /// <summary>
    /// Token-id input: each step's input is a token in <c>[0, vocabulary)</c>, looked up in a learned
    /// <c>[vocabulary][dimension]</c> table. Must be the first layer attribute.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class EmbeddingAttribute : Attribute
    {
        /// <summary>Creates an embedding of <paramref name="vocabulary"/> tokens into <paramref name="dimension"/> floats.</summary>
        public EmbeddingAttribute(int vocabulary, int dimension)
        {
            Vocabulary = vocabulary;
            Dimension = dimension;
        }

        /// <summary>Number of distinct tokens (1..4194304).</summary>
        public int Vocabulary { get; }

        /// <summary>Width of each token's vector (1..65536).</summary>
        public int Dimension { get; }
    }
}
