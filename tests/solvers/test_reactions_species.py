"""Elementary reactions of species lists (deliverable 4) and networks (deliverable 6).

Oracle for completeness: brute force over every subset of species (a subset is a circuit
iff its submatrix has rank |subset| - 1 and its kernel vector has full support)."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError
from solvers.reactions import (
    balance_network,
    balance_species,
    conservation_laws,
    elementary_reactions,
    stoichiometric_matrix,
)
from solvers.reactions.lattice import kernel_basis, rank
from solvers.reactions.species import _circuits_python, circuits


def _brute_circuits(M, n):
    out = set()
    for k in range(1, len(M) + 2):
        for S in itertools.combinations(range(n), k):
            sub = [[row[j] for j in S] for row in M]
            if rank(sub, k) != k - 1:
                continue
            K = kernel_basis(sub, k)
            if len(K) == 1 and all(K[0]):
                v = [0] * n
                for j, a in zip(S, K[0], strict=False):
                    v[j] = a
                first = next(a for a in v if a)
                out.add(tuple(v) if first > 0 else tuple(-a for a in v))
    return out


def test_copper_nitric_acid():
    rs = balance_species(["Cu", "HNO3", "Cu(NO3)2", "NO", "NO2", "H2O"])
    assert {"Cu": 3, "HNO3": 8, "Cu(NO3)2": -3, "NO": -2, "H2O": -4} in rs
    assert {"Cu": 1, "HNO3": 4, "Cu(NO3)2": -1, "NO2": -2, "H2O": -2} in rs
    assert {"HNO3": 2, "NO": 1, "NO2": -3, "H2O": -1} in rs
    assert len(rs) == 4


def test_species_string_and_texts():
    res = elementary_reactions("C, O2, CO, CO2")
    assert res.texts() == ["2 C + O2 -> 2 CO", "C + O2 -> CO2", "C + CO2 -> 2 CO", "O2 + 2 CO -> 2 CO2"]
    res.check()
    assert res.to_json()["rank"] == 2


def test_ions_and_electrons():
    rs = balance_species(["Fe3+", "Fe2+", "e-"])
    assert rs == [{"Fe3+": 1, "Fe2+": -1, "e-": 1}]


@pytest.mark.parametrize("bad", [[], ["H2", "H2"], ["H2", "Xx"], ""])
def test_bad_lists(bad):
    with pytest.raises(InvalidInputError):
        balance_species(bad)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 4), st.integers(3, 8))
def test_circuits_match_brute_force(seed, m, n):
    rng = np.random.default_rng(seed)
    M = rng.integers(-2, 3, size=(m, n)).tolist()
    if not any(any(r) for r in M):
        return
    got, _ = circuits(M, n)
    assert len(got) == len(set(got))
    assert set(got) == _brute_circuits(M, n)
    got_py = _circuits_python(M, n)
    norm = set()
    for v in got_py:
        from solvers.reactions.lattice import primitive

        v = primitive(v)
        first = next(a for a in v if a)
        norm.add(v if first > 0 else tuple(-a for a in v))
    assert norm == set(got)


def test_twenty_species():
    sp = ["CH4", "C2H6", "C2H4", "C2H2", "C3H8", "CO", "CO2", "H2O", "H2", "O2", "CH3OH",
          "HCHO", "HCOOH", "C2H5OH", "CH3CHO", "CH3COOH", "H2O2", "C", "C6H6", "C4H10"]
    res = elementary_reactions(sp)
    assert res.rank == 3 and res.is_valid()
    # every elementary reaction has at most rank + 1 species, and there are many
    assert all(len(r) <= 4 for r in res.reactions) and len(res.vectors) > 100


def test_network_and_conservation():
    net = balance_network(["N2 + H2 -> NH3", "NH3 + O2 -> NO + H2O", "NO + O2 -> NO2"])
    assert net.rank == 3
    net.check()
    species, N = stoichiometric_matrix(net.reactions)
    assert species == ("N2", "H2", "NH3", "O2", "NO", "H2O", "NO2")
    # the element counts (N, H, O) are conserved quantities, so lie in the law lattice
    laws = net.conservation
    import flint

    L = flint.fmpz_mat([list(v) for v in laws])
    elements = {"N": [2, 0, 1, 0, 1, 0, 1], "H": [0, 2, 3, 0, 0, 2, 0], "O": [0, 0, 0, 2, 1, 1, 2]}
    for vec in elements.values():
        aug = flint.fmpz_mat([list(v) for v in laws] + [vec])
        assert aug.rank() == L.rank()
    assert len(laws) == len(species) - net.rank


def test_conservation_laws_from_dicts():
    assert conservation_laws([{"A": 1, "B": -1}, {"B": 1, "C": -1}]) == ({"A": 1, "B": 1, "C": 1},)
    with pytest.raises(InvalidInputError):
        stoichiometric_matrix([])
