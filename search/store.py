"""The results store: one SQLite file per project directory (``./disco.db`` by default).

Two tables hold everything a discovery run leaves behind:

- ``runs(id, kind, params, seed, code_version, started, ended, stop_reason, summary)``:
  one row per search run, with its JSON parameters, its seed and the code version.
- ``results(id, run_id, domain, key, payload, score, verified, verification_method,
  created, updated)``: one row per discovered object, de-duplicated by
  ``UNIQUE(domain, key)`` where ``key`` is the problem's canonical form. Rows are never
  deleted, so ids are stable; the table carries only the unique index, to keep each
  single-result commit small (queries by run scan the table).
- ``run_results(run_id, result_id)``: every run that found a result (``results.run_id`` is
  only the first), written in the same transaction as the result, so a resumed search finds
  everything it committed before a crash (:meth:`ResultsStore.run_results`).

The file is opened in WAL mode, waits up to ``timeout`` seconds for another writer's lock,
and every write is one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``, or a single
autocommit ``INSERT``, which SQLite runs as one transaction holding the write lock), so several worker processes can write at once and a run
killed with SIGKILL loses at most the result in flight (``synchronous=NORMAL`` under WAL is
safe against process crashes; only an operating-system crash may lose the last commits).

A file that is not SQLite, an SQLite file that already holds other tables (not a disco
store), a store written by a newer schema, or a file locked by another program raises
:class:`engine.errors.StoreError` and the file is left untouched: it is first inspected
through a read-only connection, and tables are only created in a new or empty file.

A :class:`ResultsStore` is picklable (it pickles its path and options), so it can be handed
to worker processes; each process opens its own connection lazily.

Reference: SQLite documentation, "Write-Ahead Logging" (https://sqlite.org/wal.html) and
"File Locking And Concurrency" (https://sqlite.org/lockingv3.html).

Examples:
    >>> import tempfile, os
    >>> from search.store import ResultsStore
    >>> path = os.path.join(tempfile.mkdtemp(), "disco.db")
    >>> with ResultsStore(path) as store:
    ...     run = store.start_run("demo", {"n": 3}, seed=1)
    ...     store.add_result("graphs", "C5", {"edges": 5}, verified=True, method="networkx", run_id=run)
    ...     store.add_result("graphs", "C5", {"edges": 5}, verified=True, method="networkx")
    ...     store.end_run(run, "step_budget", {"found": 1})
    ...     [r.key for r in store.results(domain="graphs")]
    (1, True)
    (1, False)
    ['C5']
"""

from __future__ import annotations

import csv
import json
import math
import os
import random
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from engine._args import check_flag, check_items, check_path, short_repr
from engine.errors import InvalidInputError, StoreError
from engine.jsonable import to_jsonable

__all__ = [
    "ResultsStore",
    "StoredResult",
    "RunRecord",
    "SCHEMA_VERSION",
    "default_store_path",
    "code_version",
    "write_rows",
]

#: Version of the table layout written by this module (stored in ``disco_schema``). Version 2
#: added ``run_results``; a version-1 store is upgraded in place when it is opened for writing.
SCHEMA_VERSION = 2

