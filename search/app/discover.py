"""Discovery campaigns: one run across every capability, ending in a report.

A campaign is a budget (wall seconds), a seed and one section per capability:
reaction balancing, continued fractions, matrix-multiplication schemes, alternating
matrices of constant rank and extremal graphs. Each section runs the library's public
API, verifies what it finds exactly, writes the results to the results store
(de-duplicated, so a second run adds nothing it already has and says what is new) and
contributes a section to the report (``report/index.html`` and ``report/report.md``).

Campaigns are plain data: :data:`DEFAULT_CAMPAIGN`, or a TOML file::

    [campaign]
    budget = 120          # wall seconds for the whole campaign
    seed = 1
    output = "report"     # report directory
    sections = ["reactions", "contfrac", "matmul", "altspaces", "graphs"]

    [graphs]
    n = [10, 16, 20]

Unknown tables or keys are errors that name the key and its line.

Examples:
    >>> from search.app.discover import campaign_from_dict
    >>> c = campaign_from_dict({"campaign": {"budget": 30, "sections": ["reactions"]}})
    >>> c.budget, c.sections
    (30.0, ('reactions',))
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine._args import check_path, short_repr
from engine._numba import compile_seconds
from engine.errors import EngineError, InvalidInputError
from search.app.report import ReportSection, write_report

__all__ = [
    "Campaign",
    "CampaignResult",
    "DEFAULT_CAMPAIGN",
    "SECTION_TITLES",
    "campaign_from_dict",
    "load_campaign",
    "run_campaign",
]

SECTION_TITLES: dict[str, str] = {
    "reactions": "Chemical reaction balancing",
    "contfrac": "Continued fractions",
    "matmul": "Matrix multiplication",
    "altspaces": "Alternating matrices of constant rank",
    "graphs": "Extremal graphs",
}

#: Share of the campaign budget each section receives (renormalised over enabled sections).
_WEIGHTS: dict[str, float] = {
    "reactions": 0.04,
    "contfrac": 0.24,
    "matmul": 0.32,
    "altspaces": 0.15,
    "graphs": 0.25,
}

DEFAULT_CAMPAIGN: dict[str, Any] = {
    "campaign": {
        "budget": 120.0,
        "seed": 1,
        "output": "report",
        "sections": list(SECTION_TITLES),
    },
    "reactions": {
        "equations": [
            "CH4 + O2 -> CO2 + H2O",
            "C8H18 + O2 -> CO2 + H2O",
            "H2SO4 + NaOH -> Na2SO4 + H2O",
            "KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O",
            "Cu + HNO3 -> Cu(NO3)2 + NO + H2O",
            "K4Fe(CN)6 + KMnO4 + H2SO4 -> KHSO4 + Fe2(SO4)3 + MnSO4 + HNO3 + CO2 + H2O",
            "[Cr(N2H4CO)6]4[Cr(CN)6]3 + KMnO4 + H2SO4 -> K2Cr2O7 + MnSO4 + CO2 + KNO3 + K2SO4 + H2O",
            "H2O2 + KMnO4 + H2SO4 -> O2 + MnSO4 + K2SO4 + H2O",
            "CuSO4.5H2O -> CuSO4 + H2O",
            "Fe3+ + e- -> Fe2+",
        ],
        "redox": [
            ["MnO4- + C2O4^2- -> Mn2+ + CO2", "acidic"],
            ["Cr2O7^2- + Fe2+ -> Cr3+ + Fe3+", "acidic"],
            ["MnO4- + I- -> MnO2 + I2", "basic"],
        ],
        "impossible": ["NaCl -> Na + Cl2 + O2", "H2 + O2 -> H2O + He"],
        "species": ["Cu", "HNO3", "Cu(NO3)2", "NO", "NO2", "H2O"],
    },
    "contfrac": {
        "known": [
            ["34n^3+51n^2+27n+5", "-n^6"],
            ["2n+1", "n^2"],
            ["1", "1"],
            ["n+1", "n"],
            ["2n+1", "1"],
        ],
        "digits": 40,
        "search": {
            "a_degree": 1,
            "b_degree": 2,
            "coefficient_range": 2,
            "constants": ["e", "pi", "log(2)"],
        },
    },
    "matmul": {
        "format": [3, 3, 3],
        "ring": "ZT",
        "target": 23,
        "lift_ring": "F2",
        # [structure code, n, search field, lift to, target rank]: 2x2 symmetric x symmetric
        "structured": [["ss", 2, "F3", "Q", 5]],
    },
    "altspaces": {
        "cases": [[4, 2], [5, 2], [6, 4], [7, 4], [8, 6]],
        "fields": ["Q", 3],
        "search": {"n": 4, "r": 2, "field": 2},
    },
    "graphs": {"n": [10, 16, 20, 24], "mapelites_n": 12},
}

_ALLOWED_KEYS: dict[str, set[str]] = {
    "campaign": {"budget", "seed", "output", "sections", "workers", "db", "cluster", "min_workers",
                 "worker_timeout", "connect_timeout"},
    "reactions": {"equations", "redox", "impossible", "species", "weight"},
    "contfrac": {"known", "digits", "search", "weight"},
    "matmul": {"format", "ring", "target", "lift_ring", "structured", "weight"},
    "altspaces": {"cases", "fields", "search", "weight"},
    "graphs": {"n", "mapelites_n", "weight"},
}


@dataclass(frozen=True)
class Campaign:
    """A validated campaign description.

    Attributes:
        budget: wall-clock seconds for the whole campaign (shared between sections).
        seed: master seed; each section derives its own.
        output: report directory.
        sections: enabled sections, in run order.
        config: per-section parameters (merged over the defaults).
        source: where the campaign came from (``"default"`` or a file path).
        workers: worker processes for parallel searches (``None``: the number of cores).
        db: results-store path (``None``: ``$DISCO_DB`` or ``./disco.db``).
        cluster: Dask scheduler address ``tcp://host:8786``; the parallel searches (PCF
            enumeration, flip graphs, constant rank, graphs) then run one walker per worker
            thread there. ``None``: local processes.
        min_workers: with ``cluster``, wait for this many workers before the budget starts.
        worker_timeout: seconds to wait for ``min_workers`` (not charged to the budget).
        connect_timeout: seconds to wait for the scheduler to answer.
    """

    budget: float
    seed: int
    output: str
    sections: tuple[str, ...]
    config: dict[str, dict[str, Any]]
    source: str = "default"
    workers: int | None = None
    db: str | None = None
    cluster: str | None = None
    min_workers: int | None = None
    worker_timeout: float = 300.0
    connect_timeout: float = 10.0


@dataclass
class CampaignResult:
    """What a campaign did: the report sections, where the report is, and the status."""

    sections: list[ReportSection]
    report_dir: Path
    status: str  # "completed" or "interrupted"
    elapsed: float
    new_results: int
    total_results: int
    run_id: int | None = None
    cluster: str | None = None
    cluster_workers: int | None = None
    startup_seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "status": self.status,
            "cluster": self.cluster,
            "cluster_workers": self.cluster_workers,
            "startup_s": round(self.startup_seconds, 2),
            "report": str(self.report_dir / "index.html"),
            "markdown": str(self.report_dir / "report.md"),
            "elapsed_s": round(self.elapsed, 2),
            "new_results": self.new_results,
            "total_results": self.total_results,
            "run_id": self.run_id,
            "sections": [
                {
                    "key": s.key,
                    "status": s.status,
                    "elapsed_s": round(s.elapsed, 2),
                    "new_results": s.new_results,
                    "results": len(s.rows),
                    "error": s.error,
                    "compile_s": round(getattr(s, "compile_seconds", 0.0), 2),
                }
                for s in self.sections
            ],
        }


def _line_of(text: str, table: str, key: str | None) -> int | None:
    """1-based line of ``key`` inside ``[table]`` (or of the table header) in TOML ``text``."""
    current = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("[") and not line.startswith("[["):
            current = line.strip("[] ").strip()
            if key is None and current == table:
                return number
            continue
        if current == table and key is not None and "=" in line:
            if line.split("=", 1)[0].strip().strip('"') == key:
                return number
    return None


_DESCRIBE = object()


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _int_in(lo: int, hi: int) -> Callable[[Any], str | None]:
    def check(x: Any) -> str | None:
        return None if _is_int(x) and lo <= x <= hi else f"an integer in {lo}..{hi}"
    return check


def _list_of(item: Callable[[Any], str | None], *, nonempty: bool = False,
             longest: int = 10_000) -> Callable[[Any], str | None]:
    def check(x: Any) -> str | None:
        what = item(_DESCRIBE)  # every checker refuses the sentinel with its description
        desc = f"a {'non-empty ' if nonempty else ''}list, each item {what}"
        if not isinstance(x, list) or (nonempty and not x) or len(x) > longest:
            return desc
        return desc if any(item(v) is not None for v in x) else None
    return check


def _text(x: Any) -> str | None:
    return None if isinstance(x, str) and x.strip() else "a non-empty string"


def _pair_of_text(x: Any) -> str | None:
    ok = isinstance(x, list) and len(x) == 2 and all(isinstance(v, str) and v.strip() for v in x)
    return None if ok else "pairs of strings [\"...\", \"...\"]"


def _field(x: Any) -> str | None:
    from engine.alternating import parse_field

    try:
        parse_field(x)
    except EngineError:
        return "a field: \"Q\", a prime (2, 3, \"F5\", ...) or 4, 8, 9 (F4, F8, F9)"
    return None


def _poly(x: Any) -> str | None:
    ok = isinstance(x, list) and len(x) == 2 and all(
        (isinstance(v, str) and v.strip()) or _is_int(v) for v in x)
    return None if ok else "pairs [a(n), b(n)] of polynomials (strings or integers)"


def _case(x: Any) -> str | None:
    ok = isinstance(x, list) and len(x) == 2 and all(_is_int(v) for v in x) and \
        1 <= x[0] <= 64 and 0 <= x[1] <= x[0] and x[1] % 2 == 0
    return None if ok else "pairs [n, r] of integers with 1 <= n <= 64, r even, 0 <= r <= n"


def _structured(x: Any) -> str | None:
    what = "rows [structure, n, field, lift ring, target rank] such as [\"ss\", 2, \"F3\", \"Q\", 5]"
    if not isinstance(x, list) or len(x) != 5:
        return what
    code, n, field, lift_to, rank = x
    from engine.structured import parse_structure

    try:
        parse_structure(code)
    except EngineError:
        return what
    ok = _is_int(n) and 1 <= n <= 8 and (_is_int(field) or isinstance(field, str)) and \
        isinstance(lift_to, str) and lift_to.strip().upper() in ("Z", "Q", "ZT") and \
        _is_int(rank) and rank >= 1
    return None if ok else what


def _format(x: Any) -> str | None:
    ok = isinstance(x, list) and len(x) == 3 and all(_is_int(v) and 1 <= v <= 16 for v in x)
    return None if ok else "three integers [n, m, p] between 1 and 16"


def _ring(x: Any) -> str | None:
    return None if isinstance(x, str) and x.strip().upper() in ("Z", "Q", "ZT", "F2", "F3") \
        else "one of \"ZT\", \"Z\", \"Q\", \"F2\", \"F3\""


def _contfrac_search(x: Any) -> str | None:
    what = ("a table {a_degree, b_degree, coefficient_range: integers 0..8, constants: a list "
            "of constant names}")
    if not isinstance(x, dict) or set(x) - {"a_degree", "b_degree", "coefficient_range", "constants"}:
        return what
    for k in ("a_degree", "b_degree", "coefficient_range"):
        if k in x and _int_in(0, 8)(x[k]) is not None:
            return what
    if "constants" in x and _list_of(_text, nonempty=True)(x["constants"]) is not None:
        return what
    return None


def _alt_search(x: Any) -> str | None:
    what = "a table {n: 2..16, r: even 2..n, field: a prime}"
    if not isinstance(x, dict) or set(x) - {"n", "r", "field"}:
        return what
    n, r = x.get("n", 4), x.get("r", 2)
    if not (_is_int(n) and _is_int(r) and 2 <= n <= 16 and 2 <= r <= n and r % 2 == 0):
        return what
    return None if _field(x.get("field", 2)) is None and x.get("field", 2) not in ("Q", "QQ") else what


#: What each section key must hold (a checker returns None, or what the value must be).
_VALUE_CHECKS: dict[str, dict[str, Callable[[Any], str | None]]] = {
    "reactions": {"equations": _list_of(_text), "redox": _list_of(_pair_of_text),
                  "impossible": _list_of(_text), "species": _list_of(_text)},
    "contfrac": {"known": _list_of(_poly), "digits": _int_in(1, 10_000),
                 "search": _contfrac_search},
    "matmul": {"format": _format, "ring": _ring, "target": _int_in(1, 4096), "lift_ring": _ring,
               "structured": _list_of(_structured)},
    "altspaces": {"cases": _list_of(_case), "fields": _list_of(_field, nonempty=True),
                  "search": _alt_search},
    "graphs": {"n": _list_of(_int_in(1, 4096), nonempty=True), "mapelites_n": _int_in(1, 4096)},
}


def campaign_from_dict(data: dict[str, Any], *, source: str = "default", text: str | None = None) -> Campaign:
    """Validate campaign data (as parsed from TOML) and merge it over :data:`DEFAULT_CAMPAIGN`.

    Args:
        data: a mapping of table name to keys, as ``tomllib`` returns.
        source: a label for error messages (the file name).
        text: the TOML text, used to name line numbers in errors.

    Returns:
        The validated :class:`Campaign`.

    Raises:
        InvalidInputError: an unknown table or key, or a value of the wrong type; the message
            names the key (and its line when ``text`` is given) and the fix.
    """

    def where(table: str, key: str | None = None) -> str:
        line = _line_of(text, table, key) if text else None
        name = f"[{table}]" if key is None else f"'{key}' in [{table}]"
        return f"{source}: {name}" + (f" (line {line})" if line else "")

    if not isinstance(data, dict):
        raise InvalidInputError(f"{source}: campaign data={short_repr(data)} must be a mapping of tables")
    if not isinstance(source, str):
        raise InvalidInputError(f"source={short_repr(source)} must be a string (the file name)")
    if text is not None and not isinstance(text, str):
        raise InvalidInputError(f"text={short_repr(text)} must be the TOML text or None")
    for table, body in data.items():
        if table not in _ALLOWED_KEYS:
            raise InvalidInputError(
                f"{where(table)}: unknown table; known tables: {', '.join(sorted(_ALLOWED_KEYS))}"
            )
        if not isinstance(body, dict):
            raise InvalidInputError(f"{where(table)}: expected a table of keys, got {short_repr(body)}")
        for key in body:
            if key not in _ALLOWED_KEYS[table]:
                raise InvalidInputError(
                    f"{where(table, key)}: unknown key; known keys: {', '.join(sorted(_ALLOWED_KEYS[table]))}"
                )
            check = _VALUE_CHECKS.get(table, {}).get(key)
            want = None if check is None else check(body[key])
            if want is not None:
                raise InvalidInputError(
                    f"{where(table, key)}: {key}={short_repr(body[key], 80)} must be {want}")

    head = {**DEFAULT_CAMPAIGN["campaign"], **data.get("campaign", {})}
    budget = head["budget"]
    if isinstance(budget, bool) or not isinstance(budget, int | float) or not 0 < budget < math.inf:
        raise InvalidInputError(f"{where('campaign', 'budget')}: budget={short_repr(budget)} must be a positive, finite number of seconds")
    seed = head["seed"]
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidInputError(f"{where('campaign', 'seed')}: seed={short_repr(seed)} must be a non-negative integer")
    sections = head["sections"]
    if not isinstance(sections, list) or not sections or not all(isinstance(x, str) for x in sections):
        raise InvalidInputError(f"{where('campaign', 'sections')}: sections={short_repr(sections)} must be a non-empty list")
    for s in sections:
        if s not in SECTION_TITLES:
            raise InvalidInputError(
                f"{where('campaign', 'sections')}: unknown section {short_repr(s)}; known: {', '.join(SECTION_TITLES)}"
            )
    output = head["output"]
    if not isinstance(output, str) or not output:
        raise InvalidInputError(f"{where('campaign', 'output')}: output={short_repr(output)} must be a directory path")
    workers = head.get("workers")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or not 1 <= workers <= 1024):
        raise InvalidInputError(f"{where('campaign', 'workers')}: workers={short_repr(workers)} must be an integer in 1..1024")
    db = head.get("db")
    if db is not None and (not isinstance(db, str) or not db.strip()):
        raise InvalidInputError(f"{where('campaign', 'db')}: db={short_repr(db)} must be a file path (a string)")
    config: dict[str, dict[str, Any]] = {}
    for name in SECTION_TITLES:
        merged = {**DEFAULT_CAMPAIGN.get(name, {}), **data.get(name, {})}
        weight = merged.get("weight", _WEIGHTS[name])
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight < math.inf:
            raise InvalidInputError(f"{where(name, 'weight')}: weight={short_repr(weight)} must be a positive number")
        merged["weight"] = float(weight)
        config[name] = merged
    cluster = head.get("cluster")
    if cluster is not None and (not isinstance(cluster, str) or "://" not in cluster):
        raise InvalidInputError(f"{where('campaign', 'cluster')}: cluster={short_repr(cluster)} must be a Dask scheduler address such as \"tcp://host:8786\"")
    min_workers = head.get("min_workers")
    if min_workers is not None and (isinstance(min_workers, bool) or not isinstance(min_workers, int)
                                    or not 1 <= min_workers <= 100_000):
        raise InvalidInputError(f"{where('campaign', 'min_workers')}: min_workers={short_repr(min_workers)} must be an integer in 1..100000")
    worker_timeout = head.get("worker_timeout", 300.0)
    if isinstance(worker_timeout, bool) or not isinstance(worker_timeout, int | float) \
            or not 0 < worker_timeout < math.inf:
        raise InvalidInputError(f"{where('campaign', 'worker_timeout')}: worker_timeout={short_repr(worker_timeout)} must be a positive number of seconds")
    connect_timeout = head.get("connect_timeout", 10.0)
    if isinstance(connect_timeout, bool) or not isinstance(connect_timeout, int | float) \
            or not 0 < connect_timeout < math.inf:
        raise InvalidInputError(f"{where('campaign', 'connect_timeout')}: connect_timeout={short_repr(connect_timeout)} must be a positive number of seconds")
    return Campaign(
        budget=float(budget),
        seed=int(seed),
        output=output,
        sections=tuple(dict.fromkeys(sections)),
        config=config,
        source=source,
        workers=workers,
        db=head.get("db"),
        cluster=cluster,
        min_workers=min_workers,
        worker_timeout=float(worker_timeout),
        connect_timeout=float(connect_timeout),
    )


def load_campaign(path: str | os.PathLike[str]) -> Campaign:
    """Read and validate a TOML campaign file.

    Examples:
        >>> import pathlib, tempfile
        >>> from search.app.discover import load_campaign
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "c.toml"
        >>> _ = f.write_text('[campaign]\\nbudget = 60\\nsections = ["graphs"]\\n[graphs]\\nn = [12]\\n')
        >>> c = load_campaign(f)
        >>> c.budget, c.sections, c.config["graphs"]["n"]
        (60.0, ('graphs',), [12])

    Raises:
        InvalidInputError: the file is missing, is not valid TOML (the parser's line and column
            are given), or has an unknown key or a bad value.
    """
    check_path(path)
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(f"campaign file {str(p)!r} cannot be read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"campaign file {str(p)!r} is not UTF-8 text (byte {exc.start}); give a TOML file") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInputError(f"campaign file {str(p)!r} is not valid TOML: {exc}") from exc
    return campaign_from_dict(data, source=str(p), text=text)


# --------------------------------------------------------------------------------------------
# Running


@dataclass
class _Context:
    campaign: Campaign
    store: Any
    run_id: int | None
    seed: int
    log: Callable[[str], None]
    deadline: float = 0.0
    workers: int | None = None
    backend: Any = None  # a search.backends.DaskBackend with --cluster, else None
    extras: dict[str, Any] = field(default_factory=dict)

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def stored(self, section: ReportSection, domain: str, key: str,
               run_id: int | None) -> int | None:
        """The store id of a result a search stored itself (under its own key); counted as new
        when that search's run found it first."""
        if self.store is None:
            return None
        row = self.store.find(domain, key)
        if row is None:
            return None
        if run_id is not None and row.run_id == run_id:
            section.new_results += 1
        return row.id

    def record(self, section: ReportSection, domain: str, key: str, payload: dict[str, Any], *,
               method: str, score: float | None = None, verified: bool = True) -> int | None:
        """Store one verified result; count it as new when the store did not have it."""
        if self.store is None:
            return None
        rid, is_new = self.store.add_result(
            domain, key, payload, verified=verified, method=method, run_id=self.run_id, score=score
        )
        if is_new:
            section.new_results += 1
        return rid


