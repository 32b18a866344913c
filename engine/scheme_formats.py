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

from engine._args import short_repr as short
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


_FILE_FORMATS: tuple[str, ...] = ("json", "npz", "text", "exp", "flat", "collection", "m", "tensor")
_SAVE_SUFFIXES: dict[str, str] = {
    ".json": "json", ".npz": "npz", ".txt": "text", ".exp": "exp", ".flat": "flat", ".m": "m", ".mpl": "tensor",
}
#: What each file form is, for messages naming the layouts tried.
LAYOUTS: dict[str, str] = {
    "json": "our JSON (format, rank, ring, u, v, w) or the collection's full/reduced JSON (n, m, z2, u, v, w)",
    "npz": "numpy .npz (u, v, w, format)",
    "text": "product-per-line text / Kauers-Moosbauer .exp ((a11+a12)*(b12-b22)*(c21), optional /3)",
    "flat": "flat 'n m p r' coefficients (the ternary framework's .txt, integer or numerator-denominator pairs)",
    "m": "Maple/Mathematica .m nested lists {{U, V, W}, ...}",
    "tensor": "Maple .tensor.mpl TriadSet([Triad([Matrix(..), Matrix(..), Matrix(..)]), ...])",
}
#: Suffix of the sidecar file that records the ring of a ``.exp`` file (``s.exp`` -> ``s.exp.ring``):
#: readers of the plain form count every line of a ``.exp`` file as a product.
RING_SIDECAR = ".ring"
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
    name = p.name.lower()
    suf = p.suffix.lower()
    if suf == ".json":
        return "json"
    if suf == ".npz":
        return "npz"
    if suf == ".flat":
        return "flat"
    if name.endswith(".tensor.mpl") or suf == ".mpl":
        return "tensor"
    if p.is_file():
        with open(p, "rb") as fh:
            raw = fh.read(4096)
        if raw.startswith(b"PK"):  # a zip archive: numpy .npz
            return "npz"
        raw = raw.removeprefix(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
        head = raw.decode(errors="replace").strip()
        if head.startswith("{") and re.match(r"\{\s*\"", head):
            return "json"
        if "TriadSet" in head or re.search(r"\bMatrix\s*\(", head):
            return "tensor"
        if head.startswith("{") or (suf == ".m" and head.startswith("[")):
            return "m"
        lines = [ln.split("#")[0].strip() for ln in head.splitlines()]
        first = next((ln for ln in lines if ln), "")
        if re.fullmatch(r"\d+\s+\d+\s+\d+\s+\d+(\s+-?\d+(/\d+)?)*", first):
            return "flat"
    if suf == ".m":
        return "m"
    return "text"


#: Most coefficients (rank times the entries of u, v, w) a text scheme may hold: indices such as
#: ``a99999_99999`` would otherwise allocate factor rows of 10^10 entries before any check.
MAX_FACTOR_ENTRIES = 1 << 26

#: Deepest parenthesis nesting a product line may have (hostile input would otherwise recurse).
MAX_NESTING = 64

_TOKEN_RE = re.compile(
    r"\s*(?:(?P<num>\d+)|(?P<var>[abcABC](?:_?\{?\d+[,_]\d+\}?|\d\d(?!\d)))|(?P<op>[-+*/()]))"
)


def _tokenize_product(line: str, where: str) -> list[tuple[str, Any]]:
    """Tokens of a product line: numbers, variables ``a12``/``a1_12``/``a_{1,12}``, ``+ - * / ( )``."""
    toks: list[tuple[str, Any]] = []
    pos, line = 0, line.rstrip()
    while pos < len(line):
        mt = _TOKEN_RE.match(line, pos)
        if mt is None or mt.end() == pos:
            bad = line[pos:].strip()[:20]
            if re.match(r"[abcABC]\d{3,}", bad):
                raise InvalidInputError(f"{where}: the index of {bad.split()[0]!r} is ambiguous; write a1_12 for "
                                        "two-digit indices")
            raise InvalidInputError(f"{where}: cannot parse {bad!r}")
        pos = mt.end()
        if mt.group("num") is not None:
            toks.append(("num", Fraction(int(mt.group("num")))))
        elif mt.group("var") is not None:
            raw = mt.group("var")
            digits = re.findall(r"\d+", raw)
            i, j = (int(digits[0][0]), int(digits[0][1])) if len(digits) == 1 else (int(digits[0]), int(digits[1]))
            if i < 1 or j < 1:
                raise InvalidInputError(f"{where}: indices are 1-based, got {raw}")
            toks.append(("var", (raw[0].lower(), i, j)))
        else:
            toks.append(("op", mt.group("op")))
    return toks


class _Trilinear:
    """A parsed value: ``scale`` times a product of linear forms, at most one per letter a, b, c."""

    __slots__ = ("scale", "forms")

    def __init__(self, scale: Fraction, forms: dict[str, dict[tuple[int, int], Fraction]]):
        if len(forms) == 1 and scale not in (0, 1):  # one factor: the scalar belongs to it (-a11 stays in a)
            ((letter, form),) = forms.items()
            forms, scale = {letter: {k: scale * q for k, q in form.items()}}, Fraction(1)
        self.scale, self.forms = scale, forms


def _tri_add(x: _Trilinear, y: _Trilinear, sign: int, where: str) -> _Trilinear:
    if set(x.forms) != set(y.forms) or len(x.forms) > 1:
        raise InvalidInputError(
            f"{where}: a sum mixes {''.join(sorted(x.forms)) or 'a number'} and {''.join(sorted(y.forms)) or 'a number'}; "
            "each factor is a linear form in one of a, b, c"
        )
    if not x.forms:
        return _Trilinear(x.scale + sign * y.scale, {})
    (letter,) = x.forms
    out = {k: x.scale * q for k, q in x.forms[letter].items()}
    for k, q in y.forms[letter].items():
        out[k] = out.get(k, Fraction(0)) + sign * y.scale * q
    return _Trilinear(Fraction(1), {letter: out})


def _tri_mul(x: _Trilinear, y: _Trilinear, where: str) -> _Trilinear:
    both = set(x.forms) & set(y.forms)
    if both:
        raise InvalidInputError(f"{where}: two factors in {sorted(both)[0]}; a product has one a-, one b- and one c-factor")
    return _Trilinear(x.scale * y.scale, {**x.forms, **y.forms})


def _parse_product(line: str, where: str) -> _Trilinear:
    """Parse ``(a11+a12)*(b12-b22)*(c21)`` and its variants (juxtaposed factors, scalar factors
    such as ``3*(a12-a13)``, ``2 b31``, a trailing ``/3``) into one trilinear value."""
    toks = _tokenize_product(line, where)
    pos = 0

    def peek() -> tuple[str, Any] | None:
        return toks[pos] if pos < len(toks) else None

    def expr(depth: int) -> _Trilinear:
        nonlocal pos
        val = term(depth)
        while (t := peek()) in (("op", "+"), ("op", "-")):
            pos += 1
            val = _tri_add(val, term(depth), 1 if t[1] == "+" else -1, where)
        return val

    def term(depth: int) -> _Trilinear:
        nonlocal pos
        val = unary(depth)
        while (t := peek()) is not None:
            if t == ("op", "*"):
                pos += 1
                val = _tri_mul(val, unary(depth), where)
            elif t == ("op", "/"):
                pos += 1
                d = unary(depth)
                if d.forms or d.scale == 0:
                    raise InvalidInputError(f"{where}: division by {'zero' if not d.forms else 'a linear form'}")
                val = _Trilinear(val.scale / d.scale, val.forms)
            elif t[0] in ("num", "var") or t == ("op", "("):  # juxtaposition: implicit product
                val = _tri_mul(val, unary(depth), where)
            else:
                break
        return val

    def unary(depth: int) -> _Trilinear:
        nonlocal pos
        t = peek()
        if t == ("op", "-") or t == ("op", "+"):
            pos += 1
            v = unary(depth)
            return _Trilinear(-v.scale, v.forms) if t[1] == "-" else v
        return primary(depth)

    def primary(depth: int) -> _Trilinear:
        nonlocal pos
        t = peek()
        if t is None:
            raise InvalidInputError(f"{where}: the product ends early")
        pos += 1
        if t[0] == "num":
            return _Trilinear(t[1], {})
        if t[0] == "var":
            letter, i, j = t[1]
            return _Trilinear(Fraction(1), {letter: {(i, j): Fraction(1)}})
        if t[1] == "(":
            if depth >= MAX_NESTING:
                raise InvalidInputError(f"{where}: parentheses nested deeper than MAX_NESTING={MAX_NESTING}")
            v = expr(depth + 1)
            if peek() != ("op", ")"):
                raise InvalidInputError(f"{where}: unbalanced parentheses")
            pos += 1
            return v
        raise InvalidInputError(f"{where}: unexpected {t[1]!r}")

    val = expr(0)
    if pos != len(toks):
        raise InvalidInputError(f"{where}: unexpected {toks[pos][1]!r} (unbalanced parentheses?)")
    return val


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
        data = {k: (_exact_floats(x) if k in ("u", "v", "w", "u_fresh", "v_fresh", "w_fresh") else x)
                for k, x in data.items()}
        if any(k.endswith("_fresh") for k in data) or _is_sparse(data["u"]):
            return _from_reduced_json(cls, data)
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


def _exact_floats(rows: Any) -> Any:
    """Rows with the floats that are exact binary fractions (``0.5``, ``-0.25``) as ``"a/b"``
    strings (some collections write rational coefficients that way); other floats stay floats,
    for the coefficient parser to refuse by name."""
    if isinstance(rows, float):
        q = Fraction(rows) if rows == rows and abs(rows) != float("inf") else None
        return str(q) if q is not None and q.denominator <= 1 << 20 else rows
    if isinstance(rows, list):
        return [_exact_floats(x) for x in rows]
    if isinstance(rows, dict):
        return {k: _exact_floats(x) for k, x in rows.items()}
    return rows


def _is_sparse(rows: Any) -> bool:
    """Rows of ``{index, value}`` terms (the collection's reduced JSON)."""
    return isinstance(rows, list) and any(isinstance(r, list) and r and isinstance(r[0], dict) for r in rows)


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
    guessed = fmt is None
    fmt = fmt or _guess_fmt(p)
    if fmt == "collection":
        fmt = "json"
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
                if guessed and p.suffix.lower() != ".json":
                    return _load_other_layouts(cls, p, text, "json", InvalidInputError(str(exc)), format, ring)
                raise InvalidInputError(f"path={str(path)!r}: scheme JSON is malformed: {exc}") from None
            file_ring = data.get("ring") if isinstance(data, dict) else None
            if ring is not None and isinstance(data, dict):  # the explicit claim replaces the file's
                data = {k: x for k, x in data.items() if k != "ring"}
            s = cls.from_json(data)
        else:
            try:
                s, file_ring = _read_text_layout(cls, p, text, fmt, format, ring)
            except InvalidInputError as exc:
                if not guessed:
                    raise
                return _load_other_layouts(cls, p, text, fmt, exc, format, ring)
    if ring is not None:
        return s if s.ring == ring else s.with_ring(ring)
    if file_ring is not None:
        return s
    return s._with_smallest_ring(str(path))


def _sidecar_ring(p: Path) -> str | None:
    """The ring recorded in the sidecar ``<file>.ring`` of a ``.exp`` file (None without one)."""
    side = p.with_name(p.name + RING_SIDECAR)
    if not side.is_file():
        return None
    return _ring_comment(side.read_text(errors="replace"), str(side))


def _read_text_layout(cls: type[Scheme], p: Path, text: str, fmt: str, format: Any, ring: str | None) -> tuple[Scheme, str | None]:
    """Parse ``text`` in the text layout ``fmt``; returns the scheme and the ring its file records."""
    file_ring = _ring_comment(text, str(p)) or _sidecar_ring(p)
    claim = None if ring is not None else file_ring
    if fmt == "flat":
        return cls.from_flat(text, ring=claim), file_ring
    if fmt == "m":
        return from_nested(cls, text, ring=claim), file_ring
    if fmt == "tensor":
        return from_tensor_mpl(cls, text, ring=claim), file_ring
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"scheme JSON is malformed: {exc}") from None
        file_ring = data.get("ring") if isinstance(data, dict) else None
        return cls.from_json(data), file_ring
    return cls.from_text(text, format=format, ring=claim), file_ring


