"""Polynomial continued fractions whose limits are Mobius forms of constants: searches and reports.

- :func:`search_pcfs` / :func:`enumerate_pcfs` (:mod:`search.pcf.enumerate`): scan a box of
  integer polynomials ``a(n)``, ``b(n)`` with numba float evaluation, meet-in-the-middle
  hashing of Mobius forms and exact verification of every hit (:class:`PCFHit`,
  :class:`EnumerationResult`), on the one runner (:func:`search.runner.run_search`: budgets,
  serial / process / Dask backends, checkpoints, resume, every hit stored when found, domain
  ``"contfrac"``); :func:`evaluate_box` is the float stage alone, :func:`process_range` the
  kernel of a chunk.
- :func:`esma_batch` (:mod:`search.pcf.esma`): a batch of ESMA analyses
  (:func:`solvers.esma.analyze`) on the same runner, each identification stored when found
  (domain ``"esma"``, key :func:`esma_key`; :class:`ESMABatchResult`);
  :func:`verify_esma_payload` re-verifies a stored record (``disco results verify``).
- :func:`pcf_key`: the one store key of a fraction (also used by ``disco discover``).
- :func:`group_hits` (:mod:`search.pcf.classes`): hits grouped into equivalence classes (same
  beta form up to a tail shift; one representative, members with proved relations, a
  known / equivalent / new label; ``EnumerationResult.classes``).
- :func:`search_family` (:mod:`search.pcf.family`): parametric families, ranked by delta.
- The runner specs (:mod:`search.pcf.spec`): :class:`PCFEnumerationSpec`, :class:`ESMABatchSpec`.
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

from search.pcf.classes import PCFClass, group_hits
from search.pcf.enumerate import (
    BLOCK,
    EnumerationResult,
    box_size,
    enumerate_pcfs,
    evaluate_box,
    process_range,
    search_pcfs,
)
from search.pcf.esma import ESMABatchResult, esma_batch, verify_esma_payload
from search.pcf.family import FamilySearchResult, search_family
from search.pcf.hit import PCFHit, mobius_expression, pcf_key
from search.pcf.report import conjecture_report, convergence_plot_png, formula_svg, report_entries
from search.pcf.spec import ESMABatchSpec, PCFEnumerationSpec, esma_key
from solvers.pcf_classify import classify_fraction

__all__ = [
    # enumeration
    "enumerate_pcfs",
    "search_pcfs",
    "evaluate_box",
    "process_range",
    "box_size",
    "BLOCK",
    "PCFHit",
    "EnumerationResult",
    "pcf_key",
    "mobius_expression",
    # classes and families
    "group_hits",
    "PCFClass",
    "search_family",
    "FamilySearchResult",
    # ESMA batches
    "esma_batch",
    "ESMABatchResult",
    "esma_key",
    "verify_esma_payload",
    # runner specs
    "PCFEnumerationSpec",
    "ESMABatchSpec",
    # reports
    "conjecture_report",
    "report_entries",
    "convergence_plot_png",
    "formula_svg",
    # classification (solvers.pcf_classify)
    "classify_fraction",
]
