namespace RnnGen.Numerics
{
    /// <summary>
    /// The operations a generated kernel performs on one vector of floats, for one vector width. Each kernel is
    /// emitted once, generic over an implementation of this interface (<see cref="VectorOps512"/>,
    /// <see cref="VectorOps256"/>, <see cref="VectorOps128"/>, <see cref="ScalarOps"/>) and the vector type it works
    /// on; its dispatcher calls the widest one the JIT reports as accelerated. The implementations are empty structs,
    /// so the JIT compiles a separate copy of the kernel for each and inlines every call made through a
    /// <c>default</c> instance: the machine code is the same as a kernel written against <c>Vector512&lt;float&gt;</c>
    /// by hand. Two choices keep it so: the vector type stays the raw intrinsic type (a wrapper struct around it cost
    /// a register move per FMA), and the members are instance members, not static abstract ones, which would need
    /// C# 11 in the user's project.
    /// </summary>
    /// <typeparam name="TVec">The vector type: <c>Vector512&lt;float&gt;</c>, <c>Vector256&lt;float&gt;</c>, <c>Vector128&lt;float&gt;</c> or <c>float</c>.</typeparam>
    /// <example>
    /// <code>
    /// static void Scale&lt;TOps, TVec&gt;(ref float x, float s, int n) where TOps : struct, IVectorOps&lt;TVec&gt; where TVec : struct
    /// {
    ///     TOps ops = default;
    ///     for (int i = 0; i + ops.Count &lt;= n; i += ops.Count)
    ///         ops.Store(ops.Multiply(ops.Load(ref x, i), ops.Create(s)), ref x, i);
    /// }
    /// // Scale&lt;VectorOps512, Vector512&lt;float&gt;&gt;(ref data[0], 2f, data.Length);
    /// </code>
    /// </example>
    public interface IVectorOps<TVec>
        where TVec : struct
    {
        /// <summary>Floats in one vector: 16, 8, 4 or 1.</summary>
        int Count { get; }

        /// <summary>
        /// Whether the target has 32 vector registers for this width (AVX-512), so a kernel can keep more rows'
        /// accumulators live at once; with 16 (AVX2, SSE) it runs one row at a time instead of spilling.
        /// </summary>
        bool WideRegisterFile { get; }

        /// <summary>All lanes 0.</summary>
        TVec Zero { get; }

        /// <summary>All lanes 1.</summary>
        TVec One { get; }

        /// <summary>All lanes <paramref name="value"/>.</summary>
        TVec Create(float value);

        /// <summary>The vector at <paramref name="offset"/> floats from <paramref name="source"/> (no alignment needed).</summary>
        TVec Load(ref float source, int offset);

        /// <summary>bfloat16 values at <paramref name="offset"/> from <paramref name="source"/>, widened to fp32.</summary>
        TVec LoadBFloat16(ref ushort source, int offset);

        /// <summary>Writes <paramref name="value"/> at <paramref name="offset"/> floats from <paramref name="destination"/>.</summary>
        void Store(TVec value, ref float destination, int offset);

        /// <summary><c>a + b</c>.</summary>
        TVec Add(TVec a, TVec b);

        /// <summary><c>a - b</c>.</summary>
        TVec Subtract(TVec a, TVec b);

        /// <summary><c>a · b</c>.</summary>
        TVec Multiply(TVec a, TVec b);

        /// <summary><c>a · b + c</c>, fused where the hardware has FMA (<see cref="VectorMath.MultiplyAdd(float, float, float)"/>).</summary>
        TVec MultiplyAdd(TVec a, TVec b, TVec c);

        /// <summary>σ(x) (<see cref="VectorMath.Sigmoid(float)"/>).</summary>
        TVec Sigmoid(TVec x);

        /// <summary>tanh(x) (<see cref="VectorMath.Tanh(float)"/>).</summary>
        TVec Tanh(TVec x);

        /// <summary>max(x, 0).</summary>
        TVec Relu(TVec x);

        /// <summary>clamp(x / 6 + 1/2, 0, 1).</summary>
        TVec HardSigmoid(TVec x);

        /// <summary>1 where x &gt; 0, else 0: relu' from its output.</summary>
        TVec PositiveMask(TVec x);

        /// <summary>1/6 where 0 &lt; y &lt; 1, else 0: hard sigmoid' from its output.</summary>
        TVec HardSigmoidSlope(TVec y);
    }
}
