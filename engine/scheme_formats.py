"""File forms of bilinear schemes: JSON, numpy ``.npz``, product-per-line text (``.exp``) and flat.

The :class:`~engine.schemes.Scheme` methods (:meth:`~engine.schemes.Scheme.load`,
:meth:`~engine.schemes.Scheme.save`, :meth:`~engine.schemes.Scheme.dumps`,
:meth:`~engine.schemes.Scheme.from_json`, ``to_text``/``from_text``, ``to_flat``/``from_flat``)
are the public interface; they call the functions of this module, which hold the parsers and
writers. The classes, their verification and invariants stay in :mod:`engine.schemes`.

Forms: JSON (see :mod:`engine.schemes` for the convention); the product-per-line form
``(a11+a12)*(b12-b22)*(c21)`` of the flip-graph literature, where the ``c`` factor is written
with *transposed* indices (``c21`` adds the product to ``C[1][2]``, the tensor being
``sum a_ij b_jk c_ki``; ``.exp`` files of the literature are this form, with bare
single-variable factors such as ``a44*(b12+b22)*c15``); the flat form ``n m p r`` followed by
the ``r*n*m`` u, ``r*m*p`` v and ``r*n*p`` w coefficients, as the open-source ternary flip-graph
framework writes it (any whitespace layout; ``u``, ``v`` row-major, ``w`` rows the *transposed*
``C``, index ``k*n + i``; its JSON ``{"n": [n, m, p], "m": r, ...}`` is read too); numpy
``.npz``. Files written by :func:`save` record the ring (a ``# ring: F3`` comment line in the
text and flat forms); a file that records none is read over the smallest ring it is valid in.

Reference: M. Kauers, J. Moosbauer, "Flip graphs for matrix multiplication", ISSAC 2023
(the product-per-line ``.exp`` form).

Examples:
    >>> from engine.scheme_formats import dumps, from_text
    >>> from engine.schemes import Scheme
    >>> s = from_text(Scheme, "(a11)*(b11)*(c11)")
    >>> s.rank, dumps(s, "flat").splitlines()[0]
    (1, '1 1 1 1')
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from engine.errors import InvalidInputError
from engine.schemes import (
    _F,
    _PRIME,
    RINGS,
    BilinearScheme,
    Scheme,
    _is_integral,
    _norm_ring,
    _parse_coeff,
)
from engine.tensors import parse_format

__all__ = ["from_json", "load", "dumps", "save", "to_text", "from_text", "to_flat", "from_flat"]


# ----------------------------------------------------------------------------- helpers
def _check_readable(p: Path) -> None:
    if not p.exists():
        raise InvalidInputError(f"path={str(p)!r} does not exist; give an existing scheme file")
    if p.is_dir():
        raise InvalidInputError(f"path={str(p)!r} is a directory; give a scheme file")


def _read_text(path: str | os.PathLike) -> str:
    p = Path(path)
    _check_readable(p)
    try:
        return p.read_text(encoding="utf-8-sig")  # a byte-order mark (Windows editors) is dropped
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"path={str(path)!r} is not a text scheme file ({exc.reason} at byte {exc.start}); "
            "expected JSON, the text or the flat form (or .npz)"
        ) from None
    except OSError as exc:
        raise InvalidInputError(f"path={str(path)!r} cannot be read: {exc.strerror or exc}") from None


def _check_writable(path: str | os.PathLike, force: bool) -> Path:
    p = Path(path)
    if p.is_dir():
        raise InvalidInputError(f"path={str(path)!r} is a directory; give a file name to write the scheme to")
    if p.exists() and not force:
        raise InvalidInputError(f"path={str(path)!r} already exists; pass force=True (--force) to overwrite it")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise InvalidInputError(f"path={str(path)!r}: the directory {str(parent)!r} does not exist; create it first")
    return p


_TERM_RE = re.compile(
    r"([+-]?)\s*(?:(\d+(?:/\d+)?)\s*\*?\s*)?([abcABC])(?:_?\{?(\d+)[,_](\d+)\}?|(\d)(\d))"
)


def _fmt_coeff_term(c: Fraction | int, name: str, first: bool) -> str:
    q = _F(c)
    sign = "-" if q < 0 else ("" if first else "+")
    mag = abs(q)
    if mag == 1:
        return f"{sign}{name}"
    return f"{sign}{mag}*{name}"


def _linear_form(coeffs: Any, names: list[str], sep: str = "") -> str:
    parts = []
    for c, nm in zip(coeffs, names, strict=True):
        if _F(c) != 0:
            parts.append(_fmt_coeff_term(c, nm, not parts))
    if not parts:
        return "0"
    if sep:
        out = parts[0]
        for p in parts[1:]:
            out += f" {p[0]} {p[1:]}"
        return out
    return "".join(parts)


def _rows(data: Any, name: str, ncols: int) -> Any:
    if isinstance(data, list) and data and not isinstance(data[0], list):
        # a flat list: reshape
        if len(data) % ncols:
            raise InvalidInputError(f"{name} has {len(data)} entries, not a multiple of {ncols}")
        return [data[i:i + ncols] for i in range(0, len(data), ncols)]
    return data


_FILE_FORMATS: tuple[str, ...] = ("json", "npz", "text", "flat")
_SAVE_SUFFIXES: dict[str, str] = {".json": "json", ".npz": "npz", ".txt": "text", ".exp": "text", ".flat": "flat"}
_RING_COMMENT_RE = re.compile(r"^[ \t]*#[ \t]*ring[ \t]*[:=][ \t]*(\S+)[ \t]*$", re.M | re.I)


def _valid_somewhere(s: BilinearScheme) -> bool:
    """Valid over its claimed ring, or (for an integer/rational claim) over F2 or F3."""
    if s.is_valid(s.ring):
        return True
    return s.ring not in _PRIME and any(s._residual(r) is not None and s.is_valid(r) for r in _PRIME)


def _ring_comment(text: str, where: Any = "text") -> str | None:
    """The ring named by ``# ring: X`` comment lines of a text/flat scheme, or None."""
    found = {_norm_ring(m.group(1)) for m in _RING_COMMENT_RE.finditer(text)}
    if not found:
        return None
    if len(found) > 1:
        raise InvalidInputError(f"{where}: the comments name several rings {sorted(found)}; keep one '# ring: X' line")
    ring = _norm_ring(found.pop())
    if ring not in RINGS:
        raise InvalidInputError(f"{where}: '# ring: {ring}' names no supported ring; use one of {', '.join(RINGS)}")
    return ring


