"""Tests of engine.cmf: the shipped conservative matrix fields of e, pi, zeta(3) (Elimelech et al.,
PNAS 2024) are conservative (exact symbolic check) and their trajectories converge to Mobius
forms of their constants (identified, verified at 2x precision)."""

import mpmath
import pytest
import sympy

from engine.cmf import CMF, KNOWN_CMFS, X, Y
from engine.errors import InvalidInputError, VerificationError
from solvers.constants import identify


@pytest.mark.parametrize("name", sorted(KNOWN_CMFS))
def test_known_fields_are_conservative(name):
    field = KNOWN_CMFS[name]()
    assert field.is_conservative()
    field.check()


@pytest.mark.parametrize("name, direction, depth", [("e", (1, 0), 200), ("pi", (1, 0), 400), ("zeta(3)", (1, 1), 80)])
def test_trajectory_limits_identified(name, direction, depth):
    field = KNOWN_CMFS[name]()
    v = field.limit(start=(1, 1), direction=direction, depth=depth, digits=40)
    r = identify(v, digits=30, constants=[name], method="mobius")
    assert r is not None and r.constants == (name,)


def test_path_independence_numeric():
    field = KNOWN_CMFS["pi"]()
    # two paths from (1,1) to (3,2): x,x,y  and  y,x,x give the same product
    A = field.Mx.subs({X: 1, Y: 1}) * field.Mx.subs({X: 2, Y: 1}) * field.My.subs({X: 3, Y: 1})
    B = field.My.subs({X: 1, Y: 1}) * field.Mx.subs({X: 1, Y: 2}) * field.Mx.subs({X: 2, Y: 2})
    assert sympy.simplify(A - B) == sympy.zeros(2, 2)


def test_non_conservative_detected():
    bad = CMF(sympy.Matrix([[0, -X], [1, X + Y]]), sympy.Matrix([[1, Y], [1, X]]), "bad")
    assert not bad.is_conservative()
    with pytest.raises(VerificationError):
        bad.check()


def test_to_pcf_limit_is_mobius_of_field_limit():
    field = KNOWN_CMFS["e"]()
    f = field.to_pcf((1, 1), (1, 0))
    x = f.limit(30)
    r = identify(x, digits=30, constants=["e"], method="mobius")
    assert r is not None


def test_bad_fields():
    with pytest.raises(InvalidInputError):
        CMF(sympy.Matrix([[1, 2, 3]]), sympy.eye(2))
    z = sympy.Symbol("z")
    with pytest.raises(InvalidInputError):
        CMF(sympy.Matrix([[z, 0], [0, 1]]), sympy.eye(2))
    with pytest.raises(InvalidInputError):
        KNOWN_CMFS["e"]().trajectory_matrix((-1, 0))
    assert mpmath.mpf(1)  # keep mpmath imported for clarity of the module


def test_non_conservative_names_the_shift():
    bad = CMF(sympy.Matrix([[0, -X], [1, X + Y]]), sympy.Matrix([[1, Y], [1, X]]), "bad")
    assert bad.failing_shift() == (0, 0)
    with pytest.raises(VerificationError, match=r"at \(x, y\) = \(0, 0\)"):
        bad.check()
    assert KNOWN_CMFS["pi"]().failing_shift() is None


def test_pole_on_trajectory_is_named():
    from engine.errors import NoConvergenceError

    f = CMF([[1, 1 / (X - 3)], [0, 1]], [[1, 0], [0, 1]], "p")
    with pytest.raises(NoConvergenceError, match=r"\(x, y\) = \(3, 1\).*x - 3"):
        f.walk((1, 1), (1, 0), 5)


def test_latex_display():
    from engine.contfrac import PCF

    assert "cfrac" in PCF("2n+1", "n^2")._repr_latex_()
    assert "M_x" in KNOWN_CMFS["e"]()._repr_latex_()


def test_matrix_field_any_dimension():
    from engine.cmf import MatrixField

    z3 = KNOWN_CMFS["zeta(3)"]()
    f2 = MatrixField.from_cmf(z3)
    assert f2.is_conservative()
    assert f2.limit((1, 1), (1, 1), 60) == z3.limit((1, 1), (1, 1), 60)
    Z = sympy.Symbol("z")
    f3 = MatrixField((z3.Mx, z3.My, sympy.eye(2) * (Z + 1)), (X, Y, Z), "z3 x scalar")
    assert f3.is_conservative() and f3.dimension == 3
    with mpmath.workdps(40):
        v = f3.limit((1, 1, 0), (1, 1, 1), 80, 30)
        assert abs(v - (1 / mpmath.zeta(3) - 1)) < mpmath.mpf(10) ** -25
    bad = MatrixField((z3.Mx, z3.My, sympy.Matrix([[1, X], [0, 1]])), (X, Y, Z), "bad")
    assert bad.failing_shift() == (0, 2, (0, 0, 0))
    with pytest.raises(VerificationError, match="axes x, z"):
        bad.check()
    with pytest.raises(InvalidInputError, match="direction"):
        f3.walk((1, 1, 1), (1, 1), 5)
    with pytest.raises(InvalidInputError, match="symbols"):
        MatrixField((sympy.Matrix([[X, Z], [0, 1]]),), (X,))