def _load_other_layouts(cls: type[Scheme], p: Path, text: str, first: str, exc: Exception, format: Any, ring: str | None) -> Scheme:
    """Try the other text layouts after ``first`` failed; name every layout tried when all fail."""
    tried = [first]
    for other in ("text", "flat", "m", "tensor", "json"):
        if other in tried:
            continue
        tried.append(other)
        try:
            s, file_ring = _read_text_layout(cls, p, text, other, format, ring)
        except InvalidInputError:
            continue
        if ring is not None:
            return s if s.ring == ring else s.with_ring(ring)
        return s if file_ring is not None else s._with_smallest_ring(str(p))
    raise InvalidInputError(
        f"path={str(p)!r} is in no known scheme layout; as {LAYOUTS[first]}: {exc}; also tried "
        + "; ".join(LAYOUTS[t] for t in tried[1:])
    )


def dumps(scheme: Scheme, fmt: str = "json") -> str:
    """The text content :func:`save` writes in ``fmt``; see :meth:`Scheme.dumps`."""
    if fmt == "json":
        return json.dumps(scheme.to_json()) + "\n"
    if fmt == "flat":
        return f"{scheme.to_flat()}\n# ring: {scheme._ring}\n"
    if fmt == "text":
        return f"# ring: {scheme._ring}\n{scheme.to_text()}"
    if fmt == "exp":  # one product a line and nothing else: the ring goes to the sidecar <file>.ring
        return scheme.to_text()
    if fmt == "collection":
        return json.dumps(to_collection_json(scheme)) + "\n"
    if fmt == "m":
        return to_nested(scheme)
    if fmt == "tensor":
        return to_tensor_mpl(scheme)
    raise InvalidInputError(
        f"fmt={fmt!r} has no text form; use one of {', '.join(f for f in _FILE_FORMATS if f != 'npz')} (or save() for 'npz')"
    )


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
    p.write_text(dumps(scheme, fmt))
    side = p.with_name(p.name + RING_SIDECAR)
    if fmt == "exp":
        side.write_text(f"# ring: {scheme._ring}\n")
    elif side.is_file() and fmt in ("text", "flat"):
        side.unlink()  # a stale sidecar would contradict the ring written in the file


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
        line = line.rstrip(";,")
        where = f"line {lineno} {raw.strip()[:60]!r}"
        val = _parse_product(line, where)
        if set(val.forms) != {"a", "b", "c"}:
            if val.scale == 0 or any(all(q == 0 for q in f.values()) for f in val.forms.values()):
                val = _Trilinear(Fraction(1), {k: val.forms.get(k, {}) for k in "abc"})  # (0)*(b11)*(c11)
            else:
                raise InvalidInputError(
                    f"{where} is not a product of three factors (a...)*(b...)*(c...): it has factors in "
                    f"{', '.join(sorted(val.forms)) or 'none of a, b, c'}"
                )
        fc = {k: q * val.scale for k, q in val.forms["c"].items()}
        rows.append([val.forms["a"], val.forms["b"], fc])
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

    pairs = not all(_is_integral(a) for a in (scheme._u, scheme._v, scheme._w))

    def line(a: np.ndarray) -> str:
        if pairs:  # the ternary framework's rational form: 'numerator denominator' for every coefficient
            return " ".join(f"{_F(x).numerator} {_F(x).denominator}" for x in a.flat)
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
    if need and len(vals) == 2 * need and all(re.fullmatch(r"-?\d+", x) for x in vals):
        # the ternary framework's rational form: every coefficient as 'numerator denominator'
        vals = [f"{a}/{b}" for a, b in zip(vals[::2], vals[1::2], strict=True)]
        if any(v.endswith("/0") or v.split("/")[1].startswith("-") for v in vals):
            raise InvalidInputError("flat scheme: a 'numerator denominator' pair has a denominator <= 0")
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


