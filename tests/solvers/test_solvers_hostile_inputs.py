"""Every public function of the constant-rank, graph, lifting, ternary, recursive-cost and
known-ranks solvers refuses hostile arguments with one clear error.

Property (hypothesis): call a function with valid arguments except one, replaced by a hostile
value (None, bools, NaN, infinities, huge or negative integers, strings, ragged lists, numpy
arrays of the wrong dtype or shape, objects of the wrong kind...). The call either succeeds
or raises an :class:`engine.errors.EngineError` whose message is one line and, for bad input,
names the argument; never a bare ``TypeError``/``ValueError``/``AttributeError``/
``OverflowError`` from deep inside, and never a hang (huge sizes are refused up front).
"""

from __future__ import annotations

import os
import tempfile
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import solvers.constant_rank as cr
import solvers.graphs as sg
import solvers.known_ranks as kr
import solvers.lifting as li
import solvers.recursive_cost as rc
import solvers.ternary as te
from engine.errors import InvalidInputError
from engine.schemes import BilinearScheme, Scheme
from engine.structured import structured_tensor
from engine.testing import assert_clean_refusal


class _Opaque:
    """An object of no useful kind."""


HOSTILE = st.one_of(
    st.sampled_from([None, True, False, float("nan"), float("inf"), "", "abc", "3,x", [],
                     [[]], [[1, 2], [3]], [[None]], {}, _Opaque(), b"\xff", 1.5, -2.5, 1j,
                     Fraction(1, 2), (-1, -2, -3), {1, 2}, np.int64(3), np.float64("nan"),
                     nx.Graph([("a", 1)]), nx.DiGraph([(0, 1)])]),
    st.sampled_from([-1, 0, -(10**30), 10**30, 2**63, 10**6]),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.lists(st.one_of(st.none(), st.integers(-3, 3), st.floats(), st.text(max_size=2)),
             max_size=4),
    st.lists(st.lists(st.one_of(st.integers(-3, 3), st.none()), max_size=3), max_size=3),
    hnp.arrays(dtype=st.sampled_from([np.float64, np.int64, np.bool_, np.dtype("U2")]),
               shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3)),
)


@pytest.fixture(autouse=True)
def _scratch_cwd(tmp_path, monkeypatch):
    """Hostile ``path`` values (``"abc"``, ``"LPT1"``) are valid relative file names: keep
    what ``write_graph`` writes out of the checkout."""
    monkeypatch.chdir(tmp_path)


assert_clean = assert_clean_refusal


def _space():
    return cr.extremal_space(4, 2, 3)


def _f2():
    return Scheme.strassen().with_ring("F2")


def _ug():
    T = structured_tensor("ug", 2)
    return BilinearScheme(T, *T.trivial_scheme())


def _g6_file():
    path = os.path.join(tempfile.mkdtemp(), "c5.g6")
    with open(path, "w") as fh:
        fh.write("Dhc\n")
    return path


_SPACE = ("matrix", "entry", "row", "base", "directions", "space")

