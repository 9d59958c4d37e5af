import mpmath as mp, sys
mp.mp.dps = 40
T = mp.mpf(sys.argv[1]); NP = int(sys.argv[2]); NQ = int(sys.argv[3])
# tanh(x) ~ x * P(s) / Q(s), s = x^2, Q(0) = 1. Minimise max |tanh - approx| on [0, T] by Lawson-weighted Loeb iterations.
N = 600
xs = [T * (1 - mp.cos(mp.pi * (i + 0.5) / N)) / 2 for i in range(N)]
f = [mp.tanh(x) for x in xs]
w = [mp.mpf(1)] * N
qprev = [mp.mpf(1)] * N
def solve(w, qprev):
    # unknowns p0..p_{NP}, q1..q_{NQ}; residual: (x P(s) - f Q(s)) / Qprev
    m = NP + 1 + NQ
    A = mp.zeros(m, m); b = mp.zeros(m, 1)
    for i in range(N):
        x = xs[i]; s = x * x; wi = w[i] / qprev[i] ** 2
        row = [x * s ** k for k in range(NP + 1)] + [-f[i] * s ** k for k in range(1, NQ + 1)]
        rhs = f[i]
        for a in range(m):
            b[a] += wi * row[a] * rhs
            for c in range(m):
                A[a, c] += wi * row[a] * row[c]
    return mp.lu_solve(A, b)
for it in range(int(sys.argv[4]) if len(sys.argv) > 4 else 12):
    sol = solve(w, qprev)
    P = sol[:NP + 1]; Q = [mp.mpf(1)] + list(sol[NP + 1:])
    err = []
    for i in range(N):
        s = xs[i] ** 2
        q = sum(Q[k] * s ** k for k in range(NQ + 1))
        qprev[i] = q
        err.append(abs(xs[i] * sum(P[k] * s ** k for k in range(NP + 1)) / q - f[i]))
    E = max(err)
    w = [w[i] * (err[i] / E + mp.mpf('1e-3')) for i in range(N)]
    s_ = sum(w); w = [wi / s_ * N for wi in w]
    print(it, mp.nstr(E, 5), file=sys.stderr)
print("P", [mp.nstr(c, 17) for c in P]); print("Q", [mp.nstr(c, 17) for c in Q])
