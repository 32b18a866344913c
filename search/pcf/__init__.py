"""Polynomial continued fractions whose limits are Mobius forms of constants: enumeration and reports.

- :func:`enumerate_pcfs` / :func:`search_pcfs` (:mod:`search.pcf.enumerate`): scan a box of
  integer polynomials ``a(n)``, ``b(n)`` with numba float evaluation, meet-in-the-middle
  hashing of Mobius forms and exact verification of every hit (:class:`PCFHit`,
  :class:`EnumerationResult`); :func:`evaluate_box` is the float stage alone.
- :func:`conjecture_report` (:mod:`search.pcf.report`): Markdown or self-contained HTML with
  LaTeX, certificates and convergence plots.
- Re-exported from :mod:`solvers.pcf_classify`: :func:`classify_fraction`, why a fraction is
  slow or divergent.

Examples:
    >>> from search.pcf import classify_fraction, enumerate_pcfs
    >>> hits = enumerate_pcfs(a_degree=1, b_degree=1, coefficient_range=1, constants=["e"], workers=1)
    >>> len(hits) > 0, classify_fraction([1], [0, 0, 3])[0]
    (True, 'brouncker')
"""

from search.pcf.enumerate import (
    EnumerationResult,
    PCFHit,
    enumerate_pcfs,
    evaluate_box,
    search_pcfs,
)
from search.pcf.report import conjecture_report, convergence_plot_png, formula_svg, report_entries
from solvers.pcf_classify import classify_fraction

__all__ = [
    # enumeration
    "enumerate_pcfs",
    "search_pcfs",
    "evaluate_box",
    "PCFHit",
    "EnumerationResult",
    # reports
    "conjecture_report",
    "report_entries",
    "convergence_plot_png",
    "formula_svg",
    # classification (solvers.pcf_classify)
    "classify_fraction",
]
