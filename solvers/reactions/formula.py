"""Chemical formula parser: elements, groups, hydrates, decimals, charges, phases, isotopes.

Grammar (recursive descent; every error names the column, 1-based, in the text given)::

    species   := [coefficient] [radical] body [radical] [charge] [phase]
    body      := part (sep [multiplier] part)*         sep: '·' '•' '∙' '*' '.'
    part      := item+
    item      := Element [count] | '(' part ')' [count] | '[' part ']' [count]
                 | '{' part '}' [count] | '[' mass Element ']' [count]
    count     := digits ['.' digits]                   (an exact rational: Fe0.95O)
    charge    := '^' spec | '^{' spec '}' | '{' spec '}' | '(' spec ')' | ' ' spec | spec-at-end
    spec      := digits sign | sign digits | sign+
    phase     := '(s)' '(l)' '(ℓ)' '(g)' '(aq)' '(cr)' '(sln)' '(am)' '(vit)' '(lc)' '(cd)'
                 '(fl)' '(ads)' '(mon)' '(pol)'                  (IUPAC Green Book, sec. 2.11)
                 | '↓' (solid) | '↑' (gas)
    radical   := '.' | '•' | '·' | '∙'   (first or last, or just before the charge: Cl•, •OH, O2•-)
    electron  := 'e-' | 'e^-' | 'e' (with charge -1) | 'e−'
    coefficient := digits | digits '.' digits | digits '/' digits | '½'   (recorded, ignored)

Stock numerals after a symbol (``Fe(III)``) are refused by name rather than read as
iodine and vanadium groups. Unicode subscripts (``H₂O``) and superscripts (``Fe³⁺``, ``¹³CO₂``) and the minus signs
``−`` ``–`` are accepted. Isotopes: ``D`` and ``T`` (IUPAC symbols of 2H and 3H) and
``[13C]``, ``¹³C`` or ``^13C`` (mass number before the symbol; IUPAC Red Book IR-3.3) are
their own rows of the composition matrix, since no chemical reaction turns one isotope
into another.

Decimal subscripts of non-stoichiometric compounds (``Fe0.95O``, ``Mn1.5Co1.5O4``) are
read as exact rationals. A ``.`` between two digits is a hydrate dot only when what follows
is a multiplier and a usual adduct unit (``CuSO4.5H2O``, ``CaCl2.6NH3``,
``Al2O3.2SiO2.2H2O``: ``H2O``, ``NH3``, ``SiO2``, ...); then the decimal reading is kept
as an alternative (see :func:`species_readings`).

Charges written without a caret are read the usual way (since ``Fe3+`` and ``NH4+`` look
alike):

- a sign followed by digits at the end is the charge: ``Fe+3``, ``SO4-2``; so is a
  ``digits sign`` after a space: ``SO4 2-``;
- repeated signs count: ``Fe+++`` is ``Fe^3+``;
- a single element, one digit and a sign (``O2-``, ``N3-``, ``I3-``) reads two ways, the
  monatomic ion (O^2-, N^3-) and the homonuclear ion with charge 1 (O2^-, N3^-): the
  readings are classified with the table of known ions of :mod:`solvers.reactions.ions`;
  an impossible one (I^3-, Cl^2-, H^2+) is dropped, the known ones are kept (the
  monatomic one first); when neither is known the monatomic one is taken, and when the
  monatomic one is impossible and the other unknown (``Fe3-``) the text is refused;
- otherwise, with two or more digits the last digit is the charge and the others a count
  (``SO42-`` = ``SO4^2-``, ``Hg22+`` = ``Hg2^2+``), with one digit it is a count
  (``NH4+``, ``MnO4-``, ``VO2+``); the other split is kept as an alternative when it is
  a known ion (``VO2+``: VO2^+ and vanadyl VO^2+);
- a bracketed group followed by digits and a sign is charged: ``[Fe(CN)6]4-``.

:func:`parse_species` returns the first reading; :func:`species_readings` all of them.
:func:`~solvers.reactions.balance.balance` chooses among them the reading under which the
equation balances and says so when several do.

Examples:
    >>> from solvers.reactions.formula import parse_species
    >>> s = parse_species("CuSO4.5H2O(s)")
    >>> s.counts == {"Cu": 1, "S": 1, "O": 9, "H": 10}, s.phase
    (True, 's')
    >>> parse_species("Fe3+").charge, parse_species("NH4+").counts, parse_species("SO4^2-").charge
    (3, {'N': 1, 'H': 4}, -2)
    >>> parse_species("Mn1.5Co1.5O4").counts
    {'Mn': Fraction(3, 2), 'Co': Fraction(3, 2), 'O': 4}
    >>> parse_species("I3-").counts, parse_species("I3-").note
    ({'I': 3}, 'triiodide')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from engine.errors import InvalidInputError
from solvers.reactions.elements import ATOMIC_NUMBER

__all__ = ["Species", "parse_species", "species_readings", "PHASES", "ISOTOPE_SYMBOLS",
           "format_count", "reading_text"]

#: Phase tags accepted at the end of a species and kept for display (IUPAC Green Book,
#: 3rd ed., sec. 2.11); ``(ℓ)`` is read as ``(l)``.
PHASES: tuple[str, ...] = ("s", "l", "g", "aq", "cr", "sln", "am", "vit", "lc", "cd", "fl", "ads",
                           "mon", "pol")
#: Isotope symbols accepted as elements: D = 2H, T = 3H.
ISOTOPE_SYMBOLS: dict[str, tuple[str, int]] = {"D": ("H", 2), "T": ("H", 3)}

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉₊₋", "0123456789+-")
_SUPER_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_HYDRATE_SEPS = "·•∙*."
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")", "]", "}"}
_ELECTRONS = {"e-", "e^-", "e", "e^{-}", "e{-}", "e(-)", "e1-", "e-1", "e^1-"}
_PHASE_RE = re.compile(r"\s*\((s|l|ℓ|g|aq|cr|sln|am|vit|lc|cd|fl|ads|mon|pol)\)$")
_COEFF_RE = re.compile(r"(\d+/\d+|\d+\.\d+|\d+|½)\s*(?=[A-Za-z(\[{•·∙]|\.[A-Z])")
_COUNT_RE = re.compile(r"\d+(?:\.\d+)?")
_MULT_RE = re.compile(r"\s*(\d+/\d+|\d+(?:\.\d+)?)\s*")
#: Adduct units after a hydrate dot: a '.' between two digits separates only before these.
_LIGANDS = frozenset(
    "H2O D2O T2O NH3 ND3 H2O2 HF HCl HBr CO2 SO2 SO3 SiO2 CH3OH C2H5OH C6H6 CH3CN C4H8O CaO MgO "
    "Al2O3 Fe2O3 FeO Na2O K2O B2O3 P2O5 TiO2 CaF2 NaCl KCl MgCl2 CaSO4 CaCO3".split())
_VARIABLE_HINT = "; a variable subscript or multiplier (x, y, n, δ) must be given as a number, e.g. 'Fe0.95O'"

Count = int | Fraction


def _num(x) -> Count:
    """An exact count: ``int`` when integral, else ``Fraction``."""
    x = Fraction(x)
    return int(x) if x.denominator == 1 else x


def format_count(k: Count) -> str:
    """A count as written in a formula: ``2``, ``1.5``, ``0.95`` or ``1/3``.

    Examples:
        >>> from fractions import Fraction
        >>> from solvers.reactions.formula import format_count
        >>> format_count(2), format_count(Fraction(19, 20)), format_count(Fraction(1, 3))
        ('2', '0.95', '1/3')
    """
    k = Fraction(k)
    if k.denominator == 1:
        return str(k.numerator)
    d = k.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        return f"{k.numerator}/{k.denominator}"
    places = max(twos, fives)
    return f"{k.numerator * 10 ** places // k.denominator}".rjust(places + 1, "0")[:-places] + "." + \
        f"{k.numerator * 10 ** places // k.denominator}".rjust(places + 1, "0")[-places:]


@dataclass(frozen=True)
class Species:
    """One parsed species (one *reading* of the text).

    Attributes:
        text: the species as written, without a leading coefficient (phase tag kept).
        composition: ``(element, count)`` pairs in order of first appearance; counts are
            ``int`` or, for decimal subscripts, exact ``Fraction``; isotopes are their own
            elements (``'D'``, ``'T'``, ``'13C'``).
        charge: net charge in elementary charges.
        phase: one of :data:`PHASES` or ``None``.
        coefficient: the leading coefficient written in the input (ignored), or ``None``.
        is_electron: whether the species is the electron ``e-``.
        body: the formula without charge and phase (e.g. ``'SO4'`` for ``'SO4^2-(aq)'``).
        note: how the text was read when that is worth saying (``'triiodide'``,
            ``'decimal subscripts'``), else ``''``.
        radical: whether a radical dot was written (``Cl•``); it does not change the
            composition.
    """

    text: str
    composition: tuple[tuple[str, Count], ...]
    charge: int = 0
    phase: str | None = None
    coefficient: Count | None = None
    is_electron: bool = False
    body: str = ""
    note: str = ""
    radical: bool = False

    @property
    def counts(self) -> dict[str, Count]:
        """Element -> number of atoms."""
        return dict(self.composition)

    @property
    def key(self) -> tuple:
        """Identity of the species: composition (sorted), charge, phase, electron flag.

        ``Fe3+`` and ``Fe^3+`` have the same key; ``H2O(l)`` and ``H2O(g)`` do not.
        """
        return (tuple(sorted(self.composition)), self.charge, self.phase, self.is_electron)

    @property
    def formula(self) -> str:
        """The text without its phase tag."""
        if self.phase is None:
            return self.text
        m = re.search(r"\s*(\([^()]*\)|[↓↑])$", self.text)
        return self.text[: m.start()] if m else self.text

    def reading(self) -> str:
        """How the text was read, e.g. ``'I3^-'``, ``'Mn1.5Co1.5O4'``, ``'Cl•'``."""
        return reading_text(self)

    def to_json(self) -> dict:
        """JSON form: text, composition (rational counts as ``'p/q'`` strings), charge, phase,
        and the note and radical flag when set."""
        d = {
            "text": self.text,
            "composition": {el: (k if isinstance(k, int) else str(k)) for el, k in self.composition},
            "charge": self.charge,
            "phase": self.phase,
        }
        if self.note:
            d["note"] = self.note
        if self.radical:
            d["radical"] = True
        return d


def reading_text(sp: Species) -> str:
    """A reading in explicit notation: counts in full, charge after a caret.

    Examples:
        >>> from solvers.reactions.formula import parse_species, reading_text
        >>> reading_text(parse_species("O2-")), reading_text(parse_species("Fe0.95O"))
        ('O^2-', 'Fe0.95O')
    """
    if sp.is_electron:
        return "e^-"
    out = "".join(el + ("" if k == 1 else format_count(k)) if not el[0].isdigit()
                  else f"[{el}]" + ("" if k == 1 else format_count(k)) for el, k in sp.composition)
    if sp.radical:
        out += "•"
    if sp.charge:
        q = abs(sp.charge)
        out += "^" + ("" if q == 1 else str(q)) + ("+" if sp.charge > 0 else "-")
    return out


def _err(what: str, col: int, text: str, fix: str = "", width: int = 1) -> InvalidInputError:
    msg = f"{what} at column {col} of '{text}'"
    if width > 1:  # name the whole span too, so either convention of "position" is covered
        msg += f" (columns {col}-{col + width - 1})"
    return InvalidInputError(msg + (f"; {fix}" if fix else ""))


def _is_symbol(sym: str) -> bool:
    return sym in ATOMIC_NUMBER or sym in ISOTOPE_SYMBOLS


class _Parser:
    """Recursive-descent parser for the body of a formula (no charge, no phase)."""

    def __init__(self, full: str, body: str, offset: int):
        self.full = full  # the string the user gave (for messages)
        self.s = body
        self.off = offset  # column offset of body inside full (0-based)
        self.i = 0

    def col(self, i: int | None = None) -> int:
        return self.off + (self.i if i is None else i) + 1

    def count(self) -> Count | None:
        m = _COUNT_RE.match(self.s, self.i)
        if not m:
            return None
        n = _num(Fraction(m.group(0)))
        if n == 0:
            raise _err(f"zero count '{m.group(0)}'", self.col(), self.full, "counts must be positive")
        self.i = m.end()
        return n

    def isotope(self) -> str | None:
        """``[13C]``: an isotope label; returns the element label or None if not one."""
        m = re.match(r"\[(\d+)([A-Z][a-z]?)\]", self.s[self.i:])
        if not m:
            return None
        mass, sym = int(m.group(1)), m.group(2)
        if sym not in ATOMIC_NUMBER:
            raise _err(f"unknown element '{sym}' in the isotope label '{m.group(0)}'", self.col(), self.full,
                       "write the mass number before an element symbol, e.g. '[13C]O2'", width=len(m.group(0)))
        z = ATOMIC_NUMBER[sym]
        if not z <= mass <= 300:
            raise _err(f"mass number {mass} of '{m.group(0)}' is impossible for {sym} (atomic number {z})",
                       self.col(), self.full, f"give a mass number from {z} to 300", width=len(m.group(0)))
        self.i += m.end()
        if sym == "H" and mass in (2, 3):
            return "D" if mass == 2 else "T"
        return f"{mass}{sym}"

    def part(self, closer: str | None) -> dict[str, Count]:
        comp: dict[str, Count] = {}
        start = self.i
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == "[" and (label := self.isotope()) is not None:
                k = self.count() or 1
                comp[label] = comp.get(label, 0) + k
            elif c in _OPEN:
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
            elif c.isupper() and c.isascii():
                sym = c
                if self.i + 1 < len(self.s) and self.s[self.i + 1].islower() and self.s[self.i + 1].isascii():
                    sym = self.s[self.i : self.i + 2]
                if not _is_symbol(sym):
                    if len(sym) == 2 and _is_symbol(c):
                        raise _err(f"unknown element '{sym}'", self.col(), self.full,
                                   "element symbols are case-sensitive (e.g. 'Co' is cobalt, 'CO' carbon monoxide)",
                                   width=len(sym))
                    raise _err(f"unknown element '{sym}'", self.col(), self.full,
                               "use one of the 118 element symbols (or D, T, [13C] for isotopes)", width=len(sym))
                self.i += len(sym)
                k = self.count() or 1
                comp[sym] = comp.get(sym, 0) + k
            elif c.isdigit():
                raise _err(f"unexpected number '{c}'", self.col(), self.full,
                           "a count follows an element or a closing bracket")
            elif c.islower():
                raise _err(f"unexpected lowercase letter '{c}'", self.col(), self.full,
                           "element symbols start with a capital letter"
                           + (_VARIABLE_HINT if c in "xyznδ" else ""))
            else:
                raise _err(f"unexpected character '{c}'", self.col(), self.full,
                           _VARIABLE_HINT[2:] if c in "δΔ" else "")
        if closer is not None:
            return comp  # caller reports the missing closer
        if self.i == start:
            raise _err("empty formula", self.col(), self.full)
        return comp


def _is_ligand(text: str) -> bool:
    t = text.strip()
    while len(t) > 2 and t[0] in _OPEN and t[-1] == _OPEN[t[0]]:
        t = t[1:-1]
    return t in _LIGANDS


def _split_top(body: str, mode: str) -> tuple[list[tuple[int, str]], bool]:
    """Split at top-level hydrate/adduct separators.

    A '.' between a count and a digit is a decimal point unless (``mode="auto"``) what
    follows is a multiplier and a usual adduct unit; with ``mode="decimal"`` it always is.

    Returns:
        ``(pieces, ambiguous)``: ``(start, text)`` pieces and whether a '.' could be read
        both ways.
    """
    pieces: list[tuple[int, str]] = []
    depth, start, ambiguous = 0, 0, False
    for i, c in enumerate(body):
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
        elif c in _HYDRATE_SEPS and depth == 0:
            if c == "." and 0 < i < len(body) - 1 and body[i - 1].isdigit() and body[i + 1].isdigit():
                j = i - 1
                while j >= start and body[j].isdigit():
                    j -= 1
                if j < start or not body[start : j + 1].strip():
                    continue  # a decimal multiplier such as '0.5' in 'CaSO4·0.5H2O'
                m = re.match(r"(\d+(?:\.\d+)?)([^·•∙*.]*)", body[i + 1:])
                if m and _is_ligand(m.group(2)):
                    ambiguous = True
                    if mode == "decimal":
                        continue
                else:
                    continue
            pieces.append((start, body[start:i]))
            start = i + 1
    pieces.append((start, body[start:]))
    return pieces, ambiguous


def _parse_body(full: str, body: str, offset: int, mode: str = "auto") -> tuple[dict[str, Count], bool]:
    """Parse a body with hydrate/adduct separators; returns ``(composition, ambiguous)``."""
    comp: dict[str, Count] = {}
    pieces, ambiguous = _split_top(body, mode)
    for k, (st, piece) in enumerate(pieces):
        if not piece.strip():
            raise _err("empty part of a hydrate/adduct", offset + st + 1, full,
                       "write e.g. 'CuSO4.5H2O'")
        mult: Count = 1
        m = _MULT_RE.match(piece)
        if m and k > 0:
            mult = _num(Fraction(m.group(1)))
            if mult == 0:
                raise _err("zero multiplier", offset + st + 1, full, "multipliers must be positive")
            st += m.end()
            piece = piece[m.end():]
            if not piece:
                raise _err("a multiplier without a formula", offset + st + 1, full, "write e.g. 'CuSO4.5H2O'")
        elif m and k == 0 and m.group(1):
            raise _err(f"unexpected number '{m.group(1)}'", offset + st + 1, full)
        p = _Parser(full, piece, offset + st)
        part = p.part(None)
        if p.i != len(piece):  # pragma: no cover - part() consumes everything or raises
            raise _err("unexpected text", p.col(), full)
        for el, n in part.items():
            comp[el] = _num(comp.get(el, 0) + mult * n)
    return comp, ambiguous


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


def _charge_readings(full: str, body: str, offset: int) -> tuple[list[tuple[str, int]], str]:
    """Split ``body`` into ``(formula, charge)`` readings following the documented rules.

    Returns:
        ``(readings, policy)``: ``policy`` is ``"single"`` (one element, one digit: the
        monatomic reading first, then the homonuclear one), ``"multi"`` (the rule's reading
        first, then the other split) or ``"only"``.
    """
    m = re.search(r"\^\{([^{}]*)\}$|\^([0-9+-]*)$|\{([0-9+-]+)\}$|\(([0-9]*[+-]+[0-9]*)\)$", body)
    if m:
        spec = next(g for g in m.groups() if g is not None)
        q = _parse_charge_spec(spec)
        if q is None:
            raise _err(f"cannot read the charge '{spec}'", offset + m.start() + 1, full,
                       "write it like 'Fe^3+', 'SO4^2-' or 'Fe+3'")
        return [(body[: m.start()].rstrip(), q)], "only"
    if "^" in body:
        i = body.index("^")
        raise _err(f"cannot read the charge '{body[i + 1:]}'", offset + i + 1, full,
                   "write it like 'Fe^3+' or 'SO4^2-'")
    m = re.search(r"\s+(\d*[+-]|[+-]\d*)$", body)
    if m and body[: m.start()].strip():
        q = _parse_charge_spec(m.group(1))
        if q is None:
            raise _err("zero charge", offset + m.start() + 1, full, "omit the charge of a neutral species")
        return [(body[: m.start()], q)], "only"
    m = re.search(r"([+-])(\d+)$", body)
    if m and m.start() > 0 and body[m.start() - 1] not in "+-":
        q = int(m.group(2)) * (1 if m.group(1) == "+" else -1)
        if q == 0:
            raise _err("zero charge", offset + m.start() + 1, full, "omit the charge of a neutral species")
        return [(body[: m.start()], q)], "only"
    m = re.search(r"[+-]+$", body)
    if not m:
        if any(c in "+-" for c in body):
            i = min(body.index(c) for c in "+-" if c in body)
            raise _err("a charge sign in the middle of a formula", offset + i + 1, full,
                       "put the charge at the end, e.g. 'SO4^2-'" + (_VARIABLE_HINT if "δ" in body else ""))
        return [(body, 0)], "only"
    signs = m.group(0)
    if len(set(signs)) != 1:
        raise _err(f"cannot read the charge '{signs}'", offset + m.start() + 1, full,
                   "use one sign kind, e.g. 'Fe+++' or 'Fe^3+'")
    sign = 1 if signs[0] == "+" else -1
    rest = body[: m.start()]
    if len(signs) > 1:
        return [(rest, sign * len(signs))], "only"
    d = re.search(r"\d+$", rest)
    if not d or (d.start() > 0 and rest[d.start() - 1] == "."):
        return [(rest, sign)], "only"
    digits, pre = d.group(0), rest[: d.start()]
    if re.fullmatch(r"[A-Z][a-z]?", pre) and _is_symbol(pre) and len(digits) == 1:
        n = int(digits)
        if n <= 1:
            return [(rest, sign)], "only"
        return [(pre, sign * n), (rest, sign)], "single"
    if _whole_group(pre) and int(digits) > 0:
        return [(pre, sign * int(digits))], "only"
    if digits[-1] == "0" or not pre:
        return [(rest, sign)], "only"
    as_charge = (pre + digits[:-1], sign * int(digits[-1]))
    as_count = (rest, sign)
    if len(digits) >= 2:
        return [as_charge, as_count], "multi"
    return [as_count, as_charge], "multi"


def _normalize(text: str) -> str:
    """Subscripts to digits, isotope superscripts to ``[13C]``, superscript charges to
    ``^3+``, minus signs and ``½`` to ASCII."""
    s = text.translate(_SUBSCRIPTS).replace("−", "-").replace("–", "-").replace("½", "1/2")
    # isotope mass numbers before an element: ¹³C, ^13C, ^{13}C -> [13C]
    s = re.sub(f"([{_SUPER_DIGITS}]+)([A-Z][a-z]?)",
               lambda m: f"[{m.group(1).translate(_SUPERSCRIPTS)}{m.group(2)}]", s)
    s = re.sub(r"\^\{?(\d+)\}?([A-Z][a-z]?)", r"[\1\2]", s)
    if any(c in s for c in "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻"):
        m = re.search("[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻]+", s)
        if m:
            s = s[: m.start()] + "^" + m.group(0).translate(_SUPERSCRIPTS) + s[m.end():]
    return s


def parse_species(text: str) -> Species:
    """Parse one species such as ``'K4[Fe(CN)6]'``, ``'CuSO4·5H2O'``, ``'Fe^3+(aq)'``, ``'e-'``.

    When the text reads several ways (``O2-``: oxide or superoxide) this is the first
    reading of :func:`species_readings`.

    Args:
        text: the species; a leading coefficient (``2``, ``1/2``, ``0.5``) is allowed and
            recorded, but ignored.

    Returns:
        The parsed :class:`Species`.

    Raises:
        InvalidInputError: not a string, unknown element, unbalanced bracket, unreadable
            charge, empty formula or zero atoms; the message names the column.

    Examples:
        >>> from solvers.reactions.formula import parse_species
        >>> parse_species("K4[Fe(CN)6]").counts
        {'K': 4, 'Fe': 1, 'C': 6, 'N': 6}
        >>> parse_species("2 e-").is_electron, parse_species("MnO4-").charge
        (True, -1)
        >>> parse_species("Xx2O")
        Traceback (most recent call last):
        ...
        engine.errors.InvalidInputError: unknown element 'Xx' at column 1 of 'Xx2O' (columns 1-2); use one of the 118 element symbols (or D, T, [13C] for isotopes)
    """
    return species_readings(text)[0]


def species_readings(text: str) -> tuple[Species, ...]:
    """Every reading of a species text, the preferred one first (see the module docstring).

    Raises:
        InvalidInputError: as :func:`parse_species`.

    Examples:
        >>> from solvers.reactions.formula import species_readings
        >>> [(r.reading(), r.note) for r in species_readings("O2-")]
        [('O^2-', 'oxide'), ('O2^-', 'superoxide')]
        >>> [r.reading() for r in species_readings("I3-")]
        ['I3^-']
    """
    if not isinstance(text, str):
        raise InvalidInputError(f"species={text!r} (of type {type(text).__name__}) is not a string; "
                                "pass a formula such as 'H2O'")
    if len(text) > 10_000:
        raise InvalidInputError(f"species of {len(text)} characters is too long; formulas are limited "
                                "to 10000 characters")
    return _readings(text)


@lru_cache(maxsize=8192)
def _readings(full: str) -> tuple[Species, ...]:
    from solvers.reactions.ions import classify

    s = _normalize(full)
    lead = len(s) - len(s.lstrip())
    s = s.strip()
    if not s:
        raise InvalidInputError(f"species={full!r} is empty; give a formula such as 'H2O'")
    coefficient = None
    m = _COEFF_RE.match(s)
    if m:
        coefficient = _num(Fraction(m.group(1).replace("½", "1/2")))
        if coefficient == 0:
            raise _err("zero coefficient", lead + 1, full, "remove the species or give a positive coefficient")
        lead += m.end()
        s = s[m.end():]
    display = full.strip()
    if coefficient is not None:
        display = _COEFF_RE.sub("", display.translate(_SUBSCRIPTS), count=1) \
            if _COEFF_RE.match(display.translate(_SUBSCRIPTS)) else s
    phase = None
    m = re.search(r"\s*([↓↑])$", s)  # precipitate / gas arrows: the solid and gas phases
    if m:
        phase, s = ("s" if m.group(1) == "↓" else "g"), s[: m.start()]
    m = _PHASE_RE.search(s) if phase is None else None
    if m:
        phase = "l" if m.group(1) == "ℓ" else m.group(1)
        s = s[: m.start()]
    m = re.search(r"(?<=[A-Za-z])\((I{1,3}|IV|VI{0,3}|IX|0)\)(?!\d)", s)
    if m:
        raise _err(f"Stock notation '{m.group(0)}' (an oxidation state)", lead + m.start() + 1, full,
                   "write the ion with its charge (e.g. 'Fe3+' for iron(III)) or the compound's "
                   "formula (e.g. 'FeCl3')", width=len(m.group(0)))
    if s in _ELECTRONS or s.lower() in {"e-", "e^-", "e(-)"}:
        return (Species(text=display, composition=(), charge=-1, phase=phase, coefficient=coefficient,
                        is_electron=True, body="e"),)
    if not s:
        raise _err("empty formula", lead + 1, full)
    radical = False
    if len(s) > 1 and s[0] in "•·∙." and (s[1].isupper() or s[1] in "([{"):
        radical, s, lead = True, s[1:], lead + 1
    m = (re.search(r"[.•·∙]$", s) or re.search(r"[.•·∙](?=(?:\^\{?|\{)?[+-]+\d*\}?$)", s)
         or re.search(r"[•·∙](?=(?:\^\{?|\{)?\d+[+-]\}?$)", s))
    if m and m.start() > 0:
        after = s[m.end():]
        radical, s = True, s[: m.start()]
        if after:  # a charge written after the radical dot is explicit: O2•- is O2^-
            s += after if after[0] in "^{" else "^" + after
    cands, policy = _charge_readings(full, s, lead)
    parsed: list[tuple[Species, str, bool]] = []  # (species, class, is the alternative body mode)
    first_error: InvalidInputError | None = None
    for body, charge in cands:
        if not body:
            first_error = first_error or _err("a charge without a formula", lead + 1, full, "write e.g. 'H+' or 'e-'")
            continue
        if re.search(r"\s", body):
            i = re.search(r"\s", body).start()
            first_error = first_error or _err("unexpected space", lead + i + 1, full,
                                              "separate species with ' + ' and write each formula without spaces")
            continue
        for mode in ("auto", "decimal"):
            try:
                comp, ambiguous = _parse_body(full, body, lead, mode)
            except InvalidInputError as exc:
                first_error = first_error or exc
                if mode == "auto" and "." in body:
                    continue  # 'Fe0.01Al2O3': the hydrate reading 'Fe0 . 1 Al2O3' fails; try decimals
                break
            if not comp or all(n == 0 for n in comp.values()):
                first_error = first_error or _err("a species with zero atoms", lead + 1, full)
                break
            kind, name = classify(comp, charge)
            note = name
            if ambiguous:
                note = "; ".join(x for x in (name, "hydrate/adduct" if mode == "auto" else "decimal subscripts") if x)
            parsed.append((Species(text=display, composition=tuple(comp.items()), charge=charge, phase=phase,
                                   coefficient=coefficient, body=body, note=note, radical=radical),
                           kind, mode == "decimal"))
            if not ambiguous:
                break
    if not parsed:
        raise first_error  # type: ignore[misc]
    main = [p for p in parsed if not p[2]]
    alt_bodies = [p for p in parsed if p[2]]
    if policy == "single" and len(main) == 2:
        if main[0][1] == "impossible" and main[1][1] != "known":
            mono, homo = main[0][0], main[1][0]
            raise _err(f"'{s}' reads as {mono.reading()}, which does not exist, or as {homo.reading()}, "
                       "which is not a known ion", lead + 1, full,
                       f"write the charge with a caret if you mean it, e.g. '{homo.body}^{s[len(homo.body):]}'")
        possible = [p for p in main if p[1] != "impossible"] or main[:1]
        known = [p for p in possible if p[1] == "known"]
        main = known or possible[:1]
    elif policy == "multi" and len(main) == 2:
        rule, other = main
        main = [rule, other] if other[1] == "known" and rule[1] == "known" else \
            [other] if other[1] == "known" and rule[1] != "known" else [rule]
    out: list[Species] = []
    for sp, _, _ in main + alt_bodies:
        if all(sp.key != o.key for o in out):
            out.append(sp)
    return tuple(out)