class _BackgroundCompile:
    """The kernels of the campaign's later sections, compiled by a background process
    (:mod:`search.app._warmup`, one per section) into numba's cache while the first sections run.

    Not started when every kernel section's kernels are cached already (a stamp from an earlier
    complete warm-up), when numba has no writable cache, or when ``DISCO_NO_BACKGROUND_COMPILE``
    is set. :meth:`wait` blocks until a section's kernels are cached (or ``timeout``)."""

    def __init__(self, campaign: Campaign, log: Callable[[str], None]) -> None:
        from search.app._warmup import KERNEL_SECTIONS, is_warm, stamp_path

        self.procs: list[subprocess.Popen] = []
        self.later: list[str] = []
        self.ready: dict[str, threading.Event] = {}
        self.seconds: dict[str, float] = {}
        self.failed: dict[str, str] = {}
        # the first section compiles its own kernels: nothing runs before it to hide them behind
        later = [s for s in campaign.sections[1:] if s in KERNEL_SECTIONS]
        if not later or os.environ.get("DISCO_NO_BACKGROUND_COMPILE") or stamp_path(later) is None \
                or is_warm(later):
            return
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.later = later
        self.ready = {s: threading.Event() for s in later}
        # one process per section, all at once (kernels compile single-threaded), at normal
        # priority: the longest compile (the flip graphs) is the critical path, and a section
        # whose kernels are not ready yet runs after those that are
        for name in later:
            spec = json.dumps({"sections": [name], "config": {name: campaign.config[name]},
                               "nice": 0, "stamp": False})
            try:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "search.app._warmup", spec], stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True, env=env)
            except OSError as exc:  # no background process: the section compiles in-process
                log(f"background compile not started ({exc}); kernels compile in the sections")
                self.ready.pop(name)
                continue
            self.procs.append(proc)
            threading.Thread(target=self._read, args=(proc, name), daemon=True).start()
        if self.procs:
            log(f"compiling the kernels of {', '.join(self.ready)} in background processes "
                "(first run only)")

    def _read(self, proc: subprocess.Popen, section: str) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            word, _, rest = line.strip().partition(" ")
            name, _, detail = rest.partition(" ")
            if name in self.ready:
                if word == "ready":
                    try:
                        self.seconds[name] = float(detail)
                    except ValueError:
                        pass
                else:
                    self.failed[name] = detail
                self.ready[name].set()
        proc.wait()
        if not self.ready[section].is_set():  # ended without a word: nothing more to wait for
            self.failed[section] = f"exit code {proc.returncode}"
            self.ready[section].set()

    def is_ready(self, name: str) -> bool:
        """Whether section ``name`` can start without waiting for the background compile."""
        ev = self.ready.get(name)
        return ev is None or ev.is_set()

    def wait(self, name: str, timeout: float) -> float:
        """Seconds spent waiting for section ``name``'s kernels (0 when not in the background)."""
        ev = self.ready.get(name)
        if ev is None or ev.is_set():
            return 0.0
        t = time.monotonic()
        ev.wait(max(0.0, timeout))
        return time.monotonic() - t

    def close(self) -> None:
        """Stop processes still compiling; stamp the cache when every section's kernels are in it."""
        from search.app._warmup import write_stamp

        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:  # pragma: no cover - a stuck compiler
                    proc.kill()
                    proc.wait()
        if self.procs and len(self.seconds) == len(self.later):
            write_stamp(self.later)


