"""Hits grouped into equivalence classes (same beta form up to tail shifts): one representative
per class, each member with a proved relation that agrees with the verified values."""

from __future__ import annotations

import mpmath
import pytest

from engine.errors import InvalidInputError
from search.pcf import search_pcfs
from search.pcf.classes import group_hits
from search.pcf.report import conjecture_report
from solvers.pcf_equivalence import apply_mobius


@pytest.fixture(scope="module")
def box():
    return search_pcfs(1, 1, 1, ["e"], workers=1)


def test_degree_one_box_is_one_class(box):
    # all six hits are Euler's 1/(e-1) fraction (Euler 1744), its tails, mirrors and inflations
    assert len(box.hits) == 6
    classes = box.classes
    assert len(classes) == 1
    c = classes[0]
    assert c.representative.pcf.a == [0, 1] and c.representative.pcf.b == [0, 1]
    assert c.size == 6


def test_relations_agree_with_values(box):
    with mpmath.workdps(40):
        for c in box.classes:
            x0 = mpmath.mpf(c.representative.value)
            for i, m in enumerate(c.members):
                assert c.relations[i].is_valid()
                y = apply_mobius(c.mobius_to(i), x0)
                assert abs(y - mpmath.mpf(m.value)) <= mpmath.mpf(10) ** -20 * max(1, abs(y))


def test_class_key_stored_with_hit(box):
    h = box.hits[0]
    d = h.to_json()
    assert d["class_key"] == h.pcf.canonical_key()
    assert "classes" in box.to_json()
    assert box.to_json()["classes"][0]["key"] == box.classes[0].key


def test_report_shows_one_representative(box):
    text = conjecture_report(box.hits, fmt="markdown", plot_depth=20)
    assert text.count("## Conjecture") == 1
    assert "equivalence class" in text and "6 fractions" in text


def test_inflation_only_grouping(box):
    classes = group_hits(box.hits, shift=0)
    assert 1 < len(classes) <= len(box.hits)
    assert all(len({m.pcf.canonical_key() for m in c.members} | {c.key}) == 1 for c in classes)


def test_hostile():
    with pytest.raises(InvalidInputError, match="hits"):
        group_hits("abc")
    with pytest.raises(InvalidInputError, match="shift"):
        group_hits([], shift=-1)


def test_classes_are_labelled_new_first(box):
    c = box.classes[0]
    assert c.label.kind == "known" and c.label.formula == "1/(e-1) (Euler)"   # Euler 1744
    assert box.to_json()["classes"][0]["label"]["kind"] == "known"
    kinds = [k.label.kind for k in group_hits(box.hits, shift=0)]
    order = {"new": 0, "equivalent": 1, "known": 2}
    assert kinds == sorted(kinds, key=order.get)
    assert set(kinds) == {"known", "equivalent"}      # mirrors, tails and inflations of Euler's


def test_huge_roots_do_not_hang():
    # a root of a at 10^50: no exact head for a certificate; each fraction stands alone
    from types import SimpleNamespace

    from engine.contfrac import PCF

    hs = [SimpleNamespace(pcf=PCF("n - 10^50", 1)), SimpleNamespace(pcf=PCF("2n - 2*10^50", 4))]
    classes = group_hits(hs)
    assert sum(c.size for c in classes) == 2
    assert PCF("n*(n+10^50)", 1).canonical().canonical_key() == PCF("n*(n+10^50)", 1).canonical_key()
