"""``disco alt``: alternating matrices of constant rank.

Subcommands::

    disco alt rank FILE [--field F]          rank / Pfaffian of a matrix (or rank profile of a space)
    disco alt check FILE [--field F3]        decide whether a space has constant rank
    disco alt extremal --n 7 --r 4 [--field Q]   theorem + explicit extremal space
    disco alt search --n 6 --r 4 --field F2  search a large constant-rank space (stored)
    disco alt table [--fields 2,3,5]         best found vs the theorem's formula

FILE is JSON: a matrix ``[[0, 1], [-1, 0]]`` (or ``{"matrix": ..., "field": ...}``) for
``rank``, and a space ``{"n": 4, "field": "F3", "base": [[...]], "directions": [[[...]], ...]}``
for ``check`` (``field`` is ``"Q"``, a prime, or ``"F3"``; ``n`` optional).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from search.app.cli._common import add_common_flags, emit


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("alt", help="alternating matrices: rank, Pfaffian, constant-rank spaces",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="alt_command", metavar="SUBCOMMAND")

    q = sub.add_parser("rank", help="exact rank and Pfaffian of an alternating matrix (JSON file)")
    q.add_argument("file", help="JSON file with a matrix (list of rows) or a space")
    q.add_argument("--field", default=None, help="Q (default), a prime p, or F3/GF(5)")
    add_common_flags(q)
    q.set_defaults(handler=_rank)

    q = sub.add_parser("check", help="decide whether an affine family has constant rank")
    q.add_argument("file", help="JSON file {n, field, base, directions}")
    q.add_argument("--field", default=None, help="override the file's field: Q, a prime, F3...")
    q.add_argument("--method", default="auto", choices=["auto", "exhaustive", "symbolic"])
    q.add_argument("--max-points", type=int, default=10**7, help="largest p^d scanned exhaustively")
    add_common_flags(q)
    q.set_defaults(handler=_check)

    q = sub.add_parser("extremal", help="greatest dimension (theorem) and an explicit extremal space")
    q.add_argument("--n", type=int, required=True)
    q.add_argument("--r", type=int, required=True)
    q.add_argument("--field", default="Q")
    q.add_argument("--verify", action="store_true", help="also run constant_rank() on the space")
    q.add_argument("--output", "-o", default=None, help="write the space JSON to this file")
    add_common_flags(q)
    q.set_defaults(handler=_extremal)

    q = sub.add_parser("search", help="search a large constant-rank space over F_p (results stored)")
    q.add_argument("--n", type=int, required=True)
    q.add_argument("--r", type=int, required=True)
    q.add_argument("--field", default="F2")
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--time-limit", type=float, default=30.0, help="seconds (default 30)")
    q.add_argument("--steps", type=int, default=None, help="proposal budget (optional)")
    q.add_argument("--method", default="walk", choices=["walk", "tabu", "annealing"],
                   help="walk (default), or the generic tabu / annealing drivers")
    q.add_argument("--checkpoint", default=None, help="checkpoint file (resume with --resume)")
    q.add_argument("--resume", action="store_true")
    q.add_argument("--output", "-o", default=None, help="write the best space JSON to this file")
    add_common_flags(q)
    q.set_defaults(handler=_search)

    q = sub.add_parser("table", help="best dimensions found vs the theorem's formula")
    q.add_argument("--fields", default="2,3,5", help="comma-separated primes (default 2,3,5)")
    add_common_flags(q)
    q.set_defaults(handler=_table)

    p.set_defaults(handler=lambda args: (p.print_help(), 0)[1])


def _load(path: str) -> Any:
    from engine.errors import InvalidInputError

    f = Path(path)
    if not f.is_file():
        raise InvalidInputError(f"FILE {path!r} does not exist; give a JSON file")
    try:
        return json.loads(f.read_text())
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"FILE {path!r} is not valid JSON: {exc}") from None


def _rank(args: argparse.Namespace) -> int:
    from engine.alternating import AlternatingMatrix, parse_field
    from solvers.constant_rank import AffineAlternatingSpace

    data = _load(args.file)
    if isinstance(data, dict) and "base" in data:
        if args.field is not None:
            data = dict(data, field=args.field)
        sp = AffineAlternatingSpace.from_json(data)
        out: dict[str, Any] = {"n": sp.n, "field": sp.field, "dimension": sp.dimension,
                               "base_rank": sp.rank_at([0] * sp.dimension)}
        if sp.field != "Q" and int(sp.field) ** sp.dimension <= 10**7:
            out["rank_profile"] = sp.rank_profile()
        emit(out, args.json, "\n".join(f"{k}: {v}" for k, v in out.items()))
        return 0
    field = args.field
    if isinstance(data, dict):
        field = field if field is not None else data.get("field", "Q")
        data = data.get("matrix")
    f = parse_field(field if field is not None else "Q")
    A = AlternatingMatrix(data, f)
    out = {"n": A.n, "field": f, "rank": A.rank()}
    if A.n % 2 == 0:
        out["pfaffian"] = A.pfaffian()
    emit(out, args.json, "\n".join(f"{k}: {v}" for k, v in out.items()))
    return 0


def _check(args: argparse.Namespace) -> int:
    from solvers.constant_rank import AffineAlternatingSpace

    data = _load(args.file)
    if not isinstance(data, dict):
        from engine.errors import InvalidInputError

        raise InvalidInputError("FILE must hold a JSON object {n, field, base, directions}")
    if args.field is not None:
        data = dict(data, field=args.field)
    sp = AffineAlternatingSpace.from_json(data)
    res = sp.constant_rank(method=args.method, max_points=args.max_points)
    if res.status == "constant":
        text = f"constant rank {res.rank} on all of the {sp.dimension}-dimensional family over {_fname(sp.field)} ({res.method}: {res.certificate.get('kind')})"
    elif res.status == "not_constant":
        text = f"NOT constant: rank {res.witness_rank} at t = {[str(x) for x in res.witness]} (reference rank {res.rank})"
    else:
        text = f"unknown: {res.reason}"
    emit(res, args.json, text)
    return 0


def _fname(f: Any) -> str:
    return "Q" if f == "Q" else f"F{f}"


def _extremal(args: argparse.Namespace) -> int:
    from solvers.constant_rank import constant_rank_theory, extremal_space

    th = constant_rank_theory(args.n, args.r, args.field)
    sp = extremal_space(args.n, args.r, args.field)
    out: dict[str, Any] = {"theory": th.to_json(), "space": sp.to_json()}
    if args.verify:
        out["verification"] = sp.constant_rank().to_json()
    if args.output:
        Path(args.output).write_text(json.dumps(sp.to_json()) + "\n")
    if th.covered:
        head = f"a({args.n}, {args.r}) over {_fname(th.field)} = {th.dimension}  [{th.condition}]"
    else:
        head = (f"not covered over {_fname(th.field)}: {th.reason}; construction gives >= {th.lower_bound}, "
                f"best found by search: {th.best_found if th.best_found is not None else 'none stored'}")
    lines = [head, f"explicit space: dimension {sp.dimension}, rank {args.r}"]
    if args.verify:
        lines.append(f"verified: {out['verification']['status']} ({out['verification']['method']})")
    emit(out, args.json, "\n".join(lines))
    return 0


def _search(args: argparse.Namespace) -> int:
    from search.altspaces import search_constant_rank
    from search.store import ResultsStore

    store = ResultsStore(args.db)
    try:
        res = search_constant_rank(args.n, args.r, args.field, seed=args.seed, time_limit=args.time_limit,
                                   steps=args.steps, store=store, checkpoint=args.checkpoint,
                                   resume=args.resume, progress=not (args.quiet or args.json),
                                   method=args.method)
    finally:
        store.close()
    if args.output:
        Path(args.output).write_text(json.dumps(res.space.to_json()) + "\n")
    text = (f"best dimension {res.dimension} over F{res.field} for n={res.n}, r={res.r} "
            f"(formula {res.formula}, theorem {'covers' if res.covered else 'does not cover'} F{res.field}; "
            f"maximal: {res.maximal}); {res.steps} steps, stop: {res.stop_reason}; verified")
    if getattr(res, "optimal", False):
        text += "\nproved optimal: " + str(getattr(res, "stop_detail", "") or "the dimension equals a proved upper bound")
    elif getattr(res, "stop_detail", None):
        text += f"\n{res.stop_detail}"
    if res.beats_formula:
        text += "\nBEATS the formula (possible only outside the theorem's field condition)"
    emit(res, args.json, text)
    return 0


def _table(args: argparse.Namespace) -> int:
    from engine.alternating import parse_field
    from search.altspaces import comparison_table, format_table

    fields = tuple(int(parse_field(x.strip())) for x in args.fields.split(",") if x.strip())
    rows = comparison_table(fields=fields)
    emit(rows, args.json, format_table(rows))
    return 0
