"""The public entry points of the graph and constant-rank searches, the generic drivers, the
results store and the campaign loader refuse hostile arguments with one clear error.

Property (hypothesis): call with valid arguments except one, replaced by a hostile value
(None, bools, NaN, infinities, huge or negative integers, strings, lists, numpy arrays...). The
call either succeeds or raises an :class:`engine.errors.EngineError` with a one-line message
that, for bad input, names the argument; never a bare ``TypeError``/``ValueError``/
``OverflowError`` from deep inside, and never a hang (huge walker counts, sizes and passes are
refused up front). Every call runs in a scratch directory with its own store, so a hostile
``checkpoint="abc"`` or ``store=True`` writes nothing in the checkout.
"""

from __future__ import annotations

import os
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import search.altspaces as alts
import search.drivers as drv
import search.graphs as gr
from engine.errors import InvalidInputError
from engine.testing import assert_clean_refusal
from search.app.discover import campaign_from_dict, load_campaign
from search.store import ResultsStore


class _Opaque:
    """An object of no useful kind."""


HOSTILE = st.one_of(
    st.sampled_from([None, True, False, float("nan"), float("inf"), "", "abc", [], [[]],
                     [[1, 2], [3]], {}, _Opaque(), b"\xff", 1.5, -2.5, 1j, Fraction(1, 2),
                     (-1, -2, -3), {1, 2}, np.int64(3), np.float64("nan"), nx.path_graph(3)]),
    st.sampled_from([-1, 0, -(10**30), 10**30, 2**63]),
    st.integers(-3, 3),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.lists(st.one_of(st.none(), st.integers(-3, 3), st.text(max_size=2)), max_size=3),
    hnp.arrays(dtype=st.sampled_from([np.float64, np.int64, np.dtype("U2")]),
               shape=hnp.array_shapes(min_dims=0, max_dims=2, max_side=3)),
)


assert_clean = assert_clean_refusal


@pytest.fixture(scope="module", autouse=True)
def _scratch(tmp_path_factory):
    """Run in a scratch directory with its own store (hostile paths land there)."""
    here, db = os.getcwd(), os.environ.get("DISCO_DB")
    tmp = tmp_path_factory.mktemp("hostile")
    os.chdir(tmp)
    os.environ["DISCO_DB"] = str(tmp / "scratch.db")
    yield tmp
    os.chdir(here)
    if db is None:
        os.environ.pop("DISCO_DB", None)
    else:
        os.environ["DISCO_DB"] = db


def _store() -> ResultsStore:
    st_ = ResultsStore(os.path.join(os.getcwd(), "s.db"))
    if not st_.count():
        rid = st_.start_run("x")
        st_.add_result("d", "k", {"a": 1}, verified=True, run_id=rid)
    return st_


def _onemax():
    return drv.OneMaxFlips([1, 2, 3])


def _descriptors():
    return [drv.Descriptor("d", lambda s: float(s.sum()), 0.0, 4.0, 4)]


def _solve(size, seeds, seed):
    return (float(size), size)


_RUN = ("budget", "time_limit", "steps", "target", "seed", "checkpoint", "store", "backend",
        "workers", "walkers", "cluster", "resume", "force", "progress")

