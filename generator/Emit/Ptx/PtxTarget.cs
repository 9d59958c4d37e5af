using System;
using System.Globalization;

namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>
    /// The PTX ISA version and the SM architecture an instruction needs; a module's <c>.version</c> and <c>.target</c>
    /// are the maximum over everything it contains, so nothing is claimed that is not used.
    /// </summary>
    internal readonly struct PtxTarget : IEquatable<PtxTarget>
    {
        public PtxTarget(int isaMajor, int isaMinor, int sm)
        {
            IsaMajor = isaMajor;
            IsaMinor = isaMinor;
            Sm = sm;
        }

        /// <summary>What every kernel needs: Volta's memory model (acquire/release, independent thread scheduling).</summary>
        public static PtxTarget Baseline { get; } = new(6, 0, 70);

        /// <summary><c>tanh.approx.f32</c>: PTX ISA 7.0, sm_75.</summary>
        public static PtxTarget Turing { get; } = new(7, 0, 75);

        /// <summary>The newest ISA ptxas 11.8 (CI's assembler) checks: the emitter never needs more.</summary>
        public static PtxTarget Newest { get; } = new(7, 8, 90);

        public int IsaMajor { get; }

        public int IsaMinor { get; }

        public int Sm { get; }

        public string Version => IsaMajor.ToString(CultureInfo.InvariantCulture) + "." + IsaMinor.ToString(CultureInfo.InvariantCulture);

        public string Architecture => "sm_" + Sm.ToString(CultureInfo.InvariantCulture);

        public static PtxTarget Max(PtxTarget a, PtxTarget b) => new(
            Math.Max(a.IsaMajor * 10 + a.IsaMinor, b.IsaMajor * 10 + b.IsaMinor) / 10,
            Math.Max(a.IsaMajor * 10 + a.IsaMinor, b.IsaMajor * 10 + b.IsaMinor) % 10,
            Math.Max(a.Sm, b.Sm));

        public bool Equals(PtxTarget other) => IsaMajor == other.IsaMajor && IsaMinor == other.IsaMinor && Sm == other.Sm;

        public override bool Equals(object? obj) => obj is PtxTarget other && Equals(other);

        public override int GetHashCode() => (IsaMajor * 100 + IsaMinor) * 1000 + Sm;
    }
}
