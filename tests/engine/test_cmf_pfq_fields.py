"""The pFq conservative matrix fields (engine.cmf.hypergeometric_pfq_field): exactly conservative
for several (p, q) and z (symbolic z too), the 2F1/1F1 fields already shipped are the p, q = 2, 1
and 1, 1 members, every step carries the hypergeometric state (F, theta F, ...) to the next
lattice point and trajectory limits are the ratios mpmath's hypergeometric functions give
(the oracle: mpmath.hyper, at points where the series converge)."""

from __future__ import annotations

import warnings

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cmf import (
    DivergentSeriesWarning,
    MatrixField,
    _1f1_matrices,
    _2f1_matrices,
    _flint_conservative,
    _flint_ctx,
    _pfq_matrices,
    _rational_matrix,
    hypergeometric_pfq_field,
    pfq_divergence_reason,
    pfq_rank,
    pfq_symbols,
)
from engine.errors import InvalidInputError, NoConvergenceError, VerificationError

CASES = [(0, 1, "2"), (1, 2, "1/3"), (2, 2, "-1"), (3, 2, "1/2"), (3, 2, "1"), (3, 3, "-1"),
         (4, 3, "1"), (4, 3, "1/2"), (1, 1, "1"), (2, 1, "-1")]


@pytest.mark.parametrize("p,q,z", CASES)
def test_conservative_exactly(p, q, z):
    f = hypergeometric_pfq_field(p, q, z)
    assert f.dimension == p + q and f.size == pfq_rank(p, q, z)
    assert f.is_conservative()
    f.check()


@pytest.mark.parametrize("p,q", [(2, 1), (3, 2), (1, 2), (2, 0)])
def test_conservative_for_symbolic_z(p, q):
    z = sympy.Symbol("z")
    syms = pfq_symbols(p, q) + (z,)
    ctx = _flint_ctx(syms)
    parts = [_rational_matrix(m, syms, ctx) for m in _pfq_matrices(p, q, z)]
    assert _flint_conservative(parts, ctx) == []


def test_flint_check_agrees_with_sympy_and_catches_a_perturbation():
    f = hypergeometric_pfq_field(3, 2, 1)
    # the sympy route (simplify of each defect entry) on one pair, independently of flint
    assert all(e == 0 for e in f.defect(0, 3))
    mats = list(f.matrices)
    mats[4] = mats[4] + sympy.Matrix([[0, 1], [0, 0]])
    bad = MatrixField(tuple(mats), f.symbols, "bad")
    assert not bad.is_conservative()
    assert any(e != 0 for e in bad.defect(0, 4))
    with pytest.raises(VerificationError, match="not conservative"):
        bad.check()


@pytest.mark.parametrize("z", ["1/2", "-1", "1/3", "2"])
def test_2f1_member_is_the_shipped_2f1_field(z):
    a, b, c = sympy.symbols("a b c")
    a1, a2, b1 = pfq_symbols(2, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergentSeriesWarning)
        mine = _pfq_matrices(2, 1, z)
    theirs = _2f1_matrices(sympy.Rational(z))
    for m, e in zip(mine, theirs, strict=True):
        d = m.subs({a1: a, a2: b, b1: c}, simultaneous=True) - e
        assert all(sympy.cancel(x) == 0 for x in d)


@pytest.mark.parametrize("z", [1, 2, "-1/2"])
def test_1f1_member_is_the_shipped_1f1_field(z):
    a, c = sympy.symbols("a c")
    a1, b1 = pfq_symbols(1, 1)
    for m, e in zip(_pfq_matrices(1, 1, z), _1f1_matrices(sympy.Rational(z)), strict=True):
        d = m.subs({a1: a, b1: c}, simultaneous=True) - e
        assert all(sympy.cancel(x) == 0 for x in d)


def _hyp(a, b, z):
    """pFq(a; b; z) from mpmath: mpmath.hyper, except at z = 1 where the series is summed by
    mpmath.nsum (mpmath 1.3's hyper returns 1.4e-9 for 3F2(4/3, 10/7, 34/21; 41/2, 43/2; 1), a
    series of positive terms starting at 1, so at z = 1 with s = sum(b) - sum(a) > 10, where the
    terms fall like n^-(s+1), the series is summed term by term)."""
    if z == 1 and sum(b) - sum(a) > 10:
        def term(n):
            return (mpmath.fprod(mpmath.rf(t, n) for t in a)
                    / mpmath.fprod(mpmath.rf(t, n) for t in b) / mpmath.factorial(n))
        return mpmath.nsum(term, [0, mpmath.inf])
    return mpmath.hyper(a, b, z)