#: name -> (function, factory of valid keyword arguments, aliases an argument may be named by).
CASES = {
    "extremal_graph_search": (gr.extremal_graph_search, lambda: {
        "n": 6, "forbidden": (3, 4), "seed": 0, "steps": 3, "target": None, "method": "tabu",
        "walkers": 1, "backend": "serial", "initial": None, "store": None, "checkpoint": None,
        "resume": False, "progress": False, "tenure": 5, "stall": None, "sample_k": 20},
        {"initial": ("initial graph",), "target": ("edges",)}),
    "curriculum_graph_search": (gr.curriculum_graph_search, lambda: {
        "sizes": [5, 6], "forbidden": (3, 4), "seed": 0, "steps_per_size": 3, "passes": 1,
        "lookback": 2, "method": "tabu", "walkers": 1, "backend": "serial", "store": None},
        {"sizes": ("size",)}),
    "grow_graph": (gr.grow_graph, lambda: {"G": nx.cycle_graph(5), "to_size": 7},
                   {"to_size": ("n=",)}),
    "shrink_graph": (gr.shrink_graph, lambda: {"G": nx.cycle_graph(5), "to_size": 3}, {}),
    "ExtremalGraphSpec": (gr.ExtremalGraphSpec, lambda: {
        "n": 6, "forbidden": (3, 4), "walkers": 1, "initial": None, "tenure": 5, "stall": None,
        "sample_k": 20, "restart_pct": 50, "crit_weight": 1}, {}),
    "graph_key": (gr.graph_key, lambda: {"record": gr.GraphRecord(5, (3, 4), 5, "Dhc")}, {}),
    "graphs.verify_payload": (gr.verify_payload, lambda: {
        "payload": {"n": 5, "forbidden": [3, 4], "edges": 5, "graph6": "Dhc"},
        "key": "n=5;F=C3,C4;g6=Dhc"}, {"payload": ("graph payload",)}),
    "GraphState": (gr.GraphState, lambda: {"n": 5, "forbidden": (3, 4),
                                           "edges": [(0, 1), (1, 2)]}, {}),
    "GraphState.from_arrays": (gr.GraphState.from_arrays, lambda: {
        "adjacency": np.zeros((4, 4), dtype=np.int8), "forbidden": (3, 4)}, {}),
    "GraphState.from_networkx": (gr.GraphState.from_networkx, lambda: {
        "G": nx.cycle_graph(5), "forbidden": (3, 4), "n": None}, {"n": ("edge",)}),
    "ForbiddenCyclesProblem": (gr.ForbiddenCyclesProblem, lambda: {"n": 5, "forbidden": (3, 4)},
                               {}),
    "ForbiddenCyclesProblem.evaluate": (lambda c: gr.ForbiddenCyclesProblem(5).evaluate(c),
                                        lambda: {"c": ((0, 1),)}, {"c": ("candidate",)}),
    "graph_descriptors": (gr.graph_descriptors, lambda: {"n": 8, "degree_bins": None,
                                                         "c5_max": None, "c5_bins": 8}, {}),
    "max_degree": (gr.max_degree, lambda: {"s": gr.GraphState(5, (3, 4), [(0, 1)])}, {}),
    "search_constant_rank": (alts.search_constant_rank, lambda: {
        "n": 4, "r": 2, "field": 2, "seed": 0, "time_limit": None, "steps": 2, "target": None,
        "initial": None, "walkers": None, "workers": None, "store": None, "checkpoint": None,
        "candidates": 8, "check_maximal": False, "method": "walk", "stop_at_bound": True},
        {"initial": ("space", "base", "matrix"), "target": ("dimension",),
         "steps": ("time_limit",), "time_limit": ("steps",)}),
    "AltSpaceSpec": (alts.AltSpaceSpec, lambda: {"n": 4, "r": 2, "p": 2, "candidates": 8,
                                                 "walkers": 1, "initial": None},
                     {"p": ("field",)}),
    "AltSpaceProposer": (alts.AltSpaceProposer, lambda: {
        "n": 4, "r": 2, "p": 2, "candidates": 8, "temperature": 1.0, "cooling": 0.99,
        "restart_prob": 0.02, "tabu": 8, "max_points": 1000}, {"p": ("field",)}),
    "altspaces.verify_payload": (alts.verify_payload, lambda: {
        "payload": {"space": {"n": 2, "field": 3, "base": [[0, 1], [-1, 0]],
                              "directions": []}, "r": 2}, "key": "extremal:x"},
        {"payload": ("space",)}),
    "comparison_table": (alts.comparison_table, lambda: {"fields": (2,), "cases": [(4, 2)]},
                         {"fields": ("field",), "cases": ("n=", "r=")}),
    "format_table": (alts.format_table, lambda: {"rows": []}, {}),
    "OneMaxFlips": (drv.OneMaxFlips, lambda: {"weights": [1, 2, 3], "cap": None,
                                              "penalty": 10.0}, {}),
    "check_delta": (drv.check_delta, lambda: {"problem": _onemax(), "samples": 5, "seed": 0,
                                              "restart_every": 5, "moves": 4, "tol": 1e-9},
                    {"problem": ("lacks",)}),
    "TabuProposer": (drv.TabuProposer, lambda: {"problem": _onemax(), "tenure": 7, "sample": 5,
                                                "aspiration": True}, {"problem": ("lacks",)}),
    "tabu_search": (drv.tabu_search, lambda: {
        "problem": _onemax(), "steps": 3, "seed": 0, "initial": None, "walkers": None,
        "backend": None, "store": None, "checkpoint": None, "kind": None},
        {"problem": ("lacks",), "initial": ("state",), "steps": ("budget",)}),
    "annealing_search": (drv.annealing_search, lambda: {
        "problem": _onemax(), "steps": 3, "seed": 0, "walkers": None, "kind": None},
        {"problem": ("lacks",), "steps": ("budget",)}),
    "AnnealingProposer": (drv.AnnealingProposer, lambda: {
        "problem": _onemax(), "t_start": 2.0, "t_end": 0.01, "schedule": "geometric"},
        {"problem": ("lacks",), "t_start": ("t_end",)}),
    "GridArchive": (drv.GridArchive, lambda: {"descriptors": _descriptors()}, {}),
    "map_elites": (drv.map_elites, lambda: {
        "problem": _onemax(), "descriptors": _descriptors(), "steps": 3, "seed": 0,
        "store": None, "kind": None}, {"problem": ("lacks",), "steps": ("budget",)}),
    "curriculum": (drv.curriculum, lambda: {
        "sizes": [3, 4], "solve": _solve, "grow": None, "shrink": None, "lookback": 2,
        "passes": 1, "seed": 0, "store": None}, {}),
    "run_portfolio": (drv.run_portfolio, lambda: {
        "tasks": [drv.PortfolioTask("t", _solve, {"size": 3, "seeds": [], "seed": 0})],
        "backend": "serial", "store": None, "steps": None}, {}),
    "seed_tasks": (drv.seed_tasks, lambda: {"name": "t", "fn": _solve, "seeds": [1, 2]}, {}),
    "default_score": (drv.default_score, lambda: {"result": 1.0}, {}),
    "ResultsStore": (lambda path, timeout, create: ResultsStore(path, timeout=timeout,
                                                                  create=create),
                     lambda: {"path": os.path.join(os.getcwd(), "s.db"), "timeout": 5.0,
                              "create": True}, {"path": ("results store",)}),
    "store.start_run": (lambda kind, params, seed: _store().start_run(kind, params, seed),
                        lambda: {"kind": "x", "params": None, "seed": None}, {}),
    "store.end_run": (lambda run_id, stop_reason: _store().end_run(run_id, stop_reason),
                      lambda: {"run_id": 1, "stop_reason": "done"}, {}),
    "store.add_result": (lambda domain, key, payload, verified, score, run_id:
                         _store().add_result(domain, key, payload, verified=verified,
                                             score=score, run_id=run_id),
                         lambda: {"domain": "d", "key": "k2", "payload": {}, "verified": True,
                                  "score": None, "run_id": None}, {"run_id": ("FOREIGN",)}),
    "store.add_results": (lambda items: _store().add_results(items), lambda: {
        "items": [{"domain": "d", "key": "k3", "payload": {}, "verified": True}]}, {}),
    "store.results": (lambda domain, run_id, verified, limit, order: _store().results(
        domain, run_id, verified=verified, limit=limit, order=order),
        lambda: {"domain": None, "run_id": None, "verified": None, "limit": None,
                 "order": "id"}, {}),
    "store.get": (lambda result_id: _store().get(result_id), lambda: {"result_id": 1}, {}),
    "store.get_run": (lambda run_id: _store().get_run(run_id), lambda: {"run_id": 1}, {}),
    "store.find": (lambda domain, key: _store().find(domain, key),
                   lambda: {"domain": "d", "key": "k"}, {}),
    "store.runs": (lambda kind, limit: _store().runs(kind, limit),
                   lambda: {"kind": None, "limit": 5}, {}),
    "store.export": (lambda path, fmt: _store().export(path, fmt),
                     lambda: {"path": os.path.join(os.getcwd(), "e.json"), "fmt": None},
                     {"path": ("export file",)}),
    "campaign_from_dict": (campaign_from_dict, lambda: {
        "data": {"campaign": {"budget": 1}}, "source": "c.toml", "text": None},
        {"data": ("campaign",)}),
    "load_campaign": (load_campaign, lambda: {"path": _campaign_file()},
                      {"path": ("campaign file",)}),
}


