"""Every package re-exports what its ``__all__`` lists: the names resolve, and a package whose
names load lazily lists exactly its lazy names (so ``__all__``, ``dir()`` and the
``TYPE_CHECKING`` block agree)."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = [
    "engine",
    "solvers",
    "solvers.constant_rank",
    "solvers.graphs",
    "search",
    "search.drivers",
    "search.flipgraph",
    "search.graphs",
    "search.pcf",
    "search.altspaces",
    "search.app",
    "search.app.cli",
    "search.cli",
]
LAZY = ["search", "search.app"]


@pytest.mark.parametrize("name", PACKAGES)
def test_every_exported_name_resolves(name):
    pkg = importlib.import_module(name)
    assert pkg.__doc__ and pkg.__all__
    assert len(set(pkg.__all__)) == len(pkg.__all__), "a name is listed twice"
    missing = [n for n in pkg.__all__ if getattr(pkg, n, None) is None]
    assert not missing, f"{name} does not provide {missing}"


@pytest.mark.parametrize("name", LAZY)
def test_lazy_all_lists_the_lazy_names(name):
    pkg = importlib.import_module(name)
    assert set(pkg.__all__) == set(pkg._lazy_all)
    assert set(pkg.__all__) <= set(dir(pkg))


def test_moved_names_keep_their_public_paths():
    """Names that moved between modules are still importable where users import them."""
    from engine.schemes import RINGS, BilinearScheme, Scheme, VerificationReport, brent_residual  # noqa: F401
    from search.altspaces import exact_max_dimension, is_maximal, proved_upper_bound  # noqa: F401
    from search.cli import build_parser, main  # noqa: F401
    from search.flipgraph import (  # noqa: F401
        bilinear_search,
        flip_search,
        known_rank,
        kronecker,
        lower_bound,
        meta_search,
    )
    from search.graphs import find_forbidden_cycle, known_value, read_graph, verify_graph  # noqa: F401
    from search.pcf import classify_fraction, conjecture_report, enumerate_pcfs  # noqa: F401
    from solvers.constant_rank.optimality import ExactMaximum  # noqa: F401