def _guess_fmt(p: Path) -> str:
    suf = p.suffix.lower()
    if suf == ".json":
        return "json"
    if suf == ".npz":
        return "npz"
    if suf == ".flat":
        return "flat"
    if p.is_file():
        with open(p, "rb") as fh:
            raw = fh.read(4096)
        if raw.startswith(b"PK"):  # a zip archive: numpy .npz
            return "npz"
        raw = raw.removeprefix(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
        head = raw.decode(errors="replace").strip()
        if head.startswith("{"):
            return "json"
        lines = [ln.split("#")[0].strip() for ln in head.splitlines()]
        first = next((ln for ln in lines if ln), "")
        if re.fullmatch(r"\d+\s+\d+\s+\d+\s+\d+(\s+-?\d+(/\d+)?)*", first):
            return "flat"
    return "text"


#: Most coefficients (rank times the entries of u, v, w) a text scheme may hold: indices such as
#: ``a99999_99999`` would otherwise allocate factor rows of 10^10 entries before any check.
MAX_FACTOR_ENTRIES = 1 << 26

_SCALAR_RE = re.compile(r"[+-]?\d+(?:/\d+)?")


def _fraction(tok: str, where: str) -> Fraction:
    """``tok`` (``"3"``, ``"-1/2"``) as a Fraction; a zero denominator is an InvalidInputError."""
    q = Fraction(0)
    try:
        q = Fraction(tok)
    except ZeroDivisionError:
        raise InvalidInputError(f"{where}: the coefficient {tok!r} divides by zero") from None
    return q


def _split_factors(line: str) -> list[tuple[Fraction, str]]:
    """Split a product line at its top-level ``*`` into ``(scale, linear form)`` factors.

    Accepts ``(a11+a12)*(b12-b22)*(c21)``, bare factors (``a44*(b12+b22)*c15``, as in the
    ``.exp`` files of the flip-graph literature), signs (``-a25*...``, ``-(a11+a12)*...``) and
    scalar factors (``2*(a11)*...``, folded into the next factor). Returns ``[]`` when the
    parentheses do not match or a factor is malformed.
    """
    toks, depth, cur = [], 0, ""
    for ch in line:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return []
        if ch == "*" and depth == 0:
            toks.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if depth != 0:
        return []
    toks.append(cur.strip())
    out: list[tuple[Fraction, str]] = []
    scale = Fraction(1)
    for tok in toks:
        if not tok:
            return []
        if _SCALAR_RE.fullmatch(tok):
            scale *= _fraction(tok, f"factor {tok!r}")
            continue
        if tok[0] in "+-" and tok[1:].lstrip().startswith("("):
            if tok[0] == "-":
                scale = -scale
            tok = tok[1:].strip()
        if tok.startswith("("):
            d, close = 0, -1
            for i, ch in enumerate(tok):
                d += (ch == "(") - (ch == ")")
                if d == 0:
                    close = i
                    break
            if close != len(tok) - 1:  # '(a11)+(a12)': the first group closes early
                return []
            tok = tok[1:-1]
        if "(" in tok or ")" in tok:
            return []
        out.append((scale, tok))
        scale = Fraction(1)
    if scale != 1 and out:  # a trailing scalar: fold into the last factor
        out[-1] = (out[-1][0] * scale, out[-1][1])
    return out


# ----------------------------------------------------------------------------- reading and writing
def from_json(cls: type[Scheme], data: dict | str) -> Scheme:
    """A scheme of class ``cls`` from the JSON form (a dict or a JSON string); see :meth:`Scheme.from_json`."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"scheme JSON is malformed: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidInputError("scheme JSON must be an object with format, rank, ring, u, v, w")
    if "format" not in data and "n" in data and all(k in data for k in ("u", "v", "w")):
        return _from_framework_json(cls, data)
    missing = [k for k in ("format", "u", "v", "w") if k not in data]
    if missing:
        raise InvalidInputError(f"scheme JSON lacks the keys {missing}; expected format, rank, ring, u, v, w")
    n, m, p = parse_format(data["format"])
    ring = data.get("ring")
    s = cls((n, m, p), _rows(data["u"], "u", n * m), _rows(data["v"], "v", m * p), _rows(data["w"], "w", n * p), ring=ring)
    if "rank" in data and (isinstance(data["rank"], bool) or data["rank"] != s.rank):
        raise InvalidInputError(f"rank={data['rank']!r} does not match the {s.rank} rows of u, v, w")
    return s


def _from_framework_json(cls: type[Scheme], data: dict) -> Scheme:
    """The JSON of the open-source ternary flip-graph framework: ``{"n": [n, m, p], "m": r,
    "z2": bool, "u": ..., "v": ..., "w": ...}`` with ``w`` rows the transposed ``C``
    (``k*n + i``); ``"z2": true`` marks an F2 scheme."""
    n, m, p = parse_format(data["n"])
    w = _rows(data["w"], "w", n * p)
    if not isinstance(w, list) or not all(isinstance(row, list) and len(row) == n * p for row in w):
        raise InvalidInputError(f"w must be a list of rows of {n * p} coefficients (transposed C, k*n + i)")
    w = [[row[k * n + i] for i in range(n) for k in range(p)] for row in w]
    ring = _norm_ring(data.get("ring")) or ("F2" if data.get("z2") is True else None)
    s = cls((n, m, p), _rows(data["u"], "u", n * m), _rows(data["v"], "v", m * p), w, ring=ring)
    if "m" in data and (isinstance(data["m"], bool) or data["m"] != s.rank):
        raise InvalidInputError(f"m={data['m']!r} (the rank) does not match the {s.rank} rows of u, v, w")
    return s


def load(cls: type[Scheme], path: str | os.PathLike, fmt: str | None = None, format: Any = None, ring: str | None = None) -> Scheme:
    """Read a scheme file (JSON, npz, text or flat) as ``cls``; see :meth:`Scheme.load`."""
    if fmt is not None and fmt not in _FILE_FORMATS:
        raise InvalidInputError(f"fmt={fmt!r} is not a scheme file format; use one of {', '.join(_FILE_FORMATS)}")
    ring = _norm_ring(ring)
    if ring is not None and ring not in RINGS:
        raise InvalidInputError(f"ring={ring!r} is not supported; use one of {', '.join(RINGS)}")
    p = Path(path)
    fmt = fmt or _guess_fmt(p)
    if fmt == "npz":
        _check_readable(p)
        try:
            with np.load(p, allow_pickle=False) as z:
                u, v, w = z["u"], z["v"], z["w"]
                f = z["format"].tolist()
                file_ring = _norm_ring(str(z["ring"])) if "ring" in z else None
                dens = {k: z[k] for k in ("u_den", "v_den", "w_den") if k in z}
        except (KeyError, ValueError, OSError, TypeError, EOFError, zipfile.BadZipFile) as exc:
            raise InvalidInputError(
                f"path={str(path)!r} is not a scheme .npz (needs u, v, w, format): {exc or type(exc).__name__}"
            ) from None
        f = parse_format(f)
        arrs = []
        for name, a in (("u", u), ("v", v), ("w", w)):
            if f"{name}_den" in dens:
                d = dens[f"{name}_den"]
                if d.shape != a.shape or a.ndim != 2 or d.dtype.kind not in "iu" or a.dtype.kind not in "iu":
                    raise InvalidInputError(
                        f"path={str(path)!r}: {name}_den (shape {d.shape}, {d.dtype}) must be an integer array "
                        f"of the shape of {name} ({a.shape}, {a.dtype}), one row per product"
                    )
                if (d <= 0).any():
                    raise InvalidInputError(f"path={str(path)!r}: {name}_den holds a denominator <= 0")
                a = [[Fraction(int(x), int(y)) for x, y in zip(r1, r2, strict=True)] for r1, r2 in zip(a, d, strict=True)]
            arrs.append(a)
        s = cls(f, *arrs, ring=None if ring is not None else file_ring)
    else:
        text = _read_text(p)
        file_ring = None
        if fmt == "json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InvalidInputError(f"path={str(path)!r}: scheme JSON is malformed: {exc}") from None
            file_ring = data.get("ring") if isinstance(data, dict) else None
            if ring is not None and isinstance(data, dict):  # the explicit claim replaces the file's
                data = {k: x for k, x in data.items() if k != "ring"}
            s = cls.from_json(data)
        else:
            file_ring = _ring_comment(text, path)
            if fmt == "flat":
                s = cls.from_flat(text, ring=None if ring is not None else file_ring)
            else:
                s = cls.from_text(text, format=format, ring=None if ring is not None else file_ring)
    if ring is not None:
        return s if s.ring == ring else s.with_ring(ring)
    if file_ring is not None:
        return s
    return s._with_smallest_ring(str(path))


def dumps(scheme: Scheme, fmt: str = "json") -> str:
    """The text content :func:`save` writes in ``fmt``; see :meth:`Scheme.dumps`."""
    if fmt == "json":
        return json.dumps(scheme.to_json()) + "\n"
    if fmt == "flat":
        return f"{scheme.to_flat()}\n# ring: {scheme._ring}\n"
    if fmt == "text":
        return f"# ring: {scheme._ring}\n{scheme.to_text()}"
    raise InvalidInputError(f"fmt={fmt!r} has no text form; use 'json', 'text' or 'flat' (or save() for 'npz')")


def save(scheme: Scheme, path: str | os.PathLike, fmt: str | None = None, force: bool = False) -> None:
    """Write ``scheme`` to ``path`` in the format of ``fmt`` or the suffix; see :meth:`Scheme.save`."""
    if fmt is not None and fmt not in _FILE_FORMATS:
        raise InvalidInputError(f"fmt={fmt!r} is not a scheme file format; use one of {', '.join(_FILE_FORMATS)}")
    if fmt is None:
        fmt = _SAVE_SUFFIXES.get(Path(path).suffix.lower())
        if fmt is None:
            raise InvalidInputError(
                f"path={str(path)!r} has the suffix {Path(path).suffix or '(none)'!r}, which names no scheme format; "
                f"use {', '.join(_SAVE_SUFFIXES)} or pass fmt= ({', '.join(_FILE_FORMATS)})"
            )
    p = _check_writable(path, force)
    if fmt == "npz":
        data: dict[str, Any] = {"format": np.array(scheme._format), "ring": np.array(scheme._ring)}
        lim = 1 << 63
        for name, a in (("u", scheme._u), ("v", scheme._v), ("w", scheme._w)):
            qs = [_F(x) for x in a.flat]
            if any(not (-lim <= q.numerator < lim and q.denominator < lim) for q in qs):
                # beyond int64: exact "a/b" strings (loaded without pickling, like JSON entries)
                data[name] = np.array([str(q) for q in qs], dtype=str).reshape(a.shape)
            elif _is_integral(a):
                data[name] = np.array([[int(x) for x in r] for r in a], dtype=np.int64).reshape(a.shape)
            else:
                data[name] = np.array([[_F(x).numerator for x in r] for r in a], dtype=np.int64)
                data[f"{name}_den"] = np.array([[_F(x).denominator for x in r] for r in a], dtype=np.int64)
        with open(p, "wb") as fh:
            np.savez(fh, **data)
        return
    p.write_text(scheme.dumps(fmt))


def to_text(scheme: Scheme, transposed_c: bool = True) -> str:
    """The product-per-line text form; see :meth:`Scheme.to_text`."""
    n, m, p = scheme._format
    big = max(n, m, p) > 9
    T = scheme._target
    if transposed_c:
        cn = [(f"c{k + 1}_{i + 1}" if big else f"c{k + 1}{i + 1}") for i in range(n) for k in range(p)]
    else:
        cn = list(T.c_names)
    lines = []
    for t in range(scheme.rank):
        lines.append(
            f"({_linear_form(scheme._u[t], list(T.a_names))})*({_linear_form(scheme._v[t], list(T.b_names))})*({_linear_form(scheme._w[t], cn)})"
        )
    return "\n".join(lines) + "\n"


def from_text(cls: type[Scheme], text: str, format: Any = None, transposed_c: bool = True, ring: str | None = None) -> Scheme:
    """Parse the product-per-line text form as ``cls``; see :meth:`Scheme.from_text`."""
    ring = _norm_ring(ring)
    if ring is None:
        ring = _ring_comment(text, "scheme text")
    rows = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#")[0].strip()
        if not line:
            continue
        if "=" in line:
            line = line.split("=", 1)[1].strip()
        factors = _split_factors(line)
        if len(factors) != 3:
            raise InvalidInputError(
                f"line {lineno} {raw.strip()!r} is not a product of three factors (a...)*(b...)*(c...)"
            )
        parsed = []
        for (scale, fac), letter in zip(factors, "abc", strict=True):
            terms = {}
            pos = 0
            body = fac.replace(" ", "").replace("\t", "")
            if body in ("0", "+0", "-0"):  # a vanishing factor (a useless product)
                body = ""
            for mt in _TERM_RE.finditer(body):
                if mt.start() != pos:
                    raise InvalidInputError(f"line {lineno}: cannot parse {body[pos:mt.start()]!r} in factor {fac!r}")
                pos = mt.end()
                sign, coef, let, i1, j1, i2, j2 = mt.groups()
                if let.lower() != letter:
                    raise InvalidInputError(f"line {lineno}: variable {let}{i1 or i2}.. in the {letter}-factor {fac!r}")
                i, j = (int(i1), int(j1)) if i1 else (int(i2), int(j2))
                if i < 1 or j < 1:
                    raise InvalidInputError(f"line {lineno}: indices are 1-based, got {let}{i},{j}")
                q = (_fraction(coef, f"line {lineno}") if coef else Fraction(1)) * scale
                if sign == "-":
                    q = -q
                terms[(i, j)] = terms.get((i, j), 0) + q
            if pos != len(body):
                raise InvalidInputError(f"line {lineno}: cannot parse {body[pos:]!r} in factor {fac!r}")
            parsed.append(terms)
        rows.append(parsed)
    if not rows:
        raise InvalidInputError("the text holds no products; expected lines like (a11+a12)*(b12-b22)*(c21)")
    if format is None:
        n = max(max([i for r in rows for (i, _) in r[0]] or [1]), max([(j if transposed_c else i) for r in rows for (i, j) in r[2]] or [1]))
        m = max(max([j for r in rows for (_, j) in r[0]] or [1]), max([i for r in rows for (i, _) in r[1]] or [1]))
        p = max(max([j for r in rows for (_, j) in r[1]] or [1]), max([(i if transposed_c else j) for r in rows for (i, j) in r[2]] or [1]))
    else:
        n, m, p = parse_format(format)
    size = len(rows) * (n * m + m * p + n * p)
    if size > MAX_FACTOR_ENTRIES:
        raise InvalidInputError(
            f"the format {n}x{m}x{p} (from the largest indices{'' if format is None else ' and format='}) with "
            f"{len(rows)} products is too large: {size} coefficients, beyond MAX_FACTOR_ENTRIES={MAX_FACTOR_ENTRIES}; "
            "check the indices (a12 is row 1, column 2; write a1_12 for two-digit indices)"
        )
    u = [[Fraction(0)] * (n * m) for _ in rows]
    v = [[Fraction(0)] * (m * p) for _ in rows]
    w = [[Fraction(0)] * (n * p) for _ in rows]
    for t, (fa, fb, fc) in enumerate(rows):
        for (i, j), q in fa.items():
            if i > n or j > m:
                raise InvalidInputError(f"product {t + 1}: a{i}{j} is outside the format {n}x{m}x{p}")
            u[t][(i - 1) * m + (j - 1)] += q
        for (j, k), q in fb.items():
            if j > m or k > p:
                raise InvalidInputError(f"product {t + 1}: b{j}{k} is outside the format {n}x{m}x{p}")
            v[t][(j - 1) * p + (k - 1)] += q
        for (x, y), q in fc.items():
            i, k = (y, x) if transposed_c else (x, y)
            if i > n or k > p:
                raise InvalidInputError(f"product {t + 1}: c{x}{y} is outside the format {n}x{m}x{p}")
            w[t][(i - 1) * p + (k - 1)] += q
    return cls((n, m, p), u, v, w, ring=ring)


def to_flat(scheme: Scheme, transposed_c: bool = True) -> str:
    """The flat ``n m p r`` form; see :meth:`Scheme.to_flat`."""
    n, m, p = scheme._format

    def line(a: np.ndarray) -> str:
        return " ".join(str(_parse_coeff(x, "c")) for x in a.flat)

    w = scheme._w
    if transposed_c and scheme.rank:
        w = w.reshape(scheme.rank, n, p).transpose(0, 2, 1).reshape(scheme.rank, p * n)
    return f"{n} {m} {p} {scheme.rank}\n{line(scheme._u)}\n{line(scheme._v)}\n{line(w)}"


def from_flat(cls: type[Scheme], text: str, ring: str | None = None, transposed_c: bool | None = None) -> Scheme:
    """Parse the flat ``n m p r`` form as ``cls``; see :meth:`Scheme.from_flat`."""
    ring = _norm_ring(ring)
    if ring is None:
        ring = _ring_comment(text, "flat scheme text")
    toks = " ".join(line.split("#")[0] for line in text.splitlines()).split()
    if len(toks) < 4:
        raise InvalidInputError("flat scheme text needs a header 'n m p r' followed by coefficients")
    try:
        n, m, p, r = (int(x) for x in toks[:4])
    except ValueError:
        raise InvalidInputError(f"flat header {' '.join(toks[:4])!r} is not four integers 'n m p r'") from None
    n, m, p = parse_format((n, m, p))
    if r < 0:
        raise InvalidInputError(f"flat header {' '.join(toks[:4])!r}: the rank r={r} must be >= 0")
    need = r * (n * m + m * p + n * p)
    vals = toks[4:]
    if len(vals) != need:
        raise InvalidInputError(
            f"flat scheme {n}x{m}x{p} of rank {r} needs {need} coefficients, found {len(vals)}"
        )
    coeffs = [_parse_coeff(x, f"coefficient {i + 5}") for i, x in enumerate(vals)]
    a, b = r * n * m, r * n * m + r * m * p
    u = [coeffs[t * n * m:(t + 1) * n * m] for t in range(r)]
    v = [coeffs[a + t * m * p:a + (t + 1) * m * p] for t in range(r)]
    w_raw = [coeffs[b + t * n * p:b + (t + 1) * n * p] for t in range(r)]
    w_cki = [[row[k * n + i] for i in range(n) for k in range(p)] for row in w_raw]
    s = cls((n, m, p), u, v, w_raw if transposed_c is False else w_cki, ring=ring)
    if transposed_c is None and not _valid_somewhere(s):
        alt = cls((n, m, p), u, v, w_raw, ring=ring)
        if _valid_somewhere(alt):
            return alt
    return s
