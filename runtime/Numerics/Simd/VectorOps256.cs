using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Numerics
{
    /// <summary>8 lanes in a <c>Vector256&lt;float&gt;</c> (AVX2: 16 registers).</summary>
    public readonly struct VectorOps256 : IVectorOps<Vector256<float>>
    {
        /// <inheritdoc/>
        public int Count => 8;

        /// <inheritdoc/>
        public bool WideRegisterFile => false;

        /// <inheritdoc/>
        public Vector256<float> Zero
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector256<float>.Zero;
        }

        /// <inheritdoc/>
        public Vector256<float> One
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector256<float>.One;
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Create(float value) => Vector256.Create(value);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Load(ref float source, int offset) => Vector256.LoadUnsafe(ref source, (uint)offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> LoadBFloat16(ref ushort source, int offset) => BFloat16Weights.Load256(ref source, (uint)offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Vector256<float> value, ref float destination, int offset) => Vector256.StoreUnsafe(value, ref destination, (uint)offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => VectorMath.MultiplyAdd(a, b, c);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Sigmoid(Vector256<float> x) => VectorMath.Sigmoid(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Tanh(Vector256<float> x) => VectorMath.Tanh(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Relu(Vector256<float> x) => VectorMath.Relu(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> HardSigmoid(Vector256<float> x) => VectorMath.HardSigmoid(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> PositiveMask(Vector256<float> x) => VectorMath.PositiveMask(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> HardSigmoidSlope(Vector256<float> y) => VectorMath.HardSigmoidSlope(y);
    }
}