_SQLITE_MAGIC = b"SQLite format 3\x00"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS disco_schema (version INTEGER NOT NULL, created TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        params TEXT NOT NULL,
        seed TEXT,
        code_version TEXT,
        started TEXT NOT NULL,
        ended TEXT,
        stop_reason TEXT,
        summary TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS results (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES runs(id),
        domain TEXT NOT NULL,
        key TEXT NOT NULL,
        payload TEXT NOT NULL,
        score REAL,
        verified INTEGER NOT NULL,
        verification_method TEXT,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        UNIQUE(domain, key)
    )""",
    """CREATE TABLE IF NOT EXISTS run_results (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        result_id INTEGER NOT NULL REFERENCES results(id),
        PRIMARY KEY (run_id, result_id)
    ) WITHOUT ROWID""",
)
_OWN_TABLES = {"disco_schema", "runs", "results", "run_results", "sqlite_sequence"}
_LINK_SQL = "INSERT OR IGNORE INTO run_results (run_id, result_id) VALUES (?, ?)"

_INSERT_SQL = (
    "INSERT OR IGNORE INTO results (run_id, domain, key, payload, score, verified, "
    "verification_method, created, updated) VALUES (?,?,?,?,?,?,?,?,?)"
)
_JITTER = random.Random()  # lock-retry jitter only; never used for search randomness

_RESULT_COLUMNS = (
    "id, run_id, domain, key, payload, score, verified, verification_method, created, updated"
)
_RUN_COLUMNS = "id, kind, params, seed, code_version, started, ended, stop_reason, summary"


def default_store_path() -> Path:
    """The store used when no path is given: ``$DISCO_DB`` if set, else ``./disco.db``.

    Examples:
        >>> from search.store import default_store_path
        >>> default_store_path().name  # doctest: +SKIP
        'disco.db'
    """
    env = os.environ.get("DISCO_DB")
    return Path(env) if env else Path.cwd() / "disco.db"


_CODE_VERSION: str | None = None


def code_version() -> str:
    """The package version, plus the git commit when running from a checkout (cached).

    Examples:
        >>> from search.store import code_version
        >>> code_version().startswith("0.")
        True
    """
    global _CODE_VERSION
    if _CODE_VERSION is None:
        from engine.jsonable import package_version

        version = package_version()
        root = Path(__file__).resolve().parent.parent
        head = root / ".git" / "HEAD"
        try:  # read the commit without spawning git
            ref = head.read_text().strip()
            if ref.startswith("ref:"):
                ref_path = root / ".git" / ref.split(None, 1)[1]
                ref = ref_path.read_text().strip() if ref_path.exists() else ""
            if ref:
                version += f"+g{ref[:10]}"
        except OSError:
            pass
        _CODE_VERSION = version
    return _CODE_VERSION


_NOW_CACHE: list = [None, ""]  # [whole second, its formatted prefix]


def _now() -> str:
    """ISO-8601 UTC timestamp with microseconds (the date part is cached per second)."""
    t = time.time()
    sec = int(t)
    if _NOW_CACHE[0] != sec:
        _NOW_CACHE[0], _NOW_CACHE[1] = sec, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec))
    return f"{_NOW_CACHE[1]}.{int((t - sec) * 1e6):06d}+00:00"


def _to_json_text(obj: Any, what: str) -> str:
    try:
        try:  # fast path: plain JSON data
            return json.dumps(obj, sort_keys=True, allow_nan=False)
        except TypeError:
            return json.dumps(to_jsonable(obj), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(
            f"{what}={short_repr(obj, 80)} is not JSON-serialisable ({exc}); pass dicts/lists of "
            "numbers and strings (NaN/inf are not allowed)"
        ) from exc


def _check_score(score: Any) -> float | None:
    if score is None:
        return None
    try:
        value = float(score)
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidInputError(f"score={short_repr(score)} is not a number; pass a float or None") from exc
    if math.isnan(value):
        raise InvalidInputError("score=nan is not allowed; pass a real number or None")
    return value


#: SQLite's INTEGER range: ids and limits beyond it cannot name a row.
_SQL_INT_MAX = (1 << 63) - 1


def _check_id(value: Any, name: str) -> int:
    """A row id (``result_id``, ``run_id``): an integer in SQLite's INTEGER range."""
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral) \
            or not -_SQL_INT_MAX <= value <= _SQL_INT_MAX:
        raise InvalidInputError(f"{name}={short_repr(value)} must be an integer id")
    return int(value)


