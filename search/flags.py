"""One set of command-line flags for every search command, and one exit-code convention.

Every ``disco ... search`` command is built with :func:`add_search_flags`, so the same flags
mean the same thing everywhere::

    --seed N  --time-limit S  --steps N  --target T  --workers N  --backend serial|process|dask
    --cluster ADDRESS  --checkpoint PATH  --checkpoint-every S  --resume  --db PATH
    -o/--output PATH  --force  --json  -q/--quiet

:func:`runner_options` turns the parsed flags into the keyword arguments of
:func:`search.runner.run_search` (after checking them: one clear error naming the flag, the
value and the fix), :func:`check_output` refuses to overwrite ``-o`` without ``--force``, and
:func:`exit_code` maps an outcome to the exit code documented in the README:

====  ====================================================================================
code  meaning
====  ====================================================================================
0     the target was reached, or the answer found (an enumeration completed)
1     the budget was spent without reaching the target (results found so far are stored)
2     bad input: a flag, a file, a checkpoint or a store that cannot be used
3     proved impossible (for example a target rank below a proved lower bound)
130   interrupted (Ctrl-C); everything verified so far is stored and checkpointed
====  ====================================================================================

Examples:
    >>> import argparse
    >>> from search.flags import add_search_flags, runner_options
    >>> p = add_search_flags(argparse.ArgumentParser(), target_help="target rank")
    >>> args = p.parse_args(["--seed", "1", "--time-limit", "5", "--target", "47"])
    >>> opts = runner_options(args)
    >>> opts["seed"], opts["budget"]
    (1, Budget(time_limit=5.0, steps=None, target=47.0))
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path
from typing import Any

from engine.errors import InvalidInputError
from search.core import Budget, StopReason

__all__ = [
    "add_search_flags",
    "runner_options",
    "check_output",
    "exit_code",
    "EXIT_OK",
    "EXIT_BUDGET",
    "EXIT_BAD_INPUT",
    "EXIT_INFEASIBLE",
    "EXIT_INTERRUPTED",
]

EXIT_OK = 0
EXIT_BUDGET = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_INTERRUPTED = 130


def add_search_flags(parser: argparse.ArgumentParser, *, target_help: str = "stop when reached",
                     steps_help: str = "units of work over all walkers",
                     time_limit: float | None = None, target_type: Any = float,
                     backend: str | None = None, workers_default: str = "1") -> argparse.ArgumentParser:
    """Add the flags every search command shares (see the module docstring).

    Args:
        parser: the subcommand's parser.
        target_help: what ``--target`` means for this search (a rank, edges, hits...).
        steps_help: what one step is for this search (flips, fractions, moves...).
        time_limit: the default ``--time-limit`` in seconds (None: no limit).
        target_type: ``int`` or ``float`` for ``--target``.
        backend: the default ``--backend`` (None: serial for one worker, else process).
        workers_default: what ``--workers`` defaults to, as its help says it (``"1"``).
    """
    g = parser.add_argument_group("search options (the same for every search command)")
    g.add_argument("--seed", type=int, default=None,
                   help="seed of every random choice (default: 0; recorded with the run)")
    g.add_argument("--time-limit", type=float, default=time_limit, metavar="S",
                   help="wall-clock seconds over the whole run, resumed parts included"
                   + (f" (default {time_limit:g})" if time_limit is not None else ""))
    g.add_argument("--steps", type=int, default=None, metavar="N", help=steps_help)
    g.add_argument("--target", type=target_type, default=None, help=target_help)
    g.add_argument("--workers", type=int, default=None, metavar="N",
                   help=f"parallel worker processes (default {workers_default}; Dask: the cluster's)")
    g.add_argument("--backend", default=backend, choices=["serial", "process", "dask"],
                   help="where walkers run (default: serial for one worker, else process)")
    g.add_argument("--cluster", default=None, metavar="ADDRESS",
                   help="run on an existing Dask cluster, e.g. tcp://host:8786")
    g.add_argument("--checkpoint", default=None, metavar="PATH",
                   help="checkpoint file, written atomically (continue it with --resume)")
    g.add_argument("--checkpoint-every", type=float, default=30.0, metavar="S",
                   help="seconds between checkpoints (default 30)")
    g.add_argument("--resume", action="store_true", help="continue the run in --checkpoint")
    g.add_argument("--db", default=None, metavar="PATH",
                   help="results store (default ./disco.db or $DISCO_DB)")
    g.add_argument("--output", "-o", default=None, metavar="PATH",
                   help="write the result here (never overwritten without --force)")
    g.add_argument("--force", action="store_true",
                   help="overwrite --output, or start over an existing --checkpoint")
    g.add_argument("--json", action="store_true", help="print machine-readable JSON on stdout")
    g.add_argument("--quiet", "-q", action="store_true", help="no progress lines on stderr")
    g.add_argument("--no-store", action="store_true", help="do not record results in the store")
    return parser


def _positive(name: str, value: Any, *, integer: bool = False, zero: bool = False) -> None:
    if value is None:
        return
    bad = (isinstance(value, float) and not math.isfinite(value)) or \
        (value < 0 if zero else value <= 0)
    if bad:
        what = "an integer" if integer else "a number"
        raise InvalidInputError(f"{name} {value!r} must be {what} {'>= 0' if zero else '> 0'}")


def check_output(path: str | os.PathLike[str] | None, force: bool, flag: str = "--output") -> None:
    """Refuse an output path that exists (without ``--force``), is a directory, or lies in a
    directory that does not exist.

    Raises:
        InvalidInputError: naming the flag, the path and the fix.

    Examples:
        >>> from search.flags import check_output
        >>> check_output(None, False)
        >>> check_output("/", False)
        Traceback (most recent call last):
        ...
        engine.errors.InvalidInputError: --output '/' is a directory; give a file name
    """
    if path is None:
        return
    out = Path(path)
    if out.is_dir():
        raise InvalidInputError(f"{flag} {str(path)!r} is a directory; give a file name")
    if out.exists() and not force:
        raise InvalidInputError(f"{flag} {str(path)!r} already exists; pass --force to overwrite it")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise InvalidInputError(
            f"{flag} {str(path)!r}: the directory {str(out.parent)!r} does not exist; create it first"
        )


def runner_options(args: argparse.Namespace, *, store: bool = True) -> dict[str, Any]:
    """Keyword arguments of :func:`search.runner.run_search` from :func:`add_search_flags` flags.

    Checks every flag first (nothing is created or written before they all pass): seeds and
    counts are non-negative, ``--resume`` comes with ``--checkpoint``, ``--output`` may be
    written, a ``--checkpoint`` directory exists, the store opens.

    Returns:
        ``{"budget", "seed", "workers", "backend", "cluster", "checkpoint",
        "checkpoint_every", "resume", "force", "store", "progress"}``.

    Raises:
        InvalidInputError: a bad flag (named, with the fix).
        StoreError: the store is locked, foreign or corrupt.
    """
    seed = getattr(args, "seed", None)
    if seed is not None and seed < 0:
        raise InvalidInputError(f"--seed {seed} must be a non-negative integer")
    _positive("--time-limit", getattr(args, "time_limit", None))
    _positive("--steps", getattr(args, "steps", None), integer=True)
    _positive("--workers", getattr(args, "workers", None), integer=True)
    _positive("--checkpoint-every", getattr(args, "checkpoint_every", 30.0))
    target = getattr(args, "target", None)
    if isinstance(target, float) and not math.isfinite(target):
        raise InvalidInputError(f"--target {target!r} must be a finite number")
    checkpoint = getattr(args, "checkpoint", None)
    resume = bool(getattr(args, "resume", False))
    if resume and checkpoint is None:
        raise InvalidInputError("--resume continues a checkpoint; give it with --checkpoint PATH")
    if checkpoint is not None:
        from search.checkpoint import check_checkpoint_path

        check_checkpoint_path(checkpoint, "--checkpoint")
        if not resume and Path(checkpoint).exists() and not getattr(args, "force", False):
            raise InvalidInputError(
                f"--checkpoint {checkpoint!r} already exists; pass --resume to continue that run, "
                "or --force to start over and replace it"
            )
    check_output(getattr(args, "output", None), bool(getattr(args, "force", False)))
    cluster = getattr(args, "cluster", None)
    backend = getattr(args, "backend", None)
    if cluster is not None and backend not in (None, "dask"):
        raise InvalidInputError(f"--cluster runs on Dask; drop --backend {backend}")
    st = None
    if store and not getattr(args, "no_store", False):
        from search.store import ResultsStore

        st = ResultsStore(getattr(args, "db", None))
    return {
        "budget": Budget(time_limit=getattr(args, "time_limit", None),
                         steps=getattr(args, "steps", None), target=target),
        "seed": 0 if seed is None and not resume else seed,
        "workers": getattr(args, "workers", None),
        "backend": "dask" if cluster is not None else backend,
        "cluster": cluster,
        "checkpoint": checkpoint,
        "checkpoint_every": float(getattr(args, "checkpoint_every", 30.0)),
        "resume": resume,
        "force": bool(getattr(args, "force", False)),
        "store": st,
        "progress": not getattr(args, "quiet", False),
    }


def exit_code(stop_reason: Any, reached: bool | None = None) -> int:
    """The exit code of a search outcome (see the table in the module docstring).

    Args:
        stop_reason: the :class:`search.core.StopReason` (or its value).
        reached: whether the target was reached / the answer found (default: from the stop
            reason: ``target_reached`` and ``exhausted`` count as found).

    Examples:
        >>> from search.flags import exit_code
        >>> exit_code("target_reached"), exit_code("time_limit"), exit_code("exhausted")
        (0, 1, 0)
        >>> exit_code("interrupted")
        130
    """
    reason = StopReason(getattr(stop_reason, "value", stop_reason))
    if reason is StopReason.INTERRUPTED:
        return EXIT_INTERRUPTED
    if reached is None:
        reached = reason in (StopReason.TARGET_REACHED, StopReason.EXHAUSTED)
    return EXIT_OK if reached else EXIT_BUDGET