def _state(p, q, z, x, r):
    """(theta^k F)_{k<r} at the parameters x from mpmath.hyper: theta^k = sum_j S(k, j) z^j
    (d/dz)^j and F^(j) = (a)_j / (b)_j pFq(a + j; b + j; z)."""
    a, b = x[:p], x[p:]
    out = []
    for k in range(r):
        s = mpmath.mpf(0)
        for j in range(1, k + 1) if k else [0]:
            S = int(sympy.functions.combinatorial.numbers.stirling(k, j)) if k else 1
            c = mpmath.fprod(mpmath.rf(t, j) for t in a) / mpmath.fprod(mpmath.rf(t, j) for t in b)
            s += S * z**j * c * _hyp([t + j for t in a], [t + j for t in b], z)
        out.append(s)
    return mpmath.matrix([out])


def _mp(e):
    e = sympy.Rational(e)
    return mpmath.mpf(int(e.p)) / int(e.q)


@pytest.mark.parametrize("p,q,z", [(0, 1, "2"), (1, 2, "1/3"), (2, 2, "-1"), (3, 2, "1/2"),
                                   (3, 2, "1"), (4, 3, "1"), (4, 3, "-1/2"), (2, 1, "1/3")])
def test_each_step_carries_the_hypergeometric_state(p, q, z):
    f = hypergeometric_pfq_field(p, q, z)
    Z = sympy.Rational(z)
    # a generic point with s = sum(b) - sum(a) large, so every series (and theta^k of it at
    # z = 1) converges
    pt = [sympy.Rational(1, 3) + sympy.Rational(k, 7) for k in range(p)] + \
        [sympy.Rational(39, 2) + k for k in range(q)]
    lead = {True: 1 - Z, False: -Z}[p == q + 1] if p >= q + 1 else 1
    if p == q + 1 and Z == 1:
        lead = 1
    with mpmath.workdps(40):
        x = [_mp(v) for v in pt]
        w = _state(p, q, _mp(Z), x, f.size)
        for i, s in enumerate(f.symbols):
            M = f.matrices[i].subs(dict(zip(f.symbols, pt, strict=True)))
            Mm = mpmath.matrix([[_mp(M[r, c]) for c in range(f.size)] for r in range(f.size)])
            y = list(x)
            y[i] += 1
            scale = _mp(pt[i] * lead) if i < p else 1
            lhs, rhs = w * Mm, _state(p, q, _mp(Z), y, f.size) * scale
            assert mpmath.norm(lhs - rhs) < mpmath.mpf(10) ** -30 * mpmath.norm(rhs), (i, s)


@pytest.mark.parametrize("start,direction", [((1, 1, 1, 2, 3), (0, 0, 0, 1, 1)),
                                             ((1, 1, 1, 2, 3), (1, 1, 1, 2, 2)),
                                             (("1/2", 2, 1, "9/2", "7/2"), (0, 1, 0, 2, 1)),
                                             (("1/3", 1, "1/2", "15/2", "11/2"), (0, 0, 0, 1, 2))])
def test_3f2_at_1_limit_is_minus_theta_f_over_f(start, direction):
    """The 2x2 field of 3F2 at z = 1: the walk's limit is -theta F / F at the start, theta F =
    (prod a / prod b) 3F2(a + 1; b + 1; 1) (both series converge: s > 1 at these starts)."""
    f = hypergeometric_pfq_field(3, 2, 1)
    v = f.limit(start, direction, depth=300, digits=40)
    with mpmath.workdps(50):
        x = [_mp(sympy.Rational(t)) for t in start]
        a, b = x[:3], x[3:]
        F = _hyp(a, b, 1)
        tF = mpmath.fprod(a) / mpmath.fprod(b) * _hyp([t + 1 for t in a], [t + 1 for t in b], 1)
        assert abs(v + tF / F) < mpmath.mpf(10) ** -30


@pytest.mark.parametrize("p,q,z,start,direction", [
    (0, 1, "2", (1,), (1,)),
    (1, 1, "1", (1, 2), (0, 1)),
    (2, 1, "-1", (1, 1, 3), (1, 1, 1)),
    (3, 2, "1/2", (1, 1, 1, 2, 2), (0, 0, 0, 1, 1)),
    (2, 2, "-1", (1, 1, 2, 2), (0, 0, 1, 1)),
    (4, 3, "1/2", (1, 1, 1, 1, 2, 2, 2), (0, 0, 0, 0, 1, 1, 1)),
])
def test_limit_direction_annihilates_the_hypergeometric_state(p, q, z, start, direction):
    """Any size: the walked product's last column tends to a vector v with w(start)^T v = 0
    (w = (F, theta F, ...) from mpmath.hyper; the hypergeometric solution is the subdominant
    one); for 2x2 fields this is limit = -theta F / F."""
    f = hypergeometric_pfq_field(p, q, z)
    P = f.walk(start, direction, 250)
    with mpmath.workdps(50):
        col = [_mp(sympy.Rational(int(P[i, f.size - 1].p), int(P[i, f.size - 1].q)))
               for i in range(f.size)]
        col = [c / col[-1] for c in col]
        w = _state(p, q, _mp(sympy.Rational(z)), [mpmath.mpf(t) for t in start], f.size)
        dot = sum(w[k] * col[k] for k in range(f.size))
        assert abs(dot) < mpmath.mpf(10) ** -30 * max(abs(t) for t in w)
        if f.size == 2:
            v = f.limit(start, direction, depth=250, digits=40)
            assert abs(v + w[1] / w[0]) < mpmath.mpf(10) ** -30


