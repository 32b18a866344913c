"""Chemical formula parser: elements, nested groups, hydrates, charges, phases, electrons.

Grammar (recursive descent; every error names the column, 1-based, in the text given)::

    species   := [coefficient] body [charge] [phase]
    body      := part (sep [multiplier] part)*         sep: '·' '•' '∙' '*' '.'
    part      := item+
    item      := Element [count] | '(' part ')' [count] | '[' part ']' [count] | '{' part '}' [count]
    charge    := '^' spec | '^{' spec '}' | '{' spec '}' | '(' spec ')' | spec-at-end
    spec      := digits sign | sign digits | sign+
    phase     := '(s)' | '(l)' | '(g)' | '(aq)' | '(cr)'
    electron  := 'e-' | 'e^-' | 'e' (with charge -1) | 'e−'

Charges written without a caret are read the usual way (these are the documented
disambiguation rules, since ``Fe3+`` and ``NH4+`` look alike):

- a sign followed by digits at the end is the charge: ``Fe+3``, ``SO4-2``;
- repeated signs count: ``Fe+++`` is ``Fe^3+``;
- digits directly before a final single sign are the charge when the rest is a single
  element (``Fe3+``, ``O2-``, ``Al3+``; unless the charge would exceed the atomic number,
  so ``H2+`` is the dihydrogen cation) or one bracketed group (``[Fe(CN)6]4-``); otherwise,
  with two or more digits, the last digit is the charge and the others a count
  (``SO42-`` = ``SO4^2-``, ``Hg22+`` = ``Hg2^2+``); with one digit it is a count
  (``NH4+``, ``MnO4-``, ``NO3-``).

Unicode superscripts (``Fe³⁺``) and the minus sign ``−`` are accepted.

Examples:
    >>> from solvers.reactions.formula import parse_species
    >>> s = parse_species("CuSO4.5H2O(s)")
    >>> s.counts == {"Cu": 1, "S": 1, "O": 9, "H": 10}, s.phase
    (True, 's')
    >>> parse_species("Fe3+").charge, parse_species("NH4+").counts, parse_species("SO4^2-").charge
    (3, {'N': 1, 'H': 4}, -2)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.errors import InvalidInputError
from solvers.reactions.elements import ATOMIC_NUMBER

__all__ = ["Species", "parse_species", "PHASES"]

#: Phase tags accepted at the end of a species and kept for display.
PHASES: tuple[str, ...] = ("s", "l", "g", "aq", "cr")

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
_HYDRATE_SEPS = "·•∙*."
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")", "]", "}"}
_ELECTRONS = {"e-", "e^-", "e", "e^{-}", "e{-}", "e(-)", "e1-", "e-1", "e^1-"}


@dataclass(frozen=True)
class Species:
    """One parsed species.

    Attributes:
        text: the species as written, without a leading coefficient (phase tag kept).
        composition: ``(element, count)`` pairs in order of first appearance.
        charge: net charge in elementary charges.
        phase: ``"s"``, ``"l"``, ``"g"``, ``"aq"``, ``"cr"`` or ``None``.
        coefficient: the leading coefficient written in the input (ignored), or ``None``.
        is_electron: whether the species is the electron ``e-``.
        body: the formula without charge and phase (e.g. ``'SO4'`` for ``'SO4^2-(aq)'``).
    """

    text: str
    composition: tuple[tuple[str, int], ...]
    charge: int = 0
    phase: str | None = None
    coefficient: int | None = None
    is_electron: bool = False
    body: str = ""

    @property
    def counts(self) -> dict[str, int]:
        """Element -> number of atoms."""
        return dict(self.composition)

    @property
    def formula(self) -> str:
        """The text without its phase tag."""
        if self.phase is None:
            return self.text
        return self.text[: -(len(self.phase) + 2)].rstrip()

    def to_json(self) -> dict:
        """JSON form: text, composition, charge, phase."""
        return {
            "text": self.text,
            "composition": dict(self.composition),
            "charge": self.charge,
            "phase": self.phase,
        }


def _err(what: str, col: int, text: str, fix: str = "", width: int = 1) -> InvalidInputError:
    msg = f"{what} at column {col} of '{text}'"
    if width > 1:  # name the whole span too, so either convention of "position" is covered
        msg += f" (columns {col}-{col + width - 1})"
    return InvalidInputError(msg + (f"; {fix}" if fix else ""))


class _Parser:
    """Recursive-descent parser for the body of a formula (no charge, no phase)."""

    def __init__(self, full: str, body: str, offset: int):
        self.full = full  # the string the user gave (for messages)
        self.s = body
        self.off = offset  # column offset of body inside full (0-based)
        self.i = 0

    def col(self, i: int | None = None) -> int:
        return self.off + (self.i if i is None else i) + 1

    def count(self) -> int | None:
        j = self.i
        while j < len(self.s) and self.s[j].isdigit():
            j += 1
        if j == self.i:
            return None
        n = int(self.s[self.i : j])
        if n == 0:
            raise _err(f"zero count '{self.s[self.i:j]}'", self.col(), self.full, "counts must be >= 1")
        self.i = j
        return n

    def part(self, closer: str | None) -> dict[str, int]:
        comp: dict[str, int] = {}
        start = self.i
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in _OPEN:
                open_col = self.col()
                self.i += 1
                inner = self.part(_OPEN[c])
                if self.i >= len(self.s) or self.s[self.i] != _OPEN[c]:
                    raise _err(f"unbalanced bracket '{c}'", open_col, self.full, f"close it with '{_OPEN[c]}'")
                if not inner:
                    raise _err(f"empty group '{c}{_OPEN[c]}'", open_col, self.full)
                self.i += 1
                k = self.count() or 1
                for el, n in inner.items():
                    comp[el] = comp.get(el, 0) + k * n
            elif c in _CLOSE:
                if closer is None or c != closer:
                    raise _err(f"unbalanced bracket '{c}'", self.col(), self.full, "remove it or add the opening bracket")
                return comp
            elif c.isupper():
                sym = c
                if self.i + 1 < len(self.s) and self.s[self.i + 1].islower():
                    sym = self.s[self.i : self.i + 2]
                if sym not in ATOMIC_NUMBER:
                    if len(sym) == 2 and c in ATOMIC_NUMBER:
                        raise _err(f"unknown element '{sym}'", self.col(), self.full,
                                   "element symbols are case-sensitive (e.g. 'Co' is cobalt, 'CO' carbon monoxide)",
                                   width=len(sym))
                    raise _err(f"unknown element '{sym}'", self.col(), self.full,
                               "use one of the 118 element symbols", width=len(sym))
                self.i += len(sym)
                k = self.count() or 1
                comp[sym] = comp.get(sym, 0) + k
            elif c.isdigit():
                raise _err(f"unexpected number '{c}'", self.col(), self.full,
                           "a count follows an element or a closing bracket")
            elif c.islower():
                raise _err(f"unexpected lowercase letter '{c}'", self.col(), self.full,
                           "element symbols start with a capital letter")
            else:
                raise _err(f"unexpected character '{c}'", self.col(), self.full)
        if closer is not None:
            return comp  # caller reports the missing closer
        if self.i == start:
            raise _err("empty formula", self.col(), self.full)
        return comp


def _parse_body(full: str, body: str, offset: int) -> dict[str, int]:
    """Parse a body with hydrate/adduct separators; returns the composition."""
    comp: dict[str, int] = {}
    # split at top-level separators only ('.' and '*' inside brackets are not separators)
    pieces: list[tuple[int, str]] = []
    depth, start = 0, 0
    for i, c in enumerate(body):
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
        elif c in _HYDRATE_SEPS and depth == 0:
            pieces.append((start, body[start:i]))
            start = i + 1
    pieces.append((start, body[start:]))
    for k, (st, piece) in enumerate(pieces):
        if not piece.strip():
            raise _err("empty part of a hydrate/adduct", offset + st + 1, full,
                       "write e.g. 'CuSO4.5H2O'")
        mult = 1
        m = re.match(r"\s*(\d+)\s*", piece)
        if m and k > 0:
            mult = int(m.group(1))
            if mult == 0:
                raise _err("zero multiplier", offset + st + 1, full)
            st += m.end()
            piece = piece[m.end():]
        elif m and k == 0 and m.group(1):
            raise _err(f"unexpected number '{m.group(1)}'", offset + st + 1, full)
        p = _Parser(full, piece, offset + st)
        part = p.part(None)
        if p.i != len(piece):  # pragma: no cover - part() consumes everything or raises
            raise _err("unexpected text", p.col(), full)
        for el, n in part.items():
            comp[el] = comp.get(el, 0) + mult * n
    return comp


def _parse_charge_spec(spec: str) -> int | None:
    m = re.fullmatch(r"(\d*)([+-])", spec) or re.fullmatch(r"([+-])(\d*)", spec)
    if m:
        a, b = m.groups()
        if a in ("+", "-"):
            sign, digits = a, b
        else:
            digits, sign = a, b
        n = int(digits) if digits else 1
        if n == 0:
            return None
        return n if sign == "+" else -n
    m = re.fullmatch(r"\++|-+", spec)
    if m:
        return len(spec) if spec[0] == "+" else -len(spec)
    return None


def _whole_group(body: str) -> bool:
    """Whether ``body`` is one bracketed group from its first to its last character."""
    if not body or body[0] not in _OPEN or body[-1] != _OPEN[body[0]]:
        return False
    depth = 0
    for i, c in enumerate(body):
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
            if depth == 0 and i != len(body) - 1:
                return False
    return True


def _split_charge(full: str, body: str, offset: int) -> tuple[str, int]:
    """Split ``body`` into (formula, charge) following the documented rules."""
    # explicit caret / braces / parenthesised charge at the end
    m = re.search(r"\^\{([^{}]*)\}$|\^([0-9+-]*)$|\{([0-9+-]+)\}$|\(([0-9]*[+-]+[0-9]*)\)$", body)
    if m:
        spec = next(g for g in m.groups() if g is not None)
        q = _parse_charge_spec(spec)
        if q is None:
            raise _err(f"cannot read the charge '{spec}'", offset + m.start() + 1, full,
                       "write it like 'Fe^3+', 'SO4^2-' or 'Fe+3'")
        return body[: m.start()], q
    if "^" in body:
        i = body.index("^")
        raise _err(f"cannot read the charge '{body[i + 1:]}'", offset + i + 1, full,
                   "write it like 'Fe^3+' or 'SO4^2-'")
    m = re.search(r"([+-])(\d+)$", body)
    if m and m.start() > 0 and body[m.start() - 1] not in "+-":
        q = int(m.group(2)) * (1 if m.group(1) == "+" else -1)
        if q == 0:
            raise _err("zero charge", offset + m.start() + 1, full, "omit the charge of a neutral species")
        return body[: m.start()], q
    m = re.search(r"[+-]+$", body)
    if not m:
        if any(c in "+-" for c in body):
            i = min(body.index(c) for c in "+-" if c in body)
            raise _err("a charge sign in the middle of a formula", offset + i + 1, full,
                       "put the charge at the end, e.g. 'SO4^2-'")
        return body, 0
    signs = m.group(0)
    if len(set(signs)) != 1:
        raise _err(f"cannot read the charge '{signs}'", offset + m.start() + 1, full,
                   "use one sign kind, e.g. 'Fe+++' or 'Fe^3+'")
    sign = 1 if signs[0] == "+" else -1
    rest = body[: m.start()]
    if len(signs) > 1:
        return rest, sign * len(signs)
    d = re.search(r"\d+$", rest)
    if not d:
        return rest, sign
    digits, pre = d.group(0), rest[: d.start()]
    single = re.fullmatch(r"[A-Z][a-z]?", pre)
    if single and pre in ATOMIC_NUMBER and len(digits) == 1:
        n = int(digits)
        if 0 < n and (sign < 0 or n <= ATOMIC_NUMBER[pre]):
            return pre, sign * n
    if _whole_group(pre) and int(digits) > 0:
        return pre, sign * int(digits)
    if len(digits) >= 2 and digits[-1] != "0":
        return pre + digits[:-1], sign * int(digits[-1])
    return rest, sign


def parse_species(text: str) -> Species:
    """Parse one species such as ``'K4[Fe(CN)6]'``, ``'CuSO4·5H2O'``, ``'Fe^3+(aq)'``, ``'e-'``.

    Args:
        text: the species; a leading integer coefficient is allowed and recorded, but ignored.

    Returns:
        The parsed :class:`Species`.

    Raises:
        InvalidInputError: unknown element, unbalanced bracket, unreadable charge, empty
            formula or zero atoms; the message names the column.

    Examples:
        >>> from solvers.reactions.formula import parse_species
        >>> parse_species("K4[Fe(CN)6]").counts
        {'K': 4, 'Fe': 1, 'C': 6, 'N': 6}
        >>> parse_species("2 e-").is_electron, parse_species("MnO4-").charge
        (True, -1)
        >>> parse_species("Xx2O")
        Traceback (most recent call last):
        ...
        engine.errors.InvalidInputError: unknown element 'Xx' at column 1 of 'Xx2O' (columns 1-2); use one of the 118 element symbols
    """
    if not isinstance(text, str):
        raise InvalidInputError(f"species={text!r} is not a string; pass a formula such as 'H2O'")
    full = text
    s = text.translate(_SUPERSCRIPTS).replace("−", "-").replace("–", "-")
    # keep superscripted charges readable: 'Fe³⁺' -> 'Fe^3+'
    if s != text.replace("−", "-").replace("–", "-"):
        m = re.search(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻]+", text)
        if m:
            s = text[: m.start()] + "^" + text[m.start() : m.end()].translate(_SUPERSCRIPTS) + text[m.end():]
            s = s.replace("−", "-")
    lead = len(s) - len(s.lstrip())
    s = s.strip()
    if not s:
        raise InvalidInputError(f"species={text!r} is empty; give a formula such as 'H2O'")
    coefficient = None
    m = re.match(r"(\d+)\s*(?=[A-Za-z(\[{])", s)
    if m:
        coefficient = int(m.group(1))
        if coefficient == 0:
            raise _err("zero coefficient", lead + 1, full, "remove the species or give a positive coefficient")
        lead += m.end()
        s = s[m.end():]
    written = s
    orig = text.strip()
    if coefficient is not None:
        orig = re.sub(r"^\d+\s*", "", orig)
    if orig.translate(_SUPERSCRIPTS).replace("−", "-").replace("–", "-") != written.replace("^", ""):
        orig = written
    written_display = orig
    phase = None
    m = re.search(r"\s*\((s|l|g|aq|cr)\)$", s)
    if m:
        phase = m.group(1)
        s = s[: m.start()]
    if s in _ELECTRONS or s.lower() in {"e-", "e^-", "e(-)"}:
        if s == "e" and phase is None and coefficient is None and written == "e":
            pass  # bare 'e' is accepted as the electron too
        return Species(text=written_display, composition=(), charge=-1, phase=phase,
                       coefficient=coefficient, is_electron=True, body="e")
    if not s:
        raise _err("empty formula", lead + 1, full)
    body, charge = _split_charge(full, s, lead)
    if not body:
        raise _err("a charge without a formula", lead + 1, full, "write e.g. 'H+' or 'e-'")
    if re.search(r"\s", body):
        i = re.search(r"\s", body).start()
        raise _err("unexpected space", lead + i + 1, full,
                   "separate species with ' + ' and write each formula without spaces")
    comp = _parse_body(full, body, lead)
    if not comp or all(n == 0 for n in comp.values()):
        raise _err("a species with zero atoms", lead + 1, full)
    return Species(text=written_display, composition=tuple(comp.items()), charge=charge, phase=phase,
                   coefficient=coefficient, body=body)
