"""Conjecture reports for continued fractions: Markdown or HTML with LaTeX and convergence plots.

Each item (a :class:`search.pcf.PCFHit`, a stored ``contfrac`` result, or a bare
:class:`engine.contfrac.PCF`, which is then evaluated and identified) is one section, titled by
what it is: "Conjecture" (an identified limit), "Unidentified fraction" (a certified value and
no expression), "Divergent fraction" (divergence proved) or "Fraction without a certified
value" (with the reason). Each gets

- the fraction in LaTeX (``a_0 + \\cfrac{b_1}{a_1 + \\cdots}``) and the conjectured value;
- the digits verified, the certificate of the limit, the convergence class and rate and the
  irrationality-measure estimate ``delta``;
- a convergence plot: ``log10 |p_n/q_n - L|`` against the depth ``n`` (exact convergents
  against the certified limit), embedded as a base64 PNG so the file stands alone.

The HTML form is self-contained and works offline: formulas are rendered to inline SVG by
matplotlib's mathtext (no MathJax, no network), with the LaTeX source alongside and a plain
text form where mathtext cannot typeset a formula. The Markdown form keeps ``$$ LaTeX $$``.

Examples:
    >>> from engine.contfrac import PCF
    >>> from search.pcf.report import conjecture_report
    >>> text = conjecture_report([PCF("34n^3+51n^2+27n+5", "-n^6")], fmt="markdown")
    >>> "zeta(3)" in text and "data:image/png;base64," in text
    True
    >>> page = conjecture_report([PCF("2n+1", "n^2")], fmt="html")
    >>> "<svg" in page and "https://" not in page
    True
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from engine.contfrac import (
    PCF,
    DivergenceError,
    _log10_abs,
    format_significant,
    polynomial_to_string,
)
from engine.errors import EngineError, InvalidInputError
from solvers.constants import expression_text

__all__ = ["conjecture_report", "convergence_plot_png", "report_entries", "report_summary",
           "report_summary_text", "formula_svg"]

Fmt = Literal["markdown", "html"]


def _entry_from(item: Any, digits: int) -> dict:
    """One report entry. ``kind`` says what it is: ``"conjecture"`` (an identified limit),
    ``"unidentified"`` (a certified limit without an expression), ``"divergent"`` (divergence
    proved: :class:`engine.contfrac.DivergenceError`) or ``"no value"`` (the limit could not be
    certified; ``error`` says why)."""
    from search.pcf.enumerate import PCFHit
    from search.pcf.hit import _sympify

    if isinstance(item, PCFHit):
        d = item.to_json()
        d["pcf"] = item.pcf
        d["kind"] = "conjecture"
        d["text"] = expression_text(item.expression)
        return d
    if isinstance(item, dict) and isinstance(item.get("pcf"), PCF) and "kind" in item:
        return item  # an entry of report_entries already
    if isinstance(item, dict) or hasattr(item, "payload"):
        payload = item if isinstance(item, dict) else item.payload
        if isinstance(payload, dict) and "a" in payload and "b" in payload:
            d = dict(payload)
            d["pcf"] = PCF(payload["a"], payload["b"])
            d["kind"] = "conjecture" if d.get("expression") else "unidentified"
            if d.get("expression"):
                try:
                    d["text"] = expression_text(_sympify(str(d["expression"])))
                except EngineError:
                    d["text"] = str(d["expression"])
            return d
        raise InvalidInputError(f"stored result {_short(item)} is not a continued-fraction conjecture")
    if isinstance(item, PCF):
        from solvers.constants import identify

        d: dict[str, Any] = {"a": item.a, "b": item.b, "pcf": item}
        try:
            res = item.evaluate(digits)
        except DivergenceError as exc:
            d.update(kind="divergent", value=None, error=str(exc), expression=None,
                     digits_verified=0, certification="divergent (proved)",
                     convergence="divergent", digits_per_term=None, delta=None)
            return d
        except EngineError as exc:
            d.update(kind="no value", value=None, error=str(exc), expression=None,
                     digits_verified=0, certification="none", convergence="?",
                     digits_per_term=None, delta=None)
            return d
        ident = identify(res.value, digits=res.digits) if res.digits >= 8 else None
        if res.rational is not None:
            p, q = res.rational
            expr_text = f"{p}/{q}" if q != 1 else str(p)
            ident_fields = {"expression": expr_text, "text": expr_text, "latex":
                            (rf"\frac{{{p}}}{{{q}}}" if q != 1 else str(p)) if abs(p) < 10**40 and q < 10**40 else None,
                            "digits_verified": res.digits}
        elif ident is not None:
            ident_fields = {"expression": str(ident.expression),
                            "text": expression_text(ident.expression), "latex": ident.latex,
                            "digits_verified": ident.digits_verified}
        else:
            ident_fields = {"expression": None, "text": None, "latex": None, "digits_verified": 0}
        info = item.convergence(256)
        try:
            est = item.delta_estimate() if res.rational is None else None
        except EngineError:
            est = None
        d.update(
            kind="rational" if res.rational is not None else (
                "conjecture" if ident_fields["expression"] else "unidentified"),
            value=format_significant(res.value, res.digits),
            digits=res.digits,
            **ident_fields,
            certification=res.certification,
            convergence=info.kind,
            digits_per_term=round(info.digits_per_term, 6),
            delta=None if est is None else est.value,
            delta_uncertainty=None if est is None else est.uncertainty,
            delta_depth=None if est is None else est.depth,
        )
        return d
    raise InvalidInputError(
        f"cannot report on {type(item).__name__}; give PCF, PCFHit or stored contfrac results"
    )


def _short(item: Any) -> str:
    text = repr(item)
    return text if len(text) <= 80 else text[:80] + "..."


def report_entries(items: Sequence[Any], digits: int = 40) -> list[dict]:
    """Normalise PCFs / hits / stored results into report entries (dicts; see ``kind``).

    Raises:
        InvalidInputError: ``items`` is not a sequence, an item is not reportable, or
            ``digits`` is not an integer in [8, 2000].
    """
    if isinstance(items, str | bytes | dict) or not isinstance(items, Sequence | tuple):
        try:
            items = list(items)
        except TypeError:
            raise InvalidInputError(
                f"items of type {type(items).__name__} must be a list of PCFs, PCFHits or stored "
                "contfrac results") from None
    if isinstance(digits, bool) or not isinstance(digits, int) or not 8 <= digits <= 2000:
        raise InvalidInputError(f"digits={digits!r:.40} must be an integer between 8 and 2000")
    return [_entry_from(it, digits) for it in items]


def convergence_plot_png(pcf: PCF, depth: int = 200, reference_depth: int | None = None) -> bytes:
    """PNG bytes of ``log10 |p_n/q_n - L|`` for ``n <= depth`` (exact convergents).

    ``L`` is the convergent at ``reference_depth`` (default ``4 * depth``).
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    if not isinstance(pcf, PCF):
        raise InvalidInputError(f"pcf of type {type(pcf).__name__} must be an engine.contfrac.PCF")
    for name, v in (("depth", depth), ("reference_depth", reference_depth)):
        if (v is not None or name == "depth") and (isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 20000):
            raise InvalidInputError(f"{name}={v!r:.40} must be an integer between 1 and 20000")
    ref = reference_depth or 4 * depth
    P, Q = pcf.convergent(ref)
    ns, errs = [], []
    step = max(1, depth // 60)
    for n in range(1, depth + 1, step):
        p, q = pcf.convergent(n)
        if q == 0 or Q == 0:
            continue
        num = p * Q - P * q
        if num == 0:
            continue
        ns.append(n)
        errs.append(_log10_abs(num) - _log10_abs(q) - _log10_abs(Q))
    fig, ax = plt.subplots(figsize=(5, 3), dpi=90)
    ax.plot(ns, errs, ".-", lw=1)
    ax.set_xlabel("depth n")
    ax.set_ylabel("log10 |p_n/q_n - L|")
    ax.set_title(f"a = {polynomial_to_string(pcf.a)},  b = {polynomial_to_string(pcf.b)}", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _mathtext(tex: str) -> str:
    """LaTeX as produced by :meth:`PCF.latex` and sympy, in the subset mathtext typesets."""
    tex = tex.replace(r"\cfrac", r"\dfrac").replace(r"\frac", r"\dfrac")  # "\dfrac" has no "\frac"
    return tex.replace(r"\operatorname", r"\mathrm")


_SVG_IDS = re.compile(r'\bid="([^"]+)"')


def formula_svg(tex: str, fontsize: int = 13, prefix: str = "f") -> str | None:
    r"""An inline ``<svg>`` of the LaTeX formula ``tex`` (matplotlib mathtext, glyphs as paths).

    Element ids get ``prefix`` so that several formulas can share one page. Returns None when
    mathtext cannot parse the formula (the caller then shows the LaTeX source as text).

    Examples:
        >>> from search.pcf.report import formula_svg
        >>> formula_svg(r"1 + \cfrac{1}{2 + \cfrac{9}{\ddots}} = \frac{4}{\pi}").startswith("<svg")
        True
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    rc = {"svg.fonttype": "path", "svg.hashsalt": "disco-cf", "mathtext.fontset": "cm"}
    with matplotlib.rc_context(rc):
        fig = plt.figure(figsize=(0.01, 0.01))
        try:
            fig.text(0, 0, f"${_mathtext(tex)}$", fontsize=fontsize)
            buf = io.StringIO()
            fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.03,
                        transparent=True)
        except (ValueError, RuntimeError):
            return None
        finally:
            plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)  # creator links
    ids = set(_SVG_IDS.findall(svg))
    for i in sorted(ids, key=len, reverse=True):
        svg = svg.replace(f'id="{i}"', f'id="{prefix}-{i}"').replace(f"#{i}\"", f"#{prefix}-{i}\"")
        svg = svg.replace(f"#{i})", f"#{prefix}-{i})")
    return svg


def _plain_fraction(pcf: PCF, depth: int = 2) -> str:
    """``a(0) + b(1)/(a(1) + b(2)/(a(2) + ...))`` in plain text."""
    tail = f"... + ({polynomial_to_string(pcf.b)})/({polynomial_to_string(pcf.a)})"
    for k in range(depth, 0, -1):
        tail = f"{pcf.a_at(k)} + {pcf.b_at(k + 1)}/({tail})"
    return f"{pcf.a_at(0)} + {pcf.b_at(1)}/({tail})"


def conjecture_report(
    items: Sequence[Any],
    fmt: Fmt = "markdown",
    path: str | Path | None = None,
    *,
    title: str = "Continued-fraction report",
    digits: int = 40,
    plot_depth: int = 150,
) -> str:
    """Render a report for ``items`` (PCFs, hits or stored results) and optionally write it.

    Args:
        items: conjectures to report.
        fmt: ``"markdown"`` or ``"html"`` (self-contained: inline SVG formulas and PNG plots).
        path: file to write (``.md`` / ``.html``), or None.
        title: report title.
        digits: evaluation digits for bare PCFs.
        plot_depth: depth of the convergence plots.

    Returns:
        The report text.

    Raises:
        InvalidInputError: unknown format or unsupported items.
    """
    if not isinstance(fmt, str) or fmt not in ("markdown", "html"):
        raise InvalidInputError(f"fmt={fmt!r:.40} must be 'markdown' or 'html'")
    entries = report_entries(items, digits)
    entries, class_rows = _group_entries(entries)
    entries, label_rows = _label_entries(entries)
    blocks = []
    for d in entries:
        kind = d.get("kind", "conjecture")
        pcf: PCF = d["pcf"]
        head = {"conjecture": "Conjecture", "unidentified": "Unidentified fraction",
                "rational": "Terminating fraction (exact rational value)",
                 "divergent": "Divergent fraction", "no value": "Fraction without a certified value"
                 }.get(kind, "Fraction")
        png = None
        if d.get("value") is not None:
            png = base64.b64encode(convergence_plot_png(pcf, plot_depth)).decode("ascii")
        lhs = pcf.latex(2)
        text = d.get("text") or d.get("expression")
        if kind in ("conjecture", "rational"):
            rhs_tex = d.get("latex") or str(text)
            formula = f"{lhs} = {rhs_tex}"
            plain = f"{_plain_fraction(pcf)} = {text}"
        elif kind == "unidentified":
            formula = rf"{lhs} = {d.get('value')}\ldots"
            plain = f"{_plain_fraction(pcf)} = {d.get('value')}..."
        else:
            formula = lhs
            plain = _plain_fraction(pcf)
        delta = d.get("delta")
        delta_text = _fmt(delta)
        if delta is not None and d.get("delta_uncertainty") is not None:
            delta_text = (f"{_fmt(delta)} +- {d['delta_uncertainty']:.1g} (extrapolated from depths "
                          f"up to {d.get('delta_depth')})")
        elif delta is not None and d.get("delta_depth") is not None:
            delta_text = f"{_fmt(delta)} (at depth {d['delta_depth']})"
        rows = [
            ("a(n)", polynomial_to_string(pcf.a)),
            ("b(n)", polynomial_to_string(pcf.b)),
            ("value", str(d["value"]) if d.get("value") is not None else "none"),
        ]
        if kind == "conjecture":
            rows.append(("conjecture", str(text)))
            rows.append(("digits verified", str(d.get("digits_verified"))))
        elif kind == "rational":
            rows.append(("exact value", str(text)))
        elif kind == "unidentified":
            rows.append(("identification", "none found over the constant catalogue"))
        else:
            rows.append(("why", " ".join(str(d.get("error", "")).split())))
        rows += [
            ("limit certificate", str(d.get("certification"))),
            ("convergence", f"{d.get('convergence')} ({_fmt(d.get('digits_per_term'))} digits/term)"),
            ("delta", delta_text),
        ]
        rows += label_rows.get(id(d), [])
        rows += class_rows.get(id(d), [])
        blocks.append((len(blocks) + 1, head, formula, rows, png, plain))
    summary = report_summary_text(report_summary(entries))
    n_members = sum(len(v) - 1 for v in class_rows.values() if v)
    if n_members:
        summary += (f" (one representative per equivalence class; {n_members} equivalent "
                    "fraction(s) listed with their representative)")
    if fmt == "markdown":
        out = [f"# {title}", "", f"{summary}.", ""]
        for i, head, formula, rows, png, _ in blocks:
            out += [f"## {head} {i}", "", f"$$ {formula} $$", "",
                    "| quantity | value |", "|---|---|"]
            out += [f"| {k} | {_md_cell(v)} |" for k, v in rows]
            if png:
                out += ["", f"![convergence of fraction {i}](data:image/png;base64,{png})"]
            out += [""]
        text_out = "\n".join(out)
    else:
        out = [
            "<!DOCTYPE html>", "<html><head><meta charset='utf-8'>",
            f"<title>{html.escape(title)}</title>",
            "<style>body{font-family:sans-serif;max-width:56em;margin:auto}"
            "table{border-collapse:collapse}td{border:1px solid #ccc;padding:2px 8px}"
            ".formula{overflow-x:auto;margin:.5em 0}.formula svg{max-width:100%;height:auto}"
            "details{font-size:.85em;color:#555}</style>",
            "</head><body>", f"<h1>{html.escape(title)}</h1>",
            f"<p>{html.escape(summary)}.</p>",
        ]
        for i, head, formula, rows, png, plain in blocks:
            out.append(f"<h2>{html.escape(head)} {i}</h2>")
            svg = formula_svg(formula, prefix=f"c{i}")
            if svg is not None:
                out.append(f"<div class='formula' role='img' aria-label='{html.escape(plain)}'>"
                           f"{svg}</div>")
            else:
                out.append(f"<p class='formula'><code>{html.escape(plain)}</code></p>")
            out.append(f"<details><summary>LaTeX</summary><code>{html.escape(formula)}</code>"
                       "</details>")
            out.append("<table>" + "".join(
                f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in rows
            ) + "</table>")
            if png:
                out.append(f"<img alt='convergence of fraction {i}' "
                           f"src='data:image/png;base64,{png}'>")
        out.append("</body></html>")
        text_out = "\n".join(out)
    if path is not None:
        Path(path).write_text(text_out, encoding="utf-8")
    return text_out


def _group_entries(entries: list[dict]) -> tuple[list[dict], dict[int, list]]:
    """One entry per equivalence class (:func:`search.pcf.classes.group_hits`), in the order of
    the first member; the representative's extra rows list the members with their relation."""
    from types import SimpleNamespace

    from search.pcf.classes import group_hits

    usable = [SimpleNamespace(pcf=d["pcf"], entry=d) for d in entries if d["pcf"].a != [0]]
    if len(usable) < 2:
        return entries, {}
    classes = group_hits(usable)
    drop: set[int] = set()
    rows: dict[int, list] = {}
    for c in classes:
        if not c.members:
            continue
        rep = c.representative.entry
        lines = []
        for i, m in enumerate(c.members):
            drop.add(id(m.entry))
            m0, m1, m2, m3 = c.mobius_to(i)
            lines.append(f"a = {polynomial_to_string(m.pcf.a)}, b = {polynomial_to_string(m.pcf.b)}: "
                         f"L = ({m0} L0 + {m1})/({m2} L0 + {m3}) ({c.relations[i].kind}, proved)")
        rows[id(rep)] = [("equivalence class", f"{c.size} fractions, key {c.key}"),
                         ("members (L0 = this limit)", "; ".join(lines))]
    return [d for d in entries if id(d) not in drop], rows


def _label_entries(entries: list[dict]) -> tuple[list[dict], dict[int, list]]:
    """Label each identified or unidentified entry against the known-formula database
    (:func:`solvers.pcf_known.label`) and order them new, equivalent, known (in the slots
    they occupy; divergent and rational entries keep their places)."""
    from solvers.pcf_known import label

    rows: dict[int, list] = {}
    rank: dict[int, int] = {}
    order = {"new": 0, "equivalent": 1, "known": 2}
    for d in entries:
        if d.get("kind") not in ("conjecture", "unidentified"):
            rank[id(d)] = 0
            continue
        lab = label(d["pcf"])
        rank[id(d)] = order[lab.kind]
        if lab.kind == "new":
            text = "new (not in the database of known formulas, up to equivalence)"
        elif lab.kind == "known":
            text = f"known: {lab.formula} = {expression_text(lab.expression)} ({lab.known.source})"
        else:
            text = (f"equivalent to the known formula {lab.formula} ({lab.known.source}): "
                    f"L = {expression_text(lab.expression)} (proved: {lab.relation.kind} relation)")
        rows[id(d)] = [("status", text)]
    # the labelled entries take their slots again, new ones first (other entries stay put)
    slots = [i for i, d in enumerate(entries) if id(d) in rows]
    ordered = sorted((entries[i] for i in slots), key=lambda d: rank[id(d)])
    out = list(entries)
    for i, d in zip(slots, ordered, strict=True):
        out[i] = d
    return out, rows


def report_summary(entries: Sequence[dict]) -> dict:
    """Counts of report entries by kind: ``conjecture``, ``rational``, ``unidentified``,
    ``divergent``, ``no value``."""
    out = {"conjecture": 0, "rational": 0, "unidentified": 0, "divergent": 0, "no value": 0}
    for d in entries:
        k = d.get("kind", "conjecture")
        out[k] = out.get(k, 0) + 1
    return out


_KIND_TEXT = {"conjecture": "conjecture(s)", "rational": "terminating fraction(s) (exact rational)",
              "unidentified": "unidentified fraction(s)",
              "divergent": "divergent fraction(s) (proved)",
              "no value": "fraction(s) without a certified value"}


def report_summary_text(counts: dict) -> str:
    """``"2 conjecture(s), 1 divergent fraction(s) (proved)"`` from :func:`report_summary`."""
    return ", ".join(f"{v} {_KIND_TEXT.get(k, k)}" for k, v in counts.items() if v) or "nothing"


def _md_cell(text: str) -> str:
    """Text for a Markdown table cell (``|`` escaped, one line)."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _fmt(x: Any) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, float):
        if math.isinf(x):
            return "inf"
        return f"{x:.6g}"
    return str(x)