#: name -> (function, factory of valid keyword arguments, aliases an argument may be named by).
CASES = {
    "AffineAlternatingSpace": (cr.AffineAlternatingSpace, lambda: {
        "base": [[0, 1], [-1, 0]], "directions": [[[0, 1], [-1, 0]]], "field": 3}, {}),
    "constant_rank_theory": (cr.constant_rank_theory, lambda: {"n": 6, "r": 4, "field": "Q"}, {}),
    "max_constant_rank_dimension": (cr.max_constant_rank_dimension,
                                    lambda: {"n": 6, "r": 4, "field": "Q"}, {}),
    "extremal_space": (cr.extremal_space, lambda: {"n": 6, "r": 4, "field": 5,
                                                   "best_known": False}, {}),
    "formula_dimension": (cr.formula_dimension, lambda: {"n": 7, "r": 4}, {}),
    "best_found": (cr.best_found, lambda: {"n": 6, "r": 4, "field": 2}, {}),
    "pointwise_vanishing_certificate": (cr.pointwise_vanishing_certificate,
                                        lambda: {"space": _space(), "order": 4}, {}),
    "frobenius_space": (cr.frobenius_space, lambda: {"r": 2, "field": 2}, {}),
    "constant_rank_by_slices": (cr.constant_rank_by_slices,
                                lambda: {"space": _space(), "r": 2, "param": -1}, {}),
    "is_maximal": (cr.is_maximal, lambda: {"space": _space(), "r": 2}, {}),
    "proved_upper_bound": (cr.proved_upper_bound, lambda: {"n": 4, "r": 2, "field": 2}, {}),
    "exact_max_dimension": (cr.exact_max_dimension,
                            lambda: {"n": 3, "r": 2, "field": 2, "max_elements": 64},
                            {"n": ("max_elements",), "field": ("max_elements",)}),
    "space.point": (lambda params: _space().point(params), lambda: {"params": [1, 2]}, {}),
    "space.from_json": (cr.AffineAlternatingSpace.from_json, lambda: {"data": _space().to_json()},
                        {"data": ("space JSON", *_SPACE)}),
    "space.rank_profile": (lambda max_points: _space().rank_profile(max_points=max_points),
                           lambda: {"max_points": 100}, {}),
    "space.constant_rank": (lambda method, max_points: _space().constant_rank(
        method=method, max_points=max_points), lambda: {"method": "auto", "max_points": 100}, {}),
    "parse_forbidden": (sg.parse_forbidden, lambda: {"forbidden": "3,4"}, {}),
    "forbidden_label": (sg.forbidden_label, lambda: {"forbidden": (3, 4)}, {}),
    "verify_graph": (sg.verify_graph, lambda: {"G": nx.cycle_graph(5), "forbidden": (3, 4),
                                               "n": 5, "edges": 5}, {}),
    "find_forbidden_cycle": (sg.find_forbidden_cycle,
                             lambda: {"G": nx.cycle_graph(5), "forbidden": "girth5"}, {}),
    "is_forbidden_free": (sg.is_forbidden_free, lambda: {"G": nx.petersen_graph(),
                                                         "forbidden": (4,)}, {}),
    "matrix_check_girth5": (sg.matrix_check_girth5, lambda: {"G": nx.petersen_graph()}, {}),
    "known_value": (sg.known_value, lambda: {"n": 10, "forbidden": (3, 4)}, {}),
    "gap_report": (sg.gap_report, lambda: {"n": 10, "edges": 12, "forbidden": (3, 4)}, {}),
    "read_graph": (sg.read_graph, lambda: {"path": _g6_file(), "fmt": None},
                   {"path": ("graph file",)}),
    "write_graph": (sg.write_graph, lambda: {
        "G": nx.cycle_graph(5), "path": os.path.join(tempfile.mkdtemp(), "x.g6"), "fmt": None,
        "force": False}, {"path": ("output file",)}),
    "to_graph6": (sg.to_graph6, lambda: {"G": nx.cycle_graph(5)}, {}),
    "from_graph6": (sg.from_graph6, lambda: {"text": "Dhc"}, {"text": ("graph6",)}),
    "to_edgelist": (sg.to_edgelist, lambda: {"G": nx.cycle_graph(5)}, {}),
    "from_edgelist": (sg.from_edgelist, lambda: {"text": "0 1\n1 2\n", "source": "<t>"},
                      {"text": ("<t>", "line")}),
    "hensel_lift": (li.hensel_lift, lambda: {"scheme": _f2(), "k": 3}, {}),
    "lift_scheme": (li.lift_scheme, lambda: {"scheme": _f2(), "to": "Q", "k": 4, "attempts": 1,
                                             "seed": 0}, {"scheme": ("scheme ring",)}),
    "lifting.rational_reconstruction": (li.rational_reconstruction, lambda: {"a": 5, "m": 101},
                                        {"a": ("num_bound",), "m": ("2*N*D",)}),
    "ternarize": (te.ternarize, lambda: {"scheme": Scheme.strassen(), "seed": 0, "max_moves": 5,
                                         "restarts": 1, "temperature": 2.0}, {}),
    "excess": (te.excess, lambda: {"scheme": Scheme.strassen()}, {}),
    "recursive_cost": (rc.recursive_cost, lambda: {"scheme": _ug(), "structure": None, "n": None,
                                                   "omega": None, "gammas": None},
                       {"structure": ("structure",), "n": ("structure",), "gammas": ("structure",)}),
    "classify_products": (rc.classify_products, lambda: {"scheme": _ug(), "structure": None,
                                                         "n": None}, {"n": ("structure",)}),
    "naive_additions": (rc.naive_additions, lambda: {"scheme": _ug()}, {}),
    "known_rank": (kr.known_rank, lambda: {"fmt": "2x3x4", "ring": "Z"},
                   {"fmt": ("format",)}),
    "lower_bound": (kr.lower_bound, lambda: {"fmt": (3, 3, 3)}, {"fmt": ("format",)}),
    "known_structured_rank": (kr.known_structured_rank,
                              lambda: {"structure": "ss", "n": 2, "ring": "Q"}, {}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_valid_baseline_succeeds(name):
    fn, make, _ = CASES[name]
    fn(**make())


@pytest.mark.parametrize("name", list(CASES))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_hostile_argument_is_refused_cleanly(name, data):
    fn, make, aliases = CASES[name]
    kwargs = make()
    arg = data.draw(st.sampled_from(sorted(kwargs)), label="argument")
    value = data.draw(HOSTILE, label="value")
    bad = dict(kwargs, **{arg: value})
    extra = _SPACE if arg in ("base", "directions", "space") else ()
    assert_clean(lambda: fn(**bad), arg, aliases.get(arg, ()) + extra)


@pytest.mark.parametrize("call, fragment", [
    (lambda: cr.extremal_space(10**20, 2), "n=100000000000000000000 is too large"),
    (lambda: cr.frobenius_space(10**20, 2), "r=100000000000000000000"),
    (lambda: cr.exact_max_dimension(10**6, 2, 2), "max_elements"),
    (lambda: cr.is_maximal(None, 2), "space=None"),
    (lambda: cr.is_maximal(cr.extremal_space(4, 2, 3), 10**30), "r="),
    (lambda: cr.AffineAlternatingSpace([[0, 1], [-1, 0]], None, 3), "directions=None"),
    (lambda: cr.AffineAlternatingSpace.from_json({"n": "x", "base": [[0]]}), "n must be an integer"),
    (lambda: cr.extremal_space(4, 2, 3).point(["nan", 1]), "params[0]="),
    (lambda: cr.extremal_space(4, 2, 3).constant_rank(max_points=None), "max_points=None"),
    (lambda: sg.from_edgelist("# n=99999999999\n0 1\n"), "MAX_VERTICES"),
    (lambda: sg.from_edgelist("0 99999999999\n"), "MAX_VERTICES"),
    (lambda: sg.from_graph6(None), "text=None"),
    (lambda: sg.parse_forbidden([float("inf")]), "is not a cycle length"),
    (lambda: sg.verify_graph(None), "G=None"),
    (lambda: sg.known_value(None), "n=None"),
    (lambda: sg.read_graph(None), "path=None"),
    (lambda: li.hensel_lift(Scheme.strassen().with_ring("F2"), k=10**30), "k="),
    (lambda: li.lift_scheme(Scheme.strassen().with_ring("F2"), to=np.zeros(2)), "to="),
    (lambda: li.rational_reconstruction(None, 101), "a=None"),
    (lambda: te.excess(None), "scheme=None"),
    (lambda: rc.recursive_cost(None), "scheme=None"),
    (lambda: rc.recursive_cost(_ug(), gammas=True), "gammas=True"),
    (lambda: kr.known_rank("2x2x2", []), "ring=[]"),
    (lambda: kr.known_structured_rank("ss", None), "n=None"),
])
def test_crashes_found_by_the_fuzzer_are_refused(call, fragment):
    """Each of these escaped as a bare TypeError/ValueError/OverflowError/AttributeError (or
    hung) before."""
    with pytest.raises(InvalidInputError) as info:
        call()
    assert fragment in str(info.value)


def test_matrix_check_agrees_with_the_dense_check():
    """The sparse adjacency-matrix girth-5 check gives the dense check's answers."""
    rng = np.random.default_rng(5)
    for _ in range(200):
        n = int(rng.integers(1, 12))
        G = nx.gnp_random_graph(n, float(rng.random()) * 0.5, seed=int(rng.integers(10**9)))
        A = nx.to_numpy_array(G, nodelist=sorted(G), dtype=np.int64)
        A2 = A @ A
        dense = int(np.trace(A2 @ A)) == 0 and bool(np.all(A2 - np.diag(np.diag(A2)) <= 1))
        assert sg.matrix_check_girth5(G) == dense


def test_graphs_with_labels_of_several_types_are_handled():
    G = nx.Graph([("a", 1), (1, 2), (2, "a")])
    assert sg.find_forbidden_cycle(G, (3,)) is not None
    assert sg.from_graph6(sg.to_graph6(G)).number_of_edges() == 3
