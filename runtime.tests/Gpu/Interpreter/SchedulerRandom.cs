namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>A small, fast, seeded generator (xorshift64* seeded through splitmix64); a struct to stay in registers.</summary>
    internal struct SchedulerRandom
    {
        private ulong _state;

        public SchedulerRandom(ulong seed)
        {
            var z = seed + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            _state = (z ^ (z >> 31)) | 1;
        }

        public ulong NextUInt64()
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            return _state * 0x2545F4914F6CDD1DUL;
        }

        /// <summary>A value in [0, n) for n &gt; 0 (multiply-shift, no division).</summary>
        public int Next(int n) => (int)(((NextUInt64() >> 32) * (ulong)(uint)n) >> 32);

        /// <summary>A double uniform in [-1, 1).</summary>
        public double NextSigned() => ((NextUInt64() >> 11) * (1.0 / (1UL << 52))) - 1.0;
    }
}
