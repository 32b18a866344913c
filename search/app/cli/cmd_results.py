"""``disco results``: list, show, export and re-verify the results store and its runs.

``disco results verify ID`` or ``disco results verify --all`` rebuilds each stored record from
its payload and re-verifies it exactly (:mod:`search.app.verify`), prints one line per record
(``--json``: a list), names every record that fails, and exits 1 if any does (2 for a bad id
or store); records of a domain without an exact verifier are reported as skipped.

The store is ``--db FILE``, else ``$DISCO_DB``, else ``./disco.db``. These commands only read:
when the file does not exist they do **not** create it; ``list`` and ``runs`` print an empty
list (``[]`` with ``--json``), ``export`` writes an empty export, and ``show ID`` fails with
exit code 2 (no such result).

Examples:
    >>> import os, tempfile
    >>> from search.app.cli import main
    >>> db = os.path.join(tempfile.mkdtemp(), "none.db")
    >>> main(["results", "list", "--json", "--db", db])
    []
    0
    >>> os.path.exists(db)
    False
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import Any

from engine.errors import InvalidInputError
from search.app.cli._common import add_common_flags, emit

__all__ = ["register"]


def _store_path(args: argparse.Namespace) -> Path:
    from search.store import default_store_path

    return Path(args.db) if args.db else default_store_path()


def _open(args: argparse.Namespace):
    """The store, or None when the file does not exist (never created by these commands)."""
    from search.store import ResultsStore

    path = _store_path(args)
    if not path.exists():
        return None
    return ResultsStore(path, create=False)


def _verified_filter(args: argparse.Namespace) -> bool | None:
    if getattr(args, "verified", False):
        return True
    if getattr(args, "unverified", False):
        return False
    return None


def _query(args: argparse.Namespace) -> list:
    store = _open(args)
    if store is None:
        return []
    with store:
        return store.results(domain=args.domain, run_id=args.run, verified=_verified_filter(args),
                             limit=args.limit, order=args.order)


def _short(text: Any, width: int) -> str:
    s = str(text)
    return s if len(s) <= width else s[: width - 3] + "..."


def _table(rows: list) -> str:
    if not rows:
        return "no results"
    lines = [f"{'id':>6}  {'domain':<10} {'key':<40} {'score':>12}  {'ok':<3} method"]
    for r in rows:
        score = "" if r.score is None else f"{r.score:.6g}"
        lines.append(
            f"{r.id:>6}  {_short(r.domain, 10):<10} {_short(r.key, 40):<40} {score:>12}  "
            f"{'yes' if r.verified else 'no':<3} {r.verification_method or ''}"
        )
    return "\n".join(lines)


def _list(args: argparse.Namespace) -> int:
    rows = _query(args)
    if args.csv:
        from search.store import write_rows

        buf = io.StringIO()
        write_rows(rows, buf, "csv")
        sys.stdout.write(buf.getvalue())
        return 0
    emit([r.to_json() for r in rows], args.json, _table(rows))
    return 0


def _show(args: argparse.Namespace) -> int:
    store = _open(args)
    if store is None:
        raise InvalidInputError(
            f"result id {args.id} not found: the results store {str(_store_path(args))!r} does "
            "not exist yet (run a search first, or pass --db)"
        )
    with store:
        row = store.get(args.id)
        run = store.get_run(row.run_id) if row.run_id is not None else None
    data = row.to_json()
    if run is not None:
        data["run"] = run.to_json()
    text = "\n".join(
        [f"{k}: {json.dumps(v) if k in ('payload', 'run') else v}" for k, v in data.items()]
    )
    emit(data, args.json, text)
    return 0


def _export(args: argparse.Namespace) -> int:
    from search.store import write_rows

    if args.csv and args.json:
        raise InvalidInputError("--csv and --json exclude each other; pick one export format")
    from search.flags import check_output

    check_output(args.output, args.force)
    out = Path(args.output) if args.output else None
    if args.csv:
        fmt = "csv"
    elif args.json or out is None:
        fmt = "json"
    else:
        fmt = "csv" if out.suffix.lower() == ".csv" else "json"
    rows = _query(args)
    if out is None:
        buf = io.StringIO()
        write_rows(rows, buf, fmt)
        sys.stdout.write(buf.getvalue())
        return 0
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            write_rows(rows, fh, fmt)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInputError(f"--output={args.output!r} cannot be written: {exc}") from exc
    if not args.quiet:
        print(f"exported {len(rows)} results to {out} ({fmt})", file=sys.stderr)
    return 0


def _verify(args: argparse.Namespace) -> int:
    from search.app.verify import verify_rows

    if args.all == (args.id is not None):
        raise InvalidInputError("give one result ID or --all (disco results verify ID | --all)")
    store = _open(args)
    if store is None:
        if args.id is not None:
            raise InvalidInputError(
                f"result id {args.id} not found: the results store {str(_store_path(args))!r} "
                "does not exist"
            )
        rows = []
    else:
        with store:
            rows = [store.get(args.id)] if args.id is not None else \
                store.results(domain=args.domain)
    checks = verify_rows(rows)
    failed = [c for c in checks if c.status == "failed"]
    if args.json:
        emit([c.to_json() for c in checks], True)
    else:
        for c in checks:
            line = f"{c.status.upper():<7} #{c.id} {c.domain} {_short(c.key, 60)}: {c.what}"
            print(line, file=sys.stdout if c.status != "failed" else sys.stderr)
        ok = sum(c.status == "ok" for c in checks)
        skipped = sum(c.status == "skipped" for c in checks)
        print(f"{ok} re-verified exactly, {len(failed)} failed, {skipped} not re-verifiable "
              f"({len(checks)} records)")
    if failed:
        print("disco: error: " + f"{len(failed)} record(s) failed re-verification: "
              + ", ".join(f"#{c.id}" for c in failed), file=sys.stderr)
        return 1
    return 0


def _runs(args: argparse.Namespace) -> int:
    store = _open(args)
    runs = []
    if store is not None:
        with store:
            runs = store.runs(kind=args.kind, limit=args.limit)
    if not runs:
        text = "no runs"
    else:
        text = "\n".join(
            f"{r.id:>5}  {_short(r.kind, 24):<24} seed={r.seed}  started={r.started}  "
            f"stop={r.stop_reason or 'running/killed'}"
            for r in runs
        )
    emit([r.to_json() for r in runs], args.json, text)
    return 0


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--limit={text!r} must be an integer >= 0") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"--limit={text!r} must be an integer >= 0")
    return value


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--domain", help="only this domain (reactions, contfrac, schemes, ...)")
    p.add_argument("--run", type=int, default=None, help="only results first found by run ID")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--verified", action="store_true", help="only verified results")
    g.add_argument("--unverified", action="store_true", help="only unverified results")
    p.add_argument("--limit", type=_limit, default=None, help="at most N results")
    p.add_argument("--order", choices=["id", "score"], default="id",
                   help="id (insertion order, default) or score (best first)")


def register(subparsers: Any) -> None:
    """Add ``disco results {list,show,export,verify,runs}``."""
    p = subparsers.add_parser(
        "results", help="list, show and export stored results",
        description="Read the results store (--db, $DISCO_DB or ./disco.db). These commands "
        "never create the store: without one, list/runs print an empty list.",
    )
    sub = p.add_subparsers(dest="results_command", metavar="ACTION")

    lp = sub.add_parser("list", help="list stored results (JSON list with --json)")
    add_common_flags(lp)
    _filters(lp)
    lp.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    lp.set_defaults(handler=_list)

    sp = sub.add_parser("show", help="show one result with its run")
    add_common_flags(sp)
    sp.add_argument("id", type=int, help="result id (from `disco results list`)")
    sp.set_defaults(handler=_show)

    ep = sub.add_parser("export", help="export results to a JSON or CSV file")
    add_common_flags(ep)
    _filters(ep)
    ep.add_argument("--csv", action="store_true",
                    help="CSV (payload as a JSON column); --json (default) writes a JSON list")
    ep.add_argument("-o", "--output", default=None, help="output file (default: stdout)")
    ep.add_argument("--force", action="store_true", help="overwrite --output")
    ep.set_defaults(handler=_export)

    vp = sub.add_parser("verify", help="rebuild stored results from their payloads and "
                        "re-verify them exactly (exit 1 if any fails)")
    add_common_flags(vp)
    vp.add_argument("id", type=int, nargs="?", default=None, help="result id")
    vp.add_argument("--all", action="store_true", help="every stored result")
    vp.add_argument("--domain", default=None, help="with --all: only this domain")
    vp.set_defaults(handler=_verify)

    rp = sub.add_parser("runs", help="list recorded runs")
    add_common_flags(rp)
    rp.add_argument("--kind", default=None, help="only runs of this kind")
    rp.add_argument("--limit", type=_limit, default=None, help="at most N runs (newest first)")
    rp.set_defaults(handler=_runs)

    def _help(args: argparse.Namespace) -> int:
        p.print_help()
        return 0

    p.set_defaults(handler=_help)
