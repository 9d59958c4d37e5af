namespace RnnGen.Runtime.Tests.Gpu.Interpreter
{
    /// <summary>PTX of the synchronisation tests (shared by the passing tests and the failures they must catch).</summary>
    internal static class SynchronisationKernels
    {
        /// <summary>
        /// Block sum of in[] through shared memory (tree reduction, 128 threads = 4 warps, bar.sync between levels);
        /// thread 0 writes the CTA's partial and adds it atomically to total. When <paramref name="barrier"/> is
        /// false the bar.sync before the first level is left out (a race).
        /// </summary>
        public static string Reduction(bool barrier = true) => PtxTestKit.Module(
            "reduce",
            "    .param .u64 input,\n    .param .u64 partial,\n    .param .u64 total",
            $$"""
                .shared .align 16 .b8 sums[512];
                ld.param.u64 %rd1, [input];
                ld.param.u64 %rd2, [partial];
                ld.param.u64 %rd3, [total];
                mov.u32 %r1, %tid.x;
                mov.u32 %r2, %ctaid.x;
                mov.u32 %r3, %ntid.x;
                mad.lo.s32 %r4, %r2, %r3, %r1;
                mul.wide.u32 %rd4, %r4, 4;
                add.s64 %rd5, %rd1, %rd4;
                ld.global.nc.u32 %r5, [%rd5];
                mov.u32 %r6, sums;
                shl.b32 %r7, %r1, 2;
                add.u32 %r8, %r6, %r7;
                st.shared.u32 [%r8], %r5;
                {{(barrier ? "bar.sync 0;" : "// (no barrier)")}}
                shr.u32 %r9, %r3, 1;
            $L_level:
                setp.ge.u32 %p1, %r1, %r9;
                @%p1 bra $L_skip;
                shl.b32 %r10, %r9, 2;
                add.u32 %r11, %r8, %r10;
                ld.shared.u32 %r12, [%r11];
                ld.shared.u32 %r13, [%r8];
                add.u32 %r13, %r13, %r12;
                st.shared.u32 [%r8], %r13;
            $L_skip:
                bar.sync 0;
                shr.u32 %r9, %r9, 1;
                setp.ne.u32 %p2, %r9, 0;
                @%p2 bra $L_level;
                setp.ne.u32 %p3, %r1, 0;
                @%p3 bra $L_done;
                ld.shared.u32 %r14, [sums];
                mul.wide.u32 %rd6, %r2, 4;
                add.s64 %rd7, %rd2, %rd6;
                st.global.u32 [%rd7], %r14;
                atom.global.add.u32 %r15, [%rd3], %r14;
            $L_done:
                ret;
            """);

        /// <summary>
        /// Phase 1: every thread writes data[g] = 3g + 1. Grid barrier: bar.sync; thread 0 arrives with
        /// atom.release.gpu (or fence + relaxed atom) on the counter and spins with ld.acquire.gpu (or ld.cg + fence)
        /// until <c>expected</c> CTAs have arrived; bar.sync. Phase 2: out[g] = data[(g + ntid) mod n] (another CTA's).
        /// Without the grid barrier (<paramref name="gridBarrier"/> false) phase 2 races with phase 1.
        /// </summary>
        public static string GridBarrier(bool gridBarrier = true, bool fences = false) => PtxTestKit.Module(
            "grid",
            "    .param .u64 data,\n    .param .u64 out,\n    .param .u64 counter,\n    .param .u32 expected",
            $$"""
                ld.param.u64 %rd1, [data];
                ld.param.u64 %rd2, [out];
                ld.param.u64 %rd3, [counter];
                ld.param.u32 %r20, [expected];
                mov.u32 %r1, %tid.x;
                mov.u32 %r2, %ctaid.x;
                mov.u32 %r3, %ntid.x;
                mov.u32 %r4, %nctaid.x;
                mad.lo.s32 %r5, %r2, %r3, %r1;
                mul.lo.s32 %r6, %r3, %r4;
                mad.lo.s32 %r7, %r5, 3, 1;
                mul.wide.u32 %rd4, %r5, 4;
                add.s64 %rd5, %rd1, %rd4;
                st.global.u32 [%rd5], %r7;
                {{(gridBarrier ? GridSync(fences) : "bar.sync 0;")}}
                add.u32 %r8, %r5, %r3;
                rem.u32 %r8, %r8, %r6;
                mul.wide.u32 %rd6, %r8, 4;
                add.s64 %rd7, %rd1, %rd6;
                ld.global.u32 %r9, [%rd7];
                add.s64 %rd8, %rd2, %rd4;
                st.global.u32 [%rd8], %r9;
                ret;
            """);

        private static string GridSync(bool fences) => fences
            ? """
                bar.sync 0;
                setp.ne.u32 %p1, %r1, 0;
                @%p1 bra $L_wait_done;
                fence.acq_rel.gpu;
                atom.global.add.u32 %r30, [%rd3], 1;
            $L_spin:
                ld.global.cg.u32 %r31, [%rd3];
                setp.lt.u32 %p2, %r31, %r20;
                @%p2 bra $L_spin;
                membar.gl;
            $L_wait_done:
                bar.sync 0;
            """
            : """
                bar.sync 0;
                setp.ne.u32 %p1, %r1, 0;
                @%p1 bra $L_wait_done;
                atom.release.gpu.global.add.u32 %r30, [%rd3], 1;
            $L_spin:
                ld.acquire.gpu.global.u32 %r31, [%rd3];
                setp.lt.u32 %p2, %r31, %r20;
                @%p2 bra $L_spin;
            $L_wait_done:
                bar.sync 0;
            """;
    }
}
