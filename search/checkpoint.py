"""Atomic, self-checking checkpoint files for resumable searches.

A checkpoint is one JSON document (the *envelope*)::

    {"magic": "disco-checkpoint", "format": 2, "package": "0.1.0", "kind": "flipgraph.walk",
     "state_version": 1, "params": {...}, "seed": 1, "written": "2026-...",
     "header": {...},                 # JSON: run id, steps, best, hits, history ...
     "blob": "<base64>",              # pickled walker states (numpy arrays, generators)
     "sha256": "<hex>"}               # over everything above, canonical JSON

It is written to a temporary file in the same directory, flushed and fsynced, then moved over
the old file with :func:`os.replace`, so a reader (or a resumed run after SIGKILL) sees either
the previous or the new checkpoint, never a torn one.

Reading checks, in this order, and raises :class:`engine.errors.CheckpointError` with one line
naming the file, what is wrong and the fix: the file is JSON and a disco checkpoint (not
truncated), the envelope format and the package version are this code's, the search kind,
its state version and its parameters are the ones being resumed, and the checksum matches
(so an edited or damaged file is refused before anything is unpickled or modified).

The walker states are pickled because they hold numpy arrays and generator states; only load
checkpoints you wrote yourself (unpickling runs code).

Examples:
    >>> import tempfile, os
    >>> from search.checkpoint import save_checkpoint, load_checkpoint
    >>> path = os.path.join(tempfile.mkdtemp(), "run.ckpt")
    >>> save_checkpoint(path, {"step": 3}, kind="demo")
    >>> load_checkpoint(path, kind="demo")
    {'step': 3}
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import pickle
import time
from pathlib import Path
from typing import Any

from engine.errors import CheckpointError, InvalidInputError, StoreError
from engine.jsonable import package_version, to_jsonable

__all__ = [
    "save_checkpoint",
    "load_checkpoint",
    "write_envelope",
    "read_envelope",
    "check_checkpoint_path",
    "CHECKPOINT_FORMAT",
]

#: Version of the checkpoint envelope (2: JSON envelope with checksum; 1 was a bare pickle).
CHECKPOINT_FORMAT = 2
_MAGIC = "disco-checkpoint"


def _canonical(envelope: dict[str, Any]) -> bytes:
    return json.dumps({k: v for k, v in envelope.items() if k != "sha256"}, sort_keys=True,
                      separators=(",", ":"), allow_nan=False).encode()


def check_checkpoint_path(path: str | os.PathLike[str], what: str = "checkpoint") -> Path:
    """A path a checkpoint can be written to: not a directory, in an existing directory.

    Raises:
        InvalidInputError: the path is a directory or its directory does not exist.

    Examples:
        >>> from search.checkpoint import check_checkpoint_path
        >>> check_checkpoint_path("/nonexistent-dir/ck.json")
        Traceback (most recent call last):
        ...
        engine.errors.InvalidInputError: checkpoint='/nonexistent-dir/ck.json': the directory '/nonexistent-dir' does not exist; create it first
    """
    target = Path(path)
    if target.is_dir():
        raise InvalidInputError(f"{what}={str(path)!r} is a directory; give a file name")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise InvalidInputError(
            f"{what}={str(path)!r}: the directory {str(target.parent)!r} does not exist; create it first"
        )
    return target


def write_envelope(path: str | os.PathLike[str], *, kind: str, params: Any = None,
                   seed: int | None = None, state_version: int = 1,
                   header: dict[str, Any] | None = None, states: Any = None) -> None:
    """Atomically write a checkpoint (temp file + fsync + ``os.replace``).

    Args:
        path: the checkpoint file.
        kind: the search that writes it (checked on load).
        params: the search's JSON parameters (checked on load).
        seed: the run's seed.
        state_version: layout version of the states (bump when it changes).
        header: JSON data (run id, counters, best, hits).
        states: picklable walker states.

    Raises:
        StoreError: the file cannot be written (the previous checkpoint is kept).
        InvalidInputError: ``states`` cannot be pickled or ``header`` is not JSON.
    """
    target = Path(path)
    try:
        blob = pickle.dumps(states, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise InvalidInputError(
            f"checkpoint state for {kind!r} cannot be pickled ({exc}); make states plain "
            "data (dicts, lists, numpy arrays, top-level classes)"
        ) from exc
    envelope = {
        "magic": _MAGIC, "format": CHECKPOINT_FORMAT, "package": package_version(),
        "kind": kind, "state_version": int(state_version), "params": to_jsonable(params),
        "seed": None if seed is None else str(seed),
        "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "header": to_jsonable(header or {}),
        "blob": base64.b64encode(blob).decode("ascii"),
    }
    try:
        envelope["sha256"] = hashlib.sha256(_canonical(envelope)).hexdigest()
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"checkpoint header for {kind!r} is not JSON ({exc})") from exc
    text = json.dumps(envelope, sort_keys=True, separators=(",", ":"))
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # pragma: no cover
            pass
        raise StoreError(f"cannot write checkpoint {str(target)!r}: {exc}") from exc


def _fail(target: Path, what: str, fix: str = "delete it or start without --resume") -> CheckpointError:
    return CheckpointError(f"checkpoint {str(target)!r} {what}; {fix}")


def read_envelope(path: str | os.PathLike[str], *, kind: str, params: Any = None,
                  state_version: int = 1, check_params: bool = True
                  ) -> tuple[dict[str, Any], Any] | None:
    """Read and check a checkpoint written by :func:`write_envelope`.

    Returns:
        ``(envelope, states)``, or None when the file does not exist. ``envelope["header"]``
        holds the header, ``envelope["seed"]`` the seed (a string of digits or None).

    Raises:
        CheckpointError: not JSON / truncated, not a disco checkpoint, another envelope format
            or package version, another kind of search, another state version, other
            parameters, a checksum mismatch, or states that cannot be unpickled.
    """
    target = Path(path)
    if not target.exists():
        return None
    if target.is_dir():
        raise _fail(target, "is a directory", "pass a checkpoint file")
    try:
        raw = target.read_bytes()
    except OSError as exc:
        raise _fail(target, f"cannot be read ({exc.strerror or exc})", "check its permissions") from exc
    try:
        envelope = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        if raw[:2] == b"\x80\x04" or raw[:1] == b"\x80":
            raise _fail(target, "is an old binary (pickle) checkpoint of an earlier disco",
                        "start a fresh run without --resume") from None
        raise _fail(target, "is truncated or corrupt (not JSON)") from None
    if not isinstance(envelope, dict) or envelope.get("magic") != _MAGIC:
        raise _fail(target, "is not a disco checkpoint", "pass another --checkpoint path")
    if envelope.get("format") != CHECKPOINT_FORMAT or envelope.get("package") != package_version():
        raise _fail(
            target,
            f"was written by another version (disco {envelope.get('package')!r}, checkpoint "
            f"format {envelope.get('format')!r}; this is disco {package_version()}, format "
            f"{CHECKPOINT_FORMAT})", "start a fresh run without --resume (results already stored are kept)",
        )
    if envelope.get("kind") != kind:
        raise _fail(target, f"belongs to another search ({envelope.get('kind')!r}, not {kind!r})",
                    "pass this search's own --checkpoint, or start without --resume")
    if envelope.get("state_version") != state_version:
        raise _fail(target, f"has state version {envelope.get('state_version')!r}; this code "
                    f"reads {state_version}", "start a fresh run without --resume")
    if check_params and params is not None:
        mine = json.loads(json.dumps(to_jsonable(params), sort_keys=True))
        theirs = envelope.get("params")
        if mine != theirs:
            diff = sorted(k for k in set(mine) | set(theirs or {})
                          if (theirs or {}).get(k) != mine.get(k)) if isinstance(theirs, dict) \
                and isinstance(mine, dict) else ["params"]
            shown = ", ".join(f"{k}={(theirs or {}).get(k)!r} there, {mine.get(k)!r} here"
                              for k in diff[:3])
            raise _fail(target, f"belongs to another {kind} search ({shown})",
                        "resume with the same arguments, or start without --resume")
    try:
        digest = hashlib.sha256(_canonical(envelope)).hexdigest()
    except (TypeError, ValueError):
        digest = None
    if digest != envelope.get("sha256"):
        raise _fail(target, "is corrupt or was edited (checksum mismatch)")
    try:
        states = pickle.loads(base64.b64decode(envelope["blob"]))
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means a bad file
        raise _fail(target, f"holds states this code cannot read ({type(exc).__name__})") from exc
    return envelope, states


def save_checkpoint(path: str | os.PathLike[str], data: dict[str, Any], *, kind: str) -> None:
    """Atomically write ``data`` (any picklable dict) as a checkpoint of ``kind``.

    Raises:
        StoreError: the file cannot be written (the previous checkpoint is kept).
        InvalidInputError: ``data`` cannot be pickled.
    """
    write_envelope(path, kind=kind, states=data)


def load_checkpoint(path: str | os.PathLike[str], *, kind: str) -> dict[str, Any] | None:
    """Read a checkpoint written by :func:`save_checkpoint`; None if the file does not exist.

    Raises:
        CheckpointError: the file is not a disco checkpoint, is corrupt or truncated, or was
            written by another ``kind`` of search or another version.
    """
    out = read_envelope(path, kind=kind, check_params=False)
    return None if out is None else out[1]
