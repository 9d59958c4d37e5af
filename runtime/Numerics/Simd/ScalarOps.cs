using System.Runtime.CompilerServices;

namespace RnnGen.Numerics
{
    /// <summary>One float at a time: the path for machines without SIMD (or with it switched off).</summary>
    public readonly struct ScalarOps : IVectorOps<float>
    {
        /// <inheritdoc/>
        public int Count => 1;

        /// <inheritdoc/>
        public bool WideRegisterFile => false;

        /// <inheritdoc/>
        public float Zero
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => 0f;
        }

        /// <inheritdoc/>
        public float One
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => 1f;
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Create(float value) => value;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Load(ref float source, int offset) => Unsafe.Add(ref source, offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float LoadBFloat16(ref ushort source, int offset) => BFloat16Weights.Load(Unsafe.Add(ref source, offset));

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(float value, ref float destination, int offset) => Unsafe.Add(ref destination, offset) = value;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Add(float a, float b) => a + b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Subtract(float a, float b) => a - b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Multiply(float a, float b) => a * b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float MultiplyAdd(float a, float b, float c) => VectorMath.MultiplyAdd(a, b, c);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Sigmoid(float x) => VectorMath.Sigmoid(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Tanh(float x) => VectorMath.Tanh(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Relu(float x) => VectorMath.Relu(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float HardSigmoid(float x) => VectorMath.HardSigmoid(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float PositiveMask(float x) => VectorMath.PositiveMask(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float HardSigmoidSlope(float y) => VectorMath.HardSigmoidSlope(y);
    }
}
