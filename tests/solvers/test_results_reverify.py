"""The result contract on solvers' results beyond their examples: JSON round trips of other
cases and re-verification catching falsified data.

Oracles: textbook balances (KMnO4 + HCl, Cu + HNO3), the elementary reactions of C/O2/CO/CO2
(Smith and Missen), Strassen's and Laderman's schemes, log 2 / 6/zeta(3) / the golden ratio,
Euler's expansion of e, and small alternating families whose ranks are seen by hand.
"""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from engine.errors import VerificationError
from engine.schemes import Scheme
from solvers.constant_rank import AffineAlternatingSpace, extremal_space
from solvers.constant_rank.space import ConstantRankResult
from solvers.constants import IdentifyResult, identify
from solvers.esma import ESMAResult, analyze
from solvers.lifting import HenselLift, LiftResult, lift_scheme
from solvers.reactions import balance, balance_network, elementary_reactions, half_reactions
from solvers.reactions.balance import BalanceResult
from solvers.reactions.canonical import MinSumResult, min_sum_balance
from solvers.reactions.network import NetworkResult
from solvers.reactions.redox import HalfReactions
from solvers.reactions.species import ElementaryReactions
from solvers.ternary import TernarizeResult


def _roundtrip(r):
    text = json.dumps(r.to_json(), allow_nan=False, sort_keys=True)
    back = type(r).from_json(json.loads(text))
    back.check()
    assert json.dumps(back.to_json(), allow_nan=False, sort_keys=True) == text
    return back


def _fails(r, match=None):
    with pytest.raises(VerificationError, match=match):
        r.check()
    assert not r.is_valid()


# ----------------------------------------------------------------------------- reactions
def test_examples_are_the_textbook_answers():
    assert BalanceResult.example().coefficients == (2, 16, 2, 2, 5, 8)
    assert ElementaryReactions.example().texts() == [
        "2 C + O2 -> 2 CO", "C + O2 -> CO2", "C + CO2 -> 2 CO", "O2 + 2 CO -> 2 CO2"]
    h = HalfReactions.example()
    assert h.overall.text() == "MnO4- + 5 Fe2+ + 8 H+ -> Mn2+ + 5 Fe3+ + 4 H2O"
    assert MinSumResult.example().total == 8
    assert NetworkResult.example().conservation_laws() == (
        {"H2": 1, "H2O": 1, "H2O2": 1}, {"H2": 1, "O2": -2, "H2O2": -1})


def test_balances_roundtrip():
    r = balance("MnO4- + H2O2 -> Mn2+ + O2", medium="acidic")  # not unique: ion_electron set
    back = _roundtrip(r)
    assert back.ion_electron == (2, 5, 6, 2, 5, 8) and back.text() == r.text()
    _roundtrip(balance("C + O2 -> CO + CO2"))
    _roundtrip(half_reactions("Cu + HNO3 -> Cu(NO3)2 + NO + H2O"))  # molecular: ionic kept
    _roundtrip(elementary_reactions(["Cu", "HNO3", "Cu(NO3)2", "NO", "NO2", "H2O"]))
    _roundtrip(balance_network(["N2 + H2 -> NH3", "NH3 + O2 -> NO + H2O"]))


def test_balance_falsifications():
    r = BalanceResult.example()
    _fails(dataclasses.replace(r, elements=("K", "Mn")), "elements")
    _fails(dataclasses.replace(r, coefficients=(4, 32, 4, 4, 10, 16), canonical=(4, 32, 4, 4, 10, 16)),
           "common factor")
    _fails(dataclasses.replace(r, unique=False), "unique")
    h = half_reactions("Cu + HNO3 -> Cu(NO3)2 + NO + H2O")
    _fails(dataclasses.replace(h, oxidation=h.reduction, reduction=h.oxidation))


def test_elementary_reactions_falsifications():
    r = ElementaryReactions.example()
    _fails(ElementaryReactions.tampered(), "incomplete")
    _fails(dataclasses.replace(r, vectors=r.vectors + (tuple(2 * a for a in r.vectors[0]),)), "primitive")
    v = tuple(a + b for a, b in zip(r.vectors[0], r.vectors[1], strict=True))  # a balance, not elementary
    _fails(dataclasses.replace(r, vectors=r.vectors + (v,)), "elementary")
    _fails(dataclasses.replace(r, rank=3), "rank")


