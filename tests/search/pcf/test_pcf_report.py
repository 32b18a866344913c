"""Tests of search.pcf.report: the HTML conjecture report is self-contained (works offline).

Formulas are inline SVG from matplotlib mathtext; no script, stylesheet or font is loaded from
the network. Known values: Brouncker-Euler 4/pi = PCF(2n+1, n^2), Apery 6/zeta(3).
"""

import re
import xml.etree.ElementTree as ET

import pytest

from engine.contfrac import PCF
from search.pcf import report as cf_report
from search.pcf.report import conjecture_report, formula_svg


@pytest.fixture(scope="module")
def page():
    return conjecture_report([PCF("2n+1", "n^2"), PCF("34n^3+51n^2+27n+5", "-n^6")], fmt="html",
                             plot_depth=60)


def test_html_loads_nothing_from_the_network(page):
    assert "<script" not in page.lower()
    assert "https://" not in page
    assert not re.search(r"""(src|href)=["']https?:""", page)
    assert "<link" not in page.lower()


def test_formulas_are_inline_svg_with_unique_ids(page):
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.DOTALL)
    assert len(svgs) == 2
    for s in svgs:
        ET.fromstring(s)  # well-formed XML
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for ref in re.findall(r'href="#([^"]+)"', page):
        assert ref in ids
    # LaTeX source kept next to the picture, and a readable text label
    assert "<summary>LaTeX</summary>" in page and r"\cfrac" in page
    assert "aria-label='1 + 1/(3 + 4/(" in page


def test_fallback_when_mathtext_cannot_typeset(monkeypatch):
    assert formula_svg(r"\frac{1}{") is None
    monkeypatch.setattr(cf_report, "formula_svg", lambda *a, **k: None)
    html = conjecture_report([PCF("2n+1", "n^2")], fmt="html", plot_depth=30)
    assert "<svg" not in html
    assert "<code>1 + 1/(3 + 4/(5 + 9/(... + (n^2)/(2n + 1)))) = 4/pi</code>" in html


def test_markdown_keeps_latex():
    md = conjecture_report([PCF("2n+1", "n^2")], fmt="markdown", plot_depth=30)
    assert "$$" in md and r"\cfrac" in md and "<svg" not in md