def _campaign_file() -> str:
    path = os.path.join(os.getcwd(), "c.toml")
    with open(path, "w") as fh:
        fh.write("[campaign]\nbudget = 5\n[graphs]\nn = [10]\n")
    return path


@pytest.mark.parametrize("name", list(CASES))
def test_valid_baseline_succeeds(name):
    fn, make, _ = CASES[name]
    fn(**make())


@pytest.mark.parametrize("name", list(CASES))
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_argument_is_refused_cleanly(name, data):
    fn, make, aliases = CASES[name]
    kwargs = make()
    arg = data.draw(st.sampled_from(sorted(kwargs)), label="argument")
    value = data.draw(HOSTILE, label="value")
    if arg in ("steps", "samples") and type(value) is int and value > 10**4:
        value = -value  # a huge step budget is a valid (long) request, not hostile
    bad = dict(kwargs, **{arg: value})
    assert_clean(lambda: fn(**bad), arg, aliases.get(arg, ()))


@pytest.mark.parametrize("call, fragment", [
    (lambda: gr.extremal_graph_search(10**20, steps=1), "n=100000000000000000000"),
    (lambda: gr.extremal_graph_search(8, steps=1, walkers=10**20), "walkers="),
    (lambda: gr.extremal_graph_search(8, steps=1, target=float("inf")), "target="),
    (lambda: gr.extremal_graph_search(8, steps=1, tenure=10**30), "tenure="),
    (lambda: gr.extremal_graph_search(8, steps=1, initial=True), "initial=True"),
    (lambda: gr.extremal_graph_search(8, steps=1, checkpoint=True), "checkpoint=True"),
    (lambda: gr.extremal_graph_search(8, steps=1, backend=[]), "backend=[]"),
    (lambda: gr.extremal_graph_search(8, steps=1, budget=np.zeros(2)), "budget=array"),
    (lambda: gr.curriculum_graph_search([5, 6], steps=3, passes=10**30), "passes="),
    (lambda: gr.curriculum_graph_search(None, steps=3), "sizes=None"),
    (lambda: gr.GraphState(5, edges=None), "edges=None"),
    (lambda: alts.search_constant_rank(10**20, 2, steps=1, time_limit=None), "n="),
    (lambda: alts.search_constant_rank(4, 2, steps=1, time_limit=None, workers=10**20),
     "workers="),
    (lambda: alts.search_constant_rank(4, 2, steps=1, time_limit=None, store=float("nan")),
     "store=nan"),
    (lambda: drv.tabu_search(drv.OneMaxFlips([1, 2]), steps=2, walkers=10**20), "walkers="),
    (lambda: drv.map_elites(drv.OneMaxFlips([1, 2]), None, steps=2), "descriptors=None"),
    (lambda: drv.curriculum([3], _solve, grow=True), "grow=True"),
    (lambda: drv.OneMaxFlips([1], cap=float("nan")), "cap=nan"),
    (lambda: ResultsStore(float("nan")), "path=nan"),
    (lambda: _store().get(10**30), "result_id="),
    (lambda: _store().results(run_id=10**30), "run_id="),
    (lambda: _store().results(limit=10**30), "limit="),
    (lambda: campaign_from_dict({"graphs": {"n": "x"}}, source="c.toml"), "'n' in [graphs]"),
])
def test_crashes_found_by_the_fuzzer_are_refused(call, fragment):
    """Each of these escaped as a bare TypeError/ValueError/OverflowError (or hung) before."""
    with pytest.raises(InvalidInputError) as info:
        call()
    assert fragment in str(info.value)


def test_campaign_values_are_checked_with_their_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[campaign]\nbudget = 5\n\n[altspaces]\nfields = ["F6"]\n')
    with pytest.raises(InvalidInputError, match=r"'fields' in \[altspaces\] \(line 5\)"):
        load_campaign(path)
    path.write_bytes(b"[campaign]\nbudget = \xff\n")
    with pytest.raises(InvalidInputError, match="not UTF-8"):
        load_campaign(path)
