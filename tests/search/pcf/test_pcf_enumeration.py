"""Tests of search.pcf: the enumeration finds every Mobius-form fraction of a box.

Oracle: an independent brute-force loop over the same box that evaluates each fraction with
engine.contfrac (exact convergents, 30 digits) and runs solvers.constants.identify (PSLQ-type
relation search, verified at 2x precision) restricted to Mobius forms. Known members: Euler's
1/(e-1) = PCF(n, n) and the 4/pi fraction PCF(2n+1, n^2) (Raayoni et al. 2021, Table 1).
"""

import itertools

import pytest
import sympy

from engine.contfrac import PCF
from engine.errors import EngineError, InvalidInputError
from search.pcf import PCFHit, enumerate_pcfs, evaluate_box, search_pcfs
from search.pcf.enumerate import _rational_mask
from solvers.constants import identify


def _brute_force(a_degree, b_degree, R, constants):
    rng = range(-R, R + 1)
    found = set()
    for a in itertools.product(rng, repeat=a_degree + 1):
        for b in itertools.product(rng, repeat=b_degree + 1):
            if not any(a) and not any(b):
                continue
            f = PCF(list(a), list(b))
            try:
                r = f.evaluate(30, max_depth=1 << 13)
            except EngineError:
                continue
            if r.rational is not None:
                continue
            idr = identify(r.value, digits=min(30, r.digits), constants=constants, method="mobius")
            if idr is not None and idr.method == "mobius":
                found.add((tuple(PCF(list(a), list(b)).a), tuple(PCF(list(a), list(b)).b)))
    return found


def _canon(h):
    return (tuple(PCF(h.a, h.b).a), tuple(PCF(h.a, h.b).b))


def test_small_box_matches_brute_force():
    consts = ["e", "pi", "log(2)"]
    hits = enumerate_pcfs(a_degree=1, b_degree=1, coefficient_range=2, constants=consts, workers=1)
    got = {_canon(h) for h in hits}
    assert got == _brute_force(1, 1, 2, consts)
    assert len(got) > 0


def test_hits_are_verified_and_symmetric():
    hits = enumerate_pcfs(1, 1, 2, ["e"], workers=1)
    keys = {(tuple(h.a), tuple(h.b)) for h in hits}
    for h in hits:
        assert isinstance(h, PCFHit) and isinstance(h.a, list) and isinstance(h.b, list)
        assert h.digits_verified >= 25
        assert ((tuple(-c for c in h.a)), tuple(h.b)) in keys  # a -> -a gives -L
        assert isinstance(h.expression, sympy.Expr)
    # Euler: PCF(n, n) = 1/(e - 1)
    euler = [h for h in hits if h.a == [0, 1] and h.b == [0, 1]]
    assert euler and sympy.simplify(euler[0].expression - 1 / (sympy.E - 1)) == 0
    assert euler[0].is_valid()


def test_store_and_resume(tmp_path):
    from search.store import ResultsStore

    db = tmp_path / "cf.db"
    ck = tmp_path / "cf.ckpt"
    r = search_pcfs(1, 1, 1, ["e"], workers=1, store=str(db), checkpoint=ck)
    stored = ResultsStore(str(db)).results(domain="contfrac")
    assert len(stored) == len(r.hits) > 0
    payload = stored[0].payload
    assert {"a", "b", "expression", "digits_verified", "delta", "convergence"} <= set(payload)
    r2 = search_pcfs(1, 1, 1, ["e"], workers=1, store=str(db), checkpoint=ck, resume=True)
    assert len(ResultsStore(str(db)).results(domain="contfrac")) == len(stored)
    assert r2.stop_reason == "exhausted"


def test_float_kernel_and_rational_filter():
    import numpy as np

    r = evaluate_box(np.array([[1, 2], [2, 0], [1, 0]]), np.array([[0, 0, 1], [1, -4, 4], [-1, 0, 0]]))
    assert abs(r["value"][0] - 4 / 3.141592653589793) < 1e-12 and r["status"][0] == 0
    assert r["status"][1] == 1  # Brouncker-type: slow, resolved by extrapolation
    assert abs(r["value"][1] - (1 + 4 / 3.141592653589793)) < 1e-9
    mask = _rational_mask(np.array([22 / 7, 3.141592653589793, 0.5, 2.718281828459045]))
    assert mask.tolist() == [True, False, True, False]


@pytest.mark.parametrize(
    "kw",
    [dict(a_degree=-1), dict(coefficient_range=0), dict(constants=["nope"]), dict(constants=[]),
     dict(depth=1000), dict(max_height=0), dict(workers=0)],
)
def test_bad_arguments(kw):
    args = dict(a_degree=1, b_degree=1, coefficient_range=1, constants=["e"], workers=1)
    args.update(kw)
    with pytest.raises(InvalidInputError):
        search_pcfs(**args)


@pytest.mark.slow
def test_full_box_matches_brute_force():
    consts = ["e", "pi", "log(2)"]
    hits = enumerate_pcfs(1, 2, 3, consts, workers=2)
    assert {_canon(h) for h in hits} >= _brute_force(1, 2, 3, consts)
