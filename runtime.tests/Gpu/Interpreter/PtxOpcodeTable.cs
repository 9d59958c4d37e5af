using System.Collections.Generic;

namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>
    /// How one full opcode (with every modifier and type, e.g. <c>ld.global.nc.v4.f32</c>) decodes: the operation
    /// and the shape of each operand. Operand codes: D = destination register (32b any 32-bit, 32i integer-typed,
    /// 32f float-typed, 64, P predicate); S = source (same classes; register or immediate); M32/M64 = mov source
    /// (also a special register or a shared variable's address); AG/AS = global/shared address; AP32/AP64 = a
    /// parameter; V4D/V4S = a vector of four 32-bit registers; L = label; B0 = barrier 0.
    /// </summary>
    internal sealed record OpSpec(Op Op, string[] Operands, Cmp Cmp = Cmp.Eq, byte Flags = 0, int MinSm = 0, int MinVersion = 0);

    /// <summary>Every opcode of the contract (notes/ptx-subset.md); anything else is rejected at load.</summary>
    internal static class PtxOpcodeTable
    {
        private static readonly Dictionary<string, OpSpec> Table = Build();

        public static bool TryGet(string opcode, out OpSpec spec)
        {
            if (Table.TryGetValue(opcode, out var found))
            {
                spec = found;
                return true;
            }

            spec = null!;
            return false;
        }

        private static Dictionary<string, OpSpec> Build()
        {
            var t = new Dictionary<string, OpSpec>(System.StringComparer.Ordinal);
            void Add(string name, Op op, params string[] operands) => t.Add(name, new OpSpec(op, operands));

            Add("mov.b32", Op.Mov32, "D32b", "M32b");
            Add("mov.u32", Op.Mov32, "D32i", "M32i");
            Add("mov.s32", Op.Mov32, "D32i", "M32i");
            Add("mov.f32", Op.Mov32, "D32f", "S32f");
            Add("mov.b64", Op.Mov64, "D64", "M64");
            Add("mov.u64", Op.Mov64, "D64", "M64");
            Add("mov.pred", Op.Mov32, "DP", "SP");

            Add("ld.param.u64", Op.Mov64, "D64", "AP64");
            foreach (var type in new[] { "u32", "s32", "f32" })
            {
                Add("ld.param." + type, Op.Mov32, "D32b", "AP32");
            }

            Add("cvta.to.global.u64", Op.Mov64, "D64", "S64");

            foreach (var type in new[] { "s32", "u32" })
            {
                Add("add." + type, Op.AddI32, "D32i", "S32i", "S32i");
                Add("sub." + type, Op.SubI32, "D32i", "S32i", "S32i");
                Add("mul.lo." + type, Op.MulLoI32, "D32i", "S32i", "S32i");
                Add("mad.lo." + type, Op.MadLoI32, "D32i", "S32i", "S32i", "S32i");
                Add("div." + type, type == "s32" ? Op.DivS32 : Op.DivU32, "D32i", "S32i", "S32i");
                Add("rem." + type, type == "s32" ? Op.RemS32 : Op.RemU32, "D32i", "S32i", "S32i");
                Add("min." + type, type == "s32" ? Op.MinS32 : Op.MinU32, "D32i", "S32i", "S32i");
                Add("max." + type, type == "s32" ? Op.MaxS32 : Op.MaxU32, "D32i", "S32i", "S32i");
                Add("mul.wide." + type, type == "s32" ? Op.MulWideS32 : Op.MulWideU32, "D64", "S32i", "S32i");
                Add("mad.wide." + type, type == "s32" ? Op.MadWideS32 : Op.MadWideU32, "D64", "S32i", "S32i", "S64");
                Add("selp." + type, Op.Selp32, "D32i", "S32i", "S32i", "SP");
            }

            foreach (var type in new[] { "s64", "u64" })
            {
                Add("add." + type, Op.AddI64, "D64", "S64", "S64");
                Add("sub." + type, Op.SubI64, "D64", "S64", "S64");
                Add("mul.lo." + type, Op.MulLoI64, "D64", "S64", "S64");
            }

            Add("add.rn.f32", Op.AddF32, "D32f", "S32f", "S32f");
            Add("sub.rn.f32", Op.SubF32, "D32f", "S32f", "S32f");
            Add("mul.rn.f32", Op.MulF32, "D32f", "S32f", "S32f");
            Add("fma.rn.f32", Op.FmaF32, "D32f", "S32f", "S32f", "S32f");
            Add("div.rn.f32", Op.DivF32, "D32f", "S32f", "S32f");
            Add("min.f32", Op.MinF32, "D32f", "S32f", "S32f");
            Add("max.f32", Op.MaxF32, "D32f", "S32f", "S32f");
            Add("neg.f32", Op.NegF32, "D32f", "S32f");
            Add("abs.f32", Op.AbsF32, "D32f", "S32f");
            Add("neg.s32", Op.NegS32, "D32i", "S32i");
            Add("selp.b32", Op.Selp32, "D32b", "S32b", "S32b", "SP");
            Add("selp.f32", Op.Selp32, "D32f", "S32f", "S32f", "SP");

            Add("and.b32", Op.And32, "D32b", "S32b", "S32b");
            Add("or.b32", Op.Or32, "D32b", "S32b", "S32b");
            Add("xor.b32", Op.Xor32, "D32b", "S32b", "S32b");
            Add("xor.b64", Op.Xor64, "D64", "S64", "S64");
            Add("not.b32", Op.Not32, "D32b", "S32b");
            Add("and.pred", Op.AndPred, "DP", "SP", "SP");
            Add("or.pred", Op.OrPred, "DP", "SP", "SP");
            Add("xor.pred", Op.XorPred, "DP", "SP", "SP");
            Add("not.pred", Op.NotPred, "DP", "SP");
            Add("shl.b32", Op.Shl32, "D32b", "S32b", "S32i");
            Add("shr.b32", Op.ShrU32, "D32b", "S32b", "S32i");
            Add("shr.u32", Op.ShrU32, "D32i", "S32i", "S32i");
            Add("shr.b64", Op.ShrU64, "D64", "S64", "S32i");
            Add("shr.u64", Op.ShrU64, "D64", "S64", "S32i");
            Add("shr.s32", Op.ShrS32, "D32i", "S32i", "S32i");

            var compares = new (string Name, Cmp Cmp)[] { ("eq", Cmp.Eq), ("ne", Cmp.Ne), ("lt", Cmp.Lt), ("le", Cmp.Le), ("gt", Cmp.Gt), ("ge", Cmp.Ge) };
            foreach (var (name, cmp) in compares)
            {
                t.Add($"setp.{name}.s32", new OpSpec(Op.SetpS32, new[] { "DP", "S32i", "S32i" }, cmp));
                t.Add($"setp.{name}.u32", new OpSpec(Op.SetpU32, new[] { "DP", "S32i", "S32i" }, cmp));
                t.Add($"setp.{name}.s64", new OpSpec(Op.SetpS64, new[] { "DP", "S64", "S64" }, cmp));
                t.Add($"setp.{name}.u64", new OpSpec(Op.SetpU64, new[] { "DP", "S64", "S64" }, cmp));
                t.Add($"setp.{name}.f32", new OpSpec(Op.SetpF32, new[] { "DP", "S32f", "S32f" }, cmp));
            }

            Add("cvt.u64.u32", Op.CvtU64U32, "D64", "S32i");
            Add("cvt.s64.s32", Op.CvtS64S32, "D64", "S32i");
            Add("cvt.u32.u64", Op.CvtU32U64, "D32i", "S64");
            Add("cvt.rn.f32.s32", Op.CvtF32S32, "D32f", "S32i");
            Add("cvt.rn.f32.u32", Op.CvtF32U32, "D32f", "S32i");
            Add("cvt.rzi.s32.f32", Op.CvtRziS32F32, "D32i", "S32f");
            Add("cvt.rmi.f32.f32", Op.CvtRmiF32F32, "D32f", "S32f");

            Add("ex2.approx.ftz.f32", Op.Ex2Approx, "D32f", "S32f");
            Add("rcp.approx.ftz.f32", Op.RcpApprox, "D32f", "S32f");
            Add("lg2.approx.ftz.f32", Op.Lg2Approx, "D32f", "S32f");
            Add("sqrt.rn.f32", Op.SqrtF32, "D32f", "S32f");
            t.Add("tanh.approx.f32", new OpSpec(Op.TanhApprox, new[] { "D32f", "S32f" }, MinSm: 75, MinVersion: 70));

            foreach (var type in new[] { "f32", "u32", "s32", "b32" })
            {
                Add("ld.global." + type, Op.LdGlobal, "D32b", "AG");
                t.Add("ld.global.nc." + type, new OpSpec(Op.LdGlobal, new[] { "D32b", "AG" }, Flags: InstrFlags.NonCoherent));
                Add("ld.global.cg." + type, Op.LdGlobal, "D32b", "AG");
                Add("ld.shared." + type, Op.LdShared, "D32b", "AS");
                Add("st.global." + type, Op.StGlobal, "AG", "S32b");
                Add("st.global.cg." + type, Op.StGlobal, "AG", "S32b");
                Add("st.shared." + type, Op.StShared, "AS", "S32b");
            }

            Add("ld.global.v4.f32", Op.LdGlobalV4, "V4D", "AG");
            t.Add("ld.global.nc.v4.f32", new OpSpec(Op.LdGlobalV4, new[] { "V4D", "AG" }, Flags: InstrFlags.NonCoherent));
            Add("ld.shared.v4.f32", Op.LdSharedV4, "V4D", "AS");
            Add("st.shared.v4.f32", Op.StSharedV4, "AS", "V4S");

            Add("ld.acquire.gpu.global.u32", Op.LdAcquire, "D32b", "AG");
            t.Add("atom.release.gpu.global.add.u32", new OpSpec(Op.AtomAddU32, new[] { "D32b", "AG", "S32i" }, Flags: InstrFlags.Release));
            t.Add("red.release.gpu.global.add.u32", new OpSpec(Op.RedAddU32, new[] { "AG", "S32i" }, Flags: InstrFlags.Release));
            Add("atom.global.add.u32", Op.AtomAddU32, "D32b", "AG", "S32i");
            Add("atom.global.add.f32", Op.AtomAddF32, "D32b", "AG", "S32f");
            Add("fence.acq_rel.gpu", Op.Fence);
            Add("membar.gl", Op.Fence);

            Add("bar.sync", Op.BarSync, "B0");
            Add("bra", Op.Bra, "L");
            Add("bra.uni", Op.Bra, "L");
            Add("ret", Op.Exit);
            Add("exit", Op.Exit);
            return t;
        }
    }
}
