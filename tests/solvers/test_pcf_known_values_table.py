"""The stored 45-digit values of the known-formula database (solvers/data/pcf_known_values.json)
are the formulas' values, and a formula whose text changed is evaluated afresh."""

from __future__ import annotations


def test_stored_values_are_the_formulas_values_to_43_digits():
    """solvers/data/pcf_known_values.json: every formula, its text as stored, its value."""
    import sympy

    from solvers.pcf_known import KNOWN_FORMULAS, _stored_values, _value_text

    table = _stored_values()
    assert set(table) == {kf.name for kf in KNOWN_FORMULAS}
    for kf in KNOWN_FORMULAS:
        text, digits = table[kf.name]
        assert text == _value_text(kf), kf.name
        exact = sympy.N(kf.value, 50)
        assert abs(sympy.Float(digits, 50) - exact) <= abs(exact) * sympy.Float(10) ** -43 + sympy.Float(10) ** -45, kf.name


def test_an_edited_formula_is_not_given_its_stored_value(monkeypatch):
    import mpmath

    from solvers import pcf_known

    name = pcf_known.KNOWN_FORMULAS[0].name
    monkeypatch.setattr(pcf_known, "_stored_values", lambda: {name: ["something else", "1.5"]})
    pcf_known._known_value.cache_clear()
    try:
        v = pcf_known._known_value(name)
        with mpmath.workdps(40):
            assert abs(v - 4 / mpmath.pi) < mpmath.mpf(10) ** -35
    finally:
        pcf_known._known_value.cache_clear()