# ----------------------------------------------------------------------------- the collection's reduced JSON
def _sparse_form(row: Any, where: str, size: int) -> dict[int, Fraction]:
    """A sparse linear form ``[{"index": i, "value": c}, ...]`` as ``{i: c}`` (indices below ``size``)."""
    if not isinstance(row, list):
        raise InvalidInputError(f"{where}={short(row)} is not a list of {{index, value}} terms")
    out: dict[int, Fraction] = {}
    for j, term in enumerate(row):
        if not isinstance(term, dict) or set(term) != {"index", "value"}:
            raise InvalidInputError(f"{where}[{j}]={short(term)} is not an {{\"index\": i, \"value\": c}} term")
        idx = term["index"]
        if isinstance(idx, bool) or not isinstance(idx, int) or not 0 <= idx < size:
            raise InvalidInputError(f"{where}[{j}]: index={short(idx)} is not an integer in [0, {size})")
        q = _F(_parse_coeff(term["value"], f"{where}[{j}].value"))
        out[idx] = out.get(idx, Fraction(0)) + q
    return out


def _reconstruct(rows: Any, fresh: Any, base: int, name: str) -> list[list[Fraction]]:
    """Expand the sparse forms ``rows`` over ``base`` inputs and the fresh variables ``fresh``
    (fresh variable ``k`` has index ``base + k`` and may use the inputs and earlier fresh ones)."""
    if not isinstance(fresh, list):
        raise InvalidInputError(f"{name}_fresh={short(fresh)} is not a list of sparse forms")
    if not isinstance(rows, list):
        raise InvalidInputError(f"{name}={short(rows)} is not a list of sparse forms")
    if base * (len(rows) + len(fresh)) > MAX_FACTOR_ENTRIES:
        raise InvalidInputError(f"{name}: {len(rows)} forms over {base} inputs is beyond MAX_FACTOR_ENTRIES")
    dense: list[list[Fraction]] = []  # fresh variables as dense forms over the inputs
    for k, row in enumerate(fresh):
        form = _sparse_form(row, f"{name}_fresh[{k}]", base + k)  # only earlier variables
        vec = [Fraction(0)] * base
        for idx, q in form.items():
            if idx < base:
                vec[idx] += q
            else:
                vec = [x + q * y for x, y in zip(vec, dense[idx - base], strict=True)]
        dense.append(vec)
    out = []
    for t, row in enumerate(rows):
        form = _sparse_form(row, f"{name}[{t}]", base + len(fresh))
        vec = [Fraction(0)] * base
        for idx, q in form.items():
            if idx < base:
                vec[idx] += q
            else:
                vec = [x + q * y for x, y in zip(vec, dense[idx - base], strict=True)]
        out.append(vec)
    return out


