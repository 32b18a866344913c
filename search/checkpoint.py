"""Atomic checkpoint files for resumable searches.

A checkpoint is a pickle of a dict tagged with a format name and version. It is written to a
temporary file in the same directory, flushed and fsynced, then moved over the old file with
:func:`os.replace`, so a reader (or a resumed run after SIGKILL) sees either the previous or
the new checkpoint, never a torn one.

Pickle is used because walker states hold numpy arrays and generator states; only load
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

import os
import pickle
from pathlib import Path
from typing import Any

from engine.errors import InvalidInputError, StoreError

__all__ = ["save_checkpoint", "load_checkpoint", "CHECKPOINT_VERSION"]

#: Version of the checkpoint envelope.
CHECKPOINT_VERSION = 1
_MAGIC = "disco-checkpoint"


def save_checkpoint(path: str | os.PathLike[str], data: dict[str, Any], *, kind: str) -> None:
    """Atomically write ``data`` to ``path`` (temp file + fsync + ``os.replace``).

    Args:
        path: the checkpoint file.
        data: picklable state.
        kind: what wrote it (checked on load, so a driver never resumes another's file).

    Raises:
        StoreError: the file cannot be written (the previous checkpoint is kept).
        InvalidInputError: ``data`` cannot be pickled.
    """
    target = Path(path)
    envelope = {"magic": _MAGIC, "version": CHECKPOINT_VERSION, "kind": kind, "data": data}
    try:
        blob = pickle.dumps(envelope, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise InvalidInputError(
            f"checkpoint state for {kind!r} cannot be pickled ({exc}); make states plain "
            "data (dicts, lists, numpy arrays, top-level classes)"
        ) from exc
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # pragma: no cover
            pass
        raise StoreError(f"cannot write checkpoint {str(target)!r}: {exc}") from exc


def load_checkpoint(path: str | os.PathLike[str], *, kind: str) -> dict[str, Any] | None:
    """Read a checkpoint written by :func:`save_checkpoint`; None if the file does not exist.

    Raises:
        StoreError: the file is not a disco checkpoint, is corrupt, or was written by
            another ``kind`` of search.
    """
    target = Path(path)
    if not target.exists():
        return None
    try:
        with open(target, "rb") as fh:
            envelope = pickle.load(fh)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means a bad file
        raise StoreError(
            f"checkpoint {str(target)!r} is corrupt or not a disco checkpoint ({exc}); "
            "delete it or pass resume=False"
        ) from exc
    if not isinstance(envelope, dict) or envelope.get("magic") != _MAGIC:
        raise StoreError(f"{str(target)!r} is not a disco checkpoint; delete it or use another path")
    if envelope.get("version") != CHECKPOINT_VERSION:
        raise StoreError(
            f"checkpoint {str(target)!r} has version {envelope.get('version')!r}, this code "
            f"reads {CHECKPOINT_VERSION}; start a fresh run (resume=False)"
        )
    if envelope.get("kind") != kind:
        raise StoreError(
            f"checkpoint {str(target)!r} was written by {envelope.get('kind')!r}, not {kind!r}; "
            "pass another checkpoint path or resume=False"
        )
    return envelope["data"]