def _section_runners() -> dict[str, Callable[[_Context, ReportSection, dict[str, Any], float], None]]:
    from search.app import sections as ds

    return {
        "reactions": ds.run_reactions,
        "contfrac": ds.run_contfrac,
        "matmul": ds.run_matmul,
        "altspaces": ds.run_altspaces,
        "graphs": ds.run_graphs,
    }


def run_campaign(
    campaign: Campaign | None = None,
    *,
    output: str | os.PathLike[str] | None = None,
    db: str | os.PathLike[str] | None = None,
    quiet: bool = False,
    store: Any = None,
    cluster: str | None = None,
) -> CampaignResult:
    """Run a campaign, store every verified result and write the report.

    The report is rewritten after every section, so an interrupted campaign (Ctrl-C) still
    leaves the report of what finished, and everything already stored stays stored.

    Args:
        campaign: the campaign (default: :data:`DEFAULT_CAMPAIGN`).
        output: report directory (overrides the campaign's ``output``).
        db: results-store path (overrides the campaign's ``db``; default ``./disco.db``).
        quiet: no progress lines on stderr.
        store: an already open :class:`search.store.ResultsStore` (tests).
        cluster: Dask scheduler address (overrides the campaign's ``cluster``), or a
            :class:`search.backends.Backend` to run the parallel searches on (not closed
            here). Connecting, and waiting for ``min_workers``, happens before the budget
            clock starts; the time is reported separately (``startup_seconds``).

    Returns:
        A :class:`CampaignResult`; ``status`` is ``"interrupted"`` after Ctrl-C.

    Examples:
        >>> import tempfile
        >>> from search.app.discover import campaign_from_dict, run_campaign
        >>> d = tempfile.mkdtemp()
        >>> c = campaign_from_dict({"campaign": {"budget": 10, "sections": ["reactions"]},
        ...     "reactions": {"equations": ["H2 + O2 -> H2O"], "redox": [], "impossible": [],
        ...                   "species": []}})
        >>> res = run_campaign(c, output=d + "/report", db=d + "/disco.db", quiet=True)
        >>> res.status, res.new_results, res.sections[0].rows[0]["balanced"]
        ('completed', 1, '2 H2 + O2 -> 2 H2O')
        >>> run_campaign(c, output=d + "/report", db=d + "/disco.db", quiet=True).new_results
        0

    Raises:
        InvalidInputError: the output directory is not writable; the cluster cannot be reached
            (or too few workers joined in time).
    """
    from search.backends import Backend, DaskBackend

    campaign = campaign or campaign_from_dict({})
    if not isinstance(campaign, Campaign):
        raise InvalidInputError(f"campaign={short_repr(campaign)} must be a Campaign (campaign_from_dict)")
    out_dir = Path(output if output is not None else campaign.output)
    write_report([], out_dir, title="disco discovery report (running)")  # fail early if unwritable

    log = (lambda msg: None) if quiet else (lambda msg: print(f"[disco] {msg}", file=sys.stderr, flush=True))
    cluster = campaign.cluster if cluster is None else cluster
    backend, own_backend, startup = None, False, 0.0
    if isinstance(cluster, Backend):
        backend = cluster
    elif cluster is not None:
        if not isinstance(cluster, str) or "://" not in cluster:
            raise InvalidInputError(
                f"cluster={short_repr(cluster)} must be a Dask scheduler address such as 'tcp://host:8786'")
        log(f"connecting to the Dask scheduler at {cluster} (not charged to the budget)")
        backend = DaskBackend(address=cluster, min_workers=campaign.min_workers,
                              worker_timeout=campaign.worker_timeout,
                              connect_timeout=campaign.connect_timeout)
        own_backend = True
        startup = backend.startup_seconds
        log(f"cluster ready: {backend.workers} worker thread(s), start-up {startup:.1f} s")
    try:
        return _run_campaign(campaign, out_dir, db, log, store, backend, startup)
    finally:
        if own_backend:
            backend.close()