def _from_reduced_json(cls: type[Scheme], data: dict) -> Scheme:
    """The collection's addition-reduced JSON: sparse ``{index, value}`` rows, ``u``/``v`` one row
    per product over the entries of A/B, ``w`` one row per entry of C (transposed, ``k*n + i``)
    over the products; ``*_fresh`` hold the intermediate variables of the reduction."""
    n, m, p = parse_format(data["n"])
    r = data.get("m")
    if isinstance(r, bool) or not isinstance(r, int) or r < 0:
        raise InvalidInputError(f"m={short(r)} (the rank) must be a non-negative integer in a reduced scheme")
    for key in ("u_fresh", "v_fresh", "w_fresh"):
        data.setdefault(key, [])
    u = _reconstruct(data["u"], data["u_fresh"], n * m, "u")
    v = _reconstruct(data["v"], data["v_fresh"], m * p, "v")
    wt = _reconstruct(data["w"], data["w_fresh"], r, "w")
    if len(u) != r or len(v) != r or len(wt) != n * p:
        raise InvalidInputError(
            f"a reduced {n}x{m}x{p} scheme of rank m={r} has {r} u and v rows and {n * p} w rows "
            f"(one per entry of C); found {len(u)}, {len(v)}, {len(wt)}"
        )
    w = [[wt[k * n + i][t] for i in range(n) for k in range(p)] for t in range(r)]
    ring = _norm_ring(data.get("ring")) or ("F2" if data.get("z2") is True else None)
    return cls((n, m, p), u, v, w, ring=ring)