def _check_optional_text(value: Any, name: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidInputError(f"{name}={short_repr(value)} must be a string or None")
    return value


def _check_optional_flag(value: Any, name: str) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    raise InvalidInputError(f"{name}={short_repr(value)} must be True, False or None")


def _mapping(value: Any, name: str) -> dict:
    """``params``/``summary``: a mapping (or None) as a dict."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInputError(f"{name}={short_repr(value)} must be a mapping (a dict) or None")
    return dict(value)


def _check_text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidInputError(f"{name}={short_repr(value)} must be a non-empty string")
    return value


@dataclass(frozen=True)
class StoredResult:
    """One row of the ``results`` table (payload already decoded from JSON).

    Attributes:
        id: row id (stable; used by ``disco results show ID``).
        run_id: the run that first found it (None when added outside a run).
        domain: problem domain, for example ``"graphs"`` or ``"schemes"``.
        key: canonical form used for de-duplication inside the domain.
        payload: the JSON payload (dict, list, ...).
        score: the search score (higher is better) or None.
        verified: whether the result was verified exactly.
        verification_method: how it was verified.
        created: ISO-8601 UTC timestamp of the first insertion.
        updated: ISO-8601 UTC timestamp of the last change.
    """

    id: int
    run_id: int | None
    domain: str
    key: str
    payload: Any
    score: float | None
    verified: bool
    verification_method: str | None
    created: str
    updated: str

    def to_json(self) -> dict[str, Any]:
        """The row as a JSON-ready dict."""
        return asdict(self)

    def __getitem__(self, name: str) -> Any:
        """Dict-style access to a field (``row["payload"]``)."""
        if name not in self.__dataclass_fields__:
            raise KeyError(name)
        return getattr(self, name)


@dataclass(frozen=True)
class RunRecord:
    """One row of the ``runs`` table (params and summary decoded from JSON)."""

    id: int
    kind: str
    params: Any
    seed: int | None
    code_version: str | None
    started: str
    ended: str | None
    stop_reason: str | None
    summary: Any

    def to_json(self) -> dict[str, Any]:
        """The row as a JSON-ready dict."""
        return asdict(self)

    def __getitem__(self, name: str) -> Any:
        """Dict-style access to a field (``run["seed"]``)."""
        if name not in self.__dataclass_fields__:
            raise KeyError(name)
        return getattr(self, name)


def _result_from_row(row: tuple) -> StoredResult:
    return StoredResult(
        id=row[0],
        run_id=row[1],
        domain=row[2],
        key=row[3],
        payload=json.loads(row[4]),
        score=row[5],
        verified=bool(row[6]),
        verification_method=row[7],
        created=row[8],
        updated=row[9],
    )


def _run_from_row(row: tuple) -> RunRecord:
    return RunRecord(
        id=row[0],
        kind=row[1],
        params=json.loads(row[2]) if row[2] is not None else None,
        seed=int(row[3]) if row[3] is not None else None,
        code_version=row[4],
        started=row[5],
        ended=row[6],
        stop_reason=row[7],
        summary=json.loads(row[8]) if row[8] is not None else None,
    )


#: Longest wait for another writer's lock, in seconds (a year; SQLite takes milliseconds as an int).
MAX_TIMEOUT = 365 * 86400.0


class ResultsStore:
    """A SQLite results store shared by runs, worker processes and the CLI.

    Args:
        path: the database file; default ``$DISCO_DB`` or ``./disco.db``.
        timeout: seconds to wait for another writer's lock before raising
            :class:`~engine.errors.StoreError` (SQLite ``busy_timeout``).
        create: create the file when it does not exist (otherwise raise ``StoreError``).

    Raises:
        StoreError: the file is not SQLite, is an SQLite file of another program, has a newer
            schema, is locked, or cannot be created. The file is left untouched.
        InvalidInputError: ``timeout`` is negative.

    Examples:
        >>> import tempfile, os
        >>> from search.store import ResultsStore
        >>> store = ResultsStore(os.path.join(tempfile.mkdtemp(), "r.db"))
        >>> store.add_results([
        ...     {"domain": "contfrac", "key": "k1", "payload": {"a": 1}, "verified": True},
        ...     {"domain": "contfrac", "key": "k2", "payload": {"a": 2}, "verified": False},
        ... ])
        [(1, True), (2, True)]
        >>> store.count(domain="contfrac"), store.count(verified=True)
        (2, 1)
        >>> store.close()
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, timeout: float = 30.0,
                 create: bool = True) -> None:
        import numbers

        if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real) \
                or not 0 <= float(timeout) <= MAX_TIMEOUT:
            raise InvalidInputError(f"timeout={short_repr(timeout)} must be a number of seconds in "
                                    f"[0, {MAX_TIMEOUT:g}] (a year)")
        check_path(path, allow_none=True)
        self.path = Path(path) if path is not None else default_store_path()
        self.timeout = float(timeout)
        self._create = check_flag(create, "create")
        self._local = threading.local()
        self._open_checked()

    # -- pickling: workers reopen the file themselves -----------------------------------
    def __getstate__(self) -> dict[str, Any]:
        return {"path": str(self.path), "timeout": self.timeout}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.path = Path(state["path"])
        self.timeout = state["timeout"]
        self._create = False
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"ResultsStore({str(self.path)!r})"

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- opening and checking ---------------------------------------------------------
    def _inspect_existing(self) -> None:
        """Check an existing file through a read-only connection; never writes to it."""
        path = self.path
        try:
            size = path.stat().st_size
            with open(path, "rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise StoreError(f"cannot read results store {str(path)!r}: {exc}") from exc
        if size == 0:
            return
        if head != _SQLITE_MAGIC:
            raise StoreError(
                f"results store {str(path)!r} is not an SQLite database (corrupt or another "
                "kind of file); the file was left untouched; move it away or pass another --db"
            )
        uri = path.resolve().as_uri() + "?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=self.timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open results store {str(path)!r}: {exc}") from exc
        try:
            conn.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                return
            if "disco_schema" not in tables:
                raise StoreError(
                    f"{str(path)!r} is an SQLite database of another program (tables: "
                    f"{', '.join(sorted(tables)[:5])}), not a disco results store; the file was "
                    "left untouched; pass another --db"
                )
            row = conn.execute("SELECT MAX(version) FROM disco_schema").fetchone()
            version = row[0] if row else None
            if version is None or version > SCHEMA_VERSION:
                raise StoreError(
                    f"results store {str(path)!r} has schema version {short_repr(version)}, this code "
                    f"reads version {SCHEMA_VERSION}; upgrade disco-engine or use another --db"
                )
            missing = {"runs", "results"} - tables
            if missing:
                raise StoreError(
                    f"results store {str(path)!r} is damaged: missing tables {sorted(missing)}; "
                    "the file was left untouched; restore a backup or pass another --db"
                )
        except sqlite3.OperationalError as exc:
            raise self._wrap(exc, "open") from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"results store {str(path)!r} is corrupt ({exc}); the file was left untouched; "
                "restore a backup or pass another --db"
            ) from exc
        finally:
            conn.close()

    def _open_checked(self) -> None:
        if self.path.exists():
            if self.path.is_dir():
                raise StoreError(f"results store path {str(self.path)!r} is a directory; pass a file")
            self._inspect_existing()
        elif not self._create:
            raise StoreError(f"results store {str(self.path)!r} does not exist")
        elif not self.path.parent.exists():
            raise StoreError(
                f"cannot create results store {str(self.path)!r}: directory "
                f"{str(self.path.parent)!r} does not exist"
            )
        conn = self._conn()
        try:
            self._retry(lambda: conn.execute("BEGIN IMMEDIATE"), "initialise")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            foreign = tables - _OWN_TABLES
            if foreign and "disco_schema" not in tables:
                conn.execute("ROLLBACK")
                raise StoreError(
                    f"{str(self.path)!r} is an SQLite database of another program; left untouched"
                )
            for stmt in _SCHEMA:
                conn.execute(stmt)
            version = conn.execute("SELECT MAX(version) FROM disco_schema").fetchone()[0]
            if version is None:
                conn.execute("INSERT INTO disco_schema VALUES (?, ?)", (SCHEMA_VERSION, _now()))
            elif version < SCHEMA_VERSION:  # version 1: link every result to its first run
                conn.execute("INSERT OR IGNORE INTO run_results (run_id, result_id) "
                             "SELECT run_id, id FROM results WHERE run_id IS NOT NULL")
                conn.execute("INSERT INTO disco_schema VALUES (?, ?)", (SCHEMA_VERSION, _now()))
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise self._wrap(exc, "initialise") from exc

    def _wrap(self, exc: sqlite3.Error, action: str) -> StoreError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return StoreError(
                f"results store {str(self.path)!r} is locked by another process (waited "
                f"{self.timeout:g} s to {action}); wait for it to finish or pass another --db"
            )
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            return StoreError(f"results store {str(self.path)!r} is corrupt ({text}); cannot {action}")
        return StoreError(f"results store {str(self.path)!r}: cannot {action}: {text}")

    def _conn(self) -> sqlite3.Connection:
        """This thread's and this process's connection (opened lazily, fork-safe)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            return conn
        try:
            conn = sqlite3.connect(
                str(self.path), timeout=0, isolation_level=None, check_same_thread=True
            )
            conn.execute("PRAGMA busy_timeout=0")  # waits are done by _retry (short sleeps)
            mode = self._retry(lambda: conn.execute("PRAGMA journal_mode=WAL").fetchone()[0],
                               "open")
            if str(mode).lower() != "wal":  # pragma: no cover - e.g. network filesystems
                conn.execute("PRAGMA journal_mode=DELETE")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            raise self._wrap(exc, "open") from exc
        self._local.conn = conn
        self._local.pid = os.getpid()
        return conn

    def _retry(self, fn: Any, action: str) -> Any:
        """Call ``fn`` until it stops failing with SQLITE_BUSY, for at most ``timeout`` s.

        SQLite's own busy handler sleeps in steps of 1 ms growing to 100 ms, which wastes most
        of the time when two processes commit thousands of small transactions; short jittered
        sleeps (0.1 ms doubling to 0.5 ms) keep the lock busy instead.
        """
        deadline = time.monotonic() + self.timeout
        delay = 1e-4
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                text = str(exc)
                if ("locked" not in text and "busy" not in text) or time.monotonic() >= deadline:
                    raise self._wrap(exc, action) from exc
            time.sleep(_JITTER.uniform(0.5 * delay, delay))
            delay = min(2 * delay, 5e-4)

    @contextmanager
    def _write(self, action: str) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` ... ``COMMIT`` transaction (rolled back on error)."""
        conn = self._conn()
        self._retry(lambda: conn.execute("BEGIN IMMEDIATE"), action)
        try:
            yield conn
            self._retry(lambda: conn.execute("COMMIT"), action)
        except BaseException as exc:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:  # pragma: no cover
                    pass
            if isinstance(exc, sqlite3.Error):
                raise self._wrap(exc, action) from exc
            raise

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        conn = self._conn()
        try:
            return self._retry(lambda: conn.execute(sql, params).fetchall(), "read")
        except sqlite3.Error as exc:
            raise self._wrap(exc, "read") from exc

    def close(self) -> None:
        """Close this thread's connection (the store can be used again afterwards)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            conn.close()
        self._local.conn = None

    # -- runs ---------------------------------------------------------------------------
    def start_run(self, kind: str, params: Mapping[str, Any] | None = None,
                  seed: int | None = None) -> int:
        """Record the start of a run and return its id.

        Args:
            kind: what runs, for example ``"flipgraph"`` or ``"contfrac.enumerate"``.
            params: JSON-serialisable parameters of the run.
            seed: the run's seed (any size of integer), or None.

        Raises:
            InvalidInputError: empty ``kind``, non-JSON ``params`` or non-integer ``seed``.
            StoreError: the store is locked or corrupt.
        """
        _check_text(kind, "kind")
        params_text = _to_json_text(_mapping(params, "params"), "params")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            try:
                import numpy as np

                if isinstance(seed, np.integer):
                    seed = int(seed)
                else:
                    raise TypeError
            except TypeError:
                raise InvalidInputError(f"seed={short_repr(seed)} must be an integer or None") from None
        with self._write("start a run") as conn:
            cur = conn.execute(
                "INSERT INTO runs (kind, params, seed, code_version, started) VALUES (?,?,?,?,?)",
                (kind, params_text, None if seed is None else str(seed), code_version(), _now()),
            )
            return int(cur.lastrowid)

    def end_run(self, run_id: int, stop_reason: Any,
                summary: Mapping[str, Any] | None = None) -> None:
        """Record the end of a run: its stop reason and a JSON summary.

        Raises:
            InvalidInputError: unknown ``run_id``.
            StoreError: the store is locked or corrupt.
        """
        run_id = _check_id(run_id, "run_id")
        reason = getattr(stop_reason, "value", stop_reason)
        if reason is not None and not isinstance(reason, str | int | float):
            raise InvalidInputError(f"stop_reason={short_repr(stop_reason)} must be a StopReason, a string or None")
        summary_text = _to_json_text(_mapping(summary, "summary"), "summary")
        with self._write("end a run") as conn:
            cur = conn.execute(
                "UPDATE runs SET ended=?, stop_reason=?, summary=? WHERE id=?",
                (_now(), None if reason is None else str(reason), summary_text, int(run_id)),
            )
            if cur.rowcount == 0:
                raise InvalidInputError(f"run_id={short_repr(run_id)} is not a run in {str(self.path)!r}")

    def runs(self, kind: str | None = None, limit: int | None = None) -> list[RunRecord]:
        """All runs (newest first), optionally of one ``kind``."""
        _check_optional_text(kind, "kind")
        sql = f"SELECT {_RUN_COLUMNS} FROM runs"
        params: tuple = ()
        if kind is not None:
            sql += " WHERE kind=?"
            params = (kind,)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += f" LIMIT {self._check_limit(limit)}"
        return [_run_from_row(r) for r in self._read(sql, params)]

    def get_run(self, run_id: int) -> RunRecord:
        """One run by id.

        Raises:
            InvalidInputError: no run has this id.
        """
        rows = self._read(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id=?", (_check_id(run_id, "run_id"),))
        if not rows:
            raise InvalidInputError(f"run_id={short_repr(run_id)} is not a run in {str(self.path)!r}")
        return _run_from_row(rows[0])

    # -- results ------------------------------------------------------------------------
    @staticmethod
    def _row_values(domain: Any, key: Any, payload: Any, verified: Any, method: Any,
                    run_id: Any, score: Any) -> tuple:
        _check_text(domain, "domain")
        if not isinstance(key, str) or not key:
            raise InvalidInputError(f"key={short_repr(key)} must be a non-empty canonical string")
        if method is not None and not isinstance(method, str):
            raise InvalidInputError(f"method={short_repr(method)} must be a string (how it was verified)")
        verified = check_flag(verified, "verified")
        return (
            None if run_id is None else _check_id(run_id, "run_id"),
            domain,
            key,
            _to_json_text(payload, "payload"),
            _check_score(score),
            1 if verified else 0,
            method,
        )

    @staticmethod
    def _upsert(conn: sqlite3.Connection, values: tuple, now: str) -> tuple[int, bool]:
        run_id, domain, key, payload, score, verified, method = values
        cur = conn.execute(_INSERT_SQL, values + (now, now))
        if cur.rowcount == 1:
            return int(cur.lastrowid), True
        rid, old_verified, old_score = conn.execute(
            "SELECT id, verified, score FROM results WHERE domain=? AND key=?", (domain, key)
        ).fetchone()
        upgrade = verified > old_verified or (
            verified >= old_verified and score is not None
            and (old_score is None or score > old_score)
        )
        if upgrade:
            conn.execute(
                "UPDATE results SET payload=?, score=?, verified=?, verification_method=?, "
                "updated=? WHERE id=?",
                (payload, score, verified, method, now, rid),
            )
        return int(rid), False

    def add_result(self, domain: str, key: str, payload: Any, *, verified: bool,
                   method: str | None = None, run_id: int | None = None,
                   score: float | None = None) -> tuple[int, bool]:
        """Insert a result, de-duplicated by ``(domain, key)``; one transaction.

        A duplicate keeps its id and first run; its payload is replaced only when the new
        entry is better (newly verified, or a higher score at the same verification level).

        Args:
            domain: ``"reactions"``, ``"contfrac"``, ``"schemes"``, ``"altspaces"``, ``"graphs"``...
            key: canonical string of the object (the problem's ``key(c)``).
            payload: JSON-serialisable description (the problem's ``to_json(c)``).
            verified: whether it was verified exactly.
            method: how it was verified (for example ``"brent-equations"``).
            run_id: the run that found it.
            score: its score (higher is better).

        Returns:
            ``(result_id, is_new)``.

        Raises:
            InvalidInputError: empty domain/key, non-JSON payload, NaN score.
            StoreError: the store is locked or corrupt.
        """
        values = self._row_values(domain, key, payload, verified, method, run_id, score)
        now = _now()
        if run_id is None:
            conn = self._conn()
            # Fast path: a lone INSERT in autocommit mode is its own transaction, and SQLite
            # takes the write lock when the statement starts (like BEGIN IMMEDIATE), so one
            # statement replaces BEGIN/INSERT/COMMIT. A duplicate falls through to an
            # IMMEDIATE transaction.
            cur = self._retry(lambda: conn.execute(_INSERT_SQL, values + (now, now)),
                              "add a result")
            if cur.rowcount == 1:
                return int(cur.lastrowid), True
        with self._write("add a result") as wconn:
            rid, new = self._upsert(wconn, values, now)
            if run_id is not None:
                wconn.execute(_LINK_SQL, (int(run_id), rid))
            return rid, new

    def add_results(self, items: Iterable[Mapping[str, Any]], *,
                    run_id: int | None = None) -> list[tuple[int, bool]]:
        """Insert many results in one transaction (much faster than one call each).

        Args:
            items: mappings with keys ``domain``, ``key``, ``payload``, ``verified`` and
                optionally ``method``, ``score``, ``run_id``.
            run_id: default run id for items that do not name one.

        Returns:
            ``[(result_id, is_new), ...]`` in input order.

        Raises:
            InvalidInputError: an item lacks a field or has a bad value (nothing is written).
            StoreError: the store is locked or corrupt.
        """
        items = check_items(items, "items", "a list of result mappings")
        if run_id is not None:
            _check_id(run_id, "run_id")
        rows = []
        for i, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise InvalidInputError(f"items[{i}]={short_repr(item)} must be a mapping with domain, "
                                        "key, payload and verified")
            try:
                rows.append(self._row_values(
                    item["domain"], item["key"], item["payload"], item["verified"],
                    item.get("method"), item.get("run_id", run_id), item.get("score"),
                ))
            except KeyError as exc:
                raise InvalidInputError(
                    f"items[{i}] lacks field {short_repr(exc.args[0])}; each item needs domain, key, "
                    "payload and verified"
                ) from None
        if not rows:
            return []
        now = _now()
        with self._write("add results") as conn:
            out = []
            for values in rows:
                rid, new = self._upsert(conn, values, now)
                if values[0] is not None:
                    conn.execute(_LINK_SQL, (values[0], rid))
                out.append((rid, new))
            return out

    @staticmethod
    def _check_limit(limit: Any) -> int:
        if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= _SQL_INT_MAX:
            raise InvalidInputError(f"limit={short_repr(limit)} must be an integer >= 0 or None")
        return limit

    def _where(self, domain: str | None, run_id: int | None,
               verified: bool | None) -> tuple[str, tuple]:
        _check_optional_text(domain, "domain")
        _check_optional_flag(verified, "verified")
        clauses, params = [], []
        if domain is not None:
            clauses.append("domain=?")
            params.append(domain)
        if run_id is not None:
            clauses.append("run_id=?")
            params.append(_check_id(run_id, "run_id"))
        if verified is not None:
            clauses.append("verified=?")
            params.append(1 if verified else 0)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)

    def results(self, domain: str | None = None, run_id: int | None = None, *,
                verified: bool | None = None, limit: int | None = None,
                order: Literal["id", "score"] = "id") -> list[StoredResult]:
        """Query results, filtered by domain, run and verification status.

        Args:
            domain: only this domain.
            run_id: only results first found by this run.
            verified: only verified (True) or unverified (False) results.
            limit: at most this many rows.
            order: ``"id"`` (insertion order) or ``"score"`` (best first).

        Raises:
            InvalidInputError: bad ``limit`` or ``order``.
        """
        orders = {"id": "id ASC", "score": "score DESC, id ASC"}
        if not isinstance(order, str) or order not in orders:
            raise InvalidInputError(f"order={short_repr(order)} must be one of {sorted(orders)}")
        where, params = self._where(domain, run_id, verified)
        sql = f"SELECT {_RESULT_COLUMNS} FROM results{where} ORDER BY {orders[order]}"
        if limit is not None:
            sql += f" LIMIT {self._check_limit(limit)}"
        return [_result_from_row(r) for r in self._read(sql, params)]

    def count(self, domain: str | None = None, run_id: int | None = None, *,
              verified: bool | None = None) -> int:
        """Number of results matching the filters."""
        where, params = self._where(domain, run_id, verified)
        return int(self._read(f"SELECT COUNT(*) FROM results{where}", params)[0][0])

    def get(self, result_id: int) -> StoredResult:
        """One result by id.

        Raises:
            InvalidInputError: no result has this id.
        """
        rid = _check_id(result_id, "result_id")
        rows = self._read(f"SELECT {_RESULT_COLUMNS} FROM results WHERE id=?", (rid,))
        if not rows:
            raise InvalidInputError(
                f"result_id={short_repr(result_id)} is not in {str(self.path)!r}; list ids with "
                "`disco results list`"
            )
        return _result_from_row(rows[0])

    def find(self, domain: str, key: str) -> StoredResult | None:
        """The result with this ``(domain, key)``, or None."""
        _check_text(domain, "domain")
        _check_text(key, "key")
        rows = self._read(
            f"SELECT {_RESULT_COLUMNS} FROM results WHERE domain=? AND key=?", (domain, key)
        )
        return _result_from_row(rows[0]) if rows else None

    def run_results(self, run_id: int) -> list[StoredResult]:
        """Every result the run ``run_id`` committed (also those another run found first).

        Examples:
            >>> import tempfile, os
            >>> from search.store import ResultsStore
            >>> store = ResultsStore(os.path.join(tempfile.mkdtemp(), "r.db"))
            >>> r1, r2 = store.start_run("demo"), store.start_run("demo")
            >>> _ = store.add_result("graphs", "C5", {}, verified=True, run_id=r1)
            >>> _ = store.add_result("graphs", "C5", {}, verified=True, run_id=r2)
            >>> [r.key for r in store.run_results(r2)], store.results(run_id=r2)
            (['C5'], [])
        """
        rid = _check_id(run_id, "run_id")
        cols = ", ".join(f"r.{c.strip()}" for c in _RESULT_COLUMNS.split(","))
        rows = self._read(f"SELECT {cols} FROM run_results l JOIN results r ON r.id = l.result_id "
                          "WHERE l.run_id=? ORDER BY r.id", (rid,))
        return [_result_from_row(r) for r in rows]

    def has_run(self, run_id: int) -> bool:
        """Whether ``run_id`` is a run of this store."""
        return bool(self._read("SELECT 1 FROM runs WHERE id=?", (_check_id(run_id, "run_id"),)))

    def export(self, path: str | os.PathLike[str], fmt: Literal["json", "csv"] | None = None, *,
               domain: str | None = None, run_id: int | None = None,
               verified: bool | None = None) -> int:
        """Write the (filtered) results to a JSON or CSV file; return the number of rows.

        The file is written to a temporary name and renamed, so a reader never sees half of it.
        In CSV the payload column holds the JSON text.

        Args:
            path: output file.
            fmt: ``"json"`` or ``"csv"``; default from the file suffix (``.csv`` -> CSV).

        Raises:
            InvalidInputError: unknown ``fmt``.
            StoreError: the file cannot be written.
        """
        check_path(path)
        out = Path(path)
        if not out.name or out.is_dir():
            raise InvalidInputError(f"path={short_repr(path)} is a folder; give a file name, e.g. 'results.json'")
        if fmt is None:
            fmt = "csv" if out.suffix.lower() == ".csv" else "json"
        if not isinstance(fmt, str) or fmt not in ("json", "csv"):
            raise InvalidInputError(f"fmt={short_repr(fmt)} must be 'json' or 'csv'")
        rows = self.results(domain, run_id, verified=verified)
        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "w", newline="", encoding="utf-8") as fh:
                write_rows(rows, fh, fmt)
            os.replace(tmp, out)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise StoreError(f"cannot write export file {str(out)!r}: {exc}") from exc
        return len(rows)


def write_rows(rows: list[StoredResult], fh: Any, fmt: str) -> None:
    """Write result rows to an open text file as JSON (a list) or CSV."""
    if fmt == "json":
        json.dump([r.to_json() for r in rows], fh, indent=2)
        fh.write("\n")
        return
    fields = list(StoredResult.__dataclass_fields__)
    writer = csv.writer(fh)
    writer.writerow(fields)
    for r in rows:
        rec = r.to_json()
        rec["payload"] = json.dumps(rec["payload"], sort_keys=True)
        rec["verified"] = int(rec["verified"])
        writer.writerow([rec[f] for f in fields])