def test_3f2_at_1_zeta2_and_catalan_trajectories():
    """3F2(1,1,1;2,3;1) = 2 zeta(2) - 2 and 3F2(1,1,1/2;3/2,3/2;1) = 2G (sum of
    4^n n!^2/((2n+1)! (2n+1))): their vertical trajectories identify with zeta(2) and Catalan."""
    from solvers.constants import identify

    f = hypergeometric_pfq_field(3, 2, 1)
    v = f.limit((1, 1, 1, 2, 3), (0, 0, 0, 1, 1), depth=200, digits=40)
    with mpmath.workdps(40):
        assert abs(v - (mpmath.pi**2 - 12) / (mpmath.pi**2 - 6)) < mpmath.mpf(10) ** -30
    v = f.limit((1, 1, "1/2", "3/2", "3/2"), (0, 0, 0, 1, 1), depth=200, digits=40)
    ident = identify(v, digits=30, constants=["catalan"])
    assert ident is not None and "Catalan" in str(ident.expression)
    with mpmath.workdps(40):
        G = +mpmath.catalan
        assert abs(v - (1 + 2 * G) / (4 * G)) < mpmath.mpf(10) ** -30
    # its PCF: p_n / q_n of the contracted fraction tends to a Mobius form of zeta(2)
    pcf = f.to_pcf((1, 1, 1, 2, 3), (0, 0, 0, 1, 1)).canonical()
    pn, qn = pcf.convergent(300)
    with mpmath.workdps(70):
        x = mpmath.mpf(pn) / qn
        assert identify(x, digits=30, constants=["zeta(2)"], max_height=1000) is not None


def test_latex():
    text = hypergeometric_pfq_field(3, 2, 1)._repr_latex_()
    assert text.startswith("$M_{a_{1}} = ") and "3F2(a;b;1)" in text and "b_{2}" in text


def test_hostile_input_names_the_argument():
    for p, q in [(-1, 2), (1.5, 1), ("3", 2), (True, 1), (0, 0), (6, 6), (7, 0)]:
        with pytest.raises(InvalidInputError, match=r"\bp\b|\bq\b"):
            hypergeometric_pfq_field(p, q, "1/2")
    for z in ("0", 0, "x", None, 10**9, "1/0"):
        with pytest.raises(InvalidInputError, match="z"):
            hypergeometric_pfq_field(3, 2, z)
    with pytest.raises(InvalidInputError, match="rank 1"):
        hypergeometric_pfq_field(2, 1, 1)
    f = hypergeometric_pfq_field(3, 2, 1)
    with pytest.raises(NoConvergenceError, match=r"pole.*M_b\d at \(2, 2, 2, 2, 2\).*a3 - b\d = 0"):
        f.limit((1, 1, 1, 1, 2), (1, 1, 1, 1, 1), depth=5)
    with pytest.raises(InvalidInputError, match="start"):
        f.walk((1, 1, 1, 2), (0, 0, 0, 1, 1), 5)
    with pytest.raises(InvalidInputError, match="start"):
        f.walk((1, 1, 1, 2, 0.5), (0, 0, 0, 1, 1), 5)
    with pytest.raises(InvalidInputError, match="direction"):
        f.walk((1, 1, 1, 2, 3), (0, 0, 0, -1, 1), 5)


def test_divergence_is_warned_with_the_reason():
    with pytest.warns(DivergentSeriesWarning, match="diverges for every z"):
        hypergeometric_pfq_field(2, 0, "1/2")
    with pytest.warns(DivergentSeriesWarning, match=r"\|z\| <= 1"):
        hypergeometric_pfq_field(3, 2, 2)
    assert pfq_divergence_reason(3, 2, 1, (1, 1, 1, 2, 3)) is None
    assert "s = 0" in pfq_divergence_reason(3, 2, 1, (1, 1, 1, 1, 2))
    assert pfq_divergence_reason(3, 2, -1, (1, 1, 1, 1, 2)) is None      # s = 0 > -1
    assert pfq_divergence_reason(1, 3, 100) is None
    with pytest.raises(InvalidInputError, match="start"):
        pfq_divergence_reason(3, 2, 1, (1, 2))


_ARGS = st.one_of(st.integers(-3, 3), st.text(max_size=6), st.none(), st.floats(allow_nan=True),
                  st.fractions(max_denominator=5), st.booleans())


@settings(max_examples=40, deadline=None)
@given(p=_ARGS, q=_ARGS, z=_ARGS)
def test_hostile_arguments_never_crash(p, q, z):
    """Any p, q, z: a conservative field or InvalidInputError (never another exception)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergentSeriesWarning)
        try:
            f = hypergeometric_pfq_field(p, q, z)
        except InvalidInputError as exc:
            assert "\n" not in str(exc)
            return
    assert f.dimension == p + q and f.is_conservative()