def to_collection_json(scheme: Scheme) -> dict:
    """The full JSON of the public collection: ``n``, ``m``, ``z2``, ``u``, ``v``, ``w`` with ``w``
    rows the transposed C (``k*n + i``), plus our ``ring`` (their reader skips unknown keys).

    Examples:
        >>> from engine.schemes import Scheme
        >>> d = to_collection_json(Scheme.strassen())
        >>> d["n"], d["m"], d["z2"], d["ring"]
        ([2, 2, 2], 7, False, 'ZT')
    """
    n, m, p = scheme._format
    r = scheme.rank
    w = scheme._w.reshape(r, n, p).transpose(0, 2, 1).reshape(r, p * n) if r else scheme._w
    rows = BilinearScheme._rows_json
    return {"n": [n, m, p], "m": r, "z2": scheme._ring == "F2", "ring": scheme._ring,
            "u": rows(scheme._u), "v": rows(scheme._v), "w": rows(w)}


# ----------------------------------------------------------------------------- nested lists (.m, .tensor.mpl)
_NEST_TOKEN_RE = re.compile(r"\s*(?:(?P<num>[-+]?\s*\d+(?:\s*/\s*\d+)?)|(?P<open>[{\[])|(?P<close>[}\]])|(?P<comma>,))")


def _parse_nested(text: str, where: str) -> Any:
    """Nested ``{...}`` / ``[...]`` lists of integers and rationals ``a/b`` as Python lists of Fractions."""
    stack: list[list] = []
    result: Any = None
    pos = 0
    text = text.strip().rstrip(";:")
    while pos < len(text):
        mt = _NEST_TOKEN_RE.match(text, pos)
        if mt is None:
            bad = text[pos:].strip()[:20]
            raise InvalidInputError(f"{where}: cannot parse {bad!r} (entries must be integers or rationals a/b)")
        pos = mt.end()
        if mt.group("open"):
            if len(stack) >= MAX_NESTING:
                raise InvalidInputError(f"{where}: lists nested deeper than MAX_NESTING={MAX_NESTING}")
            stack.append([])
        elif mt.group("close"):
            if not stack:
                raise InvalidInputError(f"{where}: unbalanced brackets")
            done = stack.pop()
            if stack:
                stack[-1].append(done)
            else:
                result = done
                if text[pos:].strip():
                    raise InvalidInputError(f"{where}: text after the closing bracket: {text[pos:].strip()[:20]!r}")
                break
        elif mt.group("num"):
            if not stack:
                raise InvalidInputError(f"{where}: a number outside the lists")
            stack[-1].append(_fraction(re.sub(r"\s+", "", mt.group("num")), where))
    if stack or result is None:
        raise InvalidInputError(f"{where}: unbalanced brackets or no list")
    return result


