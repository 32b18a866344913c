"""``disco alt``: alternating matrices of constant rank.

Subcommands::

    disco alt rank FILE [--field F]          rank / Pfaffian of a matrix (or rank profile of a space)
    disco alt check FILE [--field F3]        decide whether a space has constant rank
    disco alt extremal --n 7 --r 4 [--field Q]   theorem + explicit extremal space
    disco alt search --n 6 --r 4 --field F2 [--steps N] [--checkpoint ck --resume] [-o best.json]
                                             search a large constant-rank space (stored; the
                                             search flags of every disco search command)
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
from search.flags import add_search_flags

_SEARCH_DOC = """Search a large affine space of n x n alternating matrices of constant rank r over F_p.

Every family found is verified exactly (its rank at every point) and committed to the results
store (domain altspaces) before it is printed; --checkpoint PATH --checkpoint-every S writes a
checkpoint that --resume continues after a crash (nothing verified is lost). -o PATH writes the
best space as JSON (the format of 'disco alt check'; never overwritten without --force).

Exit codes: 0 the target (default: a proved greatest dimension) was reached; 1 the budget was
spent first (the best family found is stored and printed); 2 bad input; 3 the target exceeds a
proved greatest dimension (no such family exists).
"""


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
    q.add_argument("--output", "-o", default=None,
                   help="write the space JSON to this file (never overwritten without --force)")
    q.add_argument("--force", action="store_true", help="overwrite --output")
    add_common_flags(q)
    q.set_defaults(handler=_extremal)

    q = sub.add_parser("search", help="search a large constant-rank space over F_p (results stored)",
                       description=_SEARCH_DOC, formatter_class=argparse.RawDescriptionHelpFormatter)
    q.add_argument("--n", type=int, required=True, help="matrix size (>= 2)")
    q.add_argument("--r", type=int, required=True, help="the constant rank (even, 2 <= r <= n)")
    q.add_argument("--field", default="F2", help="a prime field: F2 (default), F3, 5, ...")
    q.add_argument("--method", default="walk", choices=["walk", "tabu", "annealing"],
                   help="walk (default), or the generic tabu / annealing drivers")
    q.add_argument("--candidates", type=int, default=512,
                   help="random candidate directions per extension attempt (default 512)")
    q.add_argument("--no-stop-at-bound", dest="stop_at_bound", action="store_false",
                   help="run the whole budget even after reaching a proved greatest dimension")
    add_search_flags(q, time_limit=30.0, target_type=int,
                     target_help="stop once a verified family has this dimension (default: the "
                                 "proved greatest dimension, when one is known)",
                     steps_help="proposals (one family evaluated per step)")
    q.set_defaults(handler=_search)

    q = sub.add_parser("table", help="best dimensions found vs the theorem's formula")
    q.add_argument("--fields", default="2,3,5", help="comma-separated primes (default 2,3,5)")
    add_common_flags(q)
    q.set_defaults(handler=_table)

    p.set_defaults(handler=lambda args: (p.print_help(), 0)[1])


def _load(path: str) -> Any:
    from engine.errors import InvalidInputError

    f = Path(path)
    if f.is_dir():
        raise InvalidInputError(f"FILE {path!r} is a directory; give a JSON file")
    if not f.is_file():
        raise InvalidInputError(f"FILE {path!r} does not exist; give a JSON file")
    try:
        return json.loads(f.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInputError(f"FILE {path!r} cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"FILE {path!r} is not UTF-8 text (byte {exc.start}); give a JSON file") from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"FILE {path!r} is not valid JSON: {exc}") from None
    except RecursionError:
        raise InvalidInputError(f"FILE {path!r} nests too deeply to be a matrix or a space") from None


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
    from engine.errors import InvalidInputError
    from solvers.constant_rank import AffineAlternatingSpace

    if args.max_points < 0:
        raise InvalidInputError(f"--max-points {args.max_points} must be an integer >= 0")
    data = _load(args.file)
    if not isinstance(data, dict):
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
    from search.flags import check_output
    from solvers.constant_rank import constant_rank_theory, extremal_space

    check_output(args.output, args.force)
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
    from engine.errors import InfeasibleError, InvalidInputError
    from search.altspaces import search_constant_rank
    from search.altspaces.search import MAX_CANDIDATES, MAX_WALKERS, _check_search_args
    from search.flags import exit_code, runner_options
    from solvers.constant_rank.optimality import proved_upper_bound

    # every check before anything is created or written (the store included)
    n, r, p = _check_search_args(args.n, args.r, args.field)
    if not 1 <= args.candidates <= MAX_CANDIDATES:
        raise InvalidInputError(f"--candidates {args.candidates} must be an integer in 1..{MAX_CANDIDATES}")
    if args.workers is not None and args.workers > MAX_WALKERS:
        raise InvalidInputError(f"--workers {args.workers} exceeds {MAX_WALKERS}; use fewer")
    bound = proved_upper_bound(n, r, p)
    if args.target is not None:
        if args.target < 0:
            raise InvalidInputError(f"--target {args.target} must be a dimension >= 0")
        if bound is not None and args.target > bound[0]:
            raise InfeasibleError(f"--target {args.target} exceeds the proved greatest dimension "
                                  f"a({n}, {r}; F{p}) = {bound[0]} ({bound[1]}); no such family exists")
    opts = runner_options(args)
    store = opts.pop("store")
    try:
        res = search_constant_rank(n, r, p, store=store, method=args.method,
                                   candidates=args.candidates, stop_at_bound=args.stop_at_bound,
                                   **opts)
    finally:
        if store is not None:
            store.close()
    if args.output:
        Path(args.output).write_text(json.dumps(res.space.to_json()) + "\n")
    text = (f"best dimension {res.dimension} over F{res.field} for n={res.n}, r={res.r} "
            f"(formula {res.formula}, theorem {'covers' if res.covered else 'does not cover'} F{res.field}; "
            f"maximal: {res.maximal}); {res.steps} steps, stop: {res.stop_reason.value}; verified")
    if res.optimal:
        text += "\nproved optimal: " + (res.stop_detail or "the dimension equals a proved upper bound")
    elif res.stop_detail:
        text += f"\n{res.stop_detail}"
    if res.beats_formula:
        text += "\nBEATS the formula (possible only outside the theorem's field condition)"
    if res.run_id is not None:
        text += f"\nstored: run {res.run_id} in {store.path}"
    emit(res, args.json, text)
    return exit_code(res.stop_reason)


def _table(args: argparse.Namespace) -> int:
    from engine.alternating import parse_field
    from engine.errors import InvalidInputError
    from search.altspaces import comparison_table, format_table

    fields = tuple(parse_field(x.strip(), "--fields") for x in args.fields.split(",") if x.strip())
    if not fields or "Q" in fields:
        raise InvalidInputError(
            f"--fields {args.fields!r} must name primes separated by commas, e.g. '2,3,5' (the "
            "table compares searches over finite fields)")
    rows = comparison_table(fields=fields)
    emit(rows, args.json, format_table(rows))
    return 0
