using System;
using System.Runtime.CompilerServices;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>The instruction loop and the memory operations.</summary>
    internal sealed partial class KernelExecution
    {
        /// <summary>Runs thread <paramref name="t"/> for up to <paramref name="burst"/> instructions; returns how many ran.</summary>
        private int RunBurst(int t, int burst)
        {
            var code = _code;
            ref var r = ref _regs[t * _slots];
            var pc = _pcs[t];
            var n = 0;
            while (n < burst)
            {
                ref readonly var ins = ref code[pc];
                n++;
                if (ins.Guard >= 0 && ((Unsafe.Add(ref r, ins.Guard) != 0) == ins.GuardNegated))
                {
                    pc++;
                    continue;
                }

                switch (ins.Op)
                {
                    case Op.Mov32:
                        Unsafe.Add(ref r, ins.D) = (uint)Unsafe.Add(ref r, ins.A);
                        break;
                    case Op.Mov64:
                        Unsafe.Add(ref r, ins.D) = Unsafe.Add(ref r, ins.A);
                        break;
                    case Op.AddI32:
                        Unsafe.Add(ref r, ins.D) = (uint)(Unsafe.Add(ref r, ins.A) + Unsafe.Add(ref r, ins.B));
                        break;
                    case Op.SubI32:
                        Unsafe.Add(ref r, ins.D) = (uint)(Unsafe.Add(ref r, ins.A) - Unsafe.Add(ref r, ins.B));
                        break;
                    case Op.AddI64:
                        Unsafe.Add(ref r, ins.D) = Unsafe.Add(ref r, ins.A) + Unsafe.Add(ref r, ins.B);
                        break;
                    case Op.SubI64:
                        Unsafe.Add(ref r, ins.D) = Unsafe.Add(ref r, ins.A) - Unsafe.Add(ref r, ins.B);
                        break;
                    case Op.MulLoI32:
                        Unsafe.Add(ref r, ins.D) = (uint)Unsafe.Add(ref r, ins.A) * (uint)Unsafe.Add(ref r, ins.B);
                        break;
                    case Op.MulLoI64:
                        Unsafe.Add(ref r, ins.D) = Unsafe.Add(ref r, ins.A) * Unsafe.Add(ref r, ins.B);
                        break;
                    case Op.MulWideS32:
                        Unsafe.Add(ref r, ins.D) = (ulong)((long)(int)Unsafe.Add(ref r, ins.A) * (int)Unsafe.Add(ref r, ins.B));
                        break;
                    case Op.MulWideU32:
                        Unsafe.Add(ref r, ins.D) = (ulong)(uint)Unsafe.Add(ref r, ins.A) * (uint)Unsafe.Add(ref r, ins.B);
                        break;
                    case Op.MadLoI32:
                        Unsafe.Add(ref r, ins.D) = (uint)(((uint)Unsafe.Add(ref r, ins.A) * (uint)Unsafe.Add(ref r, ins.B)) + (uint)Unsafe.Add(ref r, ins.C));
                        break;
                    case Op.MadWideS32:
                        Unsafe.Add(ref r, ins.D) = (ulong)((long)(int)Unsafe.Add(ref r, ins.A) * (int)Unsafe.Add(ref r, ins.B)) + Unsafe.Add(ref r, ins.C);
                        break;
                    case Op.MadWideU32:
                        Unsafe.Add(ref r, ins.D) = ((ulong)(uint)Unsafe.Add(ref r, ins.A) * (uint)Unsafe.Add(ref r, ins.B)) + Unsafe.Add(ref r, ins.C);
                        break;
                    case Op.DivS32:
                    case Op.RemS32:
                    {
                        var a = (int)Unsafe.Add(ref r, ins.A);
                        var b = (int)Unsafe.Add(ref r, ins.B);
                        if (b == 0)
                        {
                            _pcs[t] = pc;
                            throw Fail(t, pc, "integer division by zero");
                        }

                        // int.MinValue / -1 overflows: the quotient wraps (as the hardware does), the remainder is 0.
                        var result = b == -1 ? (ins.Op == Op.DivS32 ? unchecked(-a) : 0) : (ins.Op == Op.DivS32 ? a / b : a % b);
                        Unsafe.Add(ref r, ins.D) = (uint)result;
                        break;
                    }

                    case Op.DivU32:
                    case Op.RemU32:
                    {
                        var a = (uint)Unsafe.Add(ref r, ins.A);
                        var b = (uint)Unsafe.Add(ref r, ins.B);
                        if (b == 0)
                        {
                            throw Fail(t, pc, "integer division by zero");
                        }

                        Unsafe.Add(ref r, ins.D) = ins.Op == Op.DivU32 ? a / b : a % b;
                        break;
                    }

                    case Op.MinS32:
                        Unsafe.Add(ref r, ins.D) = (uint)Math.Min((int)Unsafe.Add(ref r, ins.A), (int)Unsafe.Add(ref r, ins.B));
                        break;
                    case Op.MinU32:
                        Unsafe.Add(ref r, ins.D) = Math.Min((uint)Unsafe.Add(ref r, ins.A), (uint)Unsafe.Add(ref r, ins.B));
                        break;
                    case Op.MaxS32:
                        Unsafe.Add(ref r, ins.D) = (uint)Math.Max((int)Unsafe.Add(ref r, ins.A), (int)Unsafe.Add(ref r, ins.B));
                        break;
                    case Op.MaxU32:
                        Unsafe.Add(ref r, ins.D) = Math.Max((uint)Unsafe.Add(ref r, ins.A), (uint)Unsafe.Add(ref r, ins.B));
                        break;
                    case Op.NegS32:
                        Unsafe.Add(ref r, ins.D) = (uint)unchecked(-(int)Unsafe.Add(ref r, ins.A));
                        break;
                    case Op.AddF32:
                        SetF(ref r, ins.D, F(ref r, ins.A) + F(ref r, ins.B));
                        break;
                    case Op.SubF32:
                        SetF(ref r, ins.D, F(ref r, ins.A) - F(ref r, ins.B));
                        break;
                    case Op.MulF32:
                        SetF(ref r, ins.D, F(ref r, ins.A) * F(ref r, ins.B));
                        break;
                    case Op.FmaF32:
                        SetF(ref r, ins.D, MathF.FusedMultiplyAdd(F(ref r, ins.A), F(ref r, ins.B), F(ref r, ins.C)));
                        break;
                    case Op.DivF32:
                        SetF(ref r, ins.D, F(ref r, ins.A) / F(ref r, ins.B));
                        break;
                    case Op.MinF32:
                        SetF(ref r, ins.D, MinF(F(ref r, ins.A), F(ref r, ins.B)));
                        break;
                    case Op.MaxF32:
                        SetF(ref r, ins.D, MaxF(F(ref r, ins.A), F(ref r, ins.B)));
                        break;
                    case Op.NegF32:
                        Unsafe.Add(ref r, ins.D) = (uint)Unsafe.Add(ref r, ins.A) ^ 0x8000_0000u;
                        break;
                    case Op.AbsF32:
                        Unsafe.Add(ref r, ins.D) = (uint)Unsafe.Add(ref r, ins.A) & 0x7FFF_FFFFu;
                        break;
                    case Op.And32:
                    case Op.AndPred:
                        Unsafe.Add(ref r, ins.D) = (uint)(Unsafe.Add(ref r, ins.A) & Unsafe.Add(ref r, ins.B));
                        break;
                    case Op.Or32:
                    case Op.OrPred:
                        Unsafe.Add(ref r, ins.D) = (uint)(Unsafe.Add(ref r, ins.A) | Unsafe.Add(ref r, ins.B));
                        break;
                    case Op.Xor32:
                    case Op.XorPred:
                        Unsafe.Add(ref r, ins.D) = (uint)(Unsafe.Add(ref r, ins.A) ^ Unsafe.Add(ref r, ins.B));
                        break;
                    case Op.Xor64:
                        Unsafe.Add(ref r, ins.D) = Unsafe.Add(ref r, ins.A) ^ Unsafe.Add(ref r, ins.B);
                        break;
                    case Op.Not32:
                        Unsafe.Add(ref r, ins.D) = ~(uint)Unsafe.Add(ref r, ins.A);
                        break;
                    case Op.NotPred:
                        Unsafe.Add(ref r, ins.D) = Unsafe.Add(ref r, ins.A) ^ 1;
                        break;
                    case Op.Shl32:
                    {
                        var amount = (uint)Unsafe.Add(ref r, ins.B);
                        Unsafe.Add(ref r, ins.D) = amount >= 32 ? 0u : (uint)Unsafe.Add(ref r, ins.A) << (int)amount;
                        break;
                    }

                    case Op.ShrU32:
                    {
                        var amount = (uint)Unsafe.Add(ref r, ins.B);
                        Unsafe.Add(ref r, ins.D) = amount >= 32 ? 0u : (uint)Unsafe.Add(ref r, ins.A) >> (int)amount;
                        break;
                    }

                    case Op.ShrU64:
                    {
                        var amount = (uint)Unsafe.Add(ref r, ins.B);
                        Unsafe.Add(ref r, ins.D) = amount >= 64 ? 0UL : Unsafe.Add(ref r, ins.A) >> (int)amount;
                        break;
                    }

                    case Op.ShrS32:
                    {
                        var amount = Math.Min((uint)Unsafe.Add(ref r, ins.B), 31u);
                        Unsafe.Add(ref r, ins.D) = (uint)((int)Unsafe.Add(ref r, ins.A) >> (int)amount);
                        break;
                    }

                    case Op.SetpS32:
                        Unsafe.Add(ref r, ins.D) = Compare(ins.Cmp, ((int)Unsafe.Add(ref r, ins.A)).CompareTo((int)Unsafe.Add(ref r, ins.B)));
                        break;
                    case Op.SetpU32:
                        Unsafe.Add(ref r, ins.D) = Compare(ins.Cmp, ((uint)Unsafe.Add(ref r, ins.A)).CompareTo((uint)Unsafe.Add(ref r, ins.B)));
                        break;
                    case Op.SetpS64:
                        Unsafe.Add(ref r, ins.D) = Compare(ins.Cmp, ((long)Unsafe.Add(ref r, ins.A)).CompareTo((long)Unsafe.Add(ref r, ins.B)));
                        break;
                    case Op.SetpU64:
                        Unsafe.Add(ref r, ins.D) = Compare(ins.Cmp, Unsafe.Add(ref r, ins.A).CompareTo(Unsafe.Add(ref r, ins.B)));
                        break;
                    case Op.SetpF32:
                    {
                        var a = F(ref r, ins.A);
                        var b = F(ref r, ins.B);

                        // Ordered compares: every one, 'ne' included, is false when either operand is NaN.
                        Unsafe.Add(ref r, ins.D) = float.IsNaN(a) || float.IsNaN(b) ? 0UL : Compare(ins.Cmp, a < b ? -1 : a > b ? 1 : 0);
                        break;
                    }

                    case Op.Selp32:
                        Unsafe.Add(ref r, ins.D) = (uint)(Unsafe.Add(ref r, ins.C) != 0 ? Unsafe.Add(ref r, ins.A) : Unsafe.Add(ref r, ins.B));
                        break;
                    case Op.CvtU64U32:
                        Unsafe.Add(ref r, ins.D) = (uint)Unsafe.Add(ref r, ins.A);
                        break;
                    case Op.CvtS64S32:
                        Unsafe.Add(ref r, ins.D) = (ulong)(long)(int)Unsafe.Add(ref r, ins.A);
                        break;
                    case Op.CvtU32U64:
                        Unsafe.Add(ref r, ins.D) = (uint)Unsafe.Add(ref r, ins.A);
                        break;
                    case Op.CvtF32S32:
                        SetF(ref r, ins.D, (int)Unsafe.Add(ref r, ins.A));
                        break;
                    case Op.CvtF32U32:
                        SetF(ref r, ins.D, (float)(double)(uint)Unsafe.Add(ref r, ins.A));
                        break;
                    case Op.CvtRziS32F32:
                    {
                        // Float-to-integer conversions saturate; NaN converts to 0 (PTX cvt).
                        var a = F(ref r, ins.A);
                        var value = float.IsNaN(a) ? 0 : a >= 2147483648f ? int.MaxValue : a <= -2147483648f ? int.MinValue : (int)a;
                        Unsafe.Add(ref r, ins.D) = (uint)value;
                        break;
                    }

                    case Op.CvtRmiF32F32:
                        SetF(ref r, ins.D, MathF.Floor(F(ref r, ins.A)));
                        break;
                    case Op.Ex2Approx:
                        SetF(ref r, ins.D, ApproximateMath.Ex2(F(ref r, ins.A), ref _math));
                        break;
                    case Op.RcpApprox:
                        SetF(ref r, ins.D, ApproximateMath.Rcp(F(ref r, ins.A), ref _math));
                        break;
                    case Op.Lg2Approx:
                        SetF(ref r, ins.D, ApproximateMath.Lg2(F(ref r, ins.A), ref _math));
                        break;
                    case Op.SqrtF32:
                        SetF(ref r, ins.D, MathF.Sqrt(F(ref r, ins.A)));
                        break;
                    case Op.TanhApprox:
                        SetF(ref r, ins.D, ApproximateMath.Tanh(F(ref r, ins.A), ref _math));
                        break;
                    case Op.LdGlobal:
                        Unsafe.Add(ref r, ins.D) = GlobalWord(t, pc, Unsafe.Add(ref r, ins.A) + (ulong)ins.Offset, 4, 0, AccessKind.Read, (ins.Flags & InstrFlags.NonCoherent) != 0, 0);
                        break;
                    case Op.LdGlobalV4:
                    {
                        var address = Unsafe.Add(ref r, ins.A) + (ulong)ins.Offset;
                        var nc = (ins.Flags & InstrFlags.NonCoherent) != 0;
                        var w0 = GlobalWord(t, pc, address, 16, 0, AccessKind.Read, nc, 0);
                        var w1 = GlobalWord(t, pc, address, 16, 4, AccessKind.Read, nc, 0);
                        var w2 = GlobalWord(t, pc, address, 16, 8, AccessKind.Read, nc, 0);
                        var w3 = GlobalWord(t, pc, address, 16, 12, AccessKind.Read, nc, 0);
                        (Unsafe.Add(ref r, ins.V0), Unsafe.Add(ref r, ins.V1), Unsafe.Add(ref r, ins.V2), Unsafe.Add(ref r, ins.V3)) = (w0, w1, w2, w3);
                        break;
                    }

                    case Op.StGlobal:
                        GlobalWord(t, pc, Unsafe.Add(ref r, ins.A) + (ulong)ins.Offset, 4, 0, AccessKind.Write, false, (uint)Unsafe.Add(ref r, ins.B));
                        break;
                    case Op.LdShared:
                        Unsafe.Add(ref r, ins.D) = SharedWord(t, pc, SharedAddress(ref r, in ins), 4, 0, false, 0);
                        break;
                    case Op.LdSharedV4:
                    {
                        var address = SharedAddress(ref r, in ins);
                        var w0 = SharedWord(t, pc, address, 16, 0, false, 0);
                        var w1 = SharedWord(t, pc, address, 16, 4, false, 0);
                        var w2 = SharedWord(t, pc, address, 16, 8, false, 0);
                        var w3 = SharedWord(t, pc, address, 16, 12, false, 0);
                        (Unsafe.Add(ref r, ins.V0), Unsafe.Add(ref r, ins.V1), Unsafe.Add(ref r, ins.V2), Unsafe.Add(ref r, ins.V3)) = (w0, w1, w2, w3);
                        break;
                    }

                    case Op.StShared:
                        SharedWord(t, pc, SharedAddress(ref r, in ins), 4, 0, true, (uint)Unsafe.Add(ref r, ins.B));
                        break;
                    case Op.StSharedV4:
                    {
                        var address = SharedAddress(ref r, in ins);
                        CheckShared(t, pc, address, 16);
                        SharedWord(t, pc, address, 16, 0, true, (uint)Unsafe.Add(ref r, ins.V0));
                        SharedWord(t, pc, address, 16, 4, true, (uint)Unsafe.Add(ref r, ins.V1));
                        SharedWord(t, pc, address, 16, 8, true, (uint)Unsafe.Add(ref r, ins.V2));
                        SharedWord(t, pc, address, 16, 12, true, (uint)Unsafe.Add(ref r, ins.V3));
                        break;
                    }

                    case Op.LdAcquire:
                        Unsafe.Add(ref r, ins.D) = GlobalWord(t, pc, Unsafe.Add(ref r, ins.A) + (ulong)ins.Offset, 4, 0, AccessKind.AtomicRead, false, 0);
                        break;
                    case Op.AtomAddU32:
                    case Op.RedAddU32:
                    case Op.AtomAddF32:
                    {
                        var old = Atomic(t, pc, in ins, Unsafe.Add(ref r, ins.A) + (ulong)ins.Offset, (uint)Unsafe.Add(ref r, ins.B));
                        if (ins.Op != Op.RedAddU32)
                        {
                            Unsafe.Add(ref r, ins.D) = old;
                        }

                        break;
                    }

                    case Op.Fence:
                        _race?.Fence(t);
                        break;
                    case Op.BarSync:
                        ArriveAtBarrier(t, pc);
                        return n;
                    case Op.Bra:
                        pc = ins.Target;
                        continue;
                    case Op.Exit:
                        ExitThread(t, pc);
                        return n;
                    default:
                        throw Fail(t, pc, $"internal error: no implementation for {ins.Op}");
                }

                pc++;
            }

            _pcs[t] = pc;
            return n;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float F(ref ulong r, int slot) => BitConverter.UInt32BitsToSingle((uint)Unsafe.Add(ref r, slot));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void SetF(ref ulong r, int slot, float value) => Unsafe.Add(ref r, slot) = BitConverter.SingleToUInt32Bits(value);

        private static ulong Compare(Cmp cmp, int order) => cmp switch
        {
            Cmp.Eq => order == 0 ? 1UL : 0UL,
            Cmp.Ne => order != 0 ? 1UL : 0UL,
            Cmp.Lt => order < 0 ? 1UL : 0UL,
            Cmp.Le => order <= 0 ? 1UL : 0UL,
            Cmp.Gt => order > 0 ? 1UL : 0UL,
            _ => order >= 0 ? 1UL : 0UL,
        };

        /// <summary>PTX min.f32: a NaN operand yields the other one; -0 is less than +0.</summary>
        internal static float MinF(float a, float b)
        {
            if (float.IsNaN(a))
            {
                return b;
            }

            if (float.IsNaN(b))
            {
                return a;
            }

            if (a == b)
            {
                return float.IsNegative(a) ? a : b;
            }

            return a < b ? a : b;
        }

        /// <summary>PTX max.f32: a NaN operand yields the other one; +0 is greater than -0.</summary>
        internal static float MaxF(float a, float b)
        {
            if (float.IsNaN(a))
            {
                return b;
            }

            if (float.IsNaN(b))
            {
                return a;
            }

            if (a == b)
            {
                return float.IsNegative(a) ? b : a;
            }

            return a > b ? a : b;
        }

        private static long SharedAddress(ref ulong r, in Instr ins) =>
            (ins.Flags & InstrFlags.Address32) != 0 ? (long)(uint)Unsafe.Add(ref r, ins.A) + ins.Offset : (long)Unsafe.Add(ref r, ins.A) + ins.Offset;

        private void CheckShared(int t, int pc, long address, int size)
        {
            if (address < 0 || address + size > _sharedBytes)
            {
                throw Fail(t, pc, $"out-of-bounds shared access: {size} bytes at shared address 0x{address:x} (cta {t / _threadsPerBlock}), the CTA has {_sharedBytes} bytes of shared memory");
            }

            if ((address & (size - 1)) != 0)
            {
                throw Fail(t, pc, $"misaligned shared access: {size} bytes at shared address 0x{address:x} must be {size}-byte aligned");
            }
        }

        /// <summary>Reads (or, when <paramref name="write"/>, writes) word <paramref name="offset"/> of a shared access.</summary>
        private uint SharedWord(int t, int pc, long address, int size, int offset, bool write, uint value)
        {
            if (offset == 0)
            {
                CheckShared(t, pc, address, size);
                _sharedAccesses++;
            }

            var cta = t / _threadsPerBlock;
            var at = (int)address + offset;
            var memory = _shared[cta];
            if (_race != null)
            {
                var word = at >> 2;
                var report = _race.Access(_race.SharedShadow(cta), word, RaceDetector.SharedKey(cta, word), t, pc, write ? AccessKind.Write : AccessKind.Read, false);
                if (report != null)
                {
                    RaceFailure(report, t, pc, $"shared (cta {cta})", (ulong)at);
                }
            }

            ref var cell = ref Unsafe.As<byte, uint>(ref memory[at]);
            if (write)
            {
                cell = value;
                return 0;
            }

            return cell;
        }

        private InterpreterBuffer ResolveGlobal(int t, int pc, ulong address, int size, out int offset)
        {
            if ((address & (ulong)(size - 1)) != 0)
            {
                throw Fail(t, pc, $"misaligned global access: {size} bytes at 0x{address:x} must be {size}-byte aligned");
            }

            var relative = address - PtxInterpreterDevice.GlobalBase;
            var index = relative >> 32;
            var buffer = address >= PtxInterpreterDevice.GlobalBase && index < (ulong)_buffers.Length ? _buffers[(int)index] : null;
            var within = (long)(relative & 0xFFFF_FFFFUL);
            if (buffer == null || within + size > buffer.Bytes)
            {
                var what = buffer == null ? "no allocated buffer there" : $"the buffer at 0x{buffer.Address:x} has {buffer.Bytes} bytes, the access ends at byte {within + size}";
                throw Fail(t, pc, $"out-of-bounds global access: {size} bytes at 0x{address:x} ({what})");
            }

            offset = (int)within;
            return buffer;
        }

        /// <summary>One word of a global access; the first word of an access does the bounds and alignment checks.</summary>
        private uint GlobalWord(int t, int pc, ulong address, int size, int wordOffset, AccessKind kind, bool nonCoherent, uint value)
        {
            var buffer = ResolveGlobal(t, pc, address, size, out var offset);
            if (wordOffset == 0)
            {
                _globalAccesses++;
            }

            var at = offset + wordOffset;
            if (_race != null)
            {
                var word = at >> 2;
                var key = RaceDetector.GlobalKey(buffer.Index, word);
                var report = _race.Access(_race.GlobalShadow(buffer.Index, buffer.Bytes), word, key, t, pc, kind, nonCoherent);
                if (report != null)
                {
                    RaceFailure(report, t, pc, "global", address + (ulong)wordOffset);
                }

                if (kind != AccessKind.Write)
                {
                    _race.NoteLoad(t, key);
                }

                if (kind == AccessKind.AtomicRead)
                {
                    _race.Acquire(t, key);
                }
            }

            ref var cell = ref Unsafe.As<byte, uint>(ref buffer.Data[at]);
            if (kind == AccessKind.Write)
            {
                cell = value;
                return 0;
            }

            return cell;
        }

        private uint Atomic(int t, int pc, in Instr ins, ulong address, uint operand)
        {
            var buffer = ResolveGlobal(t, pc, address, 4, out var offset);
            _atomics++;
            if (_race != null)
            {
                var word = offset >> 2;
                var key = RaceDetector.GlobalKey(buffer.Index, word);
                var report = _race.Access(_race.GlobalShadow(buffer.Index, buffer.Bytes), word, key, t, pc, AccessKind.AtomicReadModifyWrite, false);
                if (report != null)
                {
                    RaceFailure(report, t, pc, "global", address);
                }

                _race.NoteLoad(t, key);
                _race.Atomic(t, key, (ins.Flags & InstrFlags.Release) != 0);
            }

            ref var cell = ref Unsafe.As<byte, uint>(ref buffer.Data[offset]);
            var old = cell;
            cell = ins.Op == Op.AtomAddF32
                ? BitConverter.SingleToUInt32Bits(BitConverter.UInt32BitsToSingle(old) + BitConverter.UInt32BitsToSingle(operand))
                : unchecked(old + operand);
            return old;
        }
    }
}