def _fraction(tok: str, where: str) -> Fraction:
    try:
        return Fraction(tok)
    except ZeroDivisionError:
        raise InvalidInputError(f"{where}: the coefficient {tok!r} divides by zero") from None
    except ValueError:
        raise InvalidInputError(f"{where}: {tok!r} is not a rational number") from None


def _matrix(x: Any, where: str) -> list[list[Fraction]]:
    if not isinstance(x, list) or not x or not all(isinstance(row, list) and row for row in x):
        raise InvalidInputError(f"{where} is not a matrix (a non-empty list of non-empty rows)")
    if len({len(row) for row in x}) != 1 or any(isinstance(e, list) for row in x for e in row):
        raise InvalidInputError(f"{where} has rows of different lengths or nested entries")
    return x


def _from_triads(cls: type[Scheme], triads: list, where: str, ring: str | None) -> Scheme:
    """A scheme from ``[(U, V, W), ...]``: U n x m, V m x p and W p x n (the transposed C, as in the
    Kauers-Moosbauer and FMM-catalogue files) or n x p; a square W is read the way that verifies."""
    if not triads:
        raise InvalidInputError(f"{where}: no products")
    mats = []
    for t, tri in enumerate(triads):
        if not isinstance(tri, list | tuple) or len(tri) != 3:
            raise InvalidInputError(f"{where}: product {t + 1} is not a triple of matrices (U, V, W)")
        mats.append([_matrix(x, f"{where}: product {t + 1}, factor {'UVW'[k]}") for k, x in enumerate(tri)])
    U0, V0, W0 = mats[0]
    n, m, p = len(U0), len(U0[0]), len(V0[0])
    if len(V0) != m:
        raise InvalidInputError(f"{where}: U is {n}x{m} but V has {len(V0)} rows; expected {m}")
    transposed = (len(W0), len(W0[0])) == (p, n)
    if not transposed and (len(W0), len(W0[0])) != (n, p):
        raise InvalidInputError(f"{where}: W is {len(W0)}x{len(W0[0])}; expected {p}x{n} (transposed C) or {n}x{p}")
    for t, (U, V, W) in enumerate(mats):
        want = ((n, m), (m, p), (p, n) if transposed else (n, p))
        for k, (X, shape) in enumerate(zip((U, V, W), want, strict=True)):
            if (len(X), len(X[0])) != shape:
                raise InvalidInputError(f"{where}: product {t + 1}, {'UVW'[k]} is {len(X)}x{len(X[0])}; expected "
                                        f"{shape[0]}x{shape[1]}")
    if len(mats) * (n * m + m * p + n * p) > MAX_FACTOR_ENTRIES:
        raise InvalidInputError(f"{where}: {len(mats)} products of format {n}x{m}x{p} is beyond MAX_FACTOR_ENTRIES")
    u = [[x for row in U for x in row] for U, _, _ in mats]
    v = [[x for row in V for x in row] for _, V, _ in mats]

    def w_rows(tr: bool) -> list:
        return [[W[k][i] if tr else W[i][k] for i in range(n) for k in range(p)] for _, _, W in mats]

    s = cls((n, m, p), u, v, w_rows(transposed), ring=ring)
    if n == p and not _valid_somewhere(s):
        alt = cls((n, m, p), u, v, w_rows(False), ring=ring)
        if _valid_somewhere(alt):
            return alt
    return s