def _run_campaign(campaign: Campaign, out_dir: Path, db: Any, log: Callable[[str], None],
                  store: Any, backend: Any, startup: float) -> CampaignResult:
    """:func:`run_campaign` once the cluster (if any) is up: the budget clock starts here."""
    from search.store import ResultsStore

    own_store = store is None
    if store is None:
        store = ResultsStore(db if db is not None else campaign.db)

    t0 = time.monotonic()
    run_id = store.start_run(
        "discover",
        {"budget": campaign.budget, "sections": list(campaign.sections), "source": campaign.source},
        campaign.seed,
    )
    ctx = _Context(campaign, store, run_id, campaign.seed, log, workers=campaign.workers,
                   backend=backend)
    runners = _section_runners()
    total_weight = sum(campaign.config[s]["weight"] for s in campaign.sections)
    sections: list[ReportSection] = []
    status = "completed"
    meta_base = {"campaign": campaign.source, "seed": campaign.seed, "budget": f"{campaign.budget:g} s"}
    if backend is not None:
        meta_base["cluster"] = (f"{getattr(backend, 'address', backend.name)}, {backend.workers} worker "
                                f"thread(s); start-up {startup:.1f} s, not charged to the budget")

    compile_total = 0.0

    def flush(final: bool) -> None:
        meta = dict(meta_base)
        if compile_total >= 0.05:
            meta["compiling kernels"] = (f"{compile_total:.1f} s of the {campaign.budget:g} s budget "
                                         f"({100 * compile_total / campaign.budget:.0f}%), first run only")
        meta["status"] = status if final else "running"
        meta["elapsed"] = f"{time.monotonic() - t0:.1f} s"
        meta["new results"] = sum(s.new_results for s in sections)
        write_report(sections, out_dir, title="disco discovery report", meta=meta)

    background = _BackgroundCompile(campaign, log)
    try:
        pending = list(campaign.sections)
        while pending:
            # a section whose kernels are still compiling in the background waits its turn
            # behind the sections that are ready; the report keeps the campaign's order
            name = next((x for x in pending if background.is_ready(x)), pending[0])
            pending.remove(name)
            # The section's share of what is left, so early overruns do not starve later sections.
            left = max(0.0, campaign.budget - (time.monotonic() - t0))
            rest_weight = campaign.config[name]["weight"] + sum(campaign.config[x]["weight"] for x in pending)
            share = left * campaign.config[name]["weight"] / (rest_weight or total_weight)
            section = ReportSection(key=name, title=SECTION_TITLES[name])
            sections.append(section)
            sections.sort(key=lambda sec: campaign.sections.index(sec.key))
            ctx.deadline = time.monotonic() + share
            # per-section seed from the section's fixed position, so subsets reproduce the same runs
            ctx.seed = campaign.seed * 1000 + list(SECTION_TITLES).index(name)
            log(f"{section.title}: {share:.0f} s")
            start = time.monotonic()
            # the section's kernels are compiling in the background: wait for them (loading them
            # from the cache afterwards) rather than compiling the same kernels twice
            waited = background.wait(name, max(0.0, share - 1.0))
            compiled = compile_seconds()
            try:
                runners[name](ctx, section, campaign.config[name], share)
            except KeyboardInterrupt:
                section.status = "interrupted"
                section.error = "interrupted by the user; results stored so far are kept"
                raise
            except EngineError as exc:
                section.status = "error"
                section.error = f"{type(exc).__name__}: {exc}"
            except Exception as exc:  # a failing section must not lose the others' results
                section.status = "error"
                section.error = f"{type(exc).__name__}: {exc}"
            finally:
                section.elapsed = time.monotonic() - start
                # numba kernels compiled (not loaded from the cache) in this section, plus the
                # wait for the background compile
                compiled = compile_seconds() - compiled + waited
                section.compile_seconds = compiled
                compile_total += compiled
                if compiled >= 0.05:
                    note = (f"compiling kernels, first run only: {compiled:.1f} s of {section.elapsed:.1f} s "
                            f"(search {max(0.0, section.elapsed - compiled):.1f} s)")
                    if waited >= 0.05:
                        note += f"; {waited:.1f} s of it waiting for the background compile"
                    section.found.append(note)
                    log(f"{section.title}: {note}")
                if name in background.seconds:
                    section.found.append(
                        f"kernels compiled in a background process while earlier sections ran "
                        f"({background.seconds[name]:.1f} s there, first run only), loaded from the cache here")
                elif name in background.failed:
                    section.found.append(f"background compile failed ({background.failed[name]}); "
                                         "kernels compiled here")
            log(f"{section.title}: {section.status}, {len(section.rows)} result(s), {section.new_results} new")
            flush(final=False)
    except KeyboardInterrupt:
        status = "interrupted"
    finally:
        background.close()
        flush(final=True)
        new = sum(s.new_results for s in sections)
        store.end_run(run_id, status, {"new_results": new})
        total = len(store.results())
        if own_store and hasattr(store, "close"):
            store.close()
    return CampaignResult(
        sections=sections,
        report_dir=out_dir,
        status=status,
        elapsed=time.monotonic() - t0,
        new_results=new,
        total_results=total,
        run_id=run_id,
        cluster=None if backend is None else getattr(backend, "address", backend.name),
        cluster_workers=None if backend is None else backend.workers,
        startup_seconds=startup,
    )


def _fmt_seconds(x: float) -> str:
    return "-" if x is None or math.isnan(x) else f"{x:.2f}"