def test_min_sum_results():
    M = [[1, 0, -1, -1], [0, 2, -1, -2]]
    r = MinSumResult.example()
    assert _roundtrip(r).rows == tuple(map(tuple, M))
    _fails(MinSumResult.tampered(), "not the canonical")
    _fails(dataclasses.replace(r, total=9), "total")
    _fails(dataclasses.replace(r, x=(3, 2, 2, 2), total=9), "integer combination")
    hand = MinSumResult(x=(3, 2, 2, 1), total=8, method="line", basis=r.basis)  # no problem recorded
    hand.check()
    # a larger system solved by branch and bound (rank 3), and its re-solution
    big = min_sum_balance([[1, 0, 0, -1, -1, 0], [0, 2, 0, -1, -2, -1], [0, 0, 2, 0, 0, -2]], [1] * 6)
    _roundtrip(big)


def test_network_conservation_must_be_a_lattice_basis():
    r = NetworkResult.example()
    w = tuple(2 * a for a in r.conservation[0])
    _fails(dataclasses.replace(r, conservation=(w,) + r.conservation[1:]), "saturated")
    _fails(dataclasses.replace(r, rank=1), "rank")
    _fails(dataclasses.replace(r, matrix=r.matrix[::-1]), "stoichiometric")


# ----------------------------------------------------------------------------- constants
@pytest.mark.parametrize("fn", [
    lambda: 6 / mpmath.zeta(3),
    lambda: mpmath.phi,
    lambda: mpmath.sqrt(7),
    lambda: 2 * mpmath.pi - 3 * mpmath.log(3) + 1,
    lambda: mpmath.mpf(22) / 7,
])
def test_identifications_roundtrip(fn):
    with mpmath.workdps(70):
        x = +fn()
    r = identify(x, digits=60)
    back = _roundtrip(r)
    assert back.expression == r.expression


def test_identification_falsifications():
    r = IdentifyResult.example()
    _fails(IdentifyResult.tampered(), "28 digits only")
    _fails(dataclasses.replace(r, height=2), "height")
    _fails(dataclasses.replace(r, digits_verified=10), "verified to 10")
    import sympy

    _fails(dataclasses.replace(r, expression=sympy.log(2) + sympy.Rational(1, 10**30)), "differs")


def test_esma_results():
    e = ESMAResult.example()
    assert e.expansion.terms[:9] == (2, 1, 2, 1, 1, 4, 1, 1, 6)  # Euler
    back = _roundtrip(e)
    assert back.expansion.terms == e.expansion.terms
    _roundtrip(analyze("sqrt(2)", n_terms=100, kind="nearest"))
    _roundtrip(analyze("pi", n_terms=60))  # no pattern
    _fails(dataclasses.replace(e, mobius=(10, -5, -11, 5)), "differs")
    from engine.contfrac import PCF

    _fails(dataclasses.replace(e, pcf=PCF("8n^2 + 32n + 28", "4n^2 + 12n + 6")), "the pattern gives")
    pat = dataclasses.replace(e.pattern, polynomials=((1,), (2, 3), (1,)))
    _fails(dataclasses.replace(e, pattern=pat), "quasi-polynomial")
    with mpmath.workdps(500):
        x = +mpmath.e
    _roundtrip(analyze(x, n_terms=200))  # an mpf: its expansion is not recomputed, the rest is


# ----------------------------------------------------------------------------- schemes
def test_ternarize_falsifications():
    r = TernarizeResult.example()
    _roundtrip(r)
    P = r.P.copy()
    P[0, 0] += 1
    _fails(dataclasses.replace(r, P=P))
    _fails(dataclasses.replace(r, start_excess=r.start_excess + 1), "start_excess")
    _fails(dataclasses.replace(r, excess=1), "excess")


def test_lifts():
    r = lift_scheme(Scheme.laderman().with_ring("F3"), to="Q")
    back = _roundtrip(r)
    assert back.source == Scheme.laderman().with_ring("F3")
    other = Scheme.strassen().sandwich([[1, 1], [0, 1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]]).with_ring("F2")
    ex = LiftResult.example()
    _fails(dataclasses.replace(ex, source=other), "does not reduce")
    _fails(dataclasses.replace(ex, ring="Q"), "smallest ring")
    _fails(dataclasses.replace(ex, modulus=6), "power of 2")
    T = np.zeros((2, 2, 2), dtype=np.int64)
    T[0, 0, 0], T[1, 1, 1] = 1, 2
    from engine.schemes import BilinearScheme
    from engine.tensors import TargetTensor

    none = lift_scheme(BilinearScheme(TargetTensor(T), [[1, 0]], [[1, 0]], [[1, 0]], ring="F2"), to="Q")
    none.check()  # claims nothing: passes; is_valid stays False as before (nothing lifted)
    assert not none.is_valid()
    _roundtrip(none)
    h = HenselLift.example()
    _roundtrip(h)
    _fails(dataclasses.replace(h, target=None), "no target")
    _fails(dataclasses.replace(h, k=7), "modulus")