def from_nested(cls: type[Scheme], text: str, ring: str | None = None) -> Scheme:
    """A Maple/Mathematica ``.m`` file: ``{{U1, V1, W1}, {U2, V2, W2}, ...}`` with matrices as
    nested lists (rows), U n x m, V m x p, W p x n (the transposed C); rationals as ``2/3``.

    Examples:
        >>> from engine.schemes import Scheme
        >>> from_nested(Scheme, "{{{{1}}, {{1}}, {{1}}}}").rank
        1
    """
    data = _parse_nested(text, "nested-list (.m) scheme")
    if not isinstance(data, list) or not all(isinstance(t, list) for t in data):
        raise InvalidInputError("nested-list (.m) scheme: expected a list of products {U, V, W}")
    return _from_triads(cls, data, "nested-list (.m) scheme", _norm_ring(ring))


def to_nested(scheme: Scheme) -> str:
    """The ``.m`` nested-list form (U n x m, V m x p, W p x n transposed C), one product a line."""
    n, m, p = scheme._format

    def mat(row: Any, a: int, b: int, tr: bool = False) -> str:
        cells = [[row[(j * b + i) if tr else (i * b + j)] for j in range(b if not tr else a)] for i in range(a if not tr else b)]
        return "{" + ", ".join("{" + ", ".join(str(_F(x)) for x in r) + "}" for r in cells) + "}"

    lines = []
    for t in range(scheme.rank):
        lines.append("{" + ", ".join((mat(scheme._u[t], n, m), mat(scheme._v[t], m, p), mat(scheme._w[t], n, p, True))) + "}")
    return "{\n  " + ",\n  ".join(lines) + "\n}\n"


