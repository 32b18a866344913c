"""Input validation of the reaction-network helpers (stoichiometric matrix, conservation laws)."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInputError


@pytest.mark.parametrize(
    "bad",
    ["H2 + O2 -> H2O", [{"A": "x"}], [{}], [{"A": 0}], [{1: 2}], 5],
)
def test_network_functions_reject_malformed_reactions(bad):
    from solvers.reactions import conservation_laws, stoichiometric_matrix

    for fn in (stoichiometric_matrix, conservation_laws):
        with pytest.raises(InvalidInputError):
            fn(bad)


def test_split_species_list_rejects_non_sequences():
    from solvers.reactions.equation import split_species_list

    with pytest.raises(InvalidInputError, match="species=None"):
        split_species_list(None)
