"""Conjecture reports for continued fractions: Markdown or HTML with LaTeX and convergence plots.

Each conjecture (a :class:`search.pcf.PCFHit`, a stored ``contfrac`` result, or a bare
:class:`engine.contfrac.PCF`, which is then evaluated and identified) gets

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

import mpmath

from engine.contfrac import PCF, _log10_abs, polynomial_to_string
from engine.errors import EngineError, InvalidInputError

__all__ = ["conjecture_report", "convergence_plot_png", "report_entries", "formula_svg"]

Fmt = Literal["markdown", "html"]


def _entry_from(item: Any, digits: int) -> dict:
    from search.pcf.enumerate import PCFHit

    if isinstance(item, PCFHit):
        d = item.to_json()
        d["pcf"] = item.pcf
        return d
    if isinstance(item, dict) or hasattr(item, "payload"):
        payload = item if isinstance(item, dict) else item.payload
        if "a" in payload and "b" in payload:
            d = dict(payload)
            d["pcf"] = PCF(payload["a"], payload["b"])
            return d
        raise InvalidInputError(f"stored result {item!r} is not a continued-fraction conjecture")
    if isinstance(item, PCF):
        from solvers.constants import identify

        d: dict[str, Any] = {"a": item.a, "b": item.b, "pcf": item}
        try:
            res = item.evaluate(digits)
        except EngineError as exc:
            d.update(value=None, error=str(exc), expression=None, digits_verified=0,
                     certification="failed", convergence="?", digits_per_term=0.0, delta=None)
            return d
        ident = identify(res.value, digits=res.digits)
        info = item.convergence(256)
        try:
            delta = round(item.delta(max(16, min(res.depth, 500) // 2)), 6)
        except EngineError:
            delta = None
        with mpmath.workdps(res.digits + 5):
            val = mpmath.nstr(res.value, res.digits)
        d.update(
            value=val,
            expression=str(ident.expression) if ident else None,
            latex=ident.latex if ident else None,
            digits_verified=ident.digits_verified if ident else 0,
            certification=res.certification,
            convergence=info.kind,
            digits_per_term=round(info.digits_per_term, 6),
            delta=delta,
        )
        return d
    raise InvalidInputError(
        f"cannot report on {type(item).__name__}; give PCF, PCFHit or stored contfrac results"
    )


def report_entries(items: Sequence[Any], digits: int = 40) -> list[dict]:
    """Normalise PCFs / hits / stored results into report entries (dicts)."""
    return [_entry_from(it, digits) for it in items]


def convergence_plot_png(pcf: PCF, depth: int = 200, reference_depth: int | None = None) -> bytes:
    """PNG bytes of ``log10 |p_n/q_n - L|`` for ``n <= depth`` (exact convergents).

    ``L`` is the convergent at ``reference_depth`` (default ``4 * depth``).
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

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
    title: str = "Continued-fraction conjectures",
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
    if fmt not in ("markdown", "html"):
        raise InvalidInputError(f"fmt={fmt!r} must be 'markdown' or 'html'")
    entries = report_entries(items, digits)
    blocks = []
    for i, d in enumerate(entries, 1):
        pcf: PCF = d["pcf"]
        png = base64.b64encode(convergence_plot_png(pcf, plot_depth)).decode("ascii")
        lhs = pcf.latex(2)
        expr_tex = d.get("latex") or (d.get("expression") or "?")
        delta = d.get("delta")
        rows = [
            ("a(n)", polynomial_to_string(pcf.a)),
            ("b(n)", polynomial_to_string(pcf.b)),
            ("value", str(d.get("value"))),
            ("conjecture", str(d.get("expression"))),
            ("digits verified", str(d.get("digits_verified"))),
            ("limit certificate", str(d.get("certification"))),
            ("convergence", f"{d.get('convergence')} ({_fmt(d.get('digits_per_term'))} digits/term)"),
            ("delta", _fmt(delta)),
        ]
        plain = f"{_plain_fraction(pcf)} = {d.get('expression') or '?'}"
        blocks.append((i, lhs, expr_tex, rows, png, plain))
    if fmt == "markdown":
        out = [f"# {title}", "", f"{len(entries)} conjecture(s).", ""]
        for i, lhs, expr_tex, rows, png, _ in blocks:
            out += [f"## Conjecture {i}", "", f"$$ {lhs} = {expr_tex} $$", "",
                    "| quantity | value |", "|---|---|"]
            out += [f"| {k} | {v} |" for k, v in rows]
            out += ["", f"![convergence of conjecture {i}](data:image/png;base64,{png})", ""]
        text = "\n".join(out)
    else:
        out = [
            "<!DOCTYPE html>", "<html><head><meta charset='utf-8'>",
            f"<title>{html.escape(title)}</title>",
            "<style>body{font-family:sans-serif;max-width:56em;margin:auto}"
            "table{border-collapse:collapse}td{border:1px solid #ccc;padding:2px 8px}"
            ".formula{overflow-x:auto;margin:.5em 0}.formula svg{max-width:100%;height:auto}"
            "details{font-size:.85em;color:#555}</style>",
            "</head><body>", f"<h1>{html.escape(title)}</h1>",
            f"<p>{len(entries)} conjecture(s).</p>",
        ]
        for i, lhs, expr_tex, rows, png, plain in blocks:
            out.append(f"<h2>Conjecture {i}</h2>")
            tex = f"{lhs} = {expr_tex}"
            svg = formula_svg(tex, prefix=f"c{i}")
            if svg is not None:
                out.append(f"<div class='formula' role='img' aria-label='{html.escape(plain)}'>"
                           f"{svg}</div>")
            else:
                out.append(f"<p class='formula'><code>{html.escape(plain)}</code></p>")
            out.append(f"<details><summary>LaTeX</summary><code>{html.escape(tex)}</code>"
                       "</details>")
            out.append("<table>" + "".join(
                f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in rows
            ) + "</table>")
            out.append(f"<img alt='convergence of conjecture {i}' src='data:image/png;base64,{png}'>")
        out.append("</body></html>")
        text = "\n".join(out)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def _fmt(x: Any) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, float):
        if math.isinf(x):
            return "inf"
        return f"{x:.6g}"
    return str(x)
