"""Parametric family searches: Apery's zeta(3) and zeta(2) fractions (Apery 1979) are found in
their families, identified, labelled known and ranked first by delta."""

from __future__ import annotations

import dataclasses

import pytest

from engine.errors import InvalidInputError, VerificationError
from search.pcf.family import FamilySearchResult, family_member, search_family


def test_apery_zeta3_family():
    r = search_family("(2n+1)(c1 n^2 + c1 n + c2)", "c3 n^6",
                      {"c1": range(15, 19), "c2": range(3, 7), "c3": [-1, 1]}, ["zeta(3)"])
    assert [h.a for h in r.hits] == [[5, 27, 51, 34]]
    assert r.hit_params == [{"c1": 17, "c2": 5, "c3": -1}]
    assert r.ranked[0]["params"] == {"c1": 17, "c2": 5, "c3": -1} and r.ranked[0]["delta"] > 0.05
    assert r.classes[0].label.kind == "known"
    r.check()


def test_apery_zeta2_family_ranked_first():
    r = search_family("c1 n^2 + c1 n + c2", "c3 n^4",
                      {"c1": range(8, 13), "c2": range(1, 5), "c3": [-1, 1]}, ["zeta(2)"])
    assert r.ranked[0]["params"] == {"c1": 11, "c2": 3, "c3": 1}
    assert any(h.a == [3, 11, 11] for h in r.hits)


def test_roundtrip_and_tamper():
    ex = FamilySearchResult.example()
    back = FamilySearchResult.from_json(ex.to_json())
    back.check()
    with pytest.raises(VerificationError):
        FamilySearchResult.tampered().check()
    with pytest.raises(VerificationError):
        dataclasses.replace(ex, parameters={"c1": [1], "c2": [5], "c3": [-1]}).check()


def test_family_member_and_hostile():
    assert family_member("c n + d", {"c": 2, "d": -3}) == [-3, 2]
    with pytest.raises(InvalidInputError, match="'x'"):
        family_member("x n", {"c": 1})
    with pytest.raises(InvalidInputError, match="parameter name"):
        search_family("n", "1", {"n": [1]})
    with pytest.raises(InvalidInputError, match="members"):
        search_family("c n", "d", {"c": range(1000), "d": range(1000)})
    with pytest.raises(InvalidInputError, match="parameters"):
        search_family("c n", "1", {"c": [1.5]})
    with pytest.raises(InvalidInputError):
        search_family("c n", "1", {"c": [1]}, ["nope"])


def test_hits_are_stored(tmp_path):
    from search.store import ResultsStore

    db = str(tmp_path / "f.db")
    r = search_family("(2n+1)(c1 n^2 + c1 n + c2)", "c3 n^6",
                      {"c1": [17], "c2": [4, 5], "c3": [-1]}, ["zeta(3)"], store=db)
    rows = list(ResultsStore(db).results(domain="contfrac"))
    assert len(rows) == 1 and rows[0].key == "a=[5, 27, 51, 34];b=[0, 0, 0, 0, 0, 0, -1]"
    assert rows[0].payload["class_key"] == r.hits[0].class_key
    assert r.extra["run_id"] >= 1


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.dictionaries(st.sampled_from(["c", "d", "c1"]), st.integers(-50, 50),
                                              max_size=3))
def test_template_parser_never_crashes(text, params):
    try:
        family_member(text, params)
    except InvalidInputError as exc:
        assert "\n" not in str(exc)
