namespace RnnGen.Runtime.Tests.Helpers
{
    /// <summary>
    /// The 32-bit LCG that Fixtures/make_fixtures.py also uses, so fixtures need not store weights or inputs:
    /// x ← 1664525 x + 1013904223 (mod 2^32); a draw maps the top 24 bits to [-1, 1) exactly, then one float
    /// multiplication by the scale, rounded the same way on both sides.
    /// </summary>
    internal sealed class Lcg
    {
        private uint _state;

        public Lcg(uint seed) => _state = seed;

        public uint Next()
        {
            _state = unchecked((1664525u * _state) + 1013904223u);
            return _state;
        }

        public float[] Uniform(int count, float scale)
        {
            var values = new float[count];
            for (var i = 0; i < count; i++)
            {
                var unit = (float)(((Next() >> 8) * (1.0 / (1 << 23))) - 1.0);
                values[i] = unit * scale;
            }

            return values;
        }

        public int[] Tokens(int count, int vocabulary)
        {
            var tokens = new int[count];
            for (var i = 0; i < count; i++)
            {
                tokens[i] = (int)(Next() % (uint)vocabulary);
            }

            return tokens;
        }
    }
}