_MATRIX_RE = re.compile(r"Matrix\s*\(")


def from_tensor_mpl(cls: type[Scheme], text: str, ring: str | None = None) -> Scheme:
    """A Maple ``.tensor.mpl`` file (FMM catalogue): ``TriadSet([Triad([Matrix(n, m, [[..]]),
    Matrix(m, p, [[..]]), Matrix(p, n, [[..]])]), ...])``; W is the transposed C.

    Examples:
        >>> from engine.schemes import Scheme
        >>> from_tensor_mpl(Scheme, "Tensor:=TriadSet([Triad([Matrix(1, 1, [[1]]), Matrix(1, 1, [[1]]), Matrix(1, 1, [[1]])])]):").rank
        1
    """
    where = ".tensor.mpl scheme"
    if "TriadSet" not in text and "Triad" not in text:
        raise InvalidInputError(f"{where}: no TriadSet([Triad([Matrix(..), Matrix(..), Matrix(..)]), ...]) found")
    mats = []
    for mt in _MATRIX_RE.finditer(text):
        depth, i = 1, mt.end()
        while i < len(text) and depth:
            depth += (text[i] == "(") - (text[i] == ")")
            i += 1
        if depth:
            raise InvalidInputError(f"{where}: unbalanced parentheses after Matrix( at character {mt.start()}")
        body = text[mt.end():i - 1]
        k = body.find("[")
        if k < 0:
            raise InvalidInputError(f"{where}: Matrix({body[:30]}) has no list of entries")
        head = body[:k].replace(",", " ").split()
        if re.search(r"[A-Za-z_]", body[k:]):
            raise InvalidInputError(f"{where}: Matrix({body[:40]}...) has symbolic entries (a parametric or "
                                    "placeholder scheme); only numeric schemes load")
        entries = _parse_nested(body[k:], f"{where}: Matrix #{len(mats) + 1}")
        if head:
            try:
                rows_, cols_ = (int(x) for x in head)
            except ValueError:
                raise InvalidInputError(f"{where}: Matrix({body[:30]}) dimensions are not two integers") from None
            if entries and not isinstance(entries[0], list):  # a flat list, row by row
                if len(entries) != rows_ * cols_:
                    raise InvalidInputError(f"{where}: Matrix({rows_}, {cols_}, ..) has {len(entries)} entries")
                entries = [entries[r * cols_:(r + 1) * cols_] for r in range(rows_)]
            if len(entries) != rows_ or any(not isinstance(row, list) or len(row) != cols_ for row in entries):
                raise InvalidInputError(f"{where}: Matrix({rows_}, {cols_}, ..) does not hold {rows_} rows of {cols_}")
        mats.append(entries)
    if not mats or len(mats) % 3:
        raise InvalidInputError(f"{where}: found {len(mats)} matrices; expected three per Triad")
    return _from_triads(cls, [mats[t:t + 3] for t in range(0, len(mats), 3)], where, _norm_ring(ring))


def to_tensor_mpl(scheme: Scheme) -> str:
    """The Maple ``.tensor.mpl`` form of the FMM catalogue (W the transposed C)."""
    n, m, p = scheme._format

    def mat(row: Any, a: int, b: int, tr: bool = False) -> str:
        if tr:
            cells = [[row[i * a + k] for i in range(b)] for k in range(a)]  # row holds C (n x p): W = C^T is p x n
        else:
            cells = [[row[i * b + j] for j in range(b)] for i in range(a)]
        return f"Matrix({a}, {b}, [" + ", ".join("[" + ", ".join(str(_F(x)) for x in r) + "]" for r in cells) + "])"

    triads = [f"Triad([{mat(scheme._u[t], n, m)}, {mat(scheme._v[t], m, p)}, {mat(scheme._w[t], p, n, True)}])"
              for t in range(scheme.rank)]
    return "Tensor:=TriadSet([" + ",\n".join(triads) + "]):\n"
