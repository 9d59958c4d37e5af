using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Numerics
{
    /// <summary>4 lanes in a <c>Vector128&lt;float&gt;</c> (SSE on x64 with 16 registers, AdvSimd on ARM64 with 32).</summary>
    public readonly struct VectorOps128 : IVectorOps<Vector128<float>>
    {
        /// <inheritdoc/>
        public int Count => 4;

        /// <inheritdoc/>
        public bool WideRegisterFile => System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported;

        /// <inheritdoc/>
        public Vector128<float> Zero
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector128<float>.Zero;
        }

        /// <inheritdoc/>
        public Vector128<float> One
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector128<float>.One;
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> Create(float value) => Vector128.Create(value);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> Load(ref float source, int offset) => Vector128.LoadUnsafe(ref source, (uint)offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> LoadBFloat16(ref ushort source, int offset) => BFloat16Weights.Load128(ref source, (uint)offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Vector128<float> value, ref float destination, int offset) => Vector128.StoreUnsafe(value, ref destination, (uint)offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => VectorMath.MultiplyAdd(a, b, c);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> Sigmoid(Vector128<float> x) => VectorMath.Sigmoid(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> Tanh(Vector128<float> x) => VectorMath.Tanh(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> Relu(Vector128<float> x) => VectorMath.Relu(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> HardSigmoid(Vector128<float> x) => VectorMath.HardSigmoid(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> PositiveMask(Vector128<float> x) => VectorMath.PositiveMask(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> HardSigmoidSlope(Vector128<float> y) => VectorMath.HardSigmoidSlope(y);
    }
}
