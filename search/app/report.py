"""Self-contained campaign reports: ``index.html`` and ``report.md`` with embedded figures.

A report is a list of :class:`ReportSection` objects, one per capability. Figures are PNG
bytes (typically from matplotlib) embedded as base64 data URIs, so the HTML page and the
Markdown file open anywhere without a server, network access or side files.

Examples:
    >>> import tempfile, pathlib
    >>> from search.app.report import ReportSection, write_report
    >>> sec = ReportSection(key="demo", title="Demo", ran="nothing", verification="none")
    >>> sec.add_row({"id": 1, "result": "x"})
    >>> out = write_report([sec], tempfile.mkdtemp(), title="Demo report")
    >>> sorted(p.name for p in out.iterdir())
    ['index.html', 'report.md']
"""

from __future__ import annotations

import base64
import html
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InvalidInputError

__all__ = ["Figure", "ReportSection", "figure_to_png", "write_report", "render_html", "render_markdown"]


@dataclass
class Figure:
    """A PNG figure with a caption."""

    caption: str
    png: bytes

    def data_uri(self) -> str:
        """The figure as a ``data:image/png;base64,...`` URI."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class ReportSection:
    """One capability's part of a report.

    Attributes:
        key: short identifier (used as the HTML anchor), e.g. ``"reactions"``.
        title: section heading.
        ran: what was run (one paragraph).
        verification: how the results were verified.
        status: ``"ok"``, ``"interrupted"``, ``"error"`` or ``"skipped"``.
        found: free-text lines summarising what was found.
        rows: table of results (dicts with the same keys; ``store id`` included where stored).
        figures: embedded figures.
        error: error message when ``status == "error"``.
        elapsed: wall seconds spent in the section.
        new_results: how many results were new to the store in this run.
        compile_seconds: of ``elapsed``, the seconds spent compiling numba kernels (or waiting
            for a background compile); None when not measured. Shown beside the search time.
    """

    key: str
    title: str
    ran: str = ""
    verification: str = ""
    status: str = "ok"
    found: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    error: str | None = None
    elapsed: float = 0.0
    new_results: int = 0
    compile_seconds: float | None = None

    def timing(self) -> str:
        """``"4.7 s"``, or ``"4.7 s (search 4.7 s, compiling 0.0 s)"`` when compile time was measured."""
        if self.compile_seconds is None:
            return f"{self.elapsed:.1f} s"
        c = max(0.0, self.compile_seconds)
        return f"{self.elapsed:.1f} s (search {max(0.0, self.elapsed - c):.1f} s, compiling {c:.1f} s)"

    def add_row(self, row: dict[str, Any]) -> None:
        """Append a row to the results table."""
        self.rows.append(dict(row))

    def add_figure(self, caption: str, fig_or_png: Any) -> None:
        """Embed a matplotlib figure (closed after rendering) or raw PNG bytes."""
        png = fig_or_png if isinstance(fig_or_png, bytes | bytearray) else figure_to_png(fig_or_png)
        self.figures.append(Figure(caption, bytes(png)))


def figure_to_png(fig: Any, dpi: int = 110) -> bytes:
    """Render a matplotlib figure to PNG bytes and close it."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    cols: list[str] = []
    for row in rows:
        for k in row:
            if k not in cols:
                cols.append(k)
    return cols


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2rem auto;
max-width:1100px;color:#1d232b;line-height:1.45;padding:0 1rem}
h1{border-bottom:3px solid #2b6cb0;padding-bottom:.3rem}
h2{margin-top:2.4rem;border-bottom:1px solid #cbd5e0;padding-bottom:.2rem}
nav a{margin-right:1rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem;width:100%}
th,td{border:1px solid #cbd5e0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#edf2f7} code{background:#f1f5f9;padding:0 .2rem;border-radius:3px}
figure{display:inline-block;margin:.5rem 1rem .5rem 0;max-width:48%}
figure img{max-width:100%;border:1px solid #e2e8f0}
figcaption{font-size:.85rem;color:#4a5568}
.status-ok{color:#276749}.status-error{color:#c53030}.status-interrupted{color:#b7791f}
.status-skipped{color:#718096}
.meta{color:#4a5568;font-size:.9rem}
"""


def render_html(sections: list[ReportSection], title: str, meta: dict[str, Any] | None = None) -> str:
    """Render the report as one self-contained HTML page."""
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
    ]
    if meta:
        items = "".join(f"<li><b>{esc(str(k))}</b>: {esc(str(v))}</li>" for k, v in meta.items())
        parts.append(f'<ul class="meta">{items}</ul>')
    parts.append("<nav>" + "".join(f'<a href="#{esc(s.key)}">{esc(s.title)}</a>' for s in sections) + "</nav>")
    for s in sections:
        parts.append(f'<section id="{esc(s.key)}"><h2>{esc(s.title)}</h2>')
        parts.append(
            f'<p class="meta">status: <span class="status-{esc(s.status)}">{esc(s.status)}</span>'
            f" &middot; {esc(s.timing())} &middot; {s.new_results} new result(s) in the store</p>"
        )
        if s.error:
            parts.append(f'<p class="status-error">{esc(s.error)}</p>')
        if s.ran:
            parts.append(f"<h3>What was run</h3><p>{esc(s.ran)}</p>")
        if s.found:
            parts.append("<h3>What was found</h3><ul>" + "".join(f"<li>{esc(x)}</li>" for x in s.found) + "</ul>")
        if s.verification:
            parts.append(f"<h3>How it was verified</h3><p>{esc(s.verification)}</p>")
        for fig in s.figures:
            parts.append(
                f'<figure><img src="{fig.data_uri()}" alt="{esc(fig.caption)}">'
                f"<figcaption>{esc(fig.caption)}</figcaption></figure>"
            )
        if s.rows:
            cols = _columns(s.rows)
            head = "".join(f"<th>{esc(c)}</th>" for c in cols)
            body = "".join(
                "<tr>" + "".join(f"<td>{esc(str(r.get(c, '')))}</td>" for c in cols) + "</tr>" for r in s.rows
            )
            parts.append(f"<h3>Results</h3><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _md_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def render_markdown(sections: list[ReportSection], title: str, meta: dict[str, Any] | None = None) -> str:
    """Render the report as Markdown (figures embedded as data URIs)."""
    lines = [f"# {title}", ""]
    for k, v in (meta or {}).items():
        lines.append(f"- **{k}**: {v}")
    if meta:
        lines.append("")
    for s in sections:
        lines += [f"## {s.title}", "", f"*status: {s.status} · {s.timing()} · {s.new_results} new result(s)*", ""]
        if s.error:
            lines += [f"**Error:** {s.error}", ""]
        if s.ran:
            lines += ["**What was run.** " + s.ran, ""]
        if s.found:
            lines += ["**What was found.**", ""] + [f"- {x}" for x in s.found] + [""]
        if s.verification:
            lines += ["**How it was verified.** " + s.verification, ""]
        for fig in s.figures:
            lines += [f"![{fig.caption}]({fig.data_uri()})", "", f"*{fig.caption}*", ""]
        if s.rows:
            cols = _columns(s.rows)
            lines.append("| " + " | ".join(_md_cell(c) for c in cols) + " |")
            lines.append("|" + "---|" * len(cols))
            for r in s.rows:
                lines.append("| " + " | ".join(_md_cell(r.get(c, "")) for c in cols) + " |")
            lines.append("")
    return "\n".join(lines)


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_report(
    sections: list[ReportSection],
    out_dir: str | os.PathLike[str],
    *,
    title: str = "disco discovery report",
    meta: dict[str, Any] | None = None,
) -> Path:
    """Write ``index.html`` and ``report.md`` into ``out_dir`` (created if needed), atomically.

    Args:
        sections: the report's sections, in order.
        out_dir: the output directory.
        title: the page title.
        meta: key/value lines shown under the title (campaign, seed, store...).

    Returns:
        The output directory as a :class:`pathlib.Path`.

    Raises:
        InvalidInputError: ``out_dir`` cannot be created or written.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".disco-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise InvalidInputError(
            f"output directory {str(out)!r} is not writable ({exc.strerror or exc}); "
            "choose another with --output"
        ) from exc
    _atomic_write(out / "index.html", render_html(sections, title, meta))
    _atomic_write(out / "report.md", render_markdown(sections, title, meta))
    return out