# ----------------------------------------------------------------------------- constant rank
def _E(n, i, j, c=1):
    m = [[0] * n for _ in range(n)]
    m[i][j], m[j][i] = c, -c
    return m


def _add(*ms):
    return [[sum(x) for x in zip(*rows, strict=True)] for rows in zip(*ms, strict=True)]


def test_constant_rank_certificates_rechecked():
    base = _add(_E(4, 0, 2), _E(4, 1, 3, -1))  # Pf = t^2 + 1
    fam = AffineAlternatingSpace(base, [_add(_E(4, 0, 1), _E(4, 2, 3))], field="Q")
    res = fam.constant_rank()
    assert res.certificate["kind"] == "no_rational_common_zero"
    _roundtrip(res)
    sp = AffineAlternatingSpace(_E(3, 0, 2), [_add(_E(3, 0, 1), _E(3, 0, 2, -1))], field="Q")
    res = sp.constant_rank()
    assert res.certificate["kind"] == "groebner_unit"
    _roundtrip(res)
    # over F5, t^2 + 1 has the roots 2 and 3: a witness of rank 2
    res5 = AffineAlternatingSpace(base, [_add(_E(4, 0, 1), _E(4, 2, 3))], field=5).constant_rank()
    assert res5.status == "not_constant"
    back = _roundtrip(res5)
    _fails(dataclasses.replace(back, witness=(1,)), "witness has rank")
    wq = AffineAlternatingSpace(_E(2, 0, 1), [_E(2, 0, 1)], field="Q").constant_rank()
    assert wq.witness == (Fraction(-1),)
    _roundtrip(wq)
    ext = extremal_space(6, 2, "Q").constant_rank()
    _roundtrip(ext)
    cert = dict(ext.certificate, indices=[0, 5])
    _fails(dataclasses.replace(ext, certificate=cert), "nonzero constant")
    _fails(dataclasses.replace(ConstantRankResult.example(), certificate={"kind": "exhaustive", "points": 8}))
    unknown = AffineAlternatingSpace(_E(3, 0, 1), [_E(3, 0, 2), _E(3, 1, 2)], field=3).constant_rank(
        method="exhaustive", max_points=2)
    assert unknown.status == "unknown"
    _roundtrip(unknown)


# ----------------------------------------------------------------------------- costs and theory
def test_recursive_costs_recheck():
    from engine.schemes import BilinearScheme
    from engine.structured import structured_tensor
    from solvers.recursive_cost import RecursiveCost, recursive_cost

    T = structured_tensor("ut", 2)
    s = BilinearScheme(T, *T.trivial_scheme())
    for c in (recursive_cost(s), recursive_cost(s, gammas={"gt": Fraction(1, 2)}),
              recursive_cost(s, gammas={"gt": 0.5}), recursive_cost(s, omega=2.5)):
        back = _roundtrip(c)
        assert back.factor == c.factor and type(back.factor) is type(c.factor)
    c = RecursiveCost.example()
    _fails(dataclasses.replace(c, general_calls=3), "counts")
    kinds = ("general",) + c.kinds[1:]  # consistent counts, but not the scheme's reading
    cnt = kinds.count("self"), kinds.count("general")
    fake = dataclasses.replace(c, kinds=kinds, recursive_calls=cnt[0], general_calls=cnt[1],
                               factor=Fraction(cnt[1], 7 - cnt[0]))
    _fails(fake, "the scheme gives")
    dataclasses.replace(fake, scheme=None).check()  # without the scheme: the formula only


def test_constant_rank_theory_rechecks():
    from solvers.constant_rank import constant_rank_theory
    from solvers.constant_rank.theory import ConstantRankTheory

    for n, r, f in ((4, 2, 2), (6, 4, 3), (7, 2, "Q"), (3, 2, 5)):
        _roundtrip(constant_rank_theory(n, r, f))
    th = ConstantRankTheory.example()
    _fails(dataclasses.replace(th, lower_bound=3), "lower_bound")
    _fails(dataclasses.replace(th, covered=False, dimension=None, reason="made up"), "covered")
