"""The 2F1 and 1F1 conservative matrix fields, derived from the contiguous relations: exactly
conservative (symbolic z too), and each step carries (F, z F') at one lattice point to the
next, checked against mpmath's hypergeometric functions."""

from __future__ import annotations

import mpmath
import pytest
import sympy

from engine.cmf import (
    PFQ_FIELDS,
    _1f1_matrices,
    _2f1_matrices,
    hypergeometric_1f1_field,
    hypergeometric_2f1_field,
)
from engine.errors import InvalidInputError, NoConvergenceError

a, b, c = sympy.symbols("a b c")


def _flat(M, S):
    for i in range(len(S)):
        for j in range(i + 1, len(S)):
            d = M[i] * M[j].subs(S[i], S[i] + 1) - M[j] * M[i].subs(S[j], S[j] + 1)
            assert all(sympy.simplify(sympy.together(e)) == 0 for e in d), (i, j)


def test_conservative_for_symbolic_z():
    z = sympy.Symbol("z")
    _flat(_2f1_matrices(z), (a, b, c))
    _flat(_1f1_matrices(z), (a, c))


def test_a_non_conservative_perturbation_is_caught():
    Ma, Mb, Mc = _2f1_matrices(sympy.Rational(1, 2))
    from engine.cmf import MatrixField
    from engine.errors import VerificationError

    bad = MatrixField((Ma, Mb + sympy.Matrix([[0, 1], [0, 0]]), Mc), (a, b, c), "bad")
    with pytest.raises(VerificationError):
        bad.check()


def _w2f1(x, z):
    A, B, C = x
    f = mpmath.hyp2f1(A, B, C, z)
    d = z * mpmath.diff(lambda t: mpmath.hyp2f1(A, B, C, t), z)
    return mpmath.matrix([[f, d]])


@pytest.mark.parametrize("z", ["1/2", "-1", "1/3"])
def test_2f1_steps_carry_the_function(z):
    field = hypergeometric_2f1_field(z)
    zz = sympy.Rational(z)
    scal = [a * (1 - zz), b * (1 - zz), sympy.Integer(1)]
    with mpmath.workdps(40):
        Z = mpmath.mpf(zz.p) / zz.q
        x = (mpmath.mpf(1) / 3, mpmath.mpf(5) / 4, mpmath.mpf(7) / 2)
        xs = {a: sympy.Rational(1, 3), b: sympy.Rational(5, 4), c: sympy.Rational(7, 2)}
        w = _w2f1(x, Z)
        for i in range(3):
            M = field.matrices[i].subs(xs)
            Mm = mpmath.matrix([[mpmath.mpf(sympy.Rational(e).p) / sympy.Rational(e).q
                                 for e in M.row(r)] for r in range(2)])
            s = sympy.Rational(scal[i].subs(xs))
            y = list(x)
            y[i] += 1
            lhs = w * Mm
            rhs = _w2f1(y, Z) * (mpmath.mpf(s.p) / s.q)
            assert mpmath.norm(lhs - rhs) < mpmath.mpf(10) ** -30


def test_1f1_steps_carry_the_function_and_e_trajectory():
    field = hypergeometric_1f1_field(1)
    with mpmath.workdps(40):
        def w(A, C):
            return mpmath.matrix([[mpmath.hyp1f1(A, C, 1),
                                   mpmath.diff(lambda t: mpmath.hyp1f1(A, C, t), 1)]])
        A, C = mpmath.mpf(2) / 3, mpmath.mpf(9) / 4
        xs = {a: sympy.Rational(2, 3), c: sympy.Rational(9, 4)}
        for i, (y, s) in enumerate((((A + 1, C), A), ((A, C + 1), 1))):
            M = field.matrices[i].subs(xs)
            Mm = mpmath.matrix([[mpmath.mpf(sympy.Rational(e).p) / sympy.Rational(e).q
                                 for e in M.row(r)] for r in range(2)])
            assert mpmath.norm(w(A, C) * Mm - w(*y) * s) < mpmath.mpf(10) ** -30
        v = field.limit((1, 2), (0, 1), depth=120, digits=30)
        assert abs(v + 1 / (mpmath.e - 1)) < mpmath.mpf(10) ** -28


def test_2f1_trajectory_gives_log2():
    field = hypergeometric_2f1_field(-1)
    with mpmath.workdps(40):
        v = field.limit((1, 1, 3), (1, 1, 1), depth=200, digits=30)
        L = mpmath.log(2)
        assert abs(v - (3 * L - 2) / (2 * L - 1)) < mpmath.mpf(10) ** -28
    pcf = field.to_pcf((1, 1, 3), (1, 1, 1)).canonical()
    assert pcf.a == [9, 3] and pcf.b == [-6, -8, -2]


def test_hostile():
    for bad in ("0", "1", "x", 10**9, None):
        with pytest.raises(InvalidInputError, match="z"):
            hypergeometric_2f1_field(bad)
    with pytest.raises(InvalidInputError, match="z"):
        hypergeometric_1f1_field(0)
    with pytest.raises(InvalidInputError, match="z"):
        hypergeometric_2f1_field(sympy.Symbol("z"))
    with pytest.raises(NoConvergenceError, match="pole"):
        hypergeometric_1f1_field(1).limit((1, 2), (1, 1), depth=10)
    assert set(PFQ_FIELDS) == {"2F1", "1F1"}
