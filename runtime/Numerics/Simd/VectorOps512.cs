using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Numerics
{
    /// <summary>16 lanes in a <c>Vector512&lt;float&gt;</c> (AVX-512: 32 registers).</summary>
    public readonly struct VectorOps512 : IVectorOps<Vector512<float>>
    {
        /// <inheritdoc/>
        public int Count => 16;

        /// <inheritdoc/>
        public bool WideRegisterFile => true;

        /// <inheritdoc/>
        public Vector512<float> Zero
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector512<float>.Zero;
        }

        /// <inheritdoc/>
        public Vector512<float> One
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector512<float>.One;
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Create(float value) => Vector512.Create(value);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Load(ref float source, int offset) => Vector512.LoadUnsafe(ref source, (uint)offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> LoadBFloat16(ref ushort source, int offset) => BFloat16Weights.Load512(ref source, (uint)offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Vector512<float> value, ref float destination, int offset) => Vector512.StoreUnsafe(value, ref destination, (uint)offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => VectorMath.MultiplyAdd(a, b, c);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Sigmoid(Vector512<float> x) => VectorMath.Sigmoid(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Tanh(Vector512<float> x) => VectorMath.Tanh(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Relu(Vector512<float> x) => VectorMath.Relu(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> HardSigmoid(Vector512<float> x) => VectorMath.HardSigmoid(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> PositiveMask(Vector512<float> x) => VectorMath.PositiveMask(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> HardSigmoidSlope(Vector512<float> y) => VectorMath.HardSigmoidSlope(y);
    }
}
